/** The OpenAPI document of the app as built from this checkout (PGlite in memory, no Commands-Server); `env` adds settings (e.g. optional routes). */
import { buildApp } from '../../src/app.js';
import { CommandsServerHttp } from '../../src/clients/commands-server.http.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/client.js';
import type { OpenApiDocument } from './openapi-problems.js';

export async function documentOfApp(env: Record<string, string> = {}): Promise<OpenApiDocument> {
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    PGLITE_DATA_DIR: 'memory://',
    CONSOLE_DIR: 'off',
    COMMANDS_SERVER_URL: 'http://127.0.0.1:9',
    ...env,
  });
  const db = await createDb(config.database);
  const commandsServer = new CommandsServerHttp({
    baseUrl: 'http://127.0.0.1:9',
    timeoutMs: 1_000,
    scanTimeoutMs: 1_000,
  });
  const app = await buildApp({ config, db, commandsServer, startSweeper: false });
  try {
    await app.ready();
    return structuredClone(app.swagger()) as unknown as OpenApiDocument;
  } finally {
    await app.close();
    await commandsServer.close();
    await db.close();
  }
}
