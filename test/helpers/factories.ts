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

/** A device row of {@link insertDevices}; unset fields are null, times default to now. */
export interface DeviceRowInput {
  mac: string;
  ip?: string | null;
  hostname?: string | null;
  name?: string | null;
  firstSeen?: string;
  lastSeen?: string;
}

/** Inserts devices of a router directly, in one statement (no scan). */
export async function insertDevices(
  db: Executor,
  routerUuid: string,
  devices: readonly DeviceRowInput[],
): Promise<void> {
  const now = new Date().toISOString();
  await db.execute(
    sql`insert into user_devices (router_id, mac, ip, hostname, name, first_seen, last_seen)
        select ${routerUuid}::uuid, d.mac::macaddr, d.ip::inet, d.hostname, d.name,
               d.first_seen::timestamptz, d.last_seen::timestamptz
          from unnest(
            ${sql.param(devices.map((d) => d.mac))}::text[],
            ${sql.param(devices.map((d) => d.ip ?? null))}::text[],
            ${sql.param(devices.map((d) => d.hostname ?? null))}::text[],
            ${sql.param(devices.map((d) => d.name ?? null))}::text[],
            ${sql.param(devices.map((d) => d.firstSeen ?? now))}::text[],
            ${sql.param(devices.map((d) => d.lastSeen ?? now))}::text[]
          ) as d(mac, ip, hostname, name, first_seen, last_seen)`,
  );
}

/** The n-th (0-based, below 65,536) MAC of a test: 02:00:00:00:hi:lo. */
export function testMac(n: number): string {
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return `02:00:00:00:${hex(n >> 8)}:${hex(n & 255)}`;
}

/** Inserts whitelist or blacklist entries of a router directly, one per address. */
export async function insertListEntries(
  db: Executor,
  routerUuid: string,
  list: 'whitelist' | 'blacklist',
  ips: readonly string[],
): Promise<void> {
  const table = sql.identifier(list === 'whitelist' ? 'user_whitelists' : 'user_blacklists');
  await db.execute(
    sql`insert into ${table} (router_id, ip)
        select ${routerUuid}::uuid, ip::inet from unnest(${sql.param(ips)}::text[]) as ip`,
  );
}

/** Inserts blocked-device rows directly; several may share a `created_at` (`at`). */
export async function insertBlocks(
  db: Executor,
  routerUuid: string,
  ips: readonly string[],
  at: string,
): Promise<void> {
  await db.execute(
    sql`insert into user_blocked_devices (router_id, ip, created_at)
        select ${routerUuid}::uuid, ip::inet, ${at}::timestamptz
          from unnest(${sql.param(ips)}::text[]) as ip`,
  );
}

/**
 * Inserts `count` users (who cannot log in: the hash is no PHC string) as members
 * of the router, all joined at `joinedAt`, so the tiebreaker orders them.
 */
export async function insertMembers(
  db: Executor,
  routerUuid: string,
  count: number,
  joinedAt: string,
): Promise<void> {
  const emails = Array.from(
    { length: count },
    () => `m-${randomBytes(6).toString('hex')}@test.example`,
  );
  await db.execute(
    sql`with u as (
          insert into users (email, password_hash)
          select e, 'not-a-hash' from unnest(${sql.param(emails)}::text[]) as e
          returning id
        )
        insert into user_routers (user_id, router_id, role, created_at)
        select u.id, ${routerUuid}::uuid, 'member', ${joinedAt}::timestamptz from u`,
  );
}

/** Inserts pending invitations of the router, to these addresses, all created at `at`. */
export async function insertInvitations(
  db: Executor,
  invitation: { routerUuid: string; invitedBy: string; at: string; expiresAt: string },
  emails: readonly string[],
): Promise<void> {
  await db.execute(
    sql`insert into router_invitations (router_id, invited_by, email, created_at, expires_at)
        select ${invitation.routerUuid}::uuid, ${invitation.invitedBy}::uuid, e,
               ${invitation.at}::timestamptz, ${invitation.expiresAt}::timestamptz
          from unnest(${sql.param(emails)}::text[]) as e`,
  );
}
