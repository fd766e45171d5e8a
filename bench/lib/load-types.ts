/** What bench/load.ts is asked to do, and what it answers (one JSON line each). */

export type LoadTarget =
  /** The same request again and again. */
  | {
      kind: 'fixed';
      method: 'GET' | 'POST' | 'DELETE';
      path: string;
      headers?: Record<string, string>;
      body?: string;
    }
  /**
   * Add then remove a whitelist entry through our API; each connection has its own
   * router, login and IP.
   */
  | { kind: 'whitelist'; routers: { routerId: string; token: string }[]; ipBlock: number }
  /** The same two calls made directly against the Commands-Server (simulator), one session per router. */
  | {
      kind: 'simulator-whitelist';
      routers: { routerId: string; sessionId: string }[];
      ipBlock: number;
    };

export interface LoadSpec {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Requests per second over all connections (open loop); closed loop when absent. */
  overallRate?: number;
  target: LoadTarget;
}

export interface LoadResult {
  phase: 'done';
  durationSeconds: number;
  /** Requests completed in the measured interval, any status. */
  requests: number;
  /** 2xx answers. */
  ok: number;
  /** 2xx answers per second. */
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
  bytesPerResponse: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx answers (request → status and body start). */
  failures: string[];
  /** CPU milliseconds the serving process spent per 2xx answer (set by the runner). */
  cpu_ms_per_req?: number;
}

/**
 * What bench/flood.ts is asked to do: an attacker's requests from many client
 * addresses, open loop at `rate`, until told to stop (or its own bounds).
 */
export interface FloodSpec {
  /** Base URL of the server; must be a loopback address. */
  url: string;
  kind:
    | 'register'
    /** Wrong passwords for one account (`email`). */
    | 'wrong-password-account'
    /** Wrong passwords, each for another account that does not exist (credential spraying). */
    | 'wrong-password-spray';
  /** The account of `wrong-password-account`. */
  email?: string;
  /** Source addresses the requests take turns on: 127.0.0.2 … (loopback only, never 127.0.0.1). */
  addresses: string[];
  /** Requests per second over all addresses. */
  rate: number;
  /** Requests in flight at most; a request due while this many are out is skipped (counted). */
  maxInFlight: number;
  /** Bounds: the flood stops by itself after this many seconds or requests. */
  maxSeconds: number;
  maxRequests: number;
}

export interface FloodResult {
  phase: 'done';
  /** Why it stopped: told to (SIGTERM), or one of its bounds. */
  stoppedBy: 'signal' | 'time' | 'count';
  /** Length of the counted interval (from SIGUSR1, else from the start, to the stop). */
  seconds: number;
  /** Requests sent, and answers received (whenever sent), within the counted interval. */
  sent: number;
  answered: number;
  /** Answers per second. */
  rps: number;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
  /** Mean time to answer, by status code, in ms. */
  meanMsByStatus: Record<string, number>;
  /** Smallest and largest Retry-After (s) seen, by status code. */
  retryAfter: Record<string, { min: number; max: number }>;
  /** Socket errors and requests skipped because `maxInFlight` were out. */
  errors: number;
  skipped: number;
  /** Requests still unanswered when it stopped. */
  inFlightAtStop: number;
}
