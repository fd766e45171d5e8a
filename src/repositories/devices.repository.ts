import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { routers, userDevices } from '../db/schema/index.js';
import {
  inventoryColumns,
  inventoryPageQuery,
  isPlainFirstPage,
  preparedFirstPage,
  type InventoryPage,
} from './device-inventory.js';
import type { Keyed } from './keyset.js';

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
   * One page of the router's devices with their state, in ONE query: online when
   * seen by the latest scan, blocked, whitelisted or blacklisted (see
   * device-inventory.ts), filtered and sorted in SQL, keyset-paginated.
   */
  async listWithState(
    routerUuid: string,
    page: InventoryPage,
  ): Promise<(InventoryDevice & Keyed)[]> {
    if (!isPlainFirstPage(page)) {
      return inventoryPageQuery(this.db, routerUuid, page);
    }
    let first = this.firstPages.get(page.order.name);
    if (first === undefined) {
      first = preparedFirstPage(this.db, page.order);
      this.firstPages.set(page.order.name, first);
    }
    return first.execute({ routerUuid, limit: page.limit });
  }

  /** One prepared first page per order (10 at most: 5 sorts, 2 directions). */
  private readonly firstPages = new Map<string, ReturnType<typeof preparedFirstPage>>();

  /** One device of the router with its state; null when the router has no such device. */
  async findWithState(routerUuid: string, deviceId: string): Promise<InventoryDevice | null> {
    this.findOne ??= findQuery(this.db);
    const [row] = await this.findOne.execute({ routerUuid, deviceId });
    return row ?? null;
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

  private findOne: ReturnType<typeof findQuery> | undefined;

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

/** The one-device form of the inventory query, prepared: every rename reads it back. */
function findQuery(db: Executor) {
  return db
    .select(inventoryColumns)
    .from(userDevices)
    .innerJoin(routers, eq(routers.id, userDevices.routerId))
    .where(
      and(
        eq(userDevices.routerId, sql.placeholder('routerUuid')),
        eq(userDevices.id, sql.placeholder('deviceId')),
      ),
    )
    .prepare('devices_find_with_state');
}
