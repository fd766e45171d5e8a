import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError } from '../../src/db/errors.js';
import { AppError } from '../../src/errors.js';
import { hashToken, newSessionToken } from '../../src/services/auth/session-token.js';
import {
  createTestContext,
  GOOD_PASSWORD,
  injectAs,
  registerAndLogin,
  uniqueEmail,
  type TestContext,
} from '../helpers/build-app.js';
import { startFaultyDatabase, type FaultyDatabase } from '../helpers/faulty-database.js';
import { createRouterFor } from '../helpers/factories.js';
import { privatePostgresUnavailable } from '../helpers/private-postgres.js';
import { pollUntil } from '../helpers/poll.js';

/**
 * The database fails under a running server: stopped, crashed, hung, or cut
 * at an exact statement. Requests must answer 503 DATABASE_UNAVAILABLE within
 * the request timeout (never hang, crash or leak internals), /ready must fail
 * while /health passes, the server must recover by itself, and no operation
 * may leave half of its writes behind.
 *
 * Runs on a private PostgreSQL this file starts and stops (never the shared one).
 */

const REQUEST_TIMEOUT_MS = 10_000;
const STATEMENT_TIMEOUT_MS = 1_000;

let fdb: FaultyDatabase;
let ctx: TestContext;
let app: FastifyInstance;

const skipReason = privatePostgresUnavailable ? ` (skipped: ${privatePostgresUnavailable})` : '';

