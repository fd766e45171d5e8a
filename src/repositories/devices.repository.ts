import { and, eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
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

/**
 * A device of the inventory with its state, exactly as GET /devices answers it:
 * times as ISO 8601 strings, formatted by the database (no Date per value).
 */
export interface InventoryDevice extends Omit<DeviceFields, 'firstSeen' | 'lastSeen'> {
  firstSeen: string;
  lastSeen: string;
  online: boolean;
  blocked: boolean;
  whitelisted: boolean;
  blacklisted: boolean;
}

/** A device the scan upsert updated: what the database keeps, by position in the scan. */
interface UpdatedDeviceRow {
  /** 1-based position in the scan. */
  n: number;
  id: string;
  hostname: string | null;
  vendor: string | null;
  name: string | null;
  first_seen_ms: number;
}

/** Queries on user_devices: the scan upsert, the inventory and device names. */
export class DevicesRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Upserts a whole scan in ONE statement, whatever its size. The devices travel as
   * array parameters expanded by unnest(): one parameter per value would pass
   * PostgreSQL's 65,535 bind-parameter limit near 16,000 devices, and splitting the
   * batch would break the one-statement guarantee. ip and last_seen are replaced;
   * first_seen and the user-given name are kept; a hostname or vendor the router
   * could not resolve this time (null) keeps the last known one. `xmax = 0` is
   * true exactly for rows this statement inserted. MACs must be unique in `devices`
   * (ON CONFLICT cannot touch one row twice). The answer is in the order of
   * `devices`.
   *
   * What the database has to send back is kept small. Each device comes with a
   * fresh random UUID (the same kind gen_random_uuid() makes), used as its id if the
   * row is inserted, so an inserted device is known without reading it back: its id,
   * the scan's values, no name, first seen now. Only the devices this statement
   * updated are returned (by their position in `devices`), with what the database
   * keeps: id, name, first_seen and the last known hostname and vendor. mac and ip
   * are the scan's own for every device (ip is always replaced).
   *
   * Repeated scans are the common case, so updating a known device is kept cheap
   * (migration 0003): the statement sets updated_at itself, to the same
   * clock_timestamp() the updated_at trigger would, which lets the trigger skip
   * the row; and with the table's fillfactor the new row version usually stays on
   * its page (a HOT update: no index entry written) as long as the IP is unchanged.
   */
  async upsertScan(
    routerUuid: string,
    devices: readonly ScannedDeviceInput[],
    seenAt: Date,
    executor: Executor,
  ): Promise<UpsertedDevice[]> {
    const ids = devices.map(() => crypto.randomUUID());
    const updated = await queryRows<UpdatedDeviceRow>(
      executor,
      upsertScanStatement(routerUuid, devices, ids, seenAt.toISOString()),
    );
    return scanAnswer(devices, ids, seenAt, updated);
  }

  /**
   * The router's devices with their state in ONE query: online when seen by the
   * latest scan; blocked when a block row has its MAC (the router's rule is per MAC,
   * so a blocked device stays blocked at a new IP, and another device at the blocked
   * IP is not blocked), or its IP when the block's MAC is unknown; listed when a
   * whitelist or blacklist entry has its IP. With `deviceId`, that device only.
   * Both forms are prepared: GET /devices runs this on every request.
   */
  async listWithState(routerUuid: string, deviceId?: string): Promise<InventoryDevice[]> {
    if (deviceId === undefined) {
      this.list ??= listQuery(this.db, false);
      return this.list.execute({ routerUuid });
    }
    this.listOne ??= listQuery(this.db, true);
    return this.listOne.execute({ routerUuid, deviceId });
  }

  /** Whether the router's latest scan found a device at this IP. */
  async seenByLastScan(routerUuid: string, ip: string): Promise<boolean> {
    const rows = await this.db
      .select({ id: userDevices.id })
      .from(userDevices)
      .innerJoin(routers, eq(routers.id, userDevices.routerId))
      .where(
        and(
          eq(userDevices.routerId, routerUuid),
          sql`${userDevices.ip} = ${ip}::inet`,
          eq(userDevices.lastSeen, routers.lastScanAt),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  private list: ReturnType<typeof listQuery> | undefined;
  private listOne: ReturnType<typeof listQuery> | undefined;

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

/**
 * The statement of {@link DevicesRepository.upsertScan}: `ids[i]` is the id
 * `devices[i]` gets if it is inserted; `at` is the scan's time, ISO 8601.
 */
function upsertScanStatement(
  routerUuid: string,
  devices: readonly ScannedDeviceInput[],
  ids: readonly string[],
  at: string,
): SQL {
  return sql`with s as (
            select s.n, s.id, s.mac::macaddr as mac, s.ip::inet as ip, s.hostname, s.vendor
              from unnest(
                ${sql.param(ids)}::uuid[],
                ${sql.param(devices.map((x) => x.mac))}::text[],
                ${sql.param(devices.map((x) => x.ip))}::text[],
                ${sql.param(devices.map((x) => x.hostname))}::text[],
                ${sql.param(devices.map((x) => x.vendor))}::text[]
              ) with ordinality as s(id, mac, ip, hostname, vendor, n)
          ), d as (
            insert into ${userDevices} as d (id, router_id, mac, ip, hostname, vendor, first_seen, last_seen)
            select s.id, ${routerUuid}::uuid, s.mac, s.ip, s.hostname, s.vendor,
                   ${at}::timestamptz, ${at}::timestamptz
              from s
            on conflict (router_id, mac) do update set
              ip = excluded.ip,
              hostname = coalesce(excluded.hostname, d.hostname),
              vendor = coalesce(excluded.vendor, d.vendor),
              last_seen = excluded.last_seen,
              updated_at = clock_timestamp()
            returning d.id, d.mac, d.hostname, d.vendor, d.name, d.first_seen, (d.xmax = 0) as inserted
          )
          select s.n::int4 as n, d.id, d.hostname, d.vendor, d.name,
                 (extract(epoch from d.first_seen) * 1000)::float8 as first_seen_ms
            from d join s on s.mac = d.mac
           where not d.inserted`;
}

/**
 * The answer of {@link DevicesRepository.upsertScan}, in the order of `devices`:
 * a device absent from `updated` was inserted, with the scan's values, the id it
 * was given, no name, first seen now.
 */
function scanAnswer(
  devices: readonly ScannedDeviceInput[],
  ids: readonly string[],
  seenAt: Date,
  updated: readonly UpdatedDeviceRow[],
): UpsertedDevice[] {
  const byPosition = new Array<UpdatedDeviceRow | undefined>(devices.length);
  for (const r of updated) {
    byPosition[r.n - 1] = r;
  }
  return devices.map((x, i) => {
    const r = byPosition[i];
    return r === undefined
      ? {
          id: ids[i]!,
          mac: x.mac,
          ip: x.ip,
          hostname: x.hostname,
          vendor: x.vendor,
          name: null,
          firstSeen: seenAt,
          lastSeen: seenAt,
          inserted: true,
        }
      : {
          id: r.id,
          mac: x.mac,
          ip: x.ip,
          hostname: r.hostname,
          vendor: r.vendor,
          name: r.name,
          firstSeen: new Date(r.first_seen_ms),
          lastSeen: seenAt,
          inserted: false,
        };
  });
}

/**
 * A timestamptz as JavaScript's `Date.prototype.toISOString()` writes it
 * (UTC, milliseconds truncated), formatted by the database.
 */
function isoTime(column: SQLWrapper) {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** The inventory query of {@link DevicesRepository.listWithState}, prepared. */
function listQuery(db: Executor, oneDevice: boolean) {
  return db
    .select({
      id: userDevices.id,
      mac: userDevices.mac,
      ip: userDevices.ip,
      hostname: userDevices.hostname,
      vendor: userDevices.vendor,
      name: userDevices.name,
      firstSeen: isoTime(userDevices.firstSeen),
      lastSeen: isoTime(userDevices.lastSeen),
      online: sql<boolean>`coalesce(${userDevices.lastSeen} = ${routers.lastScanAt}, false)`,
      blocked: sql<boolean>`exists (select 1 from ${userBlockedDevices} b
        where b.router_id = ${userDevices.routerId}
          and (b.mac = ${userDevices.mac} or (b.mac is null and b.ip = ${userDevices.ip})))`,
      whitelisted: sql<boolean>`exists (select 1 from ${userWhitelists} w
        where w.router_id = ${userDevices.routerId} and w.ip = ${userDevices.ip})`,
      blacklisted: sql<boolean>`exists (select 1 from ${userBlacklists} k
        where k.router_id = ${userDevices.routerId} and k.ip = ${userDevices.ip})`,
    })
    .from(userDevices)
    .innerJoin(routers, eq(routers.id, userDevices.routerId))
    .where(
      and(
        eq(userDevices.routerId, sql.placeholder('routerUuid')),
        oneDevice ? eq(userDevices.id, sql.placeholder('deviceId')) : undefined,
      ),
    )
    .orderBy(sql`${userDevices.ip} asc nulls last`, userDevices.mac)
    .prepare(oneDevice ? 'devices_find_with_state' : 'devices_list_with_state');
}
