import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type TestContext,
} from '../helpers/build-app.js';
import { uniqueRouterId } from '../helpers/factories.js';
import { FAILURE_CLASSES, memberOf, simCallsTo } from '../helpers/operation-checks.js';
import {
  addRouter,
  auditEventsByRouterId,
  ownerWithAddedRouter,
  snapshotRouterTables,
} from '../helpers/router-admin.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ commandsTimeoutMs: 300 });
});
afterAll(async () => {
  await ctx.close();
});

async function count(table: string, where: ReturnType<typeof sql>) {
  const [row] = await queryRows<{ n: number }>(
    ctx.db.db,
    sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`,
  );
  return row!.n;
}

function post(routerId: string, name = 'Home'): InjectOptions {
  return { method: 'POST', url: '/api/v1/routers', payload: { routerId, name } };
}

describe('adding a router', () => {
  it('makes the first user its owner: router, membership and settings, after a read that proves it answers', async () => {
    const user = await registerAndLogin(ctx.app);
    const routerId = uniqueRouterId();
    const res = await injectAs(ctx.app, user, post(routerId, '  Home office  '));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({
      routerId,
      name: 'Home office',
      role: 'owner',
      lastScanAt: null,
    });
    const [router] = await queryRows<{ id: string; name: string }>(
      ctx.db.db,
      sql`select id, name from routers where router_id = ${routerId}`,
    );
    expect(router?.name).toBe('Home office');
    expect(await count('user_routers', sql`router_id = ${router!.id} and role = 'owner'`)).toBe(1);
    expect(await count('router_settings', sql`router_id = ${router!.id}`)).toBe(1);
    expect(simCallsTo(ctx.sim, '/api/wifi/status').at(-1)).toMatchObject({
      routerId,
      sessionId: user.sessionId,
      status: 200,
    });
    expect(await auditEventsByRouterId(ctx.db.db, routerId)).toEqual([
      { operation: 'router.add', outcome: 'succeeded', error_code: null, router_id: router!.id },
    ]);
  });

  it('is idempotent for the owner: 200, no second row, no call', async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const calls = ctx.sim.calls.length;
    const again = await injectAs(ctx.app, owner.user, post(owner.routerId, 'Other name'));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().data).toMatchObject({ routerId: owner.routerId, name: 'Home' });
    expect(await count('routers', sql`router_id = ${owner.routerId}`)).toBe(1);
    expect(await count('user_routers', sql`router_id = ${owner.uuid}`)).toBe(1);
    expect(ctx.sim.calls.length).toBe(calls);
  });

  it("answers 409 ROUTER_ALREADY_CLAIMED for someone else's router, before any call", async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const other = await registerAndLogin(ctx.app);
    const before = await snapshotRouterTables(ctx.db.db);
    const res = await injectAs(ctx.app, other, post(owner.routerId));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ROUTER_ALREADY_CLAIMED');
    expect(await snapshotRouterTables(ctx.db.db)).toBe(before);
    expect(ctx.sim.calls.filter((c) => c.sessionId === other.sessionId)).toEqual([]);
  });

  it('stores nothing when the router does not answer, for every failure class', async () => {
    const user = await registerAndLogin(ctx.app);
    for (const failure of FAILURE_CLASSES) {
      const routerId = uniqueRouterId();
      const before = await snapshotRouterTables(ctx.db.db);
      ctx.sim.faults.inject({ match: { path: '/api/wifi/status' }, fault: failure.fault });
      try {
        const res = await injectAs(ctx.app, user, post(routerId));
        expect(res.statusCode, `${failure.name}: ${res.body}`).toBe(failure.status);
        expect(res.json().error.code, failure.name).toBe(failure.code);
        expect(await snapshotRouterTables(ctx.db.db), failure.name).toBe(before);
        expect(await auditEventsByRouterId(ctx.db.db, routerId), failure.name).toEqual([
          {
            operation: 'router.add',
            outcome: failure.outcome,
            error_code: failure.code,
            router_id: null,
          },
        ]);
      } finally {
        ctx.sim.faults.clear();
      }
    }
  });

  it('answers 404 ROUTER_UNKNOWN for an id no connected router has, storing nothing', async () => {
    const user = await registerAndLogin(ctx.app);
    const before = await snapshotRouterTables(ctx.db.db);
    // The simulator's port manager has no such router, like an agent that never connected:
    // start answers SESSION_SETUP_FAILED "… Router unknown-router not found in port manager".
    const res = await injectAs(ctx.app, user, post('unknown-router'));
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'ROUTER_UNKNOWN',
      message: "No router with this id is connected; check the id on the router's label",
    });
    // Nothing in the answer names an internal component (@see issue #13).
    expect(res.body).not.toMatch(/Commands-Server|tunnel|SSH|port manager/i);
    expect(await snapshotRouterTables(ctx.db.db)).toBe(before);
    expect(await auditEventsByRouterId(ctx.db.db, 'unknown-router')).toContainEqual({
      operation: 'router.add',
      outcome: 'failed',
      error_code: 'ROUTER_UNKNOWN',
      router_id: null,
    });
  });

  it('keeps a known router that cannot be reached a router failure, not ROUTER_UNKNOWN', async () => {
    const user = await registerAndLogin(ctx.app);
    const routerId = uniqueRouterId();
    const before = await snapshotRouterTables(ctx.db.db);
    ctx.sim.faults.inject({
      match: { path: '/api/session/start' },
      fault: {
        kind: 'error',
        status: 500,
        code: 'SESSION_SETUP_FAILED',
        message: 'Session setup failed: [Errno 111] Connection refused',
      },
    });
    try {
      const res = await injectAs(ctx.app, user, post(routerId));
      expect(res.statusCode, res.body).toBe(502);
      expect(res.json().error.code).toBe('ROUTER_COMMAND_FAILED');
      expect(await snapshotRouterTables(ctx.db.db)).toBe(before);
    } finally {
      ctx.sim.faults.clear();
    }
  });

  it('validates the id and the name before any call', async () => {
    const user = await registerAndLogin(ctx.app);
    const calls = ctx.sim.calls.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ routerId: 'bad id', name: 'x' }, 'body.routerId'],
      [{ routerId: 'r;reboot', name: 'x' }, 'body.routerId'],
      [{ routerId: 'x'.repeat(129), name: 'x' }, 'body.routerId'],
      [{ routerId: uniqueRouterId(), name: '   ' }, 'body.name'],
      [{ routerId: uniqueRouterId(), name: 'n'.repeat(101) }, 'body.name'],
      [{ routerId: uniqueRouterId(), name: 'tab\there' }, 'body.name'],
      [{ routerId: uniqueRouterId(), name: 'x', owner: 'me' }, 'body.owner'],
      [{ routerId: uniqueRouterId() }, 'body.name'],
    ];
    for (const [payload, field] of cases) {
      const res = await injectAs(ctx.app, user, {
        method: 'POST',
        url: '/api/v1/routers',
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field)).toContain(
        field,
      );
    }
    expect(ctx.sim.calls.length).toBe(calls);
  });

  it('gives a new router exactly one owner when two users claim it at once', async () => {
    const [a, b] = await Promise.all([registerAndLogin(ctx.app), registerAndLogin(ctx.app)]);
    const routerId = uniqueRouterId();
    const answers = await Promise.all([
      injectAs(ctx.app, a, post(routerId)),
      injectAs(ctx.app, b, post(routerId)),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.statusCode === 409)!.json().error.code).toBe(
      'ROUTER_ALREADY_CLAIMED',
    );
    const owners = await queryRows<{ user_id: string }>(
      ctx.db.db,
      sql`select ur.user_id from user_routers ur join routers r on r.id = ur.router_id
           where r.router_id = ${routerId}`,
    );
    expect(owners).toHaveLength(1);
    expect(await count('routers', sql`router_id = ${routerId}`)).toBe(1);
  });

  it('stays one membership when the same user adds a router twice at once', async () => {
    const user = await registerAndLogin(ctx.app);
    const routerId = uniqueRouterId();
    const answers = await Promise.all([
      injectAs(ctx.app, user, post(routerId)),
      injectAs(ctx.app, user, post(routerId)),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(
      await count(
        'user_routers',
        sql`router_id = (select id from routers where router_id = ${routerId})`,
      ),
    ).toBe(1);
  });
});

describe('listing, reading, renaming', () => {
  it("lists the caller's routers with their role, and only theirs", async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db, 'First');
    const second = await addRouter(ctx.app, ctx.db.db, owner.user, uniqueRouterId(), 'Second');
    const member = await memberOf(ctx, owner);
    const mine = await injectAs(ctx.app, owner.user, { method: 'GET', url: '/api/v1/routers' });
    expect(mine.json().data.items.map((r: { routerId: string }) => r.routerId)).toEqual([
      owner.routerId,
      second.routerId,
    ]);
    const theirs = await injectAs(ctx.app, member.user, { method: 'GET', url: '/api/v1/routers' });
    expect(theirs.json().data).toEqual({
      items: [expect.objectContaining({ routerId: owner.routerId, name: 'First', role: 'member' })],
      nextCursor: null,
    });
    const one = await injectAs(ctx.app, member.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}`,
    });
    expect(one.json().data).toMatchObject({ routerId: owner.routerId, role: 'member' });
  });

  it('lets the owner rename the router, trimmed and audited', async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const res = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: `/api/v1/routers/${owner.routerId}`,
      payload: { name: '  Cabin  ' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ name: 'Cabin', role: 'owner' });
    expect(await count('routers', sql`id = ${owner.uuid} and name = 'Cabin'`)).toBe(1);
    expect((await auditEventsByRouterId(ctx.db.db, owner.routerId)).at(-1)).toMatchObject({
      operation: 'router.rename',
      outcome: 'succeeded',
    });
    const bad = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: `/api/v1/routers/${owner.routerId}`,
      payload: { name: ' ' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].field).toBe('body.name');
  });
});