describe.skipIf(privatePostgresUnavailable !== null)(`database faults${skipReason}`, () => {
  beforeAll(async () => {
    fdb = await startFaultyDatabase({ statementTimeoutMs: STATEMENT_TIMEOUT_MS });
    ctx = await createTestContext({
      db: fdb.db,
      config: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
    });
    app = ctx.app;
  });

  afterAll(async () => {
    try {
      fdb?.proxy.restore();
      await ctx?.close();
    } finally {
      await fdb?.close();
    }
  });

  describe('while the database is down', () => {
    for (const mode of ['fast', 'immediate'] as const) {
      it(`answers 503 on every database route, keeps /health, and recovers (stop -m ${mode})`, async () => {
        const user = await registerAndLogin(app);
        const other = await registerAndLogin(app);

        await fdb.server.stop(mode);
        await expectEveryRouteUnavailable(user, other.sessionId);
        // The sweeper's pass fails quietly and is retried on its next tick.
        await expect(app.services.sweeper.sweep()).resolves.toBeUndefined();

        await fdb.server.start();
        await expectRecovered(user);
      });
    }

    it('answers 503 within the timeouts when the database hangs (network black hole)', async () => {
      const user = await registerAndLogin(app);
      const other = await registerAndLogin(app);
      // Fill the pool with idle connections: a query sent on one gets no answer at all.
      await Promise.all([1, 2, 3, 4].map(() => fdb.db.pool!.query('select pg_sleep(0.05)')));
      expect(fdb.db.pool!.idleCount).toBe(4);
      fdb.proxy.freeze();
      try {
        await expectEveryRouteUnavailable(user, other.sessionId);
      } finally {
        fdb.proxy.restore();
      }
      await expectRecovered(user);
    });
  });

  describe('while the database is too slow to answer', () => {
    it('answers 503 once statement_timeout cancels a query stuck behind a lock', async () => {
      const user = await registerAndLogin(app);
      // A migration or a long maintenance job holding a lock looks like this.
      const locker = new pg.Client({ connectionString: fdb.server.url });
      await locker.connect();
      try {
        await locker.query('begin');
        await locker.query('lock table user_sessions in access exclusive mode');
        const started = Date.now();
        const res = await injectAs(app, user, { method: 'GET', url: '/api/v1/auth/me' });
        expectUnavailableAnswer(res, 'GET me behind a lock');
        expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS);
      } finally {
        await locker.query('rollback');
        await locker.end();
      }
      await expectRecovered(user);
    });
  });

  describe('a connection lost at any statement of a write leaves all of it or none of it', () => {
    for (const op of WRITE_OPERATIONS) {
      it(op.name, async () => {
        // A clean run counts the statements the operation sends.
        const dry = await op.prepare();
        fdb.takeStatements();
        const ok = await op.run(dry);
        expect(ok.statusCode, ok.body).toBe(op.okStatus);
        await app.services.commandsSessions.drain();
        const statements = fdb.takeStatements().length;
        expect(statements).toBeGreaterThan(0);

        for (let n = 0; n < statements; n += 1) {
          const state = await op.prepare();
          const before = await snapshot(state.email);
          fdb.failAtStatement(n, () => fdb.proxy.cut());
          let res: LightMyRequestResponse;
          try {
            res = await op.run(state);
          } finally {
            fdb.failAtStatement(Number.MAX_SAFE_INTEGER, () => {});
            fdb.proxy.restore();
          }
          await app.services.commandsSessions.drain();
          const after = await snapshot(state.email);
          const where = `${op.name}: connection cut at statement ${n} of ${statements}`;
          // A client lost to a failed transaction would starve the pool for good.
          const pool = fdb.db.pool!;
          expect(pool.totalCount - pool.idleCount, `${where}: pooled client leaked`).toBe(0);
          if (res.statusCode === op.okStatus) {
            op.expectComplete(before, after, where);
          } else {
            expectUnavailableAnswer(res, where);
            expect(after, `${where}: partial write`).toEqual(before);
          }
        }
      });
    }
  });

  describe('a connection lost while a transaction waits on the Commands-Server', () => {
    // Without a listener on checked-out clients, pg emits an unhandled 'error' here and
    // the process dies; vitest reports that as an uncaught exception and fails the run.
    it('fails that operation, never the process', async () => {
      const user = await registerAndLogin(app);
      const router = await createRouterFor(fdb.db.db, user.userId);
      const auth = {
        userId: user.userId,
        email: user.email,
        sessionId: user.sessionId,
        sessionExpiresAt: new Date(Date.now() + 60_000),
        signedInAt: new Date(),
      };
      const access = await app.services.access.check(auth, router.routerId);
      ctx.sim.faults.inject({
        match: { path: '/api/wifi/status' },
        times: 1,
        fault: { kind: 'latency', ms: 300 },
      });
      const outcome = app.services.runner.execute({
        auth,
        client: { ip: '127.0.0.1', userAgent: null, requestId: 'db-fault-tx' },
        router: access,
        operation: 'wifi.status',
        serialize: true,
        // The router lock's connection dies while the call is in flight.
        call: async (cs) => {
          fdb.proxy.cut();
          return cs.wifiStatus();
        },
        persist: async () => undefined,
      });
      const failure: unknown = await outcome.then(
        () => null,
        (err: unknown) => err,
      );
      expect(
        isConnectionError(failure) ||
          (failure instanceof AppError && failure.code === 'PERSISTENCE_FAILED'),
        String(failure),
      ).toBe(true);
      fdb.proxy.restore();
      await expectRecovered(user);
    });
  });
});

// ---------------------------------------------------------------------------

/** Every route that needs the database, with a caller whose session is valid. */
function databaseRoutes(
  user: { token: string; email: string },
  otherSessionId: string,
): [string, InjectOptions, boolean][] {
  return [
    ['GET /ready', { method: 'GET', url: '/ready' }, false],
    [
      'POST register',
      {
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: uniqueEmail('down'), password: GOOD_PASSWORD },
      },
      false,
    ],
    [
      'POST login',
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: GOOD_PASSWORD },
      },
      false,
    ],
    ['GET me', { method: 'GET', url: '/api/v1/auth/me' }, true],
    ['GET sessions', { method: 'GET', url: '/api/v1/auth/sessions' }, true],
    ['DELETE session', { method: 'DELETE', url: `/api/v1/auth/sessions/${otherSessionId}` }, true],
    ['POST revoke-others', { method: 'POST', url: '/api/v1/auth/sessions/revoke-others' }, true],
    [
      'POST password',
      {
        method: 'POST',
        url: '/api/v1/auth/password',
        payload: { currentPassword: GOOD_PASSWORD, newPassword: 'another long passphrase' },
      },
      true,
    ],
    ['POST logout', { method: 'POST', url: '/api/v1/auth/logout' }, true],
  ];
}

