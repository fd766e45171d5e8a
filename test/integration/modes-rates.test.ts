import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandsServerClient } from '../../src/clients/commands-server.client.js';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { auditEventsOf, snapshotRouterData } from '../helpers/factories.js';
import {
  simCallsTo,
  expectEveryFailureLeavesNoTrace,
  memberOf,
  userWithRouter,
  type RouterUser,
} from '../helpers/operation-checks.js';

let ctx: TestContext;
// Tests isolate by router: each makes its own, owned by alice; bob joins or is a stranger.
let alice: LoggedInUser;
let bob: LoggedInUser;

beforeAll(async () => {
  ctx = await createTestContext({ commandsTimeoutMs: 300 });
  alice = await registerAndLogin(ctx.app);
  bob = await registerAndLogin(ctx.app);
});
afterAll(async () => {
  await ctx.close();
});

function url(r: RouterUser, path: string) {
  return `/api/v1/routers/${r.routerId}${path}`;
}

function putMode(r: RouterUser, list: string, active: boolean): InjectOptions {
  return { method: 'PUT', url: url(r, `/${list}/mode`), payload: { active } };
}

function putRates(r: RouterUser, list: string, payload: InjectOptions['payload']): InjectOptions {
  return { method: 'PUT', url: url(r, `/${list}/rates`), payload };
}

async function settingsOf(r: RouterUser) {
  const [row] = await queryRows<{
    active_mode: string;
    whitelist_limited_mbps: number;
    whitelist_full_mbps: number;
    blacklist_limited_mbps: number;
    blacklist_full_mbps: number;
  }>(
    ctx.db.db,
    sql`select active_mode::text as active_mode, whitelist_limited_mbps, whitelist_full_mbps,
               blacklist_limited_mbps, blacklist_full_mbps
          from router_settings where router_id = ${r.uuid}`,
  );
  return row!;
}