describe('deleting', () => {
  it('deletes the router and all its data for the owner, without calling the router', async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const member = await memberOf(ctx, owner);
    const url = `/api/v1/routers/${owner.routerId}`;
    await injectAs(ctx.app, owner.user, { method: 'POST', url: `${url}/scan` });
    const ip = ctx.sim.routerState(owner.routerId).devices[0]!.ip;
    await injectAs(ctx.app, owner.user, { method: 'POST', url: `${url}/block`, payload: { ip } });
    const calls = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, owner.user, { method: 'DELETE', url });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ result: 'deleted' });
    expect(ctx.sim.calls.length).toBe(calls);
    for (const table of [
      'user_routers',
      'user_devices',
      'user_blocked_devices',
      'router_settings',
      'router_rate_limits',
    ]) {
      expect(await count(table, sql`router_id = ${owner.uuid}`), table).toBe(0);
    }
    expect(await count('routers', sql`id = ${owner.uuid}`)).toBe(0);
    // The trail outlives the router, readable by its agent id.
    expect((await auditEventsByRouterId(ctx.db.db, owner.routerId)).at(-1)).toMatchObject({
      operation: 'router.delete',
      outcome: 'succeeded',
      router_id: null,
    });
    const gone = await injectAs(ctx.app, member.user, { method: 'GET', url });
    expect(gone.statusCode).toBe(404);
    // The agent id is free again: someone can add it anew.
    expect((await injectAs(ctx.app, member.user, post(owner.routerId))).statusCode).toBe(201);
  });

  it('makes a member leave instead, keeping the router', async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const member = await memberOf(ctx, owner);
    const url = `/api/v1/routers/${owner.routerId}`;
    const res = await injectAs(ctx.app, member.user, { method: 'DELETE', url });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ result: 'left' });
    expect(await count('routers', sql`id = ${owner.uuid}`)).toBe(1);
    expect(await count('user_routers', sql`router_id = ${owner.uuid}`)).toBe(1);
    expect((await injectAs(ctx.app, member.user, { method: 'GET', url })).statusCode).toBe(404);
    expect((await injectAs(ctx.app, owner.user, { method: 'GET', url })).statusCode).toBe(200);
  });
});

