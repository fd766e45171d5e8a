import { describe, expect, it } from 'vitest';
import { LoginRouterGate } from './login-router.gate.js';

/** Lets every settled promise run its continuations. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LoginRouterGate', () => {
  it('lets one login run any number of operations on one router together', async () => {
    const gate = new LoginRouterGate();
    const releases = await Promise.all([1, 2, 3].map(() => gate.enter('s1', 'A')));
    expect(releases).toHaveLength(3);
    releases.forEach((release) => release());
    expect(gate.size).toBe(0);
  });

  it('makes an operation on another router wait until those in flight are done', async () => {
    const gate = new LoginRouterGate();
    const a1 = await gate.enter('s1', 'A');
    const a2 = await gate.enter('s1', 'A');
    let bIn = false;
    const b = gate.enter('s1', 'B').then((release) => {
      bIn = true;
      return release;
    });
    await tick();
    expect(bIn).toBe(false);
    a1();
    await tick();
    expect(bIn).toBe(false);
    a2();
    await tick();
    expect(bIn).toBe(true);
    (await b)();
    expect(gate.size).toBe(0);
  });

  it('serves waiters first come, first served: a busy router cannot starve another', async () => {
    const gate = new LoginRouterGate();
    const order: string[] = [];
    const a1 = await gate.enter('s1', 'A');
    const later = ['B', 'A', 'B', 'C'].map((router, i) =>
      gate.enter('s1', router).then((release) => {
        order.push(`${router}${i}`);
        return release;
      }),
    );
    await tick();
    expect(order).toEqual([]);
    a1();
    await tick();
    // B0 alone (A1 queued behind it, although A was the router in flight).
    expect(order).toEqual(['B0']);
    (await later[0]!)();
    await tick();
    expect(order).toEqual(['B0', 'A1']);
    (await later[1]!)();
    await tick();
    expect(order).toEqual(['B0', 'A1', 'B2']);
    (await later[2]!)();
    await tick();
    expect(order).toEqual(['B0', 'A1', 'B2', 'C3']);
    (await later[3]!)();
    expect(gate.size).toBe(0);
  });

  it('admits consecutive waiters on the same router together', async () => {
    const gate = new LoginRouterGate();
    const a = await gate.enter('s1', 'A');
    const bs = [gate.enter('s1', 'B'), gate.enter('s1', 'B')];
    const c = gate.enter('s1', 'C');
    let cIn = false;
    void c.then(() => (cIn = true));
    a();
    const [b1, b2] = await Promise.all(bs);
    expect(cIn).toBe(false);
    b1!();
    await tick();
    expect(cIn).toBe(false);
    b2!();
    (await c)();
    expect(gate.size).toBe(0);
  });

  it('keeps logins apart, and a second release does nothing', async () => {
    const gate = new LoginRouterGate();
    const a = await gate.enter('s1', 'A');
    const b = await gate.enter('s2', 'B');
    expect(gate.size).toBe(2);
    a();
    a();
    expect(gate.size).toBe(1);
    const a2 = await gate.enter('s2', 'B');
    b();
    expect(gate.size).toBe(1);
    a2();
    expect(gate.size).toBe(0);
  });
});
