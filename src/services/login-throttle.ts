import { Redis } from 'ioredis';

/** Failures counted for one key within the window. */
export interface FailureRecord {
  count: number;
  lastFailureAt: number;
}

/** Where failure counters live: this process, or Redis so that every instance shares them. */
export interface ThrottleStore {
  get(key: string): Promise<FailureRecord | null>;
  recordFailure(key: string, now: number, windowMs: number): Promise<void>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryThrottleStore implements ThrottleStore {
  private readonly entries = new Map<string, FailureRecord & { expiresAt: number }>();

  async get(key: string): Promise<FailureRecord | null> {
    const e = this.entries.get(key);
    if (!e || e.expiresAt <= Date.now()) {
      return null;
    }
    return { count: e.count, lastFailureAt: e.lastFailureAt };
  }

  async recordFailure(key: string, now: number, windowMs: number): Promise<void> {
    const e = await this.get(key);
    this.entries.set(key, {
      count: (e?.count ?? 0) + 1,
      lastFailureAt: now,
      expiresAt: Date.now() + windowMs,
    });
    if (this.entries.size > 100_000) {
      this.prune();
    }
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private prune() {
    const now = Date.now();
    for (const [k, e] of this.entries) {
      if (e.expiresAt <= now) {
        this.entries.delete(k);
      }
    }
  }
}

export class RedisThrottleStore implements ThrottleStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'netpilot:login:',
  ) {
    this.redis = new Redis(url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    });
    // Errors surface on the commands; without a listener ioredis would print them.
    this.redis.on('error', () => {});
  }

  async get(key: string): Promise<FailureRecord | null> {
    const [count, last] = await this.redis.hmget(this.prefix + key, 'count', 'last');
    if (count === null || count === undefined || last === null || last === undefined) {
      return null;
    }
    return { count: Number(count), lastFailureAt: Number(last) };
  }

  async recordFailure(key: string, now: number, windowMs: number): Promise<void> {
    await this.redis
      .multi()
      .hincrby(this.prefix + key, 'count', 1)
      .hset(this.prefix + key, 'last', String(now))
      .pexpire(this.prefix + key, windowMs)
      .exec();
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

export interface ThrottleOptions {
  windowMs: number;
  /** Failures allowed per (account, IP) before backoff starts. */
  freeAttempts: number;
}

interface Rule {
  key: string;
  free: number;
  maxDelayMs: number;
}

/**
 * Slows brute force per IP and per account with exponential backoff, never a
 * hard lockout. Three counters: (account, IP) backs off fast; the IP alone
 * allows a household behind one address more; the account alone allows the
 * most and caps its delay at a minute, so an attacker elsewhere cannot keep the
 * real user out.
 */
export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly options: ThrottleOptions,
  ) {}

  private rules(email: string, ip: string): Rule[] {
    const account = email.trim().toLowerCase();
    const free = this.options.freeAttempts;
    return [
      { key: `acct-ip:${account}|${ip}`, free, maxDelayMs: 15 * 60_000 },
      { key: `ip:${ip}`, free: free * 4, maxDelayMs: 15 * 60_000 },
      { key: `acct:${account}`, free: free * 10, maxDelayMs: 60_000 },
    ];
  }

  /** Seconds the caller must wait before trying again, or 0. */
  async retryAfterSeconds(email: string, ip: string, now: number): Promise<number> {
    let waitMs = 0;
    for (const rule of this.rules(email, ip)) {
      const record = await this.store.get(rule.key);
      if (!record || record.count < rule.free) {
        continue;
      }
      const delay = Math.min(1000 * 2 ** (record.count - rule.free), rule.maxDelayMs);
      waitMs = Math.max(waitMs, record.lastFailureAt + delay - now);
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  async recordFailure(email: string, ip: string, now: number): Promise<void> {
    await Promise.all(
      this.rules(email, ip).map((r) => this.store.recordFailure(r.key, now, this.options.windowMs)),
    );
  }

  /** A successful login clears that account's counters (the IP's stay). */
  async recordSuccess(email: string, ip: string): Promise<void> {
    const [acctIp, , acct] = this.rules(email, ip);
    await Promise.all([this.store.reset(acctIp!.key), this.store.reset(acct!.key)]);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
