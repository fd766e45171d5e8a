/**
 * Public types of the Commands-Server simulator. Other modules of the project code
 * against these names; keep them stable.
 */

/** One LAN device of a simulated router, as the network scan reports it. */
export interface SimDevice {
  ip: string;
  /** Lower-case, colon-separated. */
  mac: string;
  /** From the DHCP leases, else `"Unknown"`. */
  hostname: string;
  /** From the (simulated) MAC vendor lookup, else `"Unknown Vendor"`. */
  vendor: string;
}

/** What an injected fault does to a request it matches. */
export type FaultKind =
  /** Delay, then answer normally. */
  | { kind: 'latency'; ms: number }
  /** Never answer: hold the socket until the client gives up or the server closes. */
  | { kind: 'timeout' }
  /** A `success:false` envelope with this status, code and message. */
  | { kind: 'error'; status: number; code: string; message: string }
  /** A Werkzeug-like HTML 500 page. */
  | { kind: 'html500' }
  /** HTTP 200 with a JSON content type and a body that is not JSON. */
  | { kind: 'invalidJson' }
  /** Destroy the socket without answering. */
  | { kind: 'drop' }
  /** A `success:true` envelope whose `data` has the wrong shape for every route (a number). */
  | { kind: 'badShape' }
  /** Forget every session, then handle the request normally. */
  | { kind: 'restart' };

/** A fault to apply to matching requests, before the normal handling. */
export interface FaultSpec {
  /** Every given criterion must hold; an absent `match` matches every request. */
  match?: {
    /** Case-insensitive HTTP method. */
    method?: string;
    /** Exact pathname (no query), or a RegExp tested against it. */
    path?: string | RegExp;
    /** Compared with the routerId read from the query or the JSON body. */
    routerId?: string;
  };
  /** How many requests this fault applies to; unlimited when absent. */
  times?: number;
  /** Chance (0..1) that a matching request gets the fault; default 1. */
  probability?: number;
  fault: FaultKind;
}

export type ActiveMode = 'none' | 'whitelist' | 'blacklist';

/** The `rates` object of the router state file, tc rate strings. */
export interface RouterRates {
  whitelist_full: string;
  whitelist_limited: string;
  blacklist_full: string;
  blacklist_limited: string;
}

/** Wi-Fi settings of radio 0. */
export interface WifiSnapshot {
  enabled: boolean;
  ssid: string;
  encryption: string;
  password: string;
}

/** Deep copy of a simulated router's state, for assertions in tests. */
export interface RouterStateSnapshot {
  /** `active_mode` of the state file (not necessarily what iptables does, see §1.2.1). */
  activeMode: ActiveMode;
  rates: RouterRates;
  whitelist: string[];
  blacklist: string[];
  /** As GET /api/network/blocked would report it. */
  blocked: { mac: string; ip: string }[];
  wifi: WifiSnapshot;
  devices: SimDevice[];
  /** Extension: whether a session start has set up this router's infrastructure. */
  infrastructureReady: boolean;
}

/** Per-router overrides for `configureRouter`. */
export interface RouterConfig {
  /** Regenerate this many deterministic devices. */
  deviceCount?: number;
  /** Use exactly these devices (MACs are lower-cased). Wins over `deviceCount`. */
  devices?: SimDevice[];
  /** Extension: override Wi-Fi settings, e.g. `{ enabled: false }` to test enable. */
  wifi?: Partial<WifiSnapshot>;
}

export interface SimulatorOptions {
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Router ids that exist. Default `/^[A-Za-z0-9_.-]{1,128}$/`. */
  routerIdPattern?: RegExp;
  /** Router ids that fail like a port-manager miss. Default `['unknown-router']`. */
  unknownRouterIds?: string[];
  /** Devices generated per router. Default 12, at most 63,750. */
  devicesPerRouter?: number;
  /** Idle time after the last router command before the janitor ends a session. Default 30 min. */
  sessionTimeoutMs?: number;
  /** Janitor period. Default 30 s; 0 disables the timer (`expireIdleSessions()` still works). */
  janitorIntervalMs?: number;
  /** Base latency on every route except GET /health. Default 0. */
  latencyMs?: number;
  /** Make unblock and reset fail as they do against a real OpenWrt `uci` (§1.2.3). Default false. */
  realUciBugs?: boolean;
  /** Serve the `/__sim/*` admin routes. Default false. */
  enableAdminRoutes?: boolean;
  /** Clock used for idle expiry and timestamps. Default real time. */
  now?: () => Date;
  /**
   * Calls kept in `calls`, the oldest dropped first. Default unlimited (tests read
   * them); long-running simulators (`npm start`, `npm run simulator`, the soak and the
   * benchmark) keep 1,000 so that memory stays flat.
   */
  maxRecordedCalls?: number;
}

/** One request the simulator received. */
export interface RecordedCall {
  method: string;
  path: string;
  /** First value of each query parameter. */
  query: Record<string, string>;
  /** Parsed JSON body; the raw text if it is not JSON; null if empty. */
  body: unknown;
  /** Raw ids as the middleware reads them (query first, then JSON body); null if absent. */
  sessionId: unknown;
  routerId: unknown;
  /** HTTP status answered; 0 while pending, or when the socket was dropped or held. */
  status: number;
  at: Date;
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:43567`. */
  readonly url: string;
  /** Every request received, in order (admin routes excluded). */
  readonly calls: readonly RecordedCall[];
  clearCalls(): void;
  readonly faults: {
    inject(spec: FaultSpec): string;
    remove(id: string): void;
    clear(): void;
  };
  /** Forget every session, as a process restart does. Router state survives. */
  restart(): void;
  /** Run the idle-session janitor now. */
  expireIdleSessions(): void;
  isSessionActive(sessionId: unknown): boolean;
  activeSessionIds(): unknown[];
  configureRouter(routerId: string, cfg: RouterConfig): void;
  routerState(routerId: string): RouterStateSnapshot;
  /** Stop listening and release every socket, including those held by 'timeout' faults. */
  close(): Promise<void>;
}
