import { and, eq, ilike, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import {
  routers,
  userBlacklists,
  userBlockedDevices,
  userDevices,
  userWhitelists,
} from '../db/schema/index.js';
import {
  afterKeys,
  keyset,
  orderOf,
  sortKeysOf,
  type Keyset,
  type KeysetPage,
  type SortKey,
} from './keyset.js';

/**
 * The inventory query of GET /devices: a router's devices with their state, its
 * filters, and its sort orders for keyset pagination. Used by DevicesRepository.
 */

/** What GET /devices may sort by. */
export const DEVICE_SORTS = ['ip', 'name', 'lastSeen', 'firstSeen', 'mac'] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

/** Filters of the inventory; `q` already trimmed and non-empty. */
export interface DeviceFilter {
  online?: boolean | undefined;
  blocked?: boolean | undefined;
  q?: string | undefined;
}

/**
 * Seen by the router's latest scan. Blocked when a block row has the device's MAC
 * (the router's rule is per MAC, so a blocked device stays blocked at a new IP, and
 * another device at the blocked IP is not blocked), or its IP when the block's MAC
 * is unknown.
 */
const isOnline = sql<boolean>`coalesce(${userDevices.lastSeen} = ${routers.lastScanAt}, false)`;
const isBlocked = sql<boolean>`exists (select 1 from ${userBlockedDevices} b
  where b.router_id = ${userDevices.routerId}
    and (b.mac = ${userDevices.mac} or (b.mac is null and b.ip = ${userDevices.ip})))`;

/** A timestamptz as `Date.prototype.toISOString()` writes it, formatted by the database. */
export function isoTime(column: SQLWrapper) {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** The columns of an inventory device (InventoryDevice). */
export const inventoryColumns = {
  id: userDevices.id,
  mac: userDevices.mac,
  ip: userDevices.ip,
  hostname: userDevices.hostname,
  vendor: userDevices.vendor,
  name: userDevices.name,
  firstSeen: isoTime(userDevices.firstSeen),
  lastSeen: isoTime(userDevices.lastSeen),
  online: isOnline,
  blocked: isBlocked,
  whitelisted: sql<boolean>`exists (select 1 from ${userWhitelists} w
    where w.router_id = ${userDevices.routerId} and w.ip = ${userDevices.ip})`,
  blacklisted: sql<boolean>`exists (select 1 from ${userBlacklists} k
    where k.router_id = ${userDevices.routerId} and k.ip = ${userDevices.ip})`,
};

/**
 * The sort keys of each order. Keys are never null: a nullable column sorts by an
 * `is null` flag first (ascending in both directions, so devices without an IP or a
 * name come last either way), then its value. The MAC, unique on a router, breaks
 * ties. Names compare case-insensitively, code point by code point (collation "C"),
 * the same on every database.
 */
function sortKeys(sort: DeviceSort, desc: boolean): SortKey[] {
  const mac: SortKey = { expr: userDevices.mac, type: 'macaddr', desc };
  switch (sort) {
    case 'ip':
      return [
        { expr: sql`(${userDevices.ip} is null)`, type: 'bool' },
        { expr: sql`coalesce(${userDevices.ip}, '0.0.0.0'::inet)`, type: 'inet', desc },
        mac,
      ];
    case 'name':
      return [
        { expr: sql`(${userDevices.name} is null)`, type: 'bool' },
        { expr: sql`(coalesce(lower(${userDevices.name}), '') collate "C")`, type: 'text', desc },
        mac,
      ];
    case 'lastSeen':
      return [{ expr: userDevices.lastSeen, type: 'timestamp', desc }, mac];
    case 'firstSeen':
      return [{ expr: userDevices.firstSeen, type: 'timestamp', desc }, mac];
    case 'mac':
      return [mac];
  }
}

/** The keyset of a sort and direction; a cursor of another one is refused. */
export function deviceOrder(sort: DeviceSort, desc: boolean): Keyset {
  return keyset(`devices:${sort}:${desc ? 'desc' : 'asc'}`, sortKeys(sort, desc));
}

/** `q` as a LIKE pattern matching it anywhere, its own `%`, `_` and `\` taken literally. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterOf(filter: DeviceFilter): SQL | undefined {
  const pattern = filter.q === undefined ? undefined : containsPattern(filter.q);
  return and(
    filter.online === undefined ? undefined : sql`${isOnline} = ${filter.online}`,
    filter.blocked === undefined ? undefined : sql`${isBlocked} = ${filter.blocked}`,
    pattern === undefined
      ? undefined
      : or(
          ilike(userDevices.name, pattern),
          ilike(userDevices.hostname, pattern),
          sql`host(${userDevices.ip}) ilike ${pattern}`,
          sql`${userDevices.mac}::text ilike ${pattern}`,
        ),
  );
}

/** What {@link DevicesRepository.listWithState} is asked: a page, its order and filters. */
export type InventoryPage = KeysetPage & { order: Keyset; filter: DeviceFilter };

function select(db: Executor, order: Keyset) {
  return db
    .select({ ...inventoryColumns, sortKeys: sortKeysOf(order) })
    .from(userDevices)
    .innerJoin(routers, eq(routers.id, userDevices.routerId));
}

/** One page of the inventory: `limit` devices after `after` in `order`, filtered. */
export function inventoryPageQuery(db: Executor, routerUuid: string, page: InventoryPage) {
  return select(db, page.order)
    .where(
      and(
        eq(userDevices.routerId, routerUuid),
        filterOf(page.filter),
        afterKeys(page.order, page.after),
      ),
    )
    .orderBy(...orderOf(page.order))
    .limit(page.limit);
}

/**
 * The first page of an order with no filter, prepared: what a client reads most
 * (bench scenario 1). Placeholders `routerUuid` and `limit`.
 */
export function preparedFirstPage(db: Executor, order: Keyset) {
  return select(db, order)
    .where(eq(userDevices.routerId, sql.placeholder('routerUuid')))
    .orderBy(...orderOf(order))
    .limit(sql.placeholder('limit'))
    .prepare(`devices_first_page_${order.name.replaceAll(':', '_')}`);
}

/** Whether a page is a first page with no filter, which {@link preparedFirstPage} serves. */
export function isPlainFirstPage(page: InventoryPage): boolean {
  const { online, blocked, q } = page.filter;
  return page.after === null && online === undefined && blocked === undefined && q === undefined;
}
