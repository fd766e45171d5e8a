import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, queryRows } from '../../src/db/client.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { hashToken, newSessionToken } from '../../src/services/auth/session-token.js';
import { sql } from 'drizzle-orm';
import {
  createTestContext,
  GOOD_PASSWORD,
  registerAndLogin,
  uniqueEmail,
  type TestContext,
} from '../helpers/build-app.js';
import { createRouterFor, uniqueRouterId } from '../helpers/factories.js';
import { attemptsAllowed, sampleOf } from '../helpers/metrics-scrape.js';
import { pollUntil } from '../helpers/poll.js';
import { httpCall, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { createTestDb, onPostgres, type TestDb } from '../helpers/test-db.js';

/**
 * Several instances on one PostgreSQL (SPEC §9): two apps in this process on
 * separate pools, then two real server processes. A login made on one works on
 * the other; every sweeper runs, yet each expired session's Commands-Server
 * session is ended exactly once; login throttling is shared through Redis.
 */

const REDIS_URL = process.env.TEST_REDIS_URL;

let db: TestDb;
let dbB: TestDb;
let sim: Simulator;

/** Deletes the Redis throttle counters a test made for this account and address. */
async function forgetThrottleKeys(redis: Redis, email: string, ip: string): Promise<void> {
  const account = email.toLowerCase();
  await redis.del(
    `netpilot:throttle:login:acct-ip:${account}|${ip}`,
    `netpilot:throttle:login:ip:${ip}`,
    `netpilot:throttle:login:acct:${account}`,
  );
}

/** /api/session/end calls per session id, and how many of them succeeded. */
function endCalls(ids: string[]) {
  const wanted = new Set(ids);
  const all = new Map<string, number>();
  const ok = new Map<string, number>();
  for (const call of sim.calls) {
    if (call.path !== '/api/session/end' || typeof call.sessionId !== 'string') {
      continue;
    }
    if (!wanted.has(call.sessionId)) {
      continue;
    }
    all.set(call.sessionId, (all.get(call.sessionId) ?? 0) + 1);
    if (call.status === 200) {
      ok.set(call.sessionId, (ok.get(call.sessionId) ?? 0) + 1);
    }
  }
  return { all, ok };
}

/**
 * `count` logins of one user whose Commands-Server sessions are active on the
 * simulator (started through `ctx`'s own code), then expired in the database.
 */
async function expiredActiveSessions(ctx: TestContext, count: number): Promise<string[]> {
  const user = await registerAndLogin(ctx.app);
  const router = await createRouterFor(db.db, user.userId, uniqueRouterId('sweep'));
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const [row] = await queryRows<{ id: string }>(
      db.db,
      sql`insert into user_sessions (user_id, token_hash, expires_at, absolute_expires_at)
          values (${user.userId}, ${hashToken(newSessionToken())}, now() + interval '1 day',
                  now() + interval '2 days') returning id`,
    );
    ids.push(row!.id);
  }
  await Promise.all(
    ids.map((sessionId) =>
      ctx.app.services.commandsSessions.ensure({ sessionId, routerId: router.routerId }),
    ),
  );
  for (const id of ids) {
    expect(sim.isSessionActive(id)).toBe(true);
  }
  await db.db.execute(
    sql`update user_sessions set expires_at = now() - interval '1 minute'
         where id in ${sql.raw(`('${ids.join("','")}')`)}`,
  );
  return ids;
}

async function csStates(ids: string[]): Promise<string[]> {
  const rows = await queryRows<{ s: string }>(
    db.db,
    sql`select cs_state::text as s from user_sessions where id in ${sql.raw(`('${ids.join("','")}')`)}`,
  );
  return rows.map((r) => r.s);
}

/** Successful session.end calls an app made, from its own /metrics. */
async function endsReportedBy(ctx: TestContext): Promise<number> {
  const text = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
  let total = 0;
  for (const m of text.matchAll(
    /^commands_server_calls_total\{[^}]*operation="session\.end"[^}]*outcome="success"[^}]*\} (\d+)/gm,
  )) {
    total += Number(m[1]);
  }
  return total;
}