describe('modes', () => {
  it('starts inactive; activating whitelist after blacklist leaves whitelist active everywhere', async () => {
    const owner = await userWithRouter(ctx, alice);
    const initial = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: url(owner, '/whitelist/mode'),
    });
    expect(initial.json().data).toEqual({
      list: 'whitelist',
      active: false,
      activeMode: 'none',
      source: 'database',
    });

    const black = await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', true));
    expect(black.statusCode, black.body).toBe(200);
    expect(black.json().data).toEqual({
      list: 'blacklist',
      active: true,
      activeMode: 'blacklist',
      changed: true,
    });
    expect(ctx.sim.routerState(owner.routerId).activeMode).toBe('blacklist');

    const white = await injectAs(ctx.app, owner.user, putMode(owner, 'whitelist', true));
    expect(white.json().data).toEqual({
      list: 'whitelist',
      active: true,
      activeMode: 'whitelist',
      changed: true,
    });
    expect((await settingsOf(owner)).active_mode).toBe('whitelist');
    expect(ctx.sim.routerState(owner.routerId).activeMode).toBe('whitelist');

    const blackNow = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: url(owner, '/blacklist/mode'),
    });
    expect(blackNow.json().data).toEqual({
      list: 'blacklist',
      active: false,
      activeMode: 'whitelist',
      source: 'database',
    });
    const events = await auditEventsOf(ctx.db.db, owner.uuid);
    expect(events.map((e) => [e.operation, e.outcome])).toEqual([
      ['blacklist.activateMode', 'succeeded'],
      ['whitelist.activateMode', 'succeeded'],
    ]);
  });

  it('deactivating the mode that is not active makes no call and changes nothing', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, putMode(owner, 'whitelist', true));
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const calls = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', false));
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({
      list: 'blacklist',
      active: false,
      activeMode: 'whitelist',
      changed: false,
    });
    expect(ctx.sim.calls.length).toBe(calls);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
    expect(ctx.sim.routerState(owner.routerId).activeMode).toBe('whitelist');
  });

  it('deactivating the active mode calls DELETE on its own route and saves none', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', true));
    const since = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', false));
    expect(res.json().data).toEqual({
      list: 'blacklist',
      active: false,
      activeMode: 'none',
      changed: true,
    });
    const deletes = simCallsTo(ctx.sim, /\/mode$/, since);
    expect(deletes.map((c) => `${c.method} ${c.path}`)).toEqual(['DELETE /api/blacklist/mode']);
    expect((await settingsOf(owner)).active_mode).toBe('none');
    expect(ctx.sim.routerState(owner.routerId).activeMode).toBe('none');
  });

  it('activating an active mode again answers changed: false (the router says "already active")', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, putMode(owner, 'whitelist', true));
    const since = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, owner.user, putMode(owner, 'whitelist', true));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      list: 'whitelist',
      active: true,
      activeMode: 'whitelist',
      changed: false,
    });
    // The router is asked (it is the truth) and answers its no-op sentence.
    expect(simCallsTo(ctx.sim, '/api/whitelist/mode', since)).toHaveLength(1);
    expect((await settingsOf(owner)).active_mode).toBe('whitelist');
  });

  it('deactivating a mode the router already dropped answers changed: false and saves none', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', true));
    // The router lost the mode behind our back; the database still says blacklist.
    const cs = new CommandsServerClient(ctx.http, {
      sessionId: owner.user.sessionId,
      routerId: owner.routerId,
    });
    await cs.deactivateMode('blacklist');
    const res = await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', false));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      list: 'blacklist',
      active: false,
      activeMode: 'none',
      changed: false,
    });
    expect((await settingsOf(owner)).active_mode).toBe('none');
  });

  it('a deactivation racing an activation of the other mode does not switch it off', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', true));
    // Hold the activation of whitelist at the router, lock taken, while the deactivation arrives.
    ctx.sim.faults.inject({
      match: { method: 'POST', path: '/api/whitelist/mode' },
      fault: { kind: 'latency', ms: 150 },
      times: 1,
    });
    const since = ctx.sim.calls.length;
    const activation = injectAs(ctx.app, owner.user, putMode(owner, 'whitelist', true));
    while (simCallsTo(ctx.sim, '/api/whitelist/mode', since).length === 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const deactivation = await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', false));
    expect((await activation).statusCode).toBe(200);
    expect(deactivation.statusCode).toBe(200);
    expect(deactivation.json().data).toEqual({
      list: 'blacklist',
      active: false,
      activeMode: 'whitelist',
      changed: false,
    });
    expect(simCallsTo(ctx.sim, '/api/blacklist/mode', since)).toEqual([]);
    expect((await settingsOf(owner)).active_mode).toBe('whitelist');
    expect(ctx.sim.routerState(owner.routerId).activeMode).toBe('whitelist');
  });

  it('every failure of activation and deactivation leaves the database unchanged', async () => {
    const owner = await userWithRouter(ctx, alice);
    await expectEveryFailureLeavesNoTrace({
      ctx,
      owner,
      request: putMode(owner, 'whitelist', true),
      faultPath: '/api/whitelist/mode',
      operation: 'whitelist.activateMode',
    });
    expect((await settingsOf(owner)).active_mode).toBe('none');
    await injectAs(ctx.app, owner.user, putMode(owner, 'blacklist', true));
    await expectEveryFailureLeavesNoTrace({
      ctx,
      owner,
      request: putMode(owner, 'blacklist', false),
      faultPath: '/api/blacklist/mode',
      operation: 'blacklist.deactivateMode',
    });
    expect((await settingsOf(owner)).active_mode).toBe('blacklist');
  });

  it('mode changes are owner-only; members may read the mode', async () => {
    const owner = await userWithRouter(ctx, alice);
    const member = await memberOf(ctx, owner, bob);
    const calls = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, member.user, putMode(owner, 'whitelist', true));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    const read = await injectAs(ctx.app, member.user, {
      method: 'GET',
      url: url(owner, '/whitelist/mode'),
    });
    expect(read.statusCode).toBe(200);
    expect(ctx.sim.calls.length).toBe(calls);
  });
});

