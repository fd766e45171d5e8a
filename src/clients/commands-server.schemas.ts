/**
 * Hand-written validators for the `data` member of Commands-Server answers
 * (COMMANDS_SERVER_CONTRACT.md §1). Each validator returns a fresh value holding
 * only the fields we use, so unknown extra fields are accepted but never passed on,
 * and throws a {@link ShapeError} naming the first offending path otherwise.
 */

import type {
  BlockedDevice,
  BlockResult,
  DeviceUsage,
  RateResult,
  ScannedDevice,
  StartSessionResult,
  UsageEntry,
  WifiStatus,
} from './commands-server.types.js';

/** Raised by validators; turned into a `bad_response` by the transport. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path} must be ${expected}`);
    this.name = 'ShapeError';
  }
}

/** A validator: returns the checked value or throws a {@link ShapeError}. */
export type Validator<T> = (value: unknown, path?: string) => T;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new ShapeError(path, 'an object');
  }
  return value;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new ShapeError(path, 'a string');
  }
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') {
    throw new ShapeError(path, 'a boolean');
  }
  return value;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ShapeError(path, 'a finite number');
  }
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(path, 'a non-negative integer');
  }
  return value;
}

function arrayOf<T>(item: (value: unknown, path: string) => T): Validator<T[]> {
  return (value, path = 'data') => {
    if (!Array.isArray(value)) {
      throw new ShapeError(path, 'an array');
    }
    return value.map((entry, index) => item(entry, `${path}[${index}]`));
  };
}

/** Mutations answer an English sentence (contract §5.4). */
export const sentence: Validator<string> = (value, path = 'data') => str(value, path);

/** "Successfully blocked IP … (MAC: aa:bb:cc:dd:ee:ff)": the MAC the router blocked. */
const BLOCKED_MAC = /\(MAC: ([0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5})\)/;

/**
 * `POST /api/network/block` answers a sentence that names the MAC it blocked; the MAC
 * comes back lower-case with colons, or null when the sentence does not name one.
 */
export const blockData: Validator<BlockResult> = (value, path = 'data') => {
  const message = str(value, path);
  const mac = BLOCKED_MAC.exec(message)?.[1];
  return { message, mac: mac ? mac.toLowerCase().replace(/-/g, ':') : null };
};

/** `{message}` objects: health and session end. */
export const messageObject: Validator<{ message: string }> = (value, path = 'data') => {
  const o = record(value, path);
  return { message: str(o.message, `${path}.message`) };
};

/** Refresh never succeeds on the real server (contract §1.2.2); accept whatever it says. */
export const anything: Validator<unknown> = (value) => value;

export const startSessionData: Validator<StartSessionResult> = (value, path = 'data') => {
  const o = record(value, path);
  return {
    sessionId: str(o.session_id, `${path}.session_id`),
    routerReachable: bool(o.router_reachable, `${path}.router_reachable`),
    infrastructureReady: bool(o.infrastructure_ready, `${path}.infrastructure_ready`),
    message: str(o.message, `${path}.message`),
  };
};

export const scanData: Validator<ScannedDevice[]> = arrayOf((value, path) => {
  const o = record(value, path);
  return {
    ip: str(o.ip, `${path}.ip`),
    mac: str(o.mac, `${path}.mac`).toLowerCase(),
    hostname: str(o.hostname, `${path}.hostname`),
    vendor: str(o.vendor, `${path}.vendor`),
  };
});

export const blockedData: Validator<BlockedDevice[]> = arrayOf((value, path) => {
  const o = record(value, path);
  return { mac: str(o.mac, `${path}.mac`).toLowerCase(), ip: str(o.ip, `${path}.ip`) };
});

export const ipList: Validator<string[]> = arrayOf(str);

/**
 * `{rate_mbps}` echoes the rate exactly as sent, number or string (contract §1.2.5);
 * we send numbers, but accept a numeric string so an echo quirk is not an outage.
 */
export const rateData: Validator<RateResult> = (value, path = 'data') => {
  const o = record(value, path);
  const raw = o.rate_mbps;
  const rate = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return { rateMbps: finite(rate, `${path}.rate_mbps`) };
};

export const wifiStatusData: Validator<WifiStatus> = (value, path = 'data') => {
  const o = record(value, path);
  return {
    enabled: bool(o.enabled, `${path}.enabled`),
    ssid: str(o.ssid, `${path}.ssid`),
    encryption: str(o.encryption, `${path}.encryption`),
  };
};

export const ssidData: Validator<string> = (value, path = 'data') =>
  str(record(value, path).ssid, `${path}.ssid`);

function usageEntry(value: unknown, path: string): UsageEntry {
  const o = record(value, path);
  return {
    mac: str(o.mac, `${path}.mac`).toLowerCase(),
    ip: str(o.ip, `${path}.ip`),
    download: finite(o.download, `${path}.download`),
    upload: finite(o.upload, `${path}.upload`),
    unit: str(o.unit, `${path}.unit`),
    connections: count(o.connections, `${path}.connections`),
  };
}

export const usageData: Validator<UsageEntry[]> = arrayOf(usageEntry);

export const deviceUsageData: Validator<DeviceUsage> = (value, path = 'data') => {
  const o = record(value, path);
  return {
    ...usageEntry(o, path),
    period: str(o.period, `${path}.period`),
    timestamp: str(o.timestamp, `${path}.timestamp`),
  };
};
