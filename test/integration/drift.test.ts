/**
 * GET /routers/{id}/drift (#13): the database and the router side by side, each
 * dimension drifted both ways behind the server's back (through a Commands-Server
 * client of its own, or rows written directly); and `?source=router` on the mode and
 * rates reads.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandsServerClient } from '../../src/clients/commands-server.client.js';
import type { RouterDrift } from '../../src/services/drift.service.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { auditEventsOf } from '../helpers/factories.js';
import {
  memberOf,
  simCallsTo,
  userWithRouter,
  type RouterUser,
} from '../helpers/operation-checks.js';

let ctx: TestContext;
let alice: LoggedInUser;

beforeAll(async () => {
  ctx = await createTestContext();
  alice = await registerAndLogin(ctx.app);
});
afterAll(async () => {
  await ctx.close();
});

function get(r: RouterUser, path: string, as: LoggedInUser = r.user) {
  return injectAs(ctx.app, as, { method: 'GET', url: `/api/v1/routers/${r.routerId}${path}` });
}

async function drift(r: RouterUser) {
  const res = await get(r, '/drift');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ data: RouterDrift }>().data;
}

/**
 * A fresh router whose Commands-Server session is started (by a first drift read, which
 * must find it in sync), and a client that changes it behind the server's back.
 */
async function startedRouter() {
  const owner = await userWithRouter(ctx, alice);
  expect((await drift(owner)).inSync).toBe(true);
  const cs = new CommandsServerClient(ctx.http, {
    sessionId: owner.user.sessionId,
    routerId: owner.routerId,
  });
  return { owner, cs };
}

const EMPTY = { onlyInDatabase: [], onlyOnRouter: [], inSync: true };

describe('GET /routers/{id}/drift', () => {
  it('a fresh router is in sync; rates and SSID are shown, not compared', async () => {
    const owner = await userWithRouter(ctx, alice);
    const since = ctx.sim.calls.length;
    const audited = (await auditEventsOf(ctx.db.db, owner.uuid)).length;
    expect(await drift(owner)).toEqual({
      inSync: true,
      lists: { whitelist: EMPTY, blacklist: EMPTY },
      mode: { database: 'none', router: 'none', inSync: true },
      rates: {
        compared: false,
        whitelist: { database: { limitedMbps: 50, fullMbps: 1000 }, router: null },
        blacklist: { database: { limitedMbps: 50, fullMbps: 1000 }, router: null },
      },
      ssid: { database: null, router: expect.any(String), wifiEnabled: true, compared: false },
      blocked: EMPTY,
    });
    // Five reads, one after the other, in one session (started once); nothing audited.
    const reads = ctx.sim.calls.slice(since).map((c) => c.path);
    expect(reads.filter((p) => p !== '/api/session/start')).toEqual([
      '/api/whitelist/',
      '/api/blacklist/',
      '/mode-activation',
      '/api/wifi/status',
      '/api/network/blocked',
    ]);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).length).toBe(audited);
  });

  it('lists: addresses only in the database and only on the router, per list', async () => {
    const { owner, cs } = await startedRouter();
    await ctx.db.db.execute(
      sql`insert into user_whitelists (router_id, ip) values (${owner.uuid}, '10.7.0.1')`,
    );
    await cs.addToList('blacklist', '10.7.0.2');
    const data = await drift(owner);
    expect(data.inSync).toBe(false);
    expect(data.lists).toEqual({
      whitelist: { onlyInDatabase: ['10.7.0.1'], onlyOnRouter: [], inSync: false },
      blacklist: { onlyInDatabase: [], onlyOnRouter: ['10.7.0.2'], inSync: false },
    });
    // An address both hold is no drift.
    const added = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: `/api/v1/routers/${owner.routerId}/whitelist`,
      payload: { ip: '10.7.0.3' },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect((await drift(owner)).lists.whitelist.onlyInDatabase).toEqual(['10.7.0.1']);
  });

  it('mode: active only on the router, then only in the database', async () => {
    const { owner, cs } = await startedRouter();
    await cs.activateMode('whitelist');
    const onRouter = await drift(owner);
    expect(onRouter.mode).toEqual({ database: 'none', router: 'whitelist', inSync: false });
    expect(onRouter.inSync).toBe(false);

    const put = await injectAs(ctx.app, owner.user, {
      method: 'PUT',
      url: `/api/v1/routers/${owner.routerId}/blacklist/mode`,
      payload: { active: true },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await drift(owner)).mode).toEqual({
      database: 'blacklist',
      router: 'blacklist',
      inSync: true,
    });
    await cs.deactivateMode('blacklist');
    expect((await drift(owner)).mode).toEqual({
      database: 'blacklist',
      router: 'none',
      inSync: false,
    });
  });

  it('blocked: MACs blocked only on the router and only in the database', async () => {
    const { owner, cs } = await startedRouter();
    const [d1, d2] = ctx.sim.routerState(owner.routerId).devices;
    await cs.block(d1!.ip);
    await ctx.db.db.execute(
      sql`insert into user_blocked_devices (router_id, ip, mac) values (${owner.uuid}, ${d2!.ip}, ${d2!.mac})`,
    );
    const data = await drift(owner);
    expect(data.blocked).toEqual({
      onlyInDatabase: [{ mac: d2!.mac, ip: d2!.ip }],
      onlyOnRouter: [{ mac: d1!.mac, ip: d1!.ip }],
      inSync: false,
    });
    expect(data.inSync).toBe(false);
  });

  it('SSID: the router changed it; shown, never counted as drift', async () => {
    const { owner, cs } = await startedRouter();
    await cs.setSsid('Drifted-Net');
    const data = await drift(owner);
    expect(data.ssid).toEqual({
      database: null,
      router: 'Drifted-Net',
      wifiEnabled: true,
      compared: false,
    });
    expect(data.inSync).toBe(true);
  });

  it('a member may read it; a stranger gets 404 and the router is not asked', async () => {
    const owner = await userWithRouter(ctx, alice);
    const member = await memberOf(ctx, owner);
    expect((await get(owner, '/drift', member.user)).statusCode).toBe(200);
    const stranger = await registerAndLogin(ctx.app);
    const since = ctx.sim.calls.length;
    const res = await get(owner, '/drift', stranger);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTER_NOT_FOUND');
    expect(ctx.sim.calls.length).toBe(since);
  });

  it('a failed router read is an error, not an empty list', async () => {
    const owner = await userWithRouter(ctx, alice);
    ctx.sim.faults.inject({ match: { path: '/api/blacklist/' }, fault: { kind: 'html500' } });
    try {
      const res = await get(owner, '/drift');
      expect(res.statusCode).toBe(502);
      expect(res.json().error.code).toBe('COMMANDS_SERVER_BAD_RESPONSE');
    } finally {
      ctx.sim.faults.clear();
    }
  });

  it('the per-list drift routes are gone', async () => {
    const owner = await userWithRouter(ctx, alice);
    expect((await get(owner, '/whitelist/drift')).statusCode).toBe(404);
  });
});

