import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { userBlacklists, userDevices, userWhitelists } from '../db/schema/index.js';
import type { ListName } from '../clients/commands-server.types.js';
import { afterKeys, keyset, orderOf, sortKeysOf, type Keyed, type KeysetPage } from './keyset.js';

export type AccessListRow = typeof userWhitelists.$inferSelect;

/** Fields of an entry the user chooses; `null` clears one. */
export interface EntryDetails {
  name?: string | null;
  description?: string | null;
}

export interface NewEntry {
  /** routers.id */
  routerId: string;
  ip: string;
  name: string | null;
  description: string | null;
  addedBy: string;
}

// Both tables come from one builder (db/schema/access-lists.ts) and differ only in
// their name, so one query shape serves both; the cast only erases the name literal.
function tableOf(list: ListName): typeof userWhitelists {
  switch (list) {
    case 'whitelist':
      return userWhitelists;
    case 'blacklist':
      return userBlacklists as unknown as typeof userWhitelists;
    default:
      throw new TypeError(`Unknown list ${String(list)}`);
  }
}

/** A list's entries in address order (an address is unique in a router's list). */
function entriesOrder(t: typeof userWhitelists) {
  return keyset('entries', [{ expr: t.ip, type: 'inet' }]);
}

/** The order of both lists, as cursors see it. */
export const ENTRIES_ORDER = entriesOrder(userWhitelists);

/** Every query on user_whitelists and user_blacklists. */
export class AccessListsRepository {
  constructor(private readonly db: Executor) {}

  /** One page of a router's entries, in address order. */
  async list(
    routerId: string,
    list: ListName,
    page: KeysetPage,
  ): Promise<(AccessListRow & Keyed)[]> {
    const t = tableOf(list);
    const order = entriesOrder(t);
    return this.db
      .select({ ...getTableColumns(t), sortKeys: sortKeysOf(order) })
      .from(t)
      .where(and(eq(t.routerId, routerId), afterKeys(order, page.after)))
      .orderBy(...orderOf(order))
      .limit(page.limit);
  }

  /** The addresses of a router's entries, as text. */
  async ips(routerId: string, list: ListName, executor: Executor = this.db): Promise<string[]> {
    const t = tableOf(list);
    const rows = await executor.select({ ip: t.ip }).from(t).where(eq(t.routerId, routerId));
    return rows.map((r) => r.ip);
  }

  /**
   * Adds an entry in one statement, or refreshes the one already there: the
   * unique (router, ip) index decides, never a select first, so concurrent adds of
   * one address leave one row. A re-add keeps the first `added_by` and only
   * overwrites name/description when given. The device with that IP on this router
   * (most recently seen) is linked when the entry has none.
   */
  async upsert(
    executor: Executor,
    entry: NewEntry,
    list: ListName,
  ): Promise<{ row: AccessListRow; created: boolean }> {
    const t = tableOf(list);
    const device = sql`(select ${userDevices.id} from ${userDevices}
      where ${userDevices.routerId} = ${entry.routerId} and ${userDevices.ip} = ${entry.ip}
      order by ${userDevices.lastSeen} desc limit 1)`;
    const [row] = await executor
      .insert(t)
      .values({
        routerId: entry.routerId,
        ip: entry.ip,
        name: entry.name,
        description: entry.description,
        addedBy: entry.addedBy,
        deviceId: device,
      })
      .onConflictDoUpdate({
        target: [t.routerId, t.ip],
        set: {
          name: sql`coalesce(excluded.name, ${t.name})`,
          description: sql`coalesce(excluded.description, ${t.description})`,
          deviceId: sql`coalesce(${t.deviceId}, excluded.device_id)`,
        },
      })
      // xmax is 0 on a freshly inserted row version and the locking transaction on an updated one.
      .returning({ ...getTableColumns(t), created: sql<boolean>`(xmax = 0)` });
    const { created, ...fields } = row!;
    return { row: fields, created };
  }

  /** Changes name and/or description; null when the router has no entry for this IP. */
  async updateDetails(
    routerId: string,
    list: ListName,
    ip: string,
    details: EntryDetails,
  ): Promise<AccessListRow | null> {
    const t = tableOf(list);
    const [row] = await this.db
      .update(t)
      .set(details)
      .where(and(eq(t.routerId, routerId), eq(t.ip, ip)))
      .returning();
    return row ?? null;
  }

  /** Deletes the entry; false when there was none. */
  async remove(executor: Executor, routerId: string, list: ListName, ip: string): Promise<boolean> {
    const t = tableOf(list);
    const rows = await executor
      .delete(t)
      .where(and(eq(t.routerId, routerId), eq(t.ip, ip)))
      .returning({ id: t.id });
    return rows.length > 0;
  }
}
