/**
 * Process entry: load the configuration, open and migrate the database, start
 * the simulated Commands-Server if none is configured, build the app, listen,
 * and shut down gracefully on SIGINT/SIGTERM.
 */
import dotenv from 'dotenv';
import { buildApp } from './app.js';
import { CommandsServerHttp } from './clients/commands-server.http.js';
import { ConfigError, loadConfig } from './config.js';
import { createDb, type DbHandle } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { estimatePasswordStrength } from './validation/password-strength.js';
import { PgliteLockedError } from './db/pglite-lock.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { startSimulator, type Simulator } from './simulator/index.js';

// Values already in the environment win over the optional .env file.
dotenv.config({ quiet: true });

function configOrExit() {
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

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  for (const warning of config.warnings) {
    log.warn(warning);
  }
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: unknown) => log.error({ err }, 'error during shutdown'));
    }
  };

  try {
    const db: DbHandle = await createDb(config.database, {
      onStaleLockTakenOver: (previous, lockPath) =>
        log.warn(
          { lockPath, previous },
          'took over the lock of the embedded database directory: the process that held it no longer runs (it crashed or was killed)',
        ),
    });
    cleanups.push(() => db.close());
    log.info(
      {
        database:
          config.database.kind === 'pglite' ? `pglite:${config.database.dataDir}` : 'postgres',
      },
      'database opened',
    );
    await runMigrations(db);
    log.info('migrations applied');

    let commandsServerUrl = config.commandsServer.url;
    let simulator: Simulator | null = null;
    if (commandsServerUrl === null) {
      simulator = await startSimulator({
        devicesPerRouter: config.commandsServer.simulatorDevices,
        // It runs as long as the server: keep only the latest calls.
        maxRecordedCalls: 1000,
      });
      const sim = simulator;
      cleanups.push(() => sim.close());
      commandsServerUrl = simulator.url;
      log.warn(
        { commandsServerUrl },
        'COMMANDS_SERVER_URL is not set: routers are SIMULATED by an in-process Commands-Server simulator. Set COMMANDS_SERVER_URL to drive real routers.',
      );
    }
    const metrics = new Metrics();
    const commandsServer = new CommandsServerHttp({
      baseUrl: commandsServerUrl,
      timeoutMs: config.commandsServer.timeoutMs,
      scanTimeoutMs: config.commandsServer.scanTimeoutMs,
      logger: log.child({ component: 'commands-server' }),
      onCall: metrics.observeCommandsServerCall,
    });
    cleanups.push(() => commandsServer.close());

    const app = await buildApp({ config, db, commandsServer, logger: log, metrics });
    cleanups.push(() => app.close());
    // The strength estimator's dictionaries take about a second to load, on the event
    // loop: here, before the first request, rather than in the first registration.
    estimatePasswordStrength('warm up the estimator');
    await app.listen({ host: config.server.host, port: config.server.port });

    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        return;
      }
      stopping = true;
      log.info({ signal }, 'shutting down: finishing in-flight requests');
      cleanup().then(
        () => {
          log.info('shutdown complete');
          process.exit(0);
        },
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  } catch (err) {
    if (err instanceof PgliteLockedError) {
      // The message says which directory, which process and what to do: make it the log line.
      log.fatal({ dataDir: err.dataDir, lockPath: err.lockPath, holder: err.holder }, err.message);
    } else {
      log.fatal({ err }, 'failed to start');
    }
    await cleanup();
    process.exit(1);
  }
}

void main();
