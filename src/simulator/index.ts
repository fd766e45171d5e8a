/**
 * A faithful simulator of the NetPilot Commands-Server (see
 * COMMANDS_SERVER_CONTRACT.md): a real HTTP server with in-memory sessions, simulated
 * routers and fault injection, for tests and for local runs without routers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ResolvedOptions, resolveOptions, type SimCore } from './core.js';
import { FaultRegistry } from './faults.js';
import type { AdminTarget } from './routes/admin.js';
import { RouterRegistry } from './routers.js';
import { RequestPipeline } from './server.js';
import { SessionTable } from './sessions.js';
import type { RecordedCall, Simulator, SimulatorOptions } from './types.js';

export type { FaultKind, RecordedCall, SimDevice, Simulator, SimulatorOptions } from './types.js';

function formatUrl(host: string, port: number): string {
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

function createCore(resolved: ResolvedOptions): SimCore {
  return {
    options: resolved,
    sessions: new SessionTable(resolved.now, resolved.sessionTimeoutMs),
    routers: new RouterRegistry({
      pattern: resolved.routerIdPattern,
      unknownIds: resolved.unknownRouterIds,
      devicesPerRouter: resolved.devicesPerRouter,
    }),
    faults: new FaultRegistry(),
  };
}

/** What both the admin routes and the test-side handle can do to the simulator. */
function adminTarget(core: SimCore, calls: RecordedCall[]): AdminTarget {
  return {
    faults: core.faults,
    restart: () => core.sessions.clear(),
    routerState: (routerId) => core.routers.snapshot(routerId),
    calls: () => calls,
    clearCalls: () => {
      calls.length = 0;
    },
  };
}

/** Listens on the configured host and port; resolves with the port actually bound. */
async function listen(server: Server, resolved: ResolvedOptions): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** The real janitor thread runs every 30 s (§3); 0 disables it (tests run it by hand). */
function startJanitor(core: SimCore): NodeJS.Timeout | undefined {
  const { janitorIntervalMs } = core.options;
  const janitor =
    janitorIntervalMs > 0
      ? setInterval(() => core.sessions.expireIdle(), janitorIntervalMs)
      : undefined;
  janitor?.unref();
  return janitor;
}

/** Closes once: stops the janitor and the server, and drops every socket, held ones too. */
function closer(
  server: Server,
  pipeline: RequestPipeline,
  janitor: NodeJS.Timeout | undefined,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      clearInterval(janitor);
      server.close(() => resolve());
      for (const res of pipeline.held) {
        res.destroy();
      }
      server.closeAllConnections();
    });
    return closing;
  };
}

function simulatorHandle(
  core: SimCore,
  url: string,
  admin: AdminTarget,
  close: () => Promise<void>,
): Simulator {
  return {
    url,
    get calls(): readonly RecordedCall[] {
      return admin.calls();
    },
    clearCalls: () => admin.clearCalls(),
    faults: {
      inject: (spec) => core.faults.inject(spec),
      remove: (id) => core.faults.remove(id),
      clear: () => core.faults.clear(),
    },
    restart: () => admin.restart(),
    expireIdleSessions: () => {
      core.sessions.expireIdle();
    },
    isSessionActive: (sessionId) => core.sessions.isActive(sessionId),
    activeSessionIds: () => core.sessions.ids(),
    configureRouter: (routerId, cfg) => core.routers.configure(routerId, cfg),
    routerState: (routerId) => admin.routerState(routerId),
    close,
  };
}

/** Starts a simulator listening on `options.host`/`options.port` (ephemeral by default). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const core = createCore(resolved);
  const calls: RecordedCall[] = [];
  const admin = adminTarget(core, calls);
  const server = createServer();
  const port = await listen(server, resolved);
  const pipeline = new RequestPipeline(core, calls, admin, `${resolved.host}:${port}`);
  server.on('request', pipeline.listener);
  const close = closer(server, pipeline, startJanitor(core));
  return simulatorHandle(core, formatUrl(resolved.host, port), admin, close);
}
