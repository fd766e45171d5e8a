/**
 * Helpers for the router, device, blocking and activity tests: adding a router
 * through the API, snapshots of the tables an add touches, audit events by the
 * router's agent id (also those written before the router existed).
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { queryRows, type Executor } from '../../src/db/client.js';
import { injectAs, registerAndLogin, type LoggedInUser } from './build-app.js';
import { uniqueRouterId } from './factories.js';
import type { RouterUser } from './operation-checks.js';

/** Registers a user who adds a new router through the API (Commands-Server read included). */
export async function ownerWithAddedRouter(
  app: FastifyInstance,
  db: Executor,
  name = 'Home',
): Promise<RouterUser> {
  const user = await registerAndLogin(app);
  return addRouter(app, db, user, uniqueRouterId(), name);
}

/** POST /api/v1/routers, expecting 201. */
export async function addRouter(
  app: FastifyInstance,
  db: Executor,
  user: LoggedInUser,
  routerId: string,
  name = 'Home',
): Promise<RouterUser> {
  const res = await injectAs(app, user, {
    method: 'POST',
    url: '/api/v1/routers',
    payload: { routerId, name },
  });
  if (res.statusCode !== 201) {
    throw new Error(`add router failed: ${res.statusCode} ${res.body}`);
  }
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`select id from routers where router_id = ${routerId}`,
  );
  return { user, uuid: row!.id, routerId };
}

/** Every row of the tables adding a router writes, as JSON text (whole tables). */
export async function snapshotRouterTables(db: Executor): Promise<string> {
  const parts: string[] = [];
  for (const table of ['routers', 'user_routers', 'router_settings']) {
    const [row] = await queryRows<{ j: string | null }>(
      db,
      sql`select json_agg(t order by t.id)::text as j from ${sql.identifier(table)} t`,
    );
    parts.push(`${table}:${row?.j ?? '[]'}`);
  }
  return parts.join('\n');
}

/** Audit events naming this agent id, oldest first. */
export async function auditEventsByRouterId(db: Executor, routerId: string) {
  return queryRows<{
    operation: string;
    outcome: string;
    error_code: string | null;
    router_id: string | null;
  }>(
    db,
    sql`select operation, outcome::text as outcome, error_code, router_id from audit_events
         where router_external_id = ${routerId} order by created_at, id`,
  );
}

/** How many statements Drizzle sent whose SQL text matches. */
export function countStatements(queries: readonly string[], pattern: RegExp): number {
  return queries.filter((q) => pattern.test(q)).length;
}