async function expectEveryRouteUnavailable(
  user: { token: string; email: string },
  otherSessionId: string,
) {
  // Concurrently, as real traffic would arrive; each must answer on its own.
  const answers = await Promise.all(
    databaseRoutes(user, otherSessionId).map(async ([name, request, authed]) => {
      const started = Date.now();
      const res = authed ? await injectAs(app, user, request) : await app.inject(request);
      return { name, res, ms: Date.now() - started };
    }),
  );
  for (const { name, res, ms } of answers) {
    expectUnavailableAnswer(res, name);
    expect(ms, `${name} took ${ms} ms`).toBeLessThan(REQUEST_TIMEOUT_MS);
  }
  const health = await app.inject({ method: 'GET', url: '/health' });
  expect(health.statusCode).toBe(200);
}

const INTERNALS =
  /ECONN|EPIPE|127\.0\.0\.1|postgres|select |insert |update |Connection terminated|timeout exceeded|Query read timeout|\.ts:\d+/i;

function expectUnavailableAnswer(res: LightMyRequestResponse, where: string) {
  expect(res.statusCode, `${where}: ${res.body}`).toBe(503);
  const body = res.json();
  expect(body, where).toMatchObject({
    success: false,
    data: null,
    error: { code: 'DATABASE_UNAVAILABLE' },
  });
  expect(res.body, `${where} leaks internals`).not.toMatch(INTERNALS);
}

/** The server heals by itself: /ready turns green, old sessions and new logins work. */
async function expectRecovered(user: { token: string; email: string }) {
  await pollUntil(
    async () => (await app.inject({ method: 'GET', url: '/ready' })).statusCode === 200,
    { timeoutMs: 20_000, what: '/ready to pass again' },
  );
  const me = await injectAs(app, user, { method: 'GET', url: '/api/v1/auth/me' });
  expect(me.statusCode).toBe(200);
  const fresh = await registerAndLogin(app);
  expect(fresh.token).toBeTruthy();
}

// --- all-or-nothing writes ---------------------------------------------------

interface Snapshot {
  user: { password_hash: string; password_changed_at: string } | null;
  sessions: { id: string; revoked_at: string | null; cs_state: string }[];
  audit: Record<string, number>;
}

/** What the database really holds for this account (read directly, not through the proxy). */
async function snapshot(email: string): Promise<Snapshot> {
  const [user] = await fdb.admin<{
    id: string;
    password_hash: string;
    password_changed_at: string;
  }>(
    `select id, password_hash, password_changed_at::text from users where lower(email) = lower($1)`,
    [email],
  );
  if (!user) {
    return { user: null, sessions: [], audit: {} };
  }
  const sessions = await fdb.admin<Snapshot['sessions'][number]>(
    `select id, revoked_at::text, cs_state::text from user_sessions where user_id = $1 order by id`,
    [user.id],
  );
  const audit = await fdb.admin<{ k: string; n: number }>(
    `select operation || ':' || outcome as k, count(*)::int as n from audit_events
      where user_id = $1 group by 1`,
    [user.id],
  );
  return {
    user: { password_hash: user.password_hash, password_changed_at: user.password_changed_at },
    sessions,
    audit: Object.fromEntries(audit.map((a) => [a.k, a.n])),
  };
}

interface Account {
  email: string;
  token: string;
  sessionId: string;
  /** Other live sessions of the same account. */
  others: string[];
}

let passwordHash: string | undefined;

/** An account with `sessions` live sessions, written directly (no argon2 per test case). */
async function seedAccount(sessions: number): Promise<Account> {
  passwordHash ??= await app.services.passwords.hash(GOOD_PASSWORD);
  const email = uniqueEmail('partial');
  const [user] = await fdb.admin<{ id: string }>(
    `insert into users (email, password_hash) values ($1, $2) returning id`,
    [email, passwordHash],
  );
  const tokens: { token: string; id: string }[] = [];
  for (let i = 0; i < sessions; i += 1) {
    const token = newSessionToken();
    const [row] = await fdb.admin<{ id: string }>(
      `insert into user_sessions (user_id, token_hash, expires_at, absolute_expires_at)
       values ($1, $2, now() + interval '1 day', now() + interval '2 days') returning id`,
      [user!.id, hashToken(token)],
    );
    tokens.push({ token, id: row!.id });
  }
  return {
    email,
    token: tokens[0]?.token ?? '',
    sessionId: tokens[0]?.id ?? '',
    others: tokens.slice(1).map((t) => t.id),
  };
}

