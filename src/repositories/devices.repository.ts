import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import {
  routers,
  userBlacklists,
  userBlockedDevices,
  userDevices,
  userWhitelists,
} from '../db/schema/index.js';

/** One device of a scan, cleaned by the service: MAC normalised, unknown values null. */
export interface ScannedDeviceInput {
  mac: string;
  ip: string | null;
  hostname: string | null;
  vendor: string | null;
}

/** The columns of a device that every answer carries. */
export interface DeviceFields {
  id: string;
  mac: string;
  ip: string | null;
  hostname: string | null;
  vendor: string | null;
  name: string | null;
  firstSeen: Date;
  lastSeen: Date;
}

/** A device row after the scan upsert, with whether this scan inserted it. */
export interface UpsertedDevice extends DeviceFields {
  inserted: boolean;
}

/** A device of the inventory with its state, as GET /devices answers it. */
export interface InventoryDevice extends DeviceFields {
  online: boolean;
  blocked: boolean;
  whitelisted: boolean;
  blacklisted: boolean;
}

interface RawUpsertRow {
  id: string;
  mac: string;
  ip: string | null;
  hostname: string | null;
  vendor: string | null;
  name: string | null;
  first_seen_ms: number;
  inserted: boolean;
}

/** Queries on user_devices: the scan upsert, the inventory and device names. */
export class DevicesRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Upserts a whole scan in ONE statement, whatever its size. The devices travel as
   * four array parameters expanded by unnest(): one parameter per value would pass
   * PostgreSQL's 65,535 bind-parameter limit near 16,000 devices, and splitting the
   * batch would break the one-statement guarantee. ip and last_seen are replaced;
   * first_seen and the user-given name are kept; a hostname or vendor the router
   * could not resolve this time (null) keeps the last known one. `xmax = 0` is
   * true exactly for rows this statement inserted. MACs must be unique in `devices`
   * (ON CONFLICT cannot touch one row twice).
   */
  async upsertScan(
    routerUuid: string,
    devices: readonly ScannedDeviceInput[],
    seenAt: Date,
    executor: Executor,
  ): Promise<UpsertedDevice[]> {
    const at = seenAt.toISOString();
    const rows = await queryRows<RawUpsertRow>(
      executor,
      sql`insert into ${userDevices} as d (router_id, mac, ip, hostname, vendor, first_seen, last_seen)
          select ${routerUuid}::uuid, s.mac::macaddr, s.ip::inet, s.hostname, s.vendor,
                 ${at}::timestamptz, ${at}::timestamptz
            from unnest(
              ${sql.param(devices.map((x) => x.mac))}::text[],
              ${sql.param(devices.map((x) => x.ip))}::text[],
              ${sql.param(devices.map((x) => x.hostname))}::text[],
              ${sql.param(devices.map((x) => x.vendor))}::text[]
            ) as s(mac, ip, hostname, vendor)
          on conflict (router_id, mac) do update set
            ip = excluded.ip,
            hostname = coalesce(excluded.hostname, d.hostname),
            vendor = coalesce(excluded.vendor, d.vendor),
            last_seen = excluded.last_seen
          returning d.id, d.mac::text as mac, host(d.ip) as ip, d.hostname, d.vendor, d.name,
                    (extract(epoch from d.first_seen) * 1000)::float8 as first_seen_ms,
                    (d.xmax = 0) as inserted`,
    );
    return rows.map((r) => ({
      id: r.id,
      mac: r.mac,
      ip: r.ip,
      hostname: r.hostname,
      vendor: r.vendor,
      name: r.name,
      firstSeen: new Date(r.first_seen_ms),
      lastSeen: seenAt,
      inserted: r.inserted,
    }));
  }

  /**
   * The router's devices with their state in ONE query: online when seen by the
   * latest scan; blocked when a block row has its IP or MAC (the router's rule
   * is per MAC, so a blocked device stays blocked at a new IP); listed when a
   * whitelist or blacklist entry has its IP.
   */
  async listWithState(routerUuid: string, deviceId?: string): Promise<InventoryDevice[]> {
    return this.db
      .select({
        id: userDevices.id,
        mac: userDevices.mac,
        ip: userDevices.ip,
        hostname: userDevices.hostname,
        vendor: userDevices.vendor,
        name: userDevices.name,
        firstSeen: userDevices.firstSeen,
        lastSeen: userDevices.lastSeen,
        online: sql<boolean>`coalesce(${userDevices.lastSeen} = ${routers.lastScanAt}, false)`,
        blocked: sql<boolean>`exists (select 1 from ${userBlockedDevices} b
          where b.router_id = ${userDevices.routerId}
            and (b.ip = ${userDevices.ip} or b.mac = ${userDevices.mac}))`,
        whitelisted: sql<boolean>`exists (select 1 from ${userWhitelists} w
          where w.router_id = ${userDevices.routerId} and w.ip = ${userDevices.ip})`,
        blacklisted: sql<boolean>`exists (select 1 from ${userBlacklists} k
          where k.router_id = ${userDevices.routerId} and k.ip = ${userDevices.ip})`,
      })
      .from(userDevices)
      .innerJoin(routers, eq(routers.id, userDevices.routerId))
      .where(
        and(
          eq(userDevices.routerId, routerUuid),
          deviceId === undefined ? undefined : eq(userDevices.id, deviceId),
        ),
      )
      .orderBy(sql`${userDevices.ip} asc nulls last`, userDevices.mac);
  }

  /** Sets (or, with null, clears) a device's name; false when the router has no such device. */
  async rename(
    routerUuid: string,
    deviceId: string,
    name: string | null,
    executor: Executor,
  ): Promise<boolean> {
    const rows = await executor
      .update(userDevices)
      .set({ name })
      .where(and(eq(userDevices.id, deviceId), eq(userDevices.routerId, routerUuid)))
      .returning({ id: userDevices.id });
    return rows.length > 0;
  }
}
