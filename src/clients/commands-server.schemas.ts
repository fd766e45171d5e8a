import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type {
  BlockedDevice,
  BlockResult,
  ChangeResult,
  DeviceUsage,
  EnforcedMode,
  RateResult,
  ScannedDevice,
  StartSessionResult,
  UsageEntry,
  WifiStatus,
} from './commands-server.types.js';

/**
 * Validators for the `data` member of Commands-Server answers
 * (COMMANDS_SERVER_CONTRACT.md §1): a TypeBox schema per reply, compiled once at module
 * load, and a mapping to the value callers get. Each validator returns a fresh value
 * holding only the fields we use, so unknown extra fields are accepted but never passed
 * on, and throws a {@link ShapeError} naming the first offending path otherwise.
 */

/** Raised by validators; turned into a `bad_response` by the transport. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'ShapeError';
  }
}

/** A validator: returns the checked (and mapped) `data` or throws a {@link ShapeError}. */
export type Validator<T> = (value: unknown) => T;

/** `/0/mac` (a JSON pointer) → `data[0].mac`. */
function pathOf(instancePath: string): string {
  let path = 'data';
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  return path;
}

/** Compiles `schema` once; the validator checks a value against it, then maps it. */
function reply<S extends TSchema, T>(schema: S, map: (value: Static<S>) => T): Validator<T> {
  const compiled = Compile(schema);
  return (value) => {
    if (compiled.Check(value)) {
      return map(value);
    }
    const [first] = compiled.Errors(value);
    throw new ShapeError(pathOf(first?.instancePath ?? ''), first?.message ?? 'is invalid');
  };
}

// TypeBox numbers are finite: NaN and ±Infinity fail Type.Number().
const Str = Type.String();
const Bool = Type.Boolean();
const Finite = Type.Number();
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/**
 * `rate_mbps` echoes the rate exactly as sent, number or string (contract §1.2.5); we
 * send numbers, but accept a non-blank string that reads as a finite number, so an echo
 * quirk is not an outage.
 */
const RateEcho = Type.Union([
  Finite,
  Type.Refine(
    Str,
    (s) => s.trim() !== '' && Number.isFinite(Number(s)),
    () => 'must be a finite number or a numeric string',
  ),
]);

const UsageFields = {
  mac: Str,
  ip: Str,
  download: Finite,
  upload: Finite,
  unit: Str,
  connections: Count,
};
const UsageSchema = Type.Object(UsageFields);

function usageEntry(o: Static<typeof UsageSchema>): UsageEntry {
  return {
    mac: o.mac.toLowerCase(),
    ip: o.ip,
    download: o.download,
    upload: o.upload,
    unit: o.unit,
    connections: o.connections,
  };
}

/** "Successfully blocked IP … (MAC: aa:bb:cc:dd:ee:ff)": the MAC the router blocked. */
const BLOCKED_MAC = /\(MAC: ([0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5})\)/;

/** Mutations answer an English sentence (contract §5.4). */
export const sentence: Validator<string> = reply(Str, (s) => s);

/**
 * A mutation's sentence read as whether the router changed anything: `changed` is
 * false exactly when the sentence is the route's no-op sentence (`noChange`). Any
 * other success sentence counts as a change, so a reworded sentence can only make
 * an answer say "changed" when nothing did, never hide a change.
 */
function changeSentence(noChange: RegExp): Validator<ChangeResult> {
  return reply(Str, (message) => ({ message, changed: !noChange.test(message) }));
}

/** `POST /api/{list}/add`: "Device <ip> already in whitelist." is the no-op (contract §1.2.5). */
export const addedData = changeSentence(/^Device \S+ already in (?:whitelist|blacklist)\.$/);

/** `POST /api/{list}/remove`: "Device <ip> not in whitelist." is the no-op. */
export const removedData = changeSentence(/^Device \S+ not in (?:whitelist|blacklist)\.$/);

/** `POST /api/{list}/mode`: "Whitelist mode is already active." is the no-op. */
export const activatedData = changeSentence(/^(?:Whitelist|Blacklist) mode is already active\.$/);

/** `DELETE /api/{list}/mode`: "Modes are already inactive." is the no-op. */
export const deactivatedData = changeSentence(/^Modes are already inactive\.$/);

/**
 * `POST /api/network/block` answers a sentence that names the MAC it blocked; the MAC
 * comes back lower-case with colons, or null when the sentence does not name one.
 */
export const blockData: Validator<BlockResult> = reply(Str, (message) => {
  const mac = BLOCKED_MAC.exec(message)?.[1];
  return { message, mac: mac ? mac.toLowerCase().replace(/-/g, ':') : null };
});

/** `{message}` objects: health and session end. */
export const messageObject: Validator<{ message: string }> = reply(
  Type.Object({ message: Str }),
  (o) => ({ message: o.message }),
);

/** Refresh never succeeds on the real server (contract §1.2.2); accept whatever it says. */
export const anything: Validator<unknown> = reply(Type.Unknown(), (value) => value);

export const startSessionData: Validator<StartSessionResult> = reply(
  Type.Object({
    session_id: Str,
    router_reachable: Bool,
    infrastructure_ready: Bool,
    message: Str,
  }),
  (o) => ({
    sessionId: o.session_id,
    routerReachable: o.router_reachable,
    infrastructureReady: o.infrastructure_ready,
    message: o.message,
  }),
);

export const scanData: Validator<ScannedDevice[]> = reply(
  Type.Array(Type.Object({ ip: Str, mac: Str, hostname: Str, vendor: Str })),
  (devices) =>
    devices.map((d) => ({
      ip: d.ip,
      mac: d.mac.toLowerCase(),
      hostname: d.hostname,
      vendor: d.vendor,
    })),
);

export const blockedData: Validator<BlockedDevice[]> = reply(
  Type.Array(Type.Object({ mac: Str, ip: Str })),
  (devices) => devices.map((d) => ({ mac: d.mac.toLowerCase(), ip: d.ip })),
);

export const ipList: Validator<string[]> = reply(Type.Array(Str), (ips) => [...ips]);

export const rateData: Validator<RateResult> = reply(Type.Object({ rate_mbps: RateEcho }), (o) => ({
  rateMbps: Number(o.rate_mbps),
}));

export const wifiStatusData: Validator<WifiStatus> = reply(
  Type.Object({ enabled: Bool, ssid: Str, encryption: Str }),
  (o) => ({ enabled: o.enabled, ssid: o.ssid, encryption: o.encryption }),
);

/**
 * `GET /mode-activation`: the mode whose jump sits in FORWARD, where activation installs
 * it. Its own `active_mode` is derived from PREROUTING and always says `none` (§1.2.1).
 */
const Jumps = Type.Object({ has_whitelist_jump: Bool, has_blacklist_jump: Bool });
export const enforcedModeData: Validator<EnforcedMode> = reply(
  Type.Object({ details: Type.Object({ forward_rules: Jumps }) }),
  ({ details: { forward_rules: f } }) =>
    f.has_whitelist_jump ? 'whitelist' : f.has_blacklist_jump ? 'blacklist' : 'none',
);

export const ssidData: Validator<string> = reply(Type.Object({ ssid: Str }), (o) => o.ssid);

export const usageData: Validator<UsageEntry[]> = reply(Type.Array(UsageSchema), (entries) =>
  entries.map(usageEntry),
);

export const deviceUsageData: Validator<DeviceUsage> = reply(
  Type.Object({ ...UsageFields, period: Str, timestamp: Str }),
  (o) => ({ ...usageEntry(o), period: o.period, timestamp: o.timestamp }),
);
