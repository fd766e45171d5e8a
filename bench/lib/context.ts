/** What every scenario gets: the running processes, the seeded data and the results. */
import type { BenchOptions } from './args.js';
import type { BenchDatabase } from './db.js';
import type { LoadSpec, LoadTarget } from './load-types.js';
import type { BenchResults } from './results.js';

export interface Seed {
  /** Bearer token of the owner of every bench router (a login whose session is on the read router). */
  token: string;
  /**
   * A login of the owner per router (claimed with it): a login's Commands-Server
   * session prepares one router at a time, so router operations on different routers
   * use different logins, as different households would.
   */
  routerTokens: Record<string, string>;
  /** Router read by scenario 1 (50 devices, scanned once). */
  readRouter: string;
  /** One router per load connection for the mutation scenario. */
  mutationRouters: string[];
  /** Routers whose simulated scan returns `scanDevices` devices, never scanned yet. */
  scanRouters: string[];
  /** A user with no router, for the login load. */
  loginEmail: string;
  loginPassword: string;
}

export interface BenchContext {
  opts: BenchOptions;
  db: BenchDatabase;
  /** Base URL of our server. */
  server: string;
  /** Its process id (for CPU per request). */
  serverPid: number | undefined;
  /** The simulator's process id. */
  simPid: number | undefined;
  /** Base URL of the simulated Commands-Server. */
  sim: string;
  seed: Seed;
  results: BenchResults;
  /** Prints a progress line on stderr (stdout is the report). */
  log(message: string): void;
}

/** A load spec with the run's defaults (connections, warm-up, duration). */
export function loadSpec(
  ctx: BenchContext,
  url: string,
  target: LoadTarget,
  overrides: Partial<LoadSpec> = {},
): LoadSpec {
  return {
    url,
    connections: ctx.opts.connections,
    warmupSeconds: ctx.opts.warmup,
    durationSeconds: ctx.opts.duration,
    target,
    ...overrides,
  };
}
