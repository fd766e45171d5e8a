/**
 * The monitor blueprint's data (§1.2.6): deterministic nlbwmon byte counters per device
 * and period, turned into usage objects exactly as the real service does.
 */
import { hashOf, uniform } from './devices.js';
import { mebibytes } from './python.js';
import { CommandError, type RouterSim } from './router-sim.js';
import type { SimDevice } from './types.js';

export type UsagePeriod = 'current' | 'week' | 'month';

export const USAGE_PERIODS: readonly UsagePeriod[] = ['current', 'week', 'month'];

/** A device is listed only above this many bytes (rx + tx) for the period. */
export const USAGE_THRESHOLDS: Record<UsagePeriod, number> = {
  current: 1024,
  week: 1024 * 1024,
  month: 10 * 1024 * 1024,
};

export interface UsageCounters {
  rx: number;
  tx: number;
  conns: number;
}

export interface UsageObject {
  mac: string;
  ip: string;
  download: number;
  upload: number;
  unit: 'MB';
  connections: number;
}

const MIB = 1024 * 1024;

/**
 * Byte totals for one device. Three tiers, so every threshold filters something:
 * idle devices stay under 1 KiB now, 1 MiB a week and 10 MiB a month; light ones show
 * in current and week but not month; active ones show everywhere. Totals grow
 * with the period (current ≤ week ≤ month).
 */
export function usageCounters(routerId: string, mac: string, period: UsagePeriod): UsageCounters {
  const h = hashOf(routerId, mac.toLowerCase(), 'usage');
  const tier = uniform(h, 0);
  const rxShare = 0.6 + 0.35 * uniform(h, 1);
  let totals: [number, number, number];
  let conns: [number, number, number];
  if (tier < 0.2) {
    const current = Math.floor(uniform(h, 2) * 1000);
    const week = current + Math.floor(uniform(h, 3) * 500_000);
    totals = [current, week, week + Math.floor(uniform(h, 4) * 5_000_000)];
    const c = Math.floor(uniform(h, 5) * 3);
    conns = [c, c + 2, c + 9];
  } else if (tier < 0.4) {
    const current = 2048 + Math.floor(uniform(h, 2) * 900_000);
    const week = 2 * MIB + Math.floor(uniform(h, 3) * 6 * MIB);
    totals = [current, week, week + Math.floor(uniform(h, 4) * MIB)];
    const c = 1 + Math.floor(uniform(h, 5) * 20);
    conns = [c, c * 7, c * 30];
  } else {
    const current = 2 * MIB + Math.floor(uniform(h, 2) * 500 * MIB);
    const week = current + 50 * MIB + Math.floor(uniform(h, 3) * 5000 * MIB);
    totals = [current, week, week + Math.floor(uniform(h, 4) * 20000 * MIB)];
    const c = 10 + Math.floor(uniform(h, 5) * 500);
    conns = [c, c * 7, c * 30];
  }
  const index = USAGE_PERIODS.indexOf(period);
  const total = totals[index] ?? 0;
  const rx = Math.round(total * rxShare);
  return { rx, tx: total - rx, conns: conns[index] ?? 0 };
}

function toUsageObject(device: SimDevice, counters: UsageCounters): UsageObject {
  return {
    mac: device.mac.toLowerCase(),
    ip: device.ip,
    download: mebibytes(counters.rx),
    upload: mebibytes(counters.tx),
    // Labelled MB but computed in MiB, as the real service does (§5.11).
    unit: 'MB',
    connections: counters.conns,
  };
}

function isAboveThreshold(counters: UsageCounters, period: UsagePeriod): boolean {
  return counters.rx + counters.tx > USAGE_THRESHOLDS[period];
}

/** Usage objects above the period's threshold, sorted by download + upload, descending. */
export function usageList(router: RouterSim, period: UsagePeriod): UsageObject[] {
  const rows: UsageObject[] = [];
  for (const device of router.devices) {
    const counters = usageCounters(router.id, device.mac, period);
    if (isAboveThreshold(counters, period)) {
      rows.push(toUsageObject(device, counters));
    }
  }
  // Array.prototype.sort is stable, like Python's sorted().
  return rows.sort((a, b) => b.download + b.upload - (a.download + a.upload));
}

/** One device's usage; "not found" and "insufficient" are failures, not 404s (§1.2.6). */
export function deviceUsage(router: RouterSim, mac: string, period: UsagePeriod): UsageObject {
  const device = router.devices.find((d) => d.mac.toLowerCase() === mac);
  if (device === undefined) {
    throw new CommandError(`Device ${mac} not found in usage data`);
  }
  const counters = usageCounters(router.id, device.mac, period);
  if (!isAboveThreshold(counters, period)) {
    throw new CommandError(`Insufficient ${period} usage data for device ${mac}`);
  }
  return toUsageObject(device, counters);
}
