/**
 * Checks for tests of router operations through HTTP: the failure classes of
 * SPEC §6 with their expected answers, a proof that a failed operation left no
 * trace in the domain tables, a database-wide search and a log capture.
 */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { queryRows, type Executor } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import type { FaultKind, Simulator } from '../../src/simulator/index.js';
import { injectAs, registerAndLogin, type LoggedInUser, type TestContext } from './build-app.js';
import { auditEventsOf, createRouterFor, snapshotRouterData } from './factories.js';

export interface FailureClass {
  name: string;
  fault: FaultKind;
  status: number;
  code: string;
  /** Outcome of the audit event: a timeout leaves the router's state unknown. */
  outcome: 'failed' | 'unknown';
}

/** Every failure class of SPEC §6, as the simulator injects it. */
export const FAILURE_CLASSES: readonly FailureClass[] = [
  {
    name: 'success:false',
    fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'Command failed: boom' },
    status: 502,
    code: 'ROUTER_COMMAND_FAILED',
    outcome: 'failed',
  },
  {
    name: 'timeout',
    fault: { kind: 'timeout' },
    status: 504,
    code: 'ROUTER_TIMEOUT',
    outcome: 'unknown',
  },
  {
    name: 'HTML 500',
    fault: { kind: 'html500' },
    status: 502,
    code: 'COMMANDS_SERVER_BAD_RESPONSE',
    outcome: 'failed',
  },
  {
    name: 'dropped connection',
    fault: { kind: 'drop' },
    status: 503,
    code: 'COMMANDS_SERVER_UNAVAILABLE',
    outcome: 'failed',
  },
  {
    name: 'wrong data shape',
    fault: { kind: 'badShape' },
    status: 502,
    code: 'COMMANDS_SERVER_BAD_RESPONSE',
    outcome: 'failed',
  },
];

/** A logged-in user and a fresh router they own (or are a member of). */
export interface RouterUser {
  user: LoggedInUser;
  /** routers.id */
  uuid: string;
  /** The agent id used in URLs and by the Commands-Server. */
  routerId: string;
}

/**
 * A fresh router owned by `user` (a new user when absent). Tests isolate by router,
 * so one user may own many: registering costs an argon2 hash, a router an insert.
 */
export async function userWithRouter(ctx: TestContext, user?: LoggedInUser): Promise<RouterUser> {
  const owner = user ?? (await registerAndLogin(ctx.app));
  const { id, routerId } = await createRouterFor(ctx.db.db, owner.userId);
  return { user: owner, uuid: id, routerId };
}

/** Makes `user` (a new user when absent) a member, not owner, of the router. */
export async function memberOf(
  ctx: TestContext,
  router: RouterUser,
  user?: LoggedInUser,
): Promise<RouterUser> {
  user ??= await registerAndLogin(ctx.app);
  await ctx.db.db.execute(
    sql`insert into user_routers (user_id, router_id, role) values (${user.userId}, ${router.uuid}, 'member')`,
  );
  return { user, uuid: router.uuid, routerId: router.routerId };
}

/** Calls the simulator received on a path (any method), from index `since` on. */
export function simCallsTo(sim: Simulator, path: string | RegExp, since = 0) {
  return sim.calls
    .slice(since)
    .filter((c) => (typeof path === 'string' ? c.path === path : path.test(c.path)));
}

export interface FailureCase {
  ctx: TestContext;
  owner: RouterUser;
  /** The request under test. */
  request: InjectOptions;
  /** Simulator path the fault is injected on. */
  faultPath: string;
  /** Audit operation expected for the failed call. */
  operation: string;
}

/**
 * For each failure class: the answer's status and code, the domain tables
 * byte-for-byte unchanged, and an audit event with the right outcome.
 */
export async function expectEveryFailureLeavesNoTrace(c: FailureCase): Promise<void> {
  const { ctx, owner } = c;
  for (const failure of FAILURE_CLASSES) {
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    ctx.sim.faults.inject({ match: { path: c.faultPath }, fault: failure.fault });
    try {
      const res = await injectAs(ctx.app, owner.user, c.request);
      expect(res.statusCode, `${failure.name}: ${res.body}`).toBe(failure.status);
      expect(res.json().error.code, failure.name).toBe(failure.code);
      expect(await snapshotRouterData(ctx.db.db, owner.uuid), failure.name).toBe(before);
      const events = await auditEventsOf(ctx.db.db, owner.uuid);
      expect(events.at(-1), failure.name).toMatchObject({
        operation: c.operation,
        outcome: failure.outcome,
        error_code: failure.code,
      });
    } finally {
      ctx.sim.faults.clear();
    }
  }
}

/** True when any row of any table of the public schema contains `needle` in its JSON form. */
export async function databaseContains(db: Executor, needle: string): Promise<boolean> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public'`,
  );
  expect(tables.length).toBeGreaterThan(5);
  for (const { name } of tables) {
    const [row] = await queryRows<{ hit: boolean }>(
      db,
      sql`select exists (select 1 from ${sql.identifier(name)} t
           where strpos(row_to_json(t)::text, ${needle}) > 0) as hit`,
    );
    if (row?.hit) {
      return true;
    }
  }
  return false;
}

/** A debug-level pino logger (with the app's redaction) writing into memory. */
export function captureLogs(): { logger: FastifyBaseLogger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger('debug', stream), text: () => chunks.join('') };
}
