import { describe, expect, it } from 'vitest';
import { backoffWaitMs, MemoryThrottleStore } from './store.js';

const rule = (key: string, free = 3, maxDelayMs = 60_000) => ({ key, free, maxDelayMs });

describe('MemoryThrottleStore', () => {
  it('reserves the free attempts, then backs off exponentially up to the cap', async () => {
    const store = new MemoryThrottleStore();
    const now = 1_000_000;
    for (let i = 0; i < 3; i += 1) {
      expect(await store.reserve([rule('a')], now, 900_000)).toBe(0);
    }
    expect(await store.reserve([rule('a')], now, 900_000)).toBe(1000);
    expect(await store.reserve([rule('a')], now + 1000, 900_000)).toBe(0);
    expect(await store.reserve([rule('a')], now + 1000, 900_000)).toBe(2000);
    expect(backoffWaitMs(50, now, rule('a'), now)).toBe(60_000);
  });

  it('counts nothing on any rule when one of them is in backoff', async () => {
    const store = new MemoryThrottleStore();
    await store.reserve([rule('tight', 1)], 0, 60_000);
    expect(await store.reserve([rule('loose', 10), rule('tight', 1)], 0, 60_000)).toBe(1000);
    await store.reserve([rule('loose', 1)], 0, 60_000);
    expect(await store.reserve([rule('loose', 1)], 0, 60_000)).toBe(1000);
  });

  it('refunds and resets; the window forgets', async () => {
    const store = new MemoryThrottleStore();
    await store.reserve([rule('a', 1)], 0, 10_000);
    await store.refund(['a', 'unknown']);
    expect(await store.reserve([rule('a', 1)], 0, 10_000)).toBe(0);
    await store.reset(['a']);
    expect(await store.reserve([rule('a', 1)], 0, 10_000)).toBe(0);
    expect(await store.reserve([rule('a', 1)], 20_000, 10_000)).toBe(0);
  });

  it('counts fixed-window hits', async () => {
    const store = new MemoryThrottleStore();
    expect(await store.hit('r', 0, 1000)).toEqual({ count: 1, resetInMs: 1000 });
    expect(await store.hit('r', 400, 1000)).toEqual({ count: 2, resetInMs: 600 });
    expect(await store.hit('r', 1000, 1000)).toEqual({ count: 1, resetInMs: 1000 });
  });
});
