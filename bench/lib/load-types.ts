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