describe('members', () => {
  it('lets members read the list, owner first', async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const friend = await memberOf(ctx, owner);
    const list = await injectAs(ctx.app, friend.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/members`,
    });
    expect(list.statusCode).toBe(200);
    expect(
      list.json().data.items.map((m: { email: string; role: string }) => [m.email, m.role]),
    ).toEqual([
      [owner.user.email, 'owner'],
      [friend.user.email, 'member'],
    ]);
  });

  it('lets the owner remove a member, but not themself', async () => {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const member = await memberOf(ctx, owner);
    const base = `/api/v1/routers/${owner.routerId}`;
    const res = await injectAs(ctx.app, owner.user, {
      method: 'DELETE',
      url: `${base}/members/${member.user.userId}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ removed: true });
    expect(
      (await injectAs(ctx.app, member.user, { method: 'GET', url: base })).json().error.code,
    ).toBe('ROUTER_NOT_FOUND');
    const again = await injectAs(ctx.app, owner.user, {
      method: 'DELETE',
      url: `${base}/members/${member.user.userId}`,
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('USER_NOT_FOUND');
    const self = await injectAs(ctx.app, owner.user, {
      method: 'DELETE',
      url: `${base}/members/${owner.user.userId}`,
    });
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('CONFLICT');
    expect(self.json().error.message).toContain('cannot remove themself');
    const ops = (await auditEventsByRouterId(ctx.db.db, owner.routerId)).map((e) => e.operation);
    expect(ops.filter((o) => o === 'router.member.remove')).toHaveLength(1);
  });
});

