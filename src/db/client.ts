import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The one Drizzle interface the app uses, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<
  PgQueryResultHKT,
  Schema,
  ExtractTablesWithRelations<Schema>
>;
/** Anything a repository can run a query on: the database or an open transaction. */
export type Executor = Database | Transaction;

export interface DbHandle {
  readonly db: Database;
  readonly kind: 'postgres' | 'pglite';
  /** The node-postgres pool (PostgreSQL only), for metrics and dedicated connections. */
  readonly pool: pg.Pool | null;
  /** The embedded instance (PGlite only). */
  readonly pglite: PGlite | null;
  /** Round trip to the database; rejects when it does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Runs raw SQL and returns its rows, with the same shape on both drivers. */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await executor.execute(query);
  return (result as { rows: T[] }).rows;
}

const DRIZZLE_OPTIONS = { schema, casing: 'snake_case' } as const;

function drizzleOptions(options: CreateDbOptions) {
  const onQuery = options.onQuery;
  return onQuery
    ? { ...DRIZZLE_OPTIONS, logger: { logQuery: (query: string) => onQuery(query) } }
    : DRIZZLE_OPTIONS;
}

export interface CreateDbOptions {
  /** A PGlite instance to use instead of opening one (tests load a migrated snapshot). */
  pglite?: PGlite;
  /** Called with the SQL text of every statement Drizzle sends (tests count statements). */
  onQuery?: (sql: string) => void;
}

/** Opens PostgreSQL (a pool) or embedded PGlite, as configured. */
export async function createDb(
  config: DatabaseConfig,
  options: CreateDbOptions = {},
): Promise<DbHandle> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolMax,
      // Fail fast instead of queueing forever when the database is down.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: config.statementTimeoutMs,
      application_name: 'netpilot-auth-db',
    });
    // An idle client that loses its connection emits 'error' on the pool; without a
    // listener that would crash the process. The next checkout reconnects.
    pool.on('error', () => {});
    const db = drizzlePg({ client: pool, ...drizzleOptions(options) }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      pool,
      pglite: null,
      async ping() {
        await pool.query('select 1');
      },
      async close() {
        await pool.end();
      },
    };
  }
  let pglite = options.pglite;
  if (!pglite) {
    if (!config.dataDir.startsWith('memory://')) {
      mkdirSync(config.dataDir, { recursive: true });
    }
    pglite = await PGlite.create(config.dataDir);
  }
  const instance = pglite;
  const db = drizzlePglite({ client: instance, ...drizzleOptions(options) }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    pool: null,
    pglite: instance,
    async ping() {
      await instance.query('select 1');
    },
    async close() {
      if (!instance.closed) {
        await instance.close();
      }
    },
  };
}
