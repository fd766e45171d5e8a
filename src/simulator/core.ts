/**
 * The simulator's shared state and options, and the contract between the server and
 * the route handlers.
 */
import type { SimResponse } from './envelope.js';
import type { FaultRegistry } from './faults.js';
import type { SimRequest } from './request.js';
import type { RouterSim } from './router-sim.js';
import type { RouterRegistry } from './routers.js';
import type { SessionTable } from './sessions.js';
import { assertDeviceCount } from './devices.js';
import type { SimulatorOptions } from './types.js';

export type ResolvedOptions = Required<SimulatorOptions>;

export interface SimCore {
  readonly options: ResolvedOptions;
  readonly sessions: SessionTable;
  readonly routers: RouterRegistry;
  readonly faults: FaultRegistry;
}

export interface HandlerContext {
  readonly req: SimRequest;
  /** Path parameters, percent-decoded. */
  readonly params: Record<string, string>;
  /** The raw ids the middleware read. */
  readonly sessionId: unknown;
  readonly routerId: unknown;
  readonly core: SimCore;
  /**
   * Resolves `routerId` like the port manager and the SSH pool do, and records a router
   * command for the session (what keeps it alive, §3). Throws PortManagerError.
   */
  connect(): RouterSim;
}

export type Handler = (ctx: HandlerContext) => SimResponse | Promise<SimResponse>;

export interface RouteDef {
  method: 'GET' | 'POST' | 'DELETE';
  /** Werkzeug-style rule: `<name>` matches one non-empty segment. */
  path: string;
  handler: Handler;
  /**
   * `exempt`: the middleware does nothing (only GET /health, §2.2 step 1).
   * `ids-only`: ids required but no active session (only POST /api/session/start, step 4).
   */
  guard?: 'exempt' | 'ids-only';
}

const DEFAULTS: ResolvedOptions = {
  host: '127.0.0.1',
  port: 0,
  routerIdPattern: /^[A-Za-z0-9_.-]{1,128}$/,
  unknownRouterIds: ['unknown-router'],
  devicesPerRouter: 12,
  sessionTimeoutMs: 30 * 60 * 1000,
  janitorIntervalMs: 30 * 1000,
  latencyMs: 0,
  realUciBugs: false,
  enableAdminRoutes: false,
  now: () => new Date(),
  maxRecordedCalls: Infinity,
};

function assertNumber(value: number, name: string, min: number, max = Infinity): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number between ${min} and ${max}, got ${value}`);
  }
}

/** Fills defaults and rejects values the simulator cannot honour. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as SimulatorOptions;
  const resolved: ResolvedOptions = { ...DEFAULTS, ...defined };
  assertNumber(resolved.port, 'port', 0, 65535);
  if (!Number.isInteger(resolved.port)) {
    throw new RangeError(`port must be an integer, got ${resolved.port}`);
  }
  assertDeviceCount(resolved.devicesPerRouter, 'devicesPerRouter');
  assertNumber(resolved.sessionTimeoutMs, 'sessionTimeoutMs', 1);
  assertNumber(resolved.janitorIntervalMs, 'janitorIntervalMs', 0, 2 ** 31 - 1);
  assertNumber(resolved.latencyMs, 'latencyMs', 0, 2 ** 31 - 1);
  if (
    resolved.maxRecordedCalls !== Infinity &&
    !(Number.isInteger(resolved.maxRecordedCalls) && resolved.maxRecordedCalls >= 0)
  ) {
    throw new RangeError(
      `maxRecordedCalls must be a whole number or Infinity, got ${resolved.maxRecordedCalls}`,
    );
  }
  return resolved;
}