describe('authorization', () => {
  interface RouteCall {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    url: string;
    payload?: Record<string, unknown>;
  }

  /** Every route of a router, with real device ids, member ids and IPs of that router. */
  async function routerRoutes() {
    const owner = await ownerWithAddedRouter(ctx.app, ctx.db.db);
    const base = `/api/v1/routers/${owner.routerId}`;
    await injectAs(ctx.app, owner.user, { method: 'POST', url: `${base}/scan` });
    const [device] = await queryRows<{ id: string; ip: string }>(
      ctx.db.db,
      sql`select id, host(ip) as ip from user_devices where router_id = ${owner.uuid} limit 1`,
    );
    const ip = device!.ip;
    const blocked = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: `${base}/block`,
      payload: { ip },
    });
    expect(blocked.statusCode, blocked.body).toBe(200);
    const routes: [ownerOnly: boolean, request: RouteCall][] = [
      [false, { method: 'GET', url: base }],
      [true, { method: 'PATCH', url: base, payload: { name: 'Mine now' } }],
      [false, { method: 'GET', url: `${base}/members` }],
      [true, { method: 'POST', url: `${base}/invitations`, payload: { email: 'a@example.com' } }],
      [true, { method: 'GET', url: `${base}/invitations` }],
      [true, { method: 'DELETE', url: `${base}/invitations/${randomUUID()}` }],
      [true, { method: 'DELETE', url: `${base}/members/${owner.user.userId}` }],
      [false, { method: 'GET', url: `${base}/activity` }],
      [false, { method: 'POST', url: `${base}/scan` }],
      [false, { method: 'GET', url: `${base}/devices` }],
      [false, { method: 'PATCH', url: `${base}/devices/${device!.id}`, payload: { name: 'x' } }],
      [false, { method: 'POST', url: `${base}/block`, payload: { ip } }],
      [false, { method: 'POST', url: `${base}/unblock`, payload: { ip } }],
      [false, { method: 'GET', url: `${base}/blocked` }],
      // Last: for a member this one means leaving.
      [false, { method: 'DELETE', url: base }],
    ];
    return { owner, routes };
  }

  it('answers 404 ROUTER_NOT_FOUND to a non-member on every router route, and calls nothing', async () => {
    const { owner, routes } = await routerRoutes();
    const stranger = await registerAndLogin(ctx.app);
    const before = ctx.sim.calls.length;
    for (const [, request] of routes) {
      const res = await injectAs(ctx.app, stranger, request);
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(404);
      expect(res.json().error.code, `${request.method} ${request.url}`).toBe('ROUTER_NOT_FOUND');
    }
    expect(ctx.sim.calls.slice(before)).toEqual([]);
    const list = await injectAs(ctx.app, stranger, { method: 'GET', url: '/api/v1/routers' });
    expect(list.json().data).toEqual({ items: [], nextCursor: null });
    // The owner's router is untouched.
    const mine = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/blocked`,
    });
    expect(mine.json().data.items).toHaveLength(1);
  });

  it('answers 403 FORBIDDEN to a member on owner-only routes, and serves the others', async () => {
    const { owner, routes } = await routerRoutes();
    const member = await memberOf(ctx, owner);
    for (const [ownerOnly, request] of routes) {
      const res = await injectAs(ctx.app, member.user, request);
      const label = `${request.method} ${request.url}`;
      if (ownerOnly) {
        expect(res.statusCode, label).toBe(403);
        expect(res.json().error.code, label).toBe('FORBIDDEN');
      } else {
        expect(res.statusCode, `${label}: ${res.body}`).toBe(200);
      }
    }
    expect(await count('routers', sql`id = ${owner.uuid} and name = 'Home'`)).toBe(1);
  });

  it('answers 401 without a session', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/routers' });
    expect(res.statusCode).toBe(401);
    const scan = await ctx.app.inject({ method: 'POST', url: '/api/v1/routers/any/scan' });
    expect(scan.statusCode).toBe(401);
  });

  it('validates path parameters', async () => {
    const user = await registerAndLogin(ctx.app);
    for (const url of [
      '/api/v1/routers/bad%20id',
      '/api/v1/routers/ok/members/not-a-uuid',
      '/api/v1/routers/ok/devices/not-a-uuid',
    ]) {
      const method = url.includes('/devices/')
        ? 'PATCH'
        : url.includes('/members/')
          ? 'DELETE'
          : 'GET';
      const res = await injectAs(ctx.app, user, {
        method,
        url,
        ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}),
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('Commands-Server session lifecycle through router routes', () => {
  it('starts the session on the first router operation and recovers after a restart', async () => {
    const user = await registerAndLogin(ctx.app);
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(false);
    const owner = await addRouter(ctx.app, ctx.db.db, user, uniqueRouterId());
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(true);
    ctx.sim.restart();
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(false);
    const since = ctx.sim.calls.length;
    const scan = await injectAs(ctx.app, user, {
      method: 'POST',
      url: `/api/v1/routers/${owner.routerId}/scan`,
    });
    expect(scan.statusCode, scan.body).toBe(200);
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(true);
    // Rejected with SESSION_INVALID, started again, retried once.
    expect(ctx.sim.calls.slice(since).map((c) => [c.path, c.status])).toEqual([
      ['/api/network/scan', 401],
      ['/api/session/start', 200],
      ['/api/network/scan', 200],
    ]);
  });
});
