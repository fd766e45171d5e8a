/**
 * Process entry: load the configuration, install the shutdown handler, open and
 * migrate the database, start the simulated Commands-Server if none is
 * configured, build the app and listen.
 *
 * Shutdown (SIGINT, SIGTERM and the other signals close-with-grace listens to, or
 * an uncaught error) closes what start-up opened, in reverse order: the app (it
 * refuses new requests, finishes those in flight, then closes the services), the
 * Commands-Server client, the simulator, the database. If that takes longer than
 * SHUTDOWN_TIMEOUT_SECONDS the process exits 1 anyway.
 *
 * `npm start` runs this file as one process, `node --import tsx`, not under the
 * tsx CLI: that one runs the script as its child, relays a signal to it, and
 * SIGKILLs it unless the child reports the signal back within 30 ms, which a busy
 * event loop (migrations, the estimator's warm-up, a loaded machine) cannot do.
 */
import closeWithGrace from 'close-with-grace';
import dotenv from 'dotenv';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { CommandsServerHttp } from './clients/commands-server.http.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createDb, type DbHandle } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { PgliteLockedError } from './db/pglite-lock.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { startSimulator } from './simulator/index.js';
import { estimatePasswordStrength } from './validation/password-strength.js';

// Values already in the environment win over the optional .env file.
dotenv.config({ quiet: true });

/** What start-up opened, closed once, in reverse order, on the way out. */
class Cleanups {
  private readonly closers: (() => Promise<void>)[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  add(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /** Idempotent: a signal during a failed start's clean-up does not close twice. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const close of this.closers.toReversed()) {
        await close().catch((err: unknown) => this.log.error({ err }, 'error during shutdown'));
      }
    })();
    return this.running;
  }
}

/** Thrown between start-up steps once shutdown has begun: the remaining steps are skipped. */
class StartupAborted extends Error {}

interface Startup {
  config: Readonly<Config>;
  log: Logger;
  cleanups: Cleanups;
  /** Throws StartupAborted once shutdown has begun. */
  checkpoint: () => void;
}

function configOrExit(): Readonly<Config> {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function openDatabase({ config, log, cleanups }: Startup): Promise<DbHandle> {
  const db = await createDb(config.database, {
    onStaleLockTakenOver: (previous, lockPath) =>
      log.warn(
        { lockPath, previous },
        'took over the lock of the embedded database directory: the process that held it no longer runs (it crashed or was killed)',
      ),
  });
  cleanups.add(() => db.close());
  const { database } = config;
  log.info(
    { database: database.kind === 'pglite' ? `pglite:${database.dataDir}` : 'postgres' },
    'database opened',
  );
  return db;
}

/** The configured Commands-Server, or an in-process simulator when there is none. */
async function commandsServerUrl({ config, log, cleanups }: Startup): Promise<string> {
  if (config.commandsServer.url !== null) {
    return config.commandsServer.url;
  }
  const simulator = await startSimulator({
    devicesPerRouter: config.commandsServer.simulatorDevices,
    // It runs as long as the server: keep only the latest calls.
    maxRecordedCalls: 1000,
  });
  cleanups.add(() => simulator.close());
  log.warn(
    { commandsServerUrl: simulator.url },
    'COMMANDS_SERVER_URL is not set: routers are SIMULATED by an in-process Commands-Server simulator. Set COMMANDS_SERVER_URL to drive real routers.',
  );
  return simulator.url;
}

/** Every start-up step, each followed by a checkpoint where a shutdown stops it. */
async function start(startup: Startup): Promise<void> {
  const { config, log, cleanups, checkpoint } = startup;
  const db = await openDatabase(startup);
  checkpoint();
  await runMigrations(db);
  log.info('migrations applied');
  checkpoint();
  const metrics = new Metrics();
  const commandsServer = new CommandsServerHttp({
    baseUrl: await commandsServerUrl(startup),
    timeoutMs: config.commandsServer.timeoutMs,
    scanTimeoutMs: config.commandsServer.scanTimeoutMs,
    logger: log.child({ component: 'commands-server' }),
    onCall: metrics.observeCommandsServerCall,
  });
  cleanups.add(() => commandsServer.close());
  checkpoint();
  const app = await buildApp({ config, db, commandsServer, logger: log, metrics });
  cleanups.add(() => app.close());
  // The strength estimator's dictionaries take about a second to load, on the event
  // loop: here, before the first request, rather than in the first registration.
  estimatePasswordStrength('warm up the estimator');
  checkpoint();
  await app.listen({ host: config.server.host, port: config.server.port });
}

/** Shared by start-up and the shutdown handler. */
interface ShutdownState {
  /** Set as soon as shutdown begins; start-up's checkpoints read it. */
  stopping: boolean;
  /** Start-up, settled once its step in progress has finished. */
  started: Promise<void>;
}

/**
 * Installs the shutdown handler: the signal or uncaught error is logged, the
 * start-up step in progress (if any) finishes, then every clean-up runs.
 * close-with-grace then exits 0 (1 after an uncaught error), or 1 once
 * SHUTDOWN_TIMEOUT_SECONDS have passed.
 */
function handleShutdown({ config, log, cleanups }: Startup, state: ShutdownState) {
  return closeWithGrace(
    {
      delay: config.server.shutdownTimeoutMs,
      logger: log,
      onTimeout: (delay) =>
        log.error(
          { timeoutMs: delay },
          'shutdown took longer than SHUTDOWN_TIMEOUT_SECONDS: exiting with work still in flight',
        ),
      onSecondSignal: (signal) => log.error({ signal }, 'second signal: exiting at once'),
      onSecondError: (err) => log.fatal({ err }, 'uncaught error during shutdown: exiting at once'),
    },
    async ({ signal, err }) => {
      state.stopping = true;
      if (err) {
        log.fatal({ err }, 'uncaught error: shutting down');
      } else {
        log.info({ signal }, 'shutting down: finishing in-flight requests');
      }
      // Let the step in progress finish, so that what it opens is closed below.
      await state.started.catch(() => undefined);
      await cleanups.run();
      log.info('shutdown complete');
    },
  );
}

function logStartFailure(log: Logger, err: unknown): void {
  if (err instanceof PgliteLockedError) {
    // The message says which directory, which process and what to do: make it the log line.
    log.fatal({ dataDir: err.dataDir, lockPath: err.lockPath, holder: err.holder }, err.message);
  } else {
    log.fatal({ err }, 'failed to start');
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  for (const warning of config.warnings) {
    log.warn(warning);
  }
  const state: ShutdownState = { stopping: false, started: Promise.resolve() };
  const startup: Startup = {
    config,
    log,
    cleanups: new Cleanups(log),
    checkpoint: () => {
      if (state.stopping) {
        throw new StartupAborted('shutdown began during start-up');
      }
    },
  };
  // Installed before the slow steps (database, migrations, estimator warm-up), so a
  // signal during start-up is also a graceful shutdown.
  const shutdown = handleShutdown(startup, state);
  state.started = start(startup);
  try {
    await state.started;
  } catch (err) {
    if (!(err instanceof StartupAborted)) {
      logStartFailure(log, err);
    }
    if (state.stopping) {
      return; // the shutdown handler closes what was opened, and exits
    }
    // From here the process is on its way out with 1: a signal must not make it 0.
    shutdown.uninstall();
    await startup.cleanups.run();
    process.exit(1);
  }
}

void main();
