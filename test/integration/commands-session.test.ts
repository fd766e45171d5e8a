import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandsServerClient } from '../../src/clients/commands-server.client.js';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  login,
  registerAndLogin,
  type TestContext,
} from '../helpers/build-app.js';
import { createRouterFor, uniqueRouterId } from '../helpers/factories.js';
import { onPostgres } from '../helpers/test-db.js';

/**
 * The Commands-Server session that mirrors each login (SPEC §4, contract §3),
 * exercised against the simulator over real HTTP.
 */
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

const DAY = 24 * 3600 * 1000;

async function csRow(sessionId: string) {
  const [row] = await queryRows<{
    cs_state: string;
    cs_router_ids: string[];
    cs_end_attempts: number;
  }>(
    ctx.db.db,
    sql`select cs_state::text, cs_router_ids, cs_end_attempts from user_sessions where id = ${sessionId}`,
  );
  return row!;
}

function endCallsFor(sessionId: string) {
  return ctx.sim.calls.filter((c) => c.path === '/api/session/end' && c.sessionId === sessionId);
}

async function operate(sessionId: string, routerId: string) {
  return ctx.app.services.commandsSessions.run({ sessionId, routerId }, (c) => c.wifiStatus());
}

describe('Commands-Server session lifecycle', () => {
  it('starts on the first router operation, once', async () => {
    const user = await registerAndLogin(ctx.app);
    const routerId = uniqueRouterId();
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(false);
    await operate(user.sessionId, routerId);
    await operate(user.sessionId, routerId);
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(true);
    const starts = ctx.sim.calls.filter(
      (c) => c.path === '/api/session/start' && c.sessionId === user.sessionId,
    );
    expect(starts).toHaveLength(1);
    expect(starts[0]!.routerId).toBe(routerId);
    expect(await csRow(user.sessionId)).toMatchObject({
      cs_state: 'active',
      cs_router_ids: [routerId],
    });
  });

  it('prepares a second router by ending and starting again (a second start would be a no-op)', async () => {
    const user = await registerAndLogin(ctx.app);
    const [a, b] = [uniqueRouterId(), uniqueRouterId()];
    await operate(user.sessionId, a);
    await operate(user.sessionId, b);
    expect(ctx.sim.routerState(b).infrastructureReady).toBe(true);
    expect((await csRow(user.sessionId)).cs_router_ids).toEqual([b]);
  });

  it('runs one login’s operations on two routers at once: none fails, each router is prepared', async () => {
    const user = await registerAndLogin(ctx.app);
    const [a, b] = [uniqueRouterId(), uniqueRouterId()];
    // Calls on A take a while, so that operations on B arrive while they are in flight.
    ctx.sim.faults.inject({
      match: { path: '/api/wifi/status', routerId: a },
      fault: { kind: 'latency', ms: 30 },
    });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 24 }, (_, i) => operate(user.sessionId, i % 3 === 0 ? b : a)),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    } finally {
      ctx.sim.faults.clear();
    }
    // The session moved between the routers (end + start), never under a call in flight.
    const starts = ctx.sim.calls.filter(
      (c) => c.path === '/api/session/start' && c.sessionId === user.sessionId,
    );
    expect(starts.map((c) => c.routerId)).toEqual(expect.arrayContaining([a, b]));
    expect(ctx.sim.routerState(a).infrastructureReady).toBe(true);
    expect(ctx.sim.routerState(b).infrastructureReady).toBe(true);
    const last = starts.at(-1)!.routerId;
    expect(await csRow(user.sessionId)).toMatchObject({
      cs_state: 'active',
      cs_router_ids: [last],
    });
  });

  it('serves one login’s concurrent list changes on two routers through HTTP, all of them', async () => {
    const user = await registerAndLogin(ctx.app);
    const a = await createRouterFor(ctx.db.db, user.userId);
    const b = await createRouterFor(ctx.db.db, user.userId);
    ctx.sim.faults.inject({
      match: { path: '/api/whitelist/add', routerId: a.routerId },
      fault: { kind: 'latency', ms: 20 },
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          injectAs(ctx.app, user, {
            method: 'POST',
            url: `/api/v1/routers/${(i % 2 ? a : b).routerId}/whitelist`,
            payload: { ip: `10.9.0.${i + 1}` },
          }),
        ),
      );
      expect(answers.map((r) => r.statusCode)).toEqual(Array.from({ length: 12 }, () => 201));
    } finally {
      ctx.sim.faults.clear();
    }
    for (const [router, parity] of [
      [a, 1],
      [b, 0],
    ] as const) {
      const expected = Array.from({ length: 12 }, (_, i) => i)
        .filter((i) => i % 2 === parity)
        .map((i) => `10.9.0.${i + 1}`);
      expect([...ctx.sim.routerState(router.routerId).whitelist].sort()).toEqual(expected.sort());
      const rows = await queryRows<{ ip: string }>(
        ctx.db.db,
        sql`select host(ip) as ip from user_whitelists where router_id = ${router.id}`,
      );
      expect(rows.map((r) => r.ip).sort()).toEqual(expected.sort());
    }
  });

  it('counts SESSION_ALREADY_ACTIVE as started, but not as having prepared the router', async () => {
    const user = await registerAndLogin(ctx.app);
    const [other, a] = [uniqueRouterId(), uniqueRouterId()];
    // Someone else (say, another instance that has not recorded it yet) started the
    // login's Commands-Server session with another router.
    await new CommandsServerClient(ctx.http, {
      sessionId: user.sessionId,
      routerId: other,
    }).startSession();
    const status = await operate(user.sessionId, a);
    expect(status.ssid).toBeTypeOf('string');
    expect(ctx.sim.routerState(a).infrastructureReady).toBe(false);
    expect(await csRow(user.sessionId)).toMatchObject({ cs_state: 'active', cs_router_ids: [] });
    // The next operation on A moves the session there properly.
    await operate(user.sessionId, a);
    expect(ctx.sim.routerState(a).infrastructureReady).toBe(true);
    expect((await csRow(user.sessionId)).cs_router_ids).toEqual([a]);
  });

  it('starts again and retries once after the Commands-Server restarted', async () => {
    const user = await registerAndLogin(ctx.app);
    const routerId = uniqueRouterId();
    await operate(user.sessionId, routerId);
    ctx.sim.restart();
    const status = await operate(user.sessionId, routerId);
    expect(status.ssid).toBeTypeOf('string');
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(true);
  });

  it('records a failed start as active on the Commands-Server, so it is ended later', async () => {
    const user = await registerAndLogin(ctx.app);
    await expect(operate(user.sessionId, 'unknown-router')).rejects.toMatchObject({
      code: 'ROUTER_UNKNOWN',
    });
    // The Commands-Server left the session active although the start failed (contract §3).
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(true);
    expect(await csRow(user.sessionId)).toMatchObject({ cs_state: 'active', cs_router_ids: [] });
    // The next operation on a real router ends it and starts it properly.
    const routerId = uniqueRouterId();
    await operate(user.sessionId, routerId);
    expect(ctx.sim.routerState(routerId).infrastructureReady).toBe(true);
  });

  it('starts at login, in the background, when the user already has a router', async () => {
    const user = await registerAndLogin(ctx.app);
    const { routerId } = await createRouterFor(ctx.db.db, user.userId);
    const second = await login(ctx.app, user.email);
    await ctx.app.services.commandsSessions.drain();
    expect(ctx.sim.isSessionActive(second.sessionId)).toBe(true);
    expect((await csRow(second.sessionId)).cs_router_ids).toEqual([routerId]);
  });

  it('never delays or fails the login when the background start fails', async () => {
    const user = await registerAndLogin(ctx.app);
    await createRouterFor(ctx.db.db, user.userId);
    const fault = ctx.sim.faults.inject({
      match: { path: '/api/session/start' },
      fault: { kind: 'drop' },
    });
    try {
      const second = await login(ctx.app, user.email);
      expect(second.token).toBeTruthy();
      await ctx.app.services.commandsSessions.drain();
    } finally {
      ctx.sim.faults.remove(fault);
    }
  });

  it('ends the session on logout', async () => {
    const user = await registerAndLogin(ctx.app);
    await operate(user.sessionId, uniqueRouterId());
    await injectAs(ctx.app, user, { method: 'POST', url: '/api/v1/auth/logout' });
    await ctx.app.services.commandsSessions.drain();
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(false);
    expect((await csRow(user.sessionId)).cs_state).toBe('ended');
  });

  it('ends the other sessions on revocation and on password change', async () => {
    const user = await registerAndLogin(ctx.app);
    const other = await login(ctx.app, user.email);
    const third = await login(ctx.app, user.email);
    await operate(other.sessionId, uniqueRouterId());
    await operate(third.sessionId, uniqueRouterId());
    await injectAs(ctx.app, user, {
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${other.sessionId}`,
    });
    await injectAs(ctx.app, user, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: user.password, newPassword: 'another long passphrase' },
    });
    await ctx.app.services.commandsSessions.drain();
    expect(ctx.sim.isSessionActive(other.sessionId)).toBe(false);
    expect(ctx.sim.isSessionActive(third.sessionId)).toBe(false);
  });

  it('the sweeper ends the session of an expired login', async () => {
    const user = await registerAndLogin(ctx.app);
    await operate(user.sessionId, uniqueRouterId());
    ctx.clock.advance(8 * DAY);
    await ctx.app.services.sweeper.sweep();
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(false);
    expect((await csRow(user.sessionId)).cs_state).toBe('ended');
    expect(endCallsFor(user.sessionId)).toHaveLength(1);
    // Nothing left to do: a second sweep sends nothing.
    await ctx.app.services.sweeper.sweep();
    expect(endCallsFor(user.sessionId)).toHaveLength(1);
  });

  it('the sweeper retries an end that failed while the Commands-Server was down', async () => {
    const user = await registerAndLogin(ctx.app);
    await operate(user.sessionId, uniqueRouterId());
    const fault = ctx.sim.faults.inject({
      match: { path: '/api/session/end' },
      fault: { kind: 'drop' },
    });
    await injectAs(ctx.app, user, { method: 'POST', url: '/api/v1/auth/logout' });
    await ctx.app.services.commandsSessions.drain();
    expect(await csRow(user.sessionId)).toMatchObject({ cs_state: 'ending' });
    await ctx.app.services.sweeper.sweep(); // still down
    expect((await csRow(user.sessionId)).cs_state).toBe('ending');
    ctx.sim.faults.remove(fault);
    ctx.clock.advance(60 * 60 * 1000);
    await ctx.app.services.sweeper.sweep();
    expect((await csRow(user.sessionId)).cs_state).toBe('ended');
    expect(ctx.sim.isSessionActive(user.sessionId)).toBe(false);
  });

  it('treats 401 from end as already ended', async () => {
    const user = await registerAndLogin(ctx.app);
    await operate(user.sessionId, uniqueRouterId());
    ctx.sim.restart(); // the Commands-Server forgot it
    await injectAs(ctx.app, user, { method: 'POST', url: '/api/v1/auth/logout' });
    await ctx.app.services.commandsSessions.drain();
    expect((await csRow(user.sessionId)).cs_state).toBe('ended');
  });
});

describe.skipIf(!onPostgres)(
  'two sweepers on one PostgreSQL (real PostgreSQL only: row locks)',
  () => {
    it('never end the same session twice', async () => {
      const second = await createTestContext({ db: ctx.db, sim: ctx.sim });
      try {
        const users = await Promise.all(
          Array.from({ length: 12 }, () => registerAndLogin(ctx.app)),
        );
        await Promise.all(users.map((u) => operate(u.sessionId, uniqueRouterId())));
        // Expired (idle 7 days) but younger than the 30-day retention, so the rows stay to be read.
        ctx.clock.advance(10 * DAY);
        second.clock.advance(ctx.clock.now().getTime() - second.clock.now().getTime());
        await Promise.all([
          ctx.app.services.sweeper.sweep(),
          second.app.services.sweeper.sweep(),
          ctx.app.services.sweeper.sweep(),
        ]);
        for (const u of users) {
          expect(endCallsFor(u.sessionId), u.sessionId).toHaveLength(1);
          expect((await csRow(u.sessionId)).cs_state).toBe('ended');
        }
      } finally {
        await second.close();
      }
    });
  },
);
