import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import type { ThrottleRule, ThrottleStore } from './store.js';

/**
 * The same check-and-count as MemoryThrottleStore, as one Lua script: Redis runs
 * a script alone, so two instances reserving for the same key at the same
 * moment cannot both see the old count. The backoff arithmetic mirrors
 * backoffWaitMs in ./store.ts.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[1 + 2 * i])
  local maxDelay = tonumber(ARGV[2 + 2 * i])
  local v = redis.call('HMGET', key, 'count', 'last')
  local count = tonumber(v[1]) or 0
  local last = tonumber(v[2]) or 0
  if count >= free then
    local delay = math.min(1000 * 2 ^ math.min(count - free, 30), maxDelay)
    wait = math.max(wait, last + delay - now)
  end
end
if wait > 0 then
  return math.ceil(wait)
end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'count', 1)
  redis.call('HSET', key, 'last', ARGV[1])
  redis.call('PEXPIRE', key, window)
end
return 0
`;

const REFUND = `
for _, key in ipairs(KEYS) do
  local count = tonumber(redis.call('HGET', key, 'count') or '0')
  if count and count > 0 then
    redis.call('HINCRBY', key, 'count', -1)
  end
end
return 0
`;

const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

interface ThrottleCommands {
  throttleReserve(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  throttleRefund(numKeys: number, ...keys: string[]): Promise<number>;
  throttleHit(key: string, windowMs: number): Promise<[number, number]>;
}

/** Counters in Redis, shared by every instance (REDIS_URL). */
export class RedisThrottleStore implements ThrottleStore {
  private readonly redis: Redis & ThrottleCommands;

  constructor(
    url: string,
    private readonly prefix = 'netpilot:throttle:',
  ) {
    // Loaded here, not imported at the top: a server without REDIS_URL never loads ioredis.
    const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof IORedis;
    const redis = new RedisClient(url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    });
    // Errors surface on the commands; without a listener ioredis would print them.
    redis.on('error', () => {});
    // defineCommand sends EVALSHA, and the script itself once when Redis lacks it.
    redis.defineCommand('throttleReserve', { lua: RESERVE });
    redis.defineCommand('throttleRefund', { lua: REFUND });
    redis.defineCommand('throttleHit', { lua: HIT, numberOfKeys: 1 });
    this.redis = redis as Redis & ThrottleCommands;
  }

  async reserve(rules: readonly ThrottleRule[], nowMs: number, windowMs: number): Promise<number> {
    const keys = rules.map((r) => this.prefix + r.key);
    const args = rules.flatMap((r) => [r.free, r.maxDelayMs]);
    return this.redis.throttleReserve(keys.length, ...keys, nowMs, windowMs, ...args);
  }

  async reset(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) {
      await this.redis.del(...keys.map((k) => this.prefix + k));
    }
  }

  async refund(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) {
      await this.redis.throttleRefund(keys.length, ...keys.map((k) => this.prefix + k));
    }
  }

  async hit(key: string, _nowMs: number, windowMs: number) {
    const [count, resetInMs] = await this.redis.throttleHit(this.prefix + key, windowMs);
    return { count, resetInMs };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
