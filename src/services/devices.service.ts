import type { ScannedDevice } from '../clients/commands-server.types.js';
import type { Clock } from '../clock.js';
import type { Database, Transaction } from '../db/client.js';
import { NotFoundError, TooManyRequestsError } from '../errors.js';
import type {
  DevicesRepository,
  InventoryDevice,
  ScannedDeviceInput,
  UpsertedDevice,
} from '../repositories/devices.repository.js';
import {
  deviceOrder,
  type DeviceFilter,
  type DeviceSort,
} from '../repositories/device-inventory.js';

import type { RouterAccess, RoutersRepository } from '../repositories/routers.repository.js';
import { parseDisplayName } from '../validation/display-name.js';
import { normalizeMac, parseIpv4 } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { OperationView } from './operation-outcome.js';
import type { OperationsService } from './operations.service.js';
import type { RouterAudit } from './router-audit.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

/** What GET /devices may sort by (the route schema lists them). */
export { DEVICE_SORTS } from '../repositories/device-inventory.js';

/** The columns of a device that every answer carries, times as ISO 8601. */
type DeviceFields = Omit<InventoryDevice, 'online' | 'blocked' | 'whitelisted' | 'blacklisted'>;

/** A device of the inventory with its state (the repository's rows, as they come). */
export type DeviceView = InventoryDevice;

/** A device found by a scan; `new` when this scan saw it for the first time. */
export interface ScannedDeviceView extends DeviceFields {
  new: boolean;
}

export interface ScanResult {
  scannedAt: string;
  devices: ScannedDeviceView[];
}

function fields(d: UpsertedDevice): DeviceFields {
  return {
    id: d.id,
    mac: d.mac,
    ip: d.ip,
    hostname: d.hostname,
    vendor: d.vendor,
    name: d.name,
    firstSeen: d.firstSeen.toISOString(),
    lastSeen: d.lastSeen.toISOString(),
  };
}

// What the router says when it does not know (contract §1.2.3).
const UNKNOWN_HOSTNAME = 'Unknown';
const UNKNOWN_VENDOR = 'Unknown Vendor';

function validOr<T>(parse: () => T, fallback: T): T {
  try {
    return parse();
  } catch {
    return fallback;
  }
}

/**
 * Turns the router's ARP view into rows we can key: MACs normalised (an entry
 * without a valid MAC cannot be keyed and is dropped), an IP that is not a strict
 * IPv4 stored as null, the router's "Unknown" placeholders as null (so the last
 * known value is kept), and one entry per MAC, the last one winning (ARP may list a
 * MAC twice; one upsert statement cannot touch a row twice).
 */
export function cleanScan(scanned: readonly ScannedDevice[]): ScannedDeviceInput[] {
  const byMac = new Map<string, ScannedDeviceInput>();
  for (const d of scanned) {
    const mac = validOr(() => normalizeMac(d.mac), null);
    if (mac === null) {
      continue;
    }
    byMac.set(mac, {
      mac,
      ip: validOr(() => parseIpv4(d.ip), null),
      hostname: d.hostname === UNKNOWN_HOSTNAME || d.hostname === '' ? null : d.hostname,
      vendor: d.vendor === UNKNOWN_VENDOR || d.vendor === '' ? null : d.vendor,
    });
  }
  return [...byMac.values()];
}

/** Numeric IPv4 order, devices without an IP last, then by MAC. */
function byAddress(a: { ip: string | null; mac: string }, b: { ip: string | null; mac: string }) {
  const key = (ip: string | null) =>
    ip === null ? Infinity : ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  return key(a.ip) - key(b.ip) || a.mac.localeCompare(b.mac);
}

/** GET /devices: a page, its filters (`q` untrimmed) and its order. */
export interface DeviceListQuery extends PageQuery, Omit<DeviceFilter, 'q'> {
  q?: string | undefined;
  sort?: DeviceSort | undefined;
  order?: 'asc' | 'desc' | undefined;
}

export interface DevicesServiceDeps {
  db: Database;
  access: RouterAccessPolicy;
  runner: RouterOperationRunner;
  routerAudit: RouterAudit;
  operations: OperationsService;
  routers: RoutersRepository;
  devices: DevicesRepository;
  clock: Clock;
  /** Shortest time between two scans of one router; 0 disables the limit. */
  scanMinIntervalMs: number;
}

/** The device inventory of a router: scan, list, name (SPEC §5, §6). */
export class DevicesService {
  constructor(private readonly deps: DevicesServiceDeps) {}

  /**
   * Scans the router's LAN through the Commands-Server and upserts every device
   * in one statement, setting the router's last scan time to the same instant in
   * the same transaction. The scan is an operation clients can watch
   * (OperationsService): a scan requested while one runs on the router joins it and
   * answers its result, with no second call. At most one scan per router per
   * `scanMinIntervalMs`, counted from the end of the previous one (429 RATE_LIMITED
   * with Retry-After), across server instances; a scan that fails still counts, since
   * the router did the work. An empty network is a success with no devices. Not
   * serialised with list changes: it only reads the router.
   */
  async scan(auth: AuthContext, client: ClientInfo, routerId: string): Promise<ScanResult> {
    const started = await this.startScan(auth, client, routerId);
    return started.outcome();
  }

