/**
 * Where throttle counters live: this process ({@link MemoryThrottleStore}) or
 * Redis, so that every instance shares them (./redis-store.ts). Both make the
 * check and the count ONE atomic step: an attempt is reserved before the
 * password is verified, so concurrent attempts cannot all pass a check that
 * none of them has counted yet.
 */

/** One counter an attempt is judged by. */
export interface ThrottleRule {
  key: string;
  /** Attempts allowed within the window before backoff starts. */
  free: number;
  /** The longest wait the backoff can impose. */
  maxDelayMs: number;
}

export interface ThrottleStore {
  /**
   * Atomically: when any rule's counter is in backoff, answers the milliseconds
   * to wait and counts nothing; otherwise counts one attempt on every rule (at
   * `nowMs`, kept for `windowMs`) and answers 0.
   */
  reserve(rules: readonly ThrottleRule[], nowMs: number, windowMs: number): Promise<number>;
  /** Forgets these counters (a successful attempt on them). */
  reset(keys: readonly string[]): Promise<void>;
  /** Takes one attempt back from each counter (never below zero). */
  refund(keys: readonly string[]): Promise<void>;
  /** Fixed-window counter: counts one hit and answers the count and when the window ends. */
  hit(key: string, nowMs: number, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  close(): Promise<void>;
}

/**
 * Exponential backoff once the free attempts are used: 1 s after the first
 * attempt over, doubling with each further one, never more than the rule's cap.
 * The wait counts from the latest attempt.
 */
export function backoffWaitMs(
  count: number,
  lastAttemptAt: number,
  rule: ThrottleRule,
  nowMs: number,
): number {
  if (count < rule.free) {
    return 0;
  }
  const delay = Math.min(1000 * 2 ** Math.min(count - rule.free, 30), rule.maxDelayMs);
  return Math.max(0, lastAttemptAt + delay - nowMs);
}

interface Counter {
  count: number;
  lastAttemptAt: number;
  expiresAt: number;
}

const PRUNE_ABOVE = 100_000;

/**
 * Counters in this process. Every method runs to completion without awaiting,
 * so JavaScript's single thread makes each one atomic.
 */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly counters = new Map<string, Counter>();

  private live(key: string, nowMs: number): Counter | null {
    const c = this.counters.get(key);
    return c && c.expiresAt > nowMs ? c : null;
  }

  async reserve(rules: readonly ThrottleRule[], nowMs: number, windowMs: number): Promise<number> {
    let waitMs = 0;
    for (const rule of rules) {
      const c = this.live(rule.key, nowMs);
      if (c) {
        waitMs = Math.max(waitMs, backoffWaitMs(c.count, c.lastAttemptAt, rule, nowMs));
      }
    }
    if (waitMs > 0) {
      return waitMs;
    }
    for (const rule of rules) {
      const count = (this.live(rule.key, nowMs)?.count ?? 0) + 1;
      this.counters.set(rule.key, { count, lastAttemptAt: nowMs, expiresAt: nowMs + windowMs });
    }
    this.pruneIfLarge(nowMs);
    return 0;
  }

  async reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      this.counters.delete(key);
    }
  }

  async refund(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const c = this.counters.get(key);
      if (c) {
        c.count = Math.max(0, c.count - 1);
      }
    }
  }

  async hit(key: string, nowMs: number, windowMs: number) {
    let c = this.live(key, nowMs);
    if (!c) {
      c = { count: 0, lastAttemptAt: nowMs, expiresAt: nowMs + windowMs };
      this.counters.set(key, c);
    }
    c.count += 1;
    this.pruneIfLarge(nowMs);
    return { count: c.count, resetInMs: c.expiresAt - nowMs };
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  private pruneIfLarge(nowMs: number): void {
    if (this.counters.size <= PRUNE_ABOVE) {
      return;
    }
    for (const [key, c] of this.counters) {
      if (c.expiresAt <= nowMs) {
        this.counters.delete(key);
      }
    }
  }
}
