import pg from 'pg';
import { createDb } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import { startTcpProxy, type FaultyProxy } from './tcp-proxy.js';
import type { TestDb } from './test-db.js';

/**
 * A migrated private PostgreSQL that a test may stop, crash and restart, and
 * a fault-injecting proxy in front of it. The app under test connects through
 * the proxy; `admin` connects directly, so the test can read what really got
 * committed while the app's path to the database is broken.
 */
export interface FaultyDatabase {
  server: PrivatePostgres;
  proxy: FaultyProxy;
  /** The app's database handle, through the proxy. */
  db: TestDb;
  /** Runs SQL directly on the server (not through the proxy). */
  admin<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /**
   * Calls `fault` synchronously just before the app sends its n-th statement
   * (0-based, counted from now), so that statement never reaches the server.
   */
  failAtStatement(n: number, fault: () => void): void;
  /** Statements the app sent since the last call (SQL text). */
  takeStatements(): string[];
  close(): Promise<void>;
}

export interface FaultyDatabaseOptions {
  poolMax?: number;
  statementTimeoutMs?: number;
}

export async function startFaultyDatabase(
  options: FaultyDatabaseOptions = {},
): Promise<FaultyDatabase> {
  const server = await startPrivatePostgres();
  let proxy: FaultyProxy | undefined;
  try {
    const migrator = await createDb({
      kind: 'postgres',
      url: server.url,
      poolMax: 1,
      statementTimeoutMs: 60_000,
    });
    await runMigrations(migrator);
    await migrator.close();

    proxy = await startTcpProxy(server.port);
    const url = proxy.urlFor(server.url);
    const statements: string[] = [];
    let trap: { n: number; fault: () => void } | null = null;
    const handle = await createDb(
      {
        kind: 'postgres',
        url,
        poolMax: options.poolMax ?? 4,
        statementTimeoutMs: options.statementTimeoutMs ?? 5_000,
      },
      {
        onQuery: (text) => {
          statements.push(text);
          if (trap) {
            if (trap.n === 0) {
              const { fault } = trap;
              trap = null;
              fault();
            } else {
              trap.n -= 1;
            }
          }
        },
      },
    );
    const db: TestDb = { ...handle, url, queries: statements, destroy: () => handle.close() };
    const admin = new pg.Pool({ connectionString: server.url, max: 2 });
    admin.on('error', () => {});
    const p = proxy;
    return {
      server,
      proxy: p,
      db,
      async admin<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
        return (await admin.query<T>(text, values)).rows;
      },
      failAtStatement(n, fault) {
        trap = { n, fault };
      },
      takeStatements() {
        return statements.splice(0);
      },
      async close() {
        trap = null;
        await handle.close().catch(() => {});
        await admin.end().catch(() => {});
        await p.close();
        await server.destroy();
      },
    };
  } catch (err) {
    await proxy?.close();
    await server.destroy();
    throw err;
  }
}
