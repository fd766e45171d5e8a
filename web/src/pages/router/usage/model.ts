import type { Schemas } from '../../../api/client';

export type Period = Schemas['RouterUsage']['period'];

export const PERIODS: readonly { value: Period; label: string; long: string }[] = [
  { value: 'current', label: 'Today', long: 'today' },
  { value: 'week', label: 'This week', long: 'over the last 7 days' },
  { value: 'month', label: 'This month', long: 'this calendar month' },
];

const MIB = 1024 * 1024;

/** The router counts in MiB (labelled "MB"); formatBytes wants bytes. */
export function mibToBytes(mib: number): number {
  return Math.round(mib * MIB);
}

/** One bar pair of a chart: a name and two byte counts. */
export interface UsageBar {
  key: string;
  label: string;
  download: number;
  upload: number;
}

/** What people call a device: its given name, its hostname, else its MAC. */
export function deviceName(
  mac: string,
  known: ReadonlyMap<string, Schemas['Device']> | undefined,
): string {
  const device = known?.get(mac.toLowerCase());
  return device?.name || device?.hostname || mac;
}
