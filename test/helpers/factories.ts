import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../src/db/client.js';

/** A router id unique to this run. */
export function uniqueRouterId(prefix = 'rt'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/**
 * Inserts a router, its settings row and the user's membership directly (no
 * Commands-Server call): for tests whose subject is not router registration.
 * Returns routers.id.
 */
export async function createRouterFor(
  db: Executor,
  userId: string,
  routerId = uniqueRouterId(),
  role: 'owner' | 'member' = 'owner',
  name = 'Test router',
): Promise<{ id: string; routerId: string }> {
  const [router] = await queryRows<{ id: string }>(
    db,
    sql`insert into routers (router_id, name) values (${routerId}, ${name})
        on conflict (router_id) do update set name = routers.name returning id`,
  );
  await db.execute(
    sql`insert into router_settings (router_id) values (${router!.id}) on conflict do nothing`,
  );
  await db.execute(
    sql`insert into user_routers (user_id, router_id, role) values (${userId}, ${router!.id}, ${role})`,
  );
  return { id: router!.id, routerId };
}

const DOMAIN_TABLES = [
  'routers',
  'user_routers',
  'user_devices',
  'user_whitelists',
  'user_blacklists',
  'user_blocked_devices',
  'router_settings',
  'router_invitations',
] as const;

/**
 * Every domain row of one router as JSON text, to prove a failed operation
 * left the database byte-for-byte unchanged (audit_events is not a domain table).
 */
export async function snapshotRouterData(db: Executor, routerUuid: string): Promise<string> {
  const parts: string[] = [];
  for (const table of DOMAIN_TABLES) {
    const column = table === 'routers' ? sql.identifier('id') : sql.identifier('router_id');
    const [row] = await queryRows<{ j: string | null }>(
      db,
      sql`select json_agg(t order by t.id)::text as j from ${sql.identifier(table)} t where t.${column} = ${routerUuid}`,
    );
    parts.push(`${table}:${row?.j ?? '[]'}`);
  }
  return parts.join('\n');
}

/** The audit events of a router, oldest first. */
export async function auditEventsOf(db: Executor, routerUuid: string) {
  return queryRows<{
    operation: string;
    outcome: string;
    error_code: string | null;
    params: unknown;
  }>(
    db,
    sql`select operation, outcome::text as outcome, error_code, params from audit_events
         where router_id = ${routerUuid} order by created_at, id`,
  );
}
