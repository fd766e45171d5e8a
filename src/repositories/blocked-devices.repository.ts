import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { userBlockedDevices, userDevices, users } from '../db/schema/index.js';
import { afterKeys, keyset, orderOf, sortKeysOf, type Keyed, type KeysetPage } from './keyset.js';

/** A device blocked through the Commands-Server's network/block. */
export interface BlockedDeviceRow {
  ip: string;
  mac: string | null;
  blockedBy: string | null;
  blockedByEmail: string | null;
  blockedAt: Date;
}

/** The columns of a blocked-device answer, with the email of who blocked it. */
const blockedDeviceColumns = {
  ip: userBlockedDevices.ip,
  mac: userBlockedDevices.mac,
  blockedBy: userBlockedDevices.blockedBy,
  blockedByEmail: users.email,
  blockedAt: userBlockedDevices.createdAt,
};

/** A router's blocks, newest first (the address, unique per router, breaks ties). */
export const BLOCKED_ORDER = keyset('blocked', [
  { expr: userBlockedDevices.createdAt, type: 'timestamp', desc: true },
  { expr: userBlockedDevices.ip, type: 'inet' },
]);

/** Queries on user_blocked_devices. */
export class BlockedDevicesRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Records a block. The MAC is the one the router says it blocked when it says so,
   * else the one of the known device with this IP (the most recently seen, if the IP
   * moved between devices), null when neither is known. Blocking a blocked IP again
   * keeps who blocked it first and when, and takes the newer MAC if there is one.
   * Also answers the MAC the inventory knows at this IP, to compare.
   */
  async upsert(
    routerUuid: string,
    ip: string,
    routerMac: string | null,
    blockedBy: string,
    executor: Executor,
  ): Promise<BlockedDeviceRow & { inventoryMac: string | null }> {
    const [known] = await executor
      .select({ mac: userDevices.mac })
      .from(userDevices)
      .where(and(eq(userDevices.routerId, routerUuid), sql`${userDevices.ip} = ${ip}::inet`))
      .orderBy(desc(userDevices.lastSeen))
      .limit(1);
    const inventoryMac = known?.mac ?? null;
    const [row] = await executor
      .insert(userBlockedDevices)
      .values({ routerId: routerUuid, ip, mac: routerMac ?? inventoryMac, blockedBy })
      .onConflictDoUpdate({
        target: [userBlockedDevices.routerId, userBlockedDevices.ip],
        set: { mac: sql`coalesce(excluded.mac, ${userBlockedDevices.mac})` },
      })
      .returning();
    const [who] = row?.blockedBy
      ? await executor.select({ email: users.email }).from(users).where(eq(users.id, row.blockedBy))
      : [];
    return {
      ip: row!.ip,
      mac: row!.mac,
      blockedBy: row!.blockedBy,
      blockedByEmail: who?.email ?? null,
      blockedAt: row!.createdAt,
      inventoryMac,
    };
  }

  /** The block row of this IP, or null. */
  async find(
    routerUuid: string,
    ip: string,
    executor: Executor = this.db,
  ): Promise<BlockedDeviceRow | null> {
    const [row] = await executor
      .select(blockedDeviceColumns)
      .from(userBlockedDevices)
      .leftJoin(users, eq(users.id, userBlockedDevices.blockedBy))
      .where(and(eq(userBlockedDevices.routerId, routerUuid), eq(userBlockedDevices.ip, ip)))
      .limit(1);
    return row ?? null;
  }

  /** Removes the block row of this IP; false when there was none. */
  async delete(routerUuid: string, ip: string, executor: Executor): Promise<boolean> {
    const rows = await executor
      .delete(userBlockedDevices)
      .where(and(eq(userBlockedDevices.routerId, routerUuid), eq(userBlockedDevices.ip, ip)))
      .returning({ id: userBlockedDevices.id });
    return rows.length > 0;
  }

  /** One page of the router's blocked devices, newest block first. */
  async list(routerUuid: string, page: KeysetPage): Promise<(BlockedDeviceRow & Keyed)[]> {
    return this.db
      .select({ ...blockedDeviceColumns, sortKeys: sortKeysOf(BLOCKED_ORDER) })
      .from(userBlockedDevices)
      .leftJoin(users, eq(users.id, userBlockedDevices.blockedBy))
      .where(and(eq(userBlockedDevices.routerId, routerUuid), afterKeys(BLOCKED_ORDER, page.after)))
      .orderBy(...orderOf(BLOCKED_ORDER))
      .limit(page.limit);
  }

  /** Every blocked device of the router (a household's handful): what drift compares. */
  async all(routerUuid: string): Promise<BlockedDeviceRow[]> {
    return this.db
      .select(blockedDeviceColumns)
      .from(userBlockedDevices)
      .leftJoin(users, eq(users.id, userBlockedDevices.blockedBy))
      .where(eq(userBlockedDevices.routerId, routerUuid))
      .orderBy(...orderOf(BLOCKED_ORDER));
  }
}
