import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/clock.js';
import type { DbHandle } from '../../src/db/client.js';

/** Configuration for tests: silent logs, cheap argon2 floor values, in-memory throttling. */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PGLITE_DATA_DIR: 'memory://',
    COMMANDS_SERVER_URL: 'http://127.0.0.1:9',
    ...overrides,
  });
}

export interface TestAppOptions {
  db: DbHandle;
  commandsServer: AppDeps['commandsServer'];
  config?: Readonly<Config>;
  clock?: Clock;
  logger?: FastifyBaseLogger;
}

export async function buildTestApp(options: TestAppOptions): Promise<FastifyInstance> {
  const app = await buildApp({
    config: options.config ?? testConfig(),
    db: options.db,
    commandsServer: options.commandsServer,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await app.ready();
  return app;
}