describe('?source=router on the mode and rates reads', () => {
  it('mode: the database by default, the router on request, same shape plus source', async () => {
    const { owner, cs } = await startedRouter();
    await cs.activateMode('whitelist');
    const since = ctx.sim.calls.length;
    const saved = await get(owner, '/whitelist/mode');
    expect(saved.json().data).toEqual({
      list: 'whitelist',
      active: false,
      activeMode: 'none',
      source: 'database',
    });
    expect(ctx.sim.calls.length).toBe(since);
    const live = await get(owner, '/whitelist/mode?source=router');
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json().data).toEqual({
      list: 'whitelist',
      active: true,
      activeMode: 'whitelist',
      source: 'router',
    });
    expect(simCallsTo(ctx.sim, '/mode-activation', since)).toHaveLength(1);
    const other = await get(owner, '/blacklist/mode?source=router');
    expect(other.json().data).toMatchObject({ active: false, activeMode: 'whitelist' });
  });

  it('rates: the database by default; the router cannot be asked (501), nothing called', async () => {
    const owner = await userWithRouter(ctx, alice);
    const saved = await get(owner, '/blacklist/rates?source=database');
    expect(saved.json().data).toEqual({
      list: 'blacklist',
      limitedMbps: 50,
      fullMbps: 1000,
      source: 'database',
    });
    const since = ctx.sim.calls.length;
    const live = await get(owner, '/blacklist/rates?source=router');
    expect(live.statusCode).toBe(501);
    expect(live.json().error.code).toBe('NOT_SUPPORTED_BY_ROUTER');
    expect(ctx.sim.calls.length).toBe(since);
  });

  it('refuses another source; a stranger gets 404 before the router is asked', async () => {
    const owner = await userWithRouter(ctx, alice);
    const bad = await get(owner, '/whitelist/mode?source=cache');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const stranger = await registerAndLogin(ctx.app);
    const since = ctx.sim.calls.length;
    expect((await get(owner, '/whitelist/mode?source=router', stranger)).statusCode).toBe(404);
    expect(ctx.sim.calls.length).toBe(since);
  });
});
