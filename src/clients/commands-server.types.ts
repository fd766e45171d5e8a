/**
 * The Commands-Server's wire vocabulary (COMMANDS_SERVER_CONTRACT.md §1), declared
 * once. The database, the services and our own API mirror the router's two lists and
 * usage windows, so they import these names from here rather than declaring their own.
 */

/**
 * The two router-side lists (contract §1.2.5). The database keeps one table per list
 * and our API one route prefix per list, both named after these.
 */
export type ListName = 'whitelist' | 'blacklist';

/** Usage windows; `week` and `month` are `last-week` / `last-month` in the monitor paths. */
export type UsagePeriod = 'current' | 'week' | 'month';

/** The ids every call but `/health` carries (SPEC §7). */
export interface CommandsServerIds {
  sessionId: string;
  routerId: string;
}

/** One device seen by `GET /api/network/scan`. */
export interface ScannedDevice {
  ip: string;
  /** Lower-cased by the client (the contract promises it; we do not rely on that). */
  mac: string;
  /** `"Unknown"` when the DHCP leases do not name it. */
  hostname: string;
  /** `"Unknown Vendor"` when the vendor lookup failed. */
  vendor: string;
}

/** One device blocked through `POST /api/network/block`. */
export interface BlockedDevice {
  mac: string;
  /** `"N/A"` when the MAC is no longer in the router's ARP table. */
  ip: string;
}

/** The answer to `POST /api/network/block`. */
export interface BlockResult {
  /** The router's sentence, e.g. "Successfully blocked IP 192.168.1.10 (MAC: aa:bb:…)". */
  message: string;
  /**
   * The MAC the router says it blocked, lower-case with colons; null when the sentence
   * does not say. The router finds it by a substring match of the IP in its ARP table
   * and DHCP leases (contract §1.2.3, §5.10), so it may be another device's (`.1`
   * matches `.10`).
   */
  mac: string | null;
}

/**
 * The answer to a mutation that may find nothing to do. The Commands-Server answers
 * its no-ops ("already in whitelist", "not in whitelist", "mode is already active",
 * "Modes are already inactive") with 200 and a sentence, like a real change
 * (contract §5.4); the client reads the sentence so that no service has to.
 */
export interface ChangeResult {
  /** The router's sentence. */
  message: string;
  /** False when the router said it had nothing to do. */
  changed: boolean;
}

/** One usage object of the monitor routes (contract §1.2.6). */
export interface UsageEntry {
  mac: string;
  ip: string;
  /** Labelled `MB` by the Commands-Server, but really MiB. */
  download: number;
  upload: number;
  unit: string;
  connections: number;
}

/** Usage of one device, as answered by `GET /api/monitor/device/<mac>`. */
export interface DeviceUsage extends UsageEntry {
  period: string;
  /** Commands-Server host's local time, ISO 8601 without a zone. */
  timestamp: string;
}

/** The start answer after mapping its snake_case keys. */
export interface StartSessionResult {
  sessionId: string;
  routerReachable: boolean;
  infrastructureReady: boolean;
  message: string;
}

/** `GET /api/wifi/status`. */
export interface WifiStatus {
  enabled: boolean;
  ssid: string;
  encryption: string;
}

/** The `{rate_mbps}` echo of the rate routes, as a number. */
export interface RateResult {
  rateMbps: number;
}

/** The mode the router's firewall enforces: whose jump is in its FORWARD chain. */
export type EnforcedMode = 'none' | 'whitelist' | 'blacklist';