describe.skipIf(!onPostgres)(
  'several instances on one PostgreSQL (skipped on PGlite: it needs a database that several processes share)',
  () => {
    beforeAll(async () => {
      db = await createTestDb();
      const second = await createDb(
        { kind: 'postgres', url: db.url!, poolMax: 10, statementTimeoutMs: 30_000 },
        {},
      );
      dbB = { ...second, url: db.url, queries: [], destroy: () => second.close() };
      sim = await startSimulator({ janitorIntervalMs: 0 });
    });

    afterAll(async () => {
      await sim?.close();
      await dbB?.destroy();
      await db?.destroy();
    });

    describe('two apps in one process, separate pools', () => {
      let a: TestContext;
      let b: TestContext;
      beforeAll(async () => {
        a = await createTestContext({ db, sim });
        b = await createTestContext({ db: dbB, sim });
      });
      afterAll(async () => {
        await a?.close();
        await b?.close();
      });

      it('a login made on one works on the other, and a logout on one ends it on both', async () => {
        const user = await registerAndLogin(a.app);
        const me = (ctx: TestContext) =>
          ctx.app.inject({
            method: 'GET',
            url: '/api/v1/auth/me',
            headers: { authorization: `Bearer ${user.token}` },
          });
        expect((await me(b)).statusCode).toBe(200);
        const out = await b.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { authorization: `Bearer ${user.token}` },
        });
        expect(out.statusCode).toBe(200);
        expect((await me(a)).statusCode).toBe(401);
      });

      it('both sweepers run at once and end every expired session exactly once', async () => {
        const ids = await expiredActiveSessions(a, 120);
        sim.clearCalls();
        // Slow ends keep both sweepers busy at the same time.
        const slow = sim.faults.inject({
          match: { path: '/api/session/end' },
          fault: { kind: 'latency', ms: 30 },
        });
        const before = { a: await endsReportedBy(a), b: await endsReportedBy(b) };
        for (let round = 0; round < 3; round += 1) {
          await Promise.all([a.app.services.sweeper.sweep(), b.app.services.sweeper.sweep()]);
        }
        sim.faults.remove(slow);
        const { all } = endCalls(ids);
        expect(ids.filter((id) => all.get(id) !== 1)).toEqual([]);
        expect(await csStates(ids)).toEqual(ids.map(() => 'ended'));
        const byA = (await endsReportedBy(a)) - before.a;
        const byB = (await endsReportedBy(b)) - before.b;
        expect(byA + byB).toBe(ids.length);
        expect(byA).toBeGreaterThan(0);
        expect(byB).toBeGreaterThan(0);
        for (const id of ids) {
          expect(sim.isSessionActive(id)).toBe(false);
        }
      });

      it('a failed end is retried later by whichever sweeper, and succeeds exactly once', async () => {
        const ids = await expiredActiveSessions(a, 20);
        sim.clearCalls();
        sim.faults.inject({
          match: { path: '/api/session/end' },
          times: 8,
          fault: { kind: 'error', status: 500, code: 'INTERNAL_ERROR', message: 'boom' },
        });
        await Promise.all([a.app.services.sweeper.sweep(), b.app.services.sweeper.sweep()]);
        expect((await csStates(ids)).filter((s) => s === 'ending').length).toBe(8);
        // Past the retry backoff on both instances' clocks.
        a.clock.advance(15 * 60_000);
        b.clock.advance(15 * 60_000);
        await Promise.all([a.app.services.sweeper.sweep(), b.app.services.sweeper.sweep()]);
        const { ok } = endCalls(ids);
        expect(ids.filter((id) => ok.get(id) !== 1)).toEqual([]);
        expect(await csStates(ids)).toEqual(ids.map(() => 'ended'));
      });
      it('concurrent mutations of one router through both keep the invariants', async () => {
        const owner = await registerAndLogin(a.app);
        const router = await createRouterFor(db.db, owner.userId, uniqueRouterId('multi'));
        const url = `/api/v1/routers/${router.routerId}/whitelist`;
        const add = (ctx: TestContext, ip: string) =>
          ctx.app.inject({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${owner.token}` },
            payload: { ip },
          });
        // 15 distinct addresses through each instance, and one address through both at once.
        const ips = Array.from(
          { length: 30 },
          (_, i) => `10.9.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        );
        const answers = await Promise.all([
          ...ips.map((ip, i) => add(i % 2 === 0 ? a : b, ip)),
          ...Array.from({ length: 10 }, (_, i) => add(i % 2 === 0 ? a : b, '10.9.9.9')),
        ]);
        expect(answers.filter((r) => r.statusCode >= 300).map((r) => r.body)).toEqual([]);
        const rows = await queryRows<{ ip: string; n: number }>(
          db.db,
          sql`select host(ip) as ip, count(*)::int as n from user_whitelists
               where router_id = ${router.id} group by ip`,
        );
        expect(rows.filter((r) => r.n !== 1)).toEqual([]);
        const inDb = rows.map((r) => r.ip).sort();
        expect(inDb).toEqual([...ips, '10.9.9.9'].sort());
        // No lost update on the router's own state file: it holds every address too.
        expect([...sim.routerState(router.routerId).whitelist].sort()).toEqual(inDb);
      });
    });

    describe('two server processes', () => {
      let p1: ServerProcess;
      let p2: ServerProcess;
      let setup: TestContext;
      beforeAll(async () => {
        const env: Record<string, string> = {
          DATABASE_URL: db.url!,
          COMMANDS_SERVER_URL: sim.url,
          SESSION_SWEEP_INTERVAL_SECONDS: '1',
          LOG_LEVEL: 'warn',
          // The test connects directly and names its client address in X-Forwarded-For.
          TRUST_PROXY: '1',
          LOGIN_THROTTLE_FREE_ATTEMPTS: '3',
          ...(REDIS_URL ? { REDIS_URL } : {}),
        };
        // Both start at once: migrations and start-up must tolerate each other.
        [p1, p2] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
        setup = await createTestContext({ db, sim });
      });
      afterAll(async () => {
        await Promise.all([p1?.stop(), p2?.stop()]);
        await setup?.close();
      });

      it('a login made on one process works on the other, and logout on one ends it on both', async () => {
        const email = uniqueEmail('procs');
        const reg = await httpCall('POST', `${p1.url}/api/v1/auth/register`, {
          email,
          password: GOOD_PASSWORD,
        });
        expect(reg.status, reg.body).toBe(201);
        const res = await httpCall('POST', `${p1.url}/api/v1/auth/login`, {
          email,
          password: GOOD_PASSWORD,
        });
        expect(res.status, res.body).toBe(200);
        const token = (JSON.parse(res.body) as { data: { token: string } }).data.token;
        const auth = { authorization: `Bearer ${token}` };
        expect((await httpCall('GET', `${p2.url}/api/v1/auth/me`, undefined, auth)).status).toBe(
          200,
        );
        expect(
          (await httpCall('POST', `${p2.url}/api/v1/auth/logout`, undefined, auth)).status,
        ).toBe(200);
        expect((await httpCall('GET', `${p1.url}/api/v1/auth/me`, undefined, auth)).status).toBe(
          401,
        );
      });

      it('the sweepers of both processes end every expired session exactly once', async () => {
        sim.clearCalls();
        const ids = await expiredActiveSessions(setup, 40);
        await pollUntil(async () => (await csStates(ids)).every((s) => s === 'ended'), {
          timeoutMs: 20_000,
          what: 'the processes’ sweepers to end every expired session',
        });
        const { all } = endCalls(ids);
        expect(ids.filter((id) => all.get(id) !== 1)).toEqual([]);
      });

      it.skipIf(!REDIS_URL)(
        `shares login throttling through Redis${REDIS_URL ? '' : ' (skipped: set TEST_REDIS_URL)'}`,
        async () => {
          // A unique account and client address: no key that another test or run uses.
          const email = uniqueEmail('throttle');
          const ip = `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;
          const from = { 'x-forwarded-for': ip };
          const redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
          try {
            const reg = await httpCall('POST', `${p1.url}/api/v1/auth/register`, {
              email,
              password: GOOD_PASSWORD,
            });
            expect(reg.status).toBe(201);
            for (let i = 0; i < 3; i += 1) {
              const wrong = await httpCall(
                'POST',
                `${p1.url}/api/v1/auth/login`,
                { email, password: 'not the password' },
                from,
              );
              expect(wrong.status).toBe(401);
            }
            // The other process has seen none of those failures itself.
            const blocked = await httpCall(
              'POST',
              `${p2.url}/api/v1/auth/login`,
              { email, password: GOOD_PASSWORD },
              from,
            );
            expect(blocked.status, blocked.body).toBe(429);
            expect(JSON.parse(blocked.body)).toMatchObject({
              error: { code: 'TOO_MANY_ATTEMPTS' },
            });
          } finally {
            await forgetThrottleKeys(redis, email, ip);
            redis.disconnect();
          }
        },
      );

      it.skipIf(!REDIS_URL)(
        `200 simultaneous guesses split over both processes: only the free attempts reach argon2${REDIS_URL ? '' : ' (skipped: set TEST_REDIS_URL)'}`,
        async () => {
          const email = uniqueEmail('race');
          const ip = `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;
          const from = { 'x-forwarded-for': ip };
          const redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
          const verifications = async () => {
            const texts = await Promise.all(
              [p1, p2].map((p) => httpCall('GET', `${p.url}/metrics`)),
            );
            return texts.reduce(
              (sum, t) =>
                sum + sampleOf(t.body, 'password_hash_operations_total', { operation: 'verify' }),
              0,
            );
          };
          try {
            const reg = await httpCall('POST', `${p1.url}/api/v1/auth/register`, {
              email,
              password: GOOD_PASSWORD,
            });
            expect(reg.status).toBe(201);
            const before = await verifications();
            const started = Date.now();
            const answers = await Promise.all(
              Array.from({ length: 200 }, (_, i) =>
                httpCall(
                  'POST',
                  `${(i % 2 === 0 ? p1 : p2).url}/api/v1/auth/login`,
                  { email, password: `wrong guess ${i}` },
                  from,
                ),
              ),
            );
            const allowed = attemptsAllowed(3, Date.now() - started);
            const statuses = answers.map((a) => a.status);
            // LOGIN_THROTTLE_FREE_ATTEMPTS is 3 for these processes.
            const reached = statuses.filter((st) => st === 401).length;
            expect(reached).toBeGreaterThanOrEqual(3);
            expect(reached).toBeLessThanOrEqual(allowed);
            expect(statuses.filter((st) => st === 429)).toHaveLength(200 - reached);
            expect((await verifications()) - before).toBe(reached);
          } finally {
            await forgetThrottleKeys(redis, email, ip);
            redis.disconnect();
          }
        },
      );
    });
  },
);
