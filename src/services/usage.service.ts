import type { UsageEntry, UsagePeriod } from '../clients/commands-server.types.js';
import type { Clock } from '../clock.js';
import { normalizeMac } from '../validation/router-input.js';
import type { AuthContext } from './auth-context.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

/**
 * One device's traffic. The Commands-Server labels its figures "MB" but divides
 * byte counts by 1,048,576 (contract §1.2.6, §5.11): they are MiB, and the names
 * say so, so nobody multiplies by 10^6.
 */
export interface DeviceTraffic {
  mac: string;
  ip: string;
  /** Received by the device, in MiB (2 decimals, as the router rounds). */
  downloadMiB: number;
  /** Sent by the device, in MiB. */
  uploadMiB: number;
  /** Number of connections (nlbwmon). */
  connections: number;
}

export interface RouterUsage {
  period: UsagePeriod;
  /** When this server received the router's answer: ISO 8601 in UTC (`…Z`). */
  reportedAt: string;
  /** Heaviest first, as the router sorts them. */
  devices: DeviceTraffic[];
}

export interface DeviceUsageReport extends DeviceTraffic {
  period: UsagePeriod;
  /** When this server received the router's answer: ISO 8601 in UTC (`…Z`). */
  reportedAt: string;
  /**
   * The Commands-Server's own timestamp: its host's local time, with no zone, as given.
   * Only for display next to the router's other local times; order by `reportedAt`.
   */
  commandsServerLocalTime: string;
}

function toTraffic(entry: UsageEntry): DeviceTraffic {
  return {
    mac: entry.mac,
    ip: entry.ip,
    downloadMiB: entry.download,
    uploadMiB: entry.upload,
    connections: entry.connections,
  };
}

/** Per-device usage from the router's nlbwmon, passed through with explicit units; nothing stored. */
export class UsageService {
  constructor(
    private readonly deps: {
      access: RouterAccessPolicy;
      runner: RouterOperationRunner;
      clock: Clock;
    },
  ) {}

  /** `GET /api/monitor/current|last-week|last-month`; any member. */
  async routerUsage(
    auth: AuthContext,
    routerId: string,
    period: UsagePeriod,
  ): Promise<RouterUsage> {
    const router = await this.deps.access.check(auth, routerId);
    const entries = await this.deps.runner.read(auth, router, (cs) => cs.usage(period));
    const reportedAt = this.deps.clock.now().toISOString();
    return { period, reportedAt, devices: entries.map(toTraffic) };
  }

  /**
   * `GET /api/monitor/device/<mac>`; the MAC is normalised first. The router answers
   * "not found" and "too little traffic" as failures (502 ROUTER_COMMAND_FAILED with
   * its message in details), not as 404: its message text is no stable contract.
   */
  async deviceUsage(
    auth: AuthContext,
    routerId: string,
    rawMac: string,
    period: UsagePeriod,
  ): Promise<DeviceUsageReport> {
    const router = await this.deps.access.check(auth, routerId);
    const mac = normalizeMac(rawMac, 'params.mac');
    const usage = await this.deps.runner.read(auth, router, (cs) => cs.deviceUsage(mac, period));
    return {
      ...toTraffic(usage),
      period,
      reportedAt: this.deps.clock.now().toISOString(),
      commandsServerLocalTime: usage.timestamp,
    };
  }
}
