import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/build-app.js';
import { uniqueRouterId } from '../helpers/factories.js';
import { pollUntil } from '../helpers/poll.js';
import {
  httpCall,
  httpGet,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';
import { createTestDb, onPostgres, type TestDb } from '../helpers/test-db.js';

/**
 * SIGTERM to the real server process while requests are in flight (the
 * Commands-Server simulator answers slowly): those requests finish and their
 * writes are all in the database, background work started by them finishes,
 * new requests are refused, and the process exits 0 with nothing logged as an
 * error. On PGlite the data directory is reopened after the exit to prove that
 * what was answered as done was also persisted.
 */

const CS_LATENCY_MS = 800;

let sim: Simulator;
let testDb: TestDb | null = null;
let pgliteDir: string | null = null;
let server: ServerProcess | null = null;

beforeAll(async () => {
  sim = await startSimulator({ janitorIntervalMs: 0 });
  const env: Record<string, string> = { COMMANDS_SERVER_URL: sim.url };
  if (onPostgres) {
    testDb = await createTestDb({ poolMax: 2 });
    env.DATABASE_URL = testDb.url!;
  } else {
    pgliteDir = mkdtempSync(join(tmpdir(), 'np-shutdown-'));
    // Start from the run's migrated snapshot: initialising a fresh PGlite directory
    // inside the server would cost many seconds of the test's time.
    const seeded = await PGlite.create(pgliteDir, {
      loadDataDir: new Blob([readFileSync(inject('pgliteDumpPath'))]),
    });
    await seeded.close();
    env.PGLITE_DATA_DIR = pgliteDir;
  }
  server = await startServerProcess(env);
});

afterAll(async () => {
  await server?.stop();
  await sim?.close();
  await testDb?.destroy();
  if (pgliteDir) {
    rmSync(pgliteDir, { recursive: true, force: true });
  }
});

/** Reads the server's database after it has exited. */
async function query<T>(text: string, values: unknown[] = []): Promise<T[]> {
  if (testDb) {
    const client = new pg.Client({ connectionString: testDb.url! });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = await PGlite.create(pgliteDir!);
  try {
    return (await db.query<T>(text, values)).rows;
  } finally {
    await db.close();
  }
}

async function register(base: string, email: string) {
  const res = await httpCall('POST', `${base}/api/v1/auth/register`, {
    email,
    password: GOOD_PASSWORD,
  });
  expect(res.status, res.body).toBe(201);
}

async function login(base: string, email: string): Promise<{ token: string; sessionId: string }> {
  const res = await httpCall('POST', `${base}/api/v1/auth/login`, {
    email,
    password: GOOD_PASSWORD,
  });
  expect(res.status, res.body).toBe(200);
  const data = (JSON.parse(res.body) as { data: { token: string; session: { id: string } } }).data;
  return { token: data.token, sessionId: data.session.id };
}

describe('graceful shutdown on SIGTERM', () => {
  it('finishes in-flight requests and background work, refuses new ones, exits 0, loses nothing', async () => {
    const srv = server!;
    const owner = uniqueEmail('shutdown');
    await register(srv.url, owner);
    const first = await login(srv.url, owner);
    const auth = { authorization: `Bearer ${first.token}` };
    const adopted = uniqueRouterId('adopted');
    const added = await httpCall(
      'POST',
      `${srv.url}/api/v1/routers`,
      { routerId: adopted, name: 'Home' },
      auth,
    );
    expect(added.status, added.body).toBe(201);

    // Each in-flight router addition comes from its own user: one login driving
    // several routers at once would make them take turns with its Commands-Server session.
    const adders = await Promise.all(
      [1, 2, 3].map(async () => {
        const email = uniqueEmail('adder');
        await register(srv.url, email);
        return login(srv.url, email);
      }),
    );

    // From now on every Commands-Server call takes a while, the owner's session start longest.
    sim.faults.inject({
      match: { path: '/api/session/start', routerId: adopted },
      fault: { kind: 'latency', ms: 3 * CS_LATENCY_MS },
    });
    sim.faults.inject({
      match: { path: /^\/api\// },
      fault: { kind: 'latency', ms: CS_LATENCY_MS },
    });
    sim.clearCalls();

    // In flight: a login whose Commands-Server session starts in the background,
    // router additions (slow Commands-Server calls, then a transaction), registrations.
    const loggedIn = await login(srv.url, owner);
    const routerIds = adders.map(() => uniqueRouterId('inflight'));
    const additions = adders.map((adder, i) =>
      httpCall(
        'POST',
        `${srv.url}/api/v1/routers`,
        { routerId: routerIds[i], name: 'In flight' },
        { authorization: `Bearer ${adder.token}` },
      ),
    );
    const newEmails = [1, 2, 3].map(() => uniqueEmail('inflight'));
    const pendingFor = (sessionId: string) =>
      sim.calls.some((c) => c.sessionId === sessionId && c.status === 0);
    await pollUntil(() => [loggedIn, ...adders].every((l) => pendingFor(l.sessionId)), {
      timeoutMs: 10_000,
      what: 'a Commands-Server call in flight for every login',
    });
    const registrationsSeen = () =>
      srv
        .logs()
        .filter(
          (l) =>
            l.msg === 'incoming request' &&
            (l.req as { url?: string } | undefined)?.url === '/api/v1/auth/register',
        ).length;
    const seenBefore = registrationsSeen();
    const registrations = newEmails.map((email) => register(srv.url, email));
    // In flight means read by the server: a request still on its way when the signal
    // lands is refused (503, or its connection closed), which is right but not this test.
    await pollUntil(() => registrationsSeen() === seenBefore + newEmails.length, {
      timeoutMs: 10_000,
      what: 'the server to have read every registration',
    });

    srv.signal('SIGTERM');
    await pollUntil(() => srv.output().includes('shutting down'), {
      timeoutMs: 5_000,
      what: 'the server to begin shutting down',
    });

    // A new connection is refused, or answered 503 in the envelope: never served.
    const late = await httpGet(`${srv.url}/health`).then(
      (res) => res,
      (err: NodeJS.ErrnoException) => ({ status: 0, body: err.code ?? String(err) }),
    );
    if (late.status !== 0) {
      expect(late.status, late.body).toBe(503);
    } else {
      expect(late.body).toMatch(/ECONNREFUSED|ECONNRESET/);
    }

    for (const res of await Promise.all(additions)) {
      expect(res.status, res.body).toBe(201);
    }
    await Promise.all(registrations);

    const code = await srv.exited;
    expect(code, srv.output()).toBe(0);
    expect(srv.output()).toContain('shutdown complete');
    const errors = srv.logs().filter((l) => l.level >= 50);
    expect(errors, JSON.stringify(errors)).toEqual([]);

    // Nothing lost: every answered write is in the database, and the background
    // session start finished and was recorded before the process ended.
    const routers = await query<{ router_id: string; role: string }>(
      `select r.router_id, ur.role::text from routers r join user_routers ur on ur.router_id = r.id
        where r.router_id = any($1::text[])`,
      [routerIds],
    );
    expect(routers.map((r) => r.router_id).sort()).toEqual([...routerIds].sort());
    expect(routers.every((r) => r.role === 'owner')).toBe(true);
    const pending = await query<{ n: number }>(
      `select count(*)::int as n from audit_events where outcome = 'pending'`,
    );
    expect(pending[0]!.n).toBe(0);
    const users = await query<{ n: number }>(
      `select count(*)::int as n from users where email = any($1::text[])`,
      [newEmails],
    );
    expect(users[0]!.n).toBe(newEmails.length);
    const [session] = await query<{ cs_state: string; cs_router_ids: string[] }>(
      `select cs_state::text, cs_router_ids from user_sessions where id = $1`,
      [loggedIn.sessionId],
    );
    expect(session).toMatchObject({ cs_state: 'active', cs_router_ids: [adopted] });
    expect(sim.isSessionActive(loggedIn.sessionId)).toBe(true);
  });
});
