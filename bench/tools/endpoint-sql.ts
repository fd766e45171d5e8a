/**
 * Prints the SQL statements that the benchmarked endpoints run, as Drizzle sends
 * them: the app is built in-process on an in-memory PGlite whose `onQuery` hook
 * records every statement; a user logs in, claims a router and scans it; then the
 * statements of one request of each kind are printed. The database ceiling
 * (bench/ceilings/sql-statements.ts) must run those of the authenticated read.
 *
 *   npx tsx bench/tools/endpoint-sql.ts          # the authenticated read
 *   npx tsx bench/tools/endpoint-sql.ts --all    # also scan and the whitelist round trip
 */
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { CommandsServerHttp } from '../../src/clients/commands-server.http.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { startSimulator } from '../../src/simulator/index.js';

export interface Step {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** `{router}` is replaced by the router's id. */
  url: string;
  payload?: Record<string, unknown>;
}

export const READ_STEP: Step = {
  name: 'GET /api/v1/routers/{id}/devices',
  method: 'GET',
  url: '/api/v1/routers/{router}/devices',
};

export const OTHER_STEPS: Step[] = [
  { name: 'POST /api/v1/routers/{id}/scan', method: 'POST', url: '/api/v1/routers/{router}/scan' },
  {
    name: 'POST /api/v1/routers/{id}/whitelist',
    method: 'POST',
    url: '/api/v1/routers/{router}/whitelist',
    payload: { ip: '10.9.8.7' },
  },
  {
    name: 'DELETE /api/v1/routers/{id}/whitelist/{ip}',
    method: 'DELETE',
    url: '/api/v1/routers/{router}/whitelist/10.9.8.7',
  },
];

const ROUTER = 'sql-capture';

async function seed(app: FastifyInstance): Promise<Record<string, string>> {
  const credentials = { email: 'sql@bench.example', password: 'sql-capture-Pa55' };
  await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: credentials });
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: credentials,
  });
  const token = login.json<{ data: { token: string } }>().data.token;
  const headers = { authorization: `Bearer ${token}` };
  const claim = await app.inject({
    method: 'POST',
    url: '/api/v1/routers',
    headers,
    payload: { routerId: ROUTER, name: ROUTER },
  });
  const scan = await app.inject({ method: 'POST', url: `/api/v1/routers/${ROUTER}/scan`, headers });
  if (claim.statusCode >= 300 || scan.statusCode >= 300) {
    throw new Error(`seeding failed: claim ${claim.statusCode}, scan ${scan.statusCode}`);
  }
  return headers;
}

/** The statements of one request of each step, in order, as Drizzle sends them. */
export async function captureStatements(steps: Step[]): Promise<string[][]> {
  let recording: string[] | null = null;
  const db = await createDb(
    { kind: 'pglite', dataDir: 'memory://' },
    {
      onQuery: (sql) => {
        recording?.push(sql);
      },
    },
  );
  await runMigrations(db);
  const sim = await startSimulator({ janitorIntervalMs: 0, devicesPerRouter: 3 });
  const commandsServer = new CommandsServerHttp({
    baseUrl: sim.url,
    timeoutMs: 5000,
    scanTimeoutMs: 5000,
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PGLITE_DATA_DIR: 'memory://',
    COMMANDS_SERVER_URL: sim.url,
    SCAN_MIN_INTERVAL_SECONDS: '0',
  });
  const app = await buildApp({ config, db, commandsServer, startSweeper: false });
  try {
    const headers = await seed(app);
    const out: string[][] = [];
    for (const step of steps) {
      recording = [];
      const answer = await app.inject({
        method: step.method,
        url: step.url.replace('{router}', ROUTER),
        headers,
        ...(step.payload === undefined ? {} : { payload: step.payload }),
      });
      out.push(recording);
      recording = null;
      if (answer.statusCode >= 300) {
        throw new Error(`${step.name} answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`);
      }
    }
    return out;
  } finally {
    await app.close();
    await commandsServer.close();
    await sim.close();
    await db.close();
  }
}

/** The statements of one `GET /api/v1/routers/{id}/devices`. */
export async function captureEndpointSql(): Promise<string[]> {
  const [read] = await captureStatements([READ_STEP]);
  return read!;
}

async function main(): Promise<void> {
  const steps = process.argv.includes('--all') ? [READ_STEP, ...OTHER_STEPS] : [READ_STEP];
  const captured = await captureStatements(steps);
  steps.forEach((step, i) => {
    const statements = captured[i]!;
    console.log(`\n-- ${step.name}: ${statements.length} statement(s)`);
    statements.forEach((sql, j) => console.log(`\n-- ${j + 1}\n${sql};`));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
