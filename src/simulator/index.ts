/**
 * A faithful simulator of the NetPilot Commands-Server (see
 * COMMANDS_SERVER_CONTRACT.md): a real HTTP server with in-memory sessions, simulated
 * routers and fault injection, for tests and for local runs without routers.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveOptions, type SimCore } from './core.js';
import { FaultRegistry } from './faults.js';
import { RouterRegistry } from './routers.js';
import { RequestPipeline } from './server.js';
import { SessionTable } from './sessions.js';
import type { RecordedCall, Simulator, SimulatorOptions } from './types.js';

export type {
  ActiveMode,
  FaultKind,
  FaultSpec,
  RecordedCall,
  RouterConfig,
  RouterRates,
  RouterStateSnapshot,
  SimDevice,
  Simulator,
  SimulatorOptions,
  WifiSnapshot,
} from './types.js';

function formatUrl(host: string, port: number): string {
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** Starts a simulator listening on `options.host`/`options.port` (ephemeral by default). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const core: SimCore = {
    options: resolved,
    sessions: new SessionTable(resolved.now, resolved.sessionTimeoutMs),
    routers: new RouterRegistry({
      pattern: resolved.routerIdPattern,
      unknownIds: resolved.unknownRouterIds,
      devicesPerRouter: resolved.devicesPerRouter,
    }),
    faults: new FaultRegistry(),
  };
  const calls: RecordedCall[] = [];
  const clearCalls = (): void => {
    calls.length = 0;
  };
  const restart = (): void => core.sessions.clear();
  const routerState = (routerId: string): ReturnType<Simulator['routerState']> =>
    core.routers.snapshot(routerId);

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = formatUrl(resolved.host, address.port);
  const pipeline = new RequestPipeline(
    core,
    calls,
    { faults: core.faults, restart, routerState, calls: () => calls, clearCalls },
    `${resolved.host}:${address.port}`,
  );
  server.on('request', pipeline.listener);

  // The real janitor thread runs every 30 s (§3).
  const janitor =
    resolved.janitorIntervalMs > 0
      ? setInterval(() => core.sessions.expireIdle(), resolved.janitorIntervalMs)
      : undefined;
  janitor?.unref();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
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

  return {
    url,
    get calls(): readonly RecordedCall[] {
      return calls;
    },
    clearCalls,
    faults: {
      inject: (spec) => core.faults.inject(spec),
      remove: (id) => core.faults.remove(id),
      clear: () => core.faults.clear(),
    },
    restart,
    expireIdleSessions: () => {
      core.sessions.expireIdle();
    },
    isSessionActive: (sessionId) => core.sessions.isActive(sessionId),
    activeSessionIds: () => core.sessions.ids(),
    configureRouter: (routerId, cfg) => core.routers.configure(routerId, cfg),
    routerState,
    close,
  };
}