describe('rates', () => {
  it('sets both rates on the router and in the database', async () => {
    const owner = await userWithRouter(ctx, alice);
    const res = await injectAs(
      ctx.app,
      owner.user,
      putRates(owner, 'whitelist', { limitedMbps: 20, fullMbps: 500 }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ list: 'whitelist', limitedMbps: 20, fullMbps: 500 });
    expect(await settingsOf(owner)).toMatchObject({
      whitelist_limited_mbps: 20,
      whitelist_full_mbps: 500,
      blacklist_limited_mbps: 50,
      blacklist_full_mbps: 1000,
    });
    expect(ctx.sim.routerState(owner.routerId).rates).toMatchObject({
      whitelist_limited: '20mbit',
      whitelist_full: '500mbit',
    });

    const read = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: url(owner, '/whitelist/rates'),
    });
    expect(read.json().data).toEqual({
      list: 'whitelist',
      limitedMbps: 20,
      fullMbps: 500,
      source: 'database',
    });

    const one = await injectAs(
      ctx.app,
      owner.user,
      putRates(owner, 'blacklist', { fullMbps: 62.5 }),
    );
    expect(one.json().data).toEqual({ list: 'blacklist', limitedMbps: 50, fullMbps: 62.5 });
    expect(ctx.sim.routerState(owner.routerId).rates).toMatchObject({
      blacklist_limited: '50mbit',
      blacklist_full: '62.5mbit',
    });
    const events = await auditEventsOf(ctx.db.db, owner.uuid);
    expect(events.map((e) => [e.operation, e.outcome, e.params])).toEqual([
      ['whitelist.limitRate', 'succeeded', { mbps: 20 }],
      ['whitelist.fullRate', 'succeeded', { mbps: 500 }],
      ['blacklist.fullRate', 'succeeded', { mbps: 62.5 }],
    ]);
  });

  it('refuses rates out of range, not finite or not numbers, before any call', async () => {
    const owner = await userWithRouter(ctx, alice);
    const calls = ctx.sim.calls.length;
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const cases: [InjectOptions['payload'], string][] = [
      [{ limitedMbps: 0 }, 'body.limitedMbps'],
      [{ fullMbps: 1001 }, 'body.fullMbps'],
      [{ limitedMbps: -5 }, 'body.limitedMbps'],
      [{ limitedMbps: 'NaN' }, 'body.limitedMbps'],
      [{ fullMbps: '10' }, 'body.fullMbps'],
      [{ limitedMbps: 10, fullMbps: 0.5 }, 'body.fullMbps'],
      [{}, 'body'],
      [{ limitedMbps: 10, burst: 1 }, 'body.burst'],
      // JSON has no NaN or Infinity, but 1e309 parses to Infinity.
      ['{"limitedMbps": 1e309}', 'body.limitedMbps'],
    ];
    for (const [payload, field] of cases) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'PUT',
        url: url(owner, '/whitelist/rates'),
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field, JSON.stringify(payload)).toBe(field);
    }
    expect(ctx.sim.calls.length).toBe(calls);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
  });

  it('refuses a limited rate above the full rate (given or stored) before any call', async () => {
    const owner = await userWithRouter(ctx, alice);
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const since = ctx.sim.calls.length;
    // Stored: limited 50, full 1000 for both lists.
    const cases: [InjectOptions['payload'], string, number, number][] = [
      [{ limitedMbps: 300, fullMbps: 200 }, 'body.limitedMbps', 300, 200],
      [{ fullMbps: 20 }, 'body.fullMbps', 50, 20],
    ];
    for (const [payload, field, limited, full] of cases) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'PUT',
        url: url(owner, '/whitelist/rates'),
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toMatchObject({ limitedMbps: limited, fullMbps: full });
      expect(error.details.fields[0].field).toBe(field);
      expect(error.message).toContain(`${limited} Mbps`);
      expect(error.message).toContain(`${full} Mbps`);
    }
    expect(simCallsTo(ctx.sim, /^\/api\/whitelist\//, since)).toEqual([]);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
    expect(await auditEventsOf(ctx.db.db, owner.uuid)).toEqual([]);
    // Equal rates, and a limited rate up to the stored full rate, are accepted.
    const equal = putRates(owner, 'whitelist', { limitedMbps: 1000 });
    expect((await injectAs(ctx.app, owner.user, equal)).statusCode).toBe(200);
  });

  it('every failure of a rate leaves the database unchanged; a failed first rate stops the second', async () => {
    const owner = await userWithRouter(ctx, alice);
    await expectEveryFailureLeavesNoTrace({
      ctx,
      owner,
      request: putRates(owner, 'whitelist', { limitedMbps: 30 }),
      faultPath: '/api/whitelist/limit-rate',
      operation: 'whitelist.limitRate',
    });
    const since = ctx.sim.calls.length;
    await expectEveryFailureLeavesNoTrace({
      ctx,
      owner,
      request: putRates(owner, 'blacklist', { limitedMbps: 30, fullMbps: 300 }),
      faultPath: '/api/blacklist/limit-rate',
      operation: 'blacklist.limitRate',
    });
    expect(simCallsTo(ctx.sim, '/api/blacklist/full-rate', since)).toEqual([]);
    expect(ctx.sim.routerState(owner.routerId).rates).toMatchObject({
      whitelist_limited: '50mbit',
      blacklist_limited: '50mbit',
      blacklist_full: '1000mbit',
    });
  });

  it('when the full rate fails after the limited one, the limited rate stays applied and saved', async () => {
    const owner = await userWithRouter(ctx, alice);
    ctx.sim.faults.inject({
      match: { path: '/api/whitelist/full-rate' },
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'Command failed: tc' },
    });
    try {
      const res = await injectAs(
        ctx.app,
        owner.user,
        putRates(owner, 'whitelist', { limitedMbps: 12, fullMbps: 600 }),
      );
      expect(res.statusCode).toBe(502);
      expect(res.json().error).toMatchObject({
        code: 'ROUTER_COMMAND_FAILED',
        details: { operation: 'whitelist.fullRate', applied: { limitedMbps: 12 } },
      });
      expect(res.json().error.message).toContain('details.applied');
    } finally {
      ctx.sim.faults.clear();
    }
    expect(await settingsOf(owner)).toMatchObject({
      whitelist_limited_mbps: 12,
      whitelist_full_mbps: 1000,
    });
    expect(ctx.sim.routerState(owner.routerId).rates).toMatchObject({
      whitelist_limited: '12mbit',
      whitelist_full: '1000mbit',
    });
    const events = await auditEventsOf(ctx.db.db, owner.uuid);
    expect(events.map((e) => [e.operation, e.outcome, e.error_code])).toEqual([
      ['whitelist.limitRate', 'succeeded', null],
      ['whitelist.fullRate', 'failed', 'ROUTER_COMMAND_FAILED'],
    ]);
  });

  it('concurrent rate changes of one router all reach the router (serialised)', async () => {
    const owner = await userWithRouter(ctx, alice);
    const results = await Promise.all([
      injectAs(ctx.app, owner.user, putRates(owner, 'blacklist', { limitedMbps: 7 })),
      injectAs(ctx.app, owner.user, putRates(owner, 'blacklist', { fullMbps: 70 })),
      injectAs(ctx.app, owner.user, putRates(owner, 'whitelist', { limitedMbps: 9 })),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(ctx.sim.routerState(owner.routerId).rates).toEqual({
      whitelist_full: '1000mbit',
      whitelist_limited: '9mbit',
      blacklist_full: '70.0mbit',
      blacklist_limited: '7.0mbit',
    });
  });

  it('rates are owner-only', async () => {
    const owner = await userWithRouter(ctx, alice);
    const member = await memberOf(ctx, owner, bob);
    const calls = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, member.user, putRates(owner, 'whitelist', { fullMbps: 5 }));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect(ctx.sim.calls.length).toBe(calls);
  });
});