interface WriteOperation {
  name: string;
  okStatus: number;
  prepare(): Promise<Account>;
  run(account: Account): Promise<LightMyRequestResponse>;
  expectComplete(before: Snapshot, after: Snapshot, where: string): void;
}

const count = (s: Snapshot, key: string) => s.audit[key] ?? 0;
const revoked = (s: Snapshot, ids: string[]) =>
  s.sessions.filter((x) => ids.includes(x.id) && x.revoked_at !== null).length;

const WRITE_OPERATIONS: WriteOperation[] = [
  {
    name: 'register',
    okStatus: 201,
    prepare: async () => ({ email: uniqueEmail('reg'), token: '', sessionId: '', others: [] }),
    run: (a) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: a.email, password: GOOD_PASSWORD },
      }),
    expectComplete(before, after, where) {
      expect(before.user, where).toBeNull();
      expect(after.user, where).not.toBeNull();
      expect(count(after, 'auth.register:succeeded'), where).toBe(1);
    },
  },
  {
    name: 'login',
    okStatus: 200,
    prepare: () => seedAccount(0),
    run: (a) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: a.email, password: GOOD_PASSWORD },
      }),
    expectComplete(before, after, where) {
      expect(after.sessions.length, where).toBe(before.sessions.length + 1);
      expect(count(after, 'auth.login:succeeded'), where).toBe(1);
    },
  },
  {
    name: 'logout',
    okStatus: 200,
    prepare: () => seedAccount(1),
    run: (a) => injectAs(app, a, { method: 'POST', url: '/api/v1/auth/logout' }),
    expectComplete(_before, after, where) {
      expect(after.sessions[0]?.revoked_at, where).not.toBeNull();
      expect(count(after, 'auth.logout:succeeded'), where).toBe(1);
    },
  },
  {
    name: 'revoke one session',
    okStatus: 200,
    prepare: () => seedAccount(2),
    run: (a) => injectAs(app, a, { method: 'DELETE', url: `/api/v1/auth/sessions/${a.others[0]}` }),
    expectComplete(_before, after, where) {
      expect(
        revoked(
          after,
          after.sessions.map((s) => s.id),
        ),
        where,
      ).toBe(1);
      expect(count(after, 'auth.session_revoke:succeeded'), where).toBe(1);
    },
  },
  {
    name: 'revoke other sessions',
    okStatus: 200,
    prepare: () => seedAccount(3),
    run: (a) => injectAs(app, a, { method: 'POST', url: '/api/v1/auth/sessions/revoke-others' }),
    expectComplete(_before, after, where) {
      expect(
        revoked(
          after,
          after.sessions.map((s) => s.id),
        ),
        where,
      ).toBe(2);
      expect(count(after, 'auth.session_revoke:succeeded'), where).toBe(2);
    },
  },
  {
    name: 'change password (revokes the other sessions)',
    okStatus: 200,
    prepare: () => seedAccount(3),
    run: (a) =>
      injectAs(app, a, {
        method: 'POST',
        url: '/api/v1/auth/password',
        payload: { currentPassword: GOOD_PASSWORD, newPassword: 'another long passphrase' },
      }),
    expectComplete(before, after, where) {
      expect(after.user?.password_hash, where).not.toBe(before.user?.password_hash);
      expect(
        revoked(
          after,
          after.sessions.map((s) => s.id),
        ),
        where,
      ).toBe(2);
      expect(count(after, 'auth.password_change:succeeded'), where).toBe(1);
      expect(count(after, 'auth.session_revoke:succeeded'), where).toBe(2);
    },
  },
];
