import { ValidationError } from '../errors.js';

/**
 * Input rules of SPEC §6. The Commands-Server validates almost nothing and
 * pastes `ip`, `ssid` and `password` into single-quoted shell commands run as
 * root on the router (contract §5.7), so every value is checked here, before
 * any call goes out, and the message says why.
 */

export const ROUTER_ID_PATTERN = '^[A-Za-z0-9_.-]{1,128}$';
const ROUTER_ID = new RegExp(ROUTER_ID_PATTERN);

/** Whether `value` is a well-formed router id (no error: for callers that only look it up). */
export function isRouterId(value: string): boolean {
  return ROUTER_ID.test(value);
}

function fail(field: string, message: string): never {
  throw new ValidationError({ field, message });
}

/** Refuses what would break out of a single-quoted shell string or smuggle a command. */
export function assertShellSafe(value: string, field: string): void {
  if (value.includes("'")) {
    fail(
      field,
      'must not contain a single quote: the router runs it inside a single-quoted shell command',
    );
  }
  if (value.includes('\\')) {
    fail(field, 'must not contain a backslash: the router runs it inside a shell command');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    fail(field, 'must not contain control characters (newlines, tabs, NUL)');
  }
}

export function assertRouterId(value: string, field = 'routerId'): string {
  if (!ROUTER_ID.test(value)) {
    fail(field, 'must be 1 to 128 characters of letters, digits, "_", "." or "-"');
  }
  return value;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** A strict IPv4 dotted quad: no leading zeros, no white space; IPv6 refused with a reason. */
export function parseIpv4(value: string, field = 'ip'): string {
  assertShellSafe(value, field);
  if (value.includes(':')) {
    fail(field, 'must be an IPv4 address: the router accepts IPv4 only, not IPv6');
  }
  if (!IPV4.test(value)) {
    fail(field, 'must be an IPv4 address like 192.168.1.10 (four numbers 0-255, no leading zeros)');
  }
  return value;
}

const MAC =
  /^([0-9a-fA-F]{2})([:-]?)([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/;

/** A MAC address normalised to lower-case colon form (aa:bb:cc:dd:ee:ff). */
export function normalizeMac(value: string, field = 'mac'): string {
  const m = MAC.exec(value);
  if (!m) {
    fail(field, 'must be a MAC address like aa:bb:cc:dd:ee:ff');
  }
  return [m[1], m[3], m[4], m[5], m[6], m[7]].join(':').toLowerCase();
}

/** SSID: 1–32 bytes (UTF-8) of printable characters, shell-safe. */
export function parseSsid(value: string, field = 'ssid'): string {
  assertShellSafe(value, field);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < 1 || bytes > 32) {
    fail(field, `must be 1 to 32 bytes long (this one is ${bytes})`);
  }
  if (/[\p{C}]/u.test(value)) {
    fail(field, 'must contain printable characters only');
  }
  return value;
}

/** Wi-Fi password (WPA2-PSK): 8–63 printable ASCII characters, shell-safe. */
export function parseWifiPassword(value: string, field = 'password'): string {
  assertShellSafe(value, field);
  if (!/^[\x20-\x7e]*$/.test(value)) {
    fail(field, 'must be printable ASCII characters only');
  }
  if (value.length < 8 || value.length > 63) {
    fail(field, 'must be 8 to 63 characters long');
  }
  return value;
}

/** A rate in Mbps: a finite number from 1 to 1000. */
export function parseRateMbps(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(field, 'must be a finite number of Mbps');
  }
  if (value < 1 || value > 1000) {
    fail(field, 'must be from 1 to 1000 Mbps');
  }
  return value;
}