  /** The same scan, answered at once: the operation to watch (`Prefer: respond-async`). */
  async scanAsync(auth: AuthContext, client: ClientInfo, routerId: string): Promise<OperationView> {
    return (await this.startScan(auth, client, routerId)).operation;
  }

  private async startScan(auth: AuthContext, client: ClientInfo, routerId: string) {
    const router = await this.deps.access.check(auth, routerId);
    const limited = this.deps.scanMinIntervalMs > 0;
    try {
      return await this.deps.operations.start({
        auth,
        router,
        kind: 'network.scan',
        admit: limited ? (tx, now) => this.admitScan(router, tx, now) : undefined,
        run: () => this.runScan(auth, client, router),
        onFinish: limited
          ? (tx, at) => this.deps.routers.recordScanEnd(router.id, at, tx)
          : undefined,
      });
    } catch (err) {
      if (err instanceof TooManyRequestsError) {
        await this.deps.routerAudit.refused(
          { auth, client, routerUuid: router.id, routerId, operation: 'network.scan' },
          'RATE_LIMITED',
        );
      }
      throw err;
    }
  }

  private runScan(auth: AuthContext, client: ClientInfo, router: RouterAccess) {
    return this.deps.runner.execute({
      auth,
      client,
      router,
      operation: 'network.scan',
      call: (cs) => cs.scan(),
      persist: (tx, scanned) => this.persistScan(tx, router.id, scanned),
      summarize: (out) => ({
        found: out.devices.length,
        new: out.devices.filter((d) => d.new).length,
      }),
    });
  }

  /** Refuses a new scan (not a joined one) before the interval since the last one ended. */
  private async admitScan(router: RouterAccess, tx: Transaction, now: Date): Promise<void> {
    const interval = this.deps.scanMinIntervalMs;
    const slot = await this.deps.routers.scanSlot(router.id, now, interval, tx);
    if (!slot.granted) {
      const seconds = Math.ceil(slot.retryAfterMs / 1000);
      throw new TooManyRequestsError(
        'RATE_LIMITED',
        `This router may be scanned once every ${interval / 1000} s; try again in ${seconds} s`,
        seconds,
      );
    }
  }

  private async persistScan(
    tx: Transaction,
    routerUuid: string,
    scanned: ScannedDevice[],
  ): Promise<ScanResult> {
    const seenAt = this.deps.clock.now();
    const rows = await this.deps.devices.upsertScan(routerUuid, cleanScan(scanned), seenAt, tx);
    await this.deps.routers.setLastScanAt(routerUuid, seenAt, tx);
    return {
      scannedAt: seenAt.toISOString(),
      devices: rows.sort(byAddress).map((d) => ({ ...fields(d), new: d.inserted })),
    };
  }

  /**
   * The router's devices with online, blocked, whitelisted and blacklisted flags,
   * filtered and sorted (by IP, numerically, devices without one last, unless
   * asked otherwise), one page at a time.
   */
  async list(
    auth: AuthContext,
    routerId: string,
    query: DeviceListQuery,
  ): Promise<Page<DeviceView>> {
    const router = await this.deps.access.check(auth, routerId);
    const order = deviceOrder(query.sort ?? 'ip', query.order === 'desc');
    const q = query.q?.trim();
    const filter = { online: query.online, blocked: query.blocked, q: q === '' ? undefined : q };
    return paginate(
      order,
      query,
      (page) => this.deps.devices.listWithState(router.id, { ...page, order, filter }),
      // The row as it comes: the response schema leaves its sortKeys out.
      (row): DeviceView => row,
    );
  }

  /**
   * Names a device (1–100 characters, trimmed) or, with null, clears its name.
   * Any member may; a device of another router is 404 DEVICE_NOT_FOUND.
   */
  async rename(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    deviceId: string,
    nameInput: string | null,
  ): Promise<DeviceView> {
    const router = await this.deps.access.check(auth, routerId);
    const name = nameInput === null ? null : parseDisplayName(nameInput, 'body.name');
    await this.deps.db.transaction(async (tx) => {
      if (!(await this.deps.devices.rename(router.id, deviceId, name, tx))) {
        throw new NotFoundError('DEVICE_NOT_FOUND', 'No such device on this router');
      }
      await this.deps.routerAudit.record(tx, {
        auth,
        client,
        routerUuid: router.id,
        routerId,
        operation: 'device.rename',
        params: { deviceId, name },
      });
    });
    const device = await this.deps.devices.findWithState(router.id, deviceId);
    if (!device) {
      throw new NotFoundError('DEVICE_NOT_FOUND', 'No such device on this router');
    }
    return device;
  }
}
