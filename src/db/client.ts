import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg, NodePgSession } from 'drizzle-orm/node-postgres';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { isConnectionError } from './errors.js';
import { acquirePgliteLock, type PgliteLock, type StaleLock } from './pglite-lock.js';
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

/** How much longer than statement_timeout the client waits for an answer before giving up. */
const QUERY_TIMEOUT_MARGIN_MS = 2_000;

function drizzleOptions(options: CreateDbOptions) {
  const onQuery = options.onQuery;
  return onQuery
    ? { ...DRIZZLE_OPTIONS, logger: { logQuery: (query: string) => onQuery(query) } }
    : DRIZZLE_OPTIONS;
}

/**
 * drizzle-orm's node-postgres session (0.45) sends BEGIN outside its try/finally,
 * so a BEGIN that fails because the connection dropped never releases its pooled
 * client: after `max` such failures the pool has no client left and the server
 * answers 503 forever, even once the database is back. It also hands a client
 * whose connection broke back to the pool as if it were healthy. So each
 * transaction runs here on a client we check out and always release, with the
 * error when the connection is broken so that the pool discards that client.
 */
function releaseTransactionsSafely(db: unknown, pool: pg.Pool): void {
  type Session = NodePgSession<Schema, ExtractTablesWithRelations<Schema>>;
  type Args = ConstructorParameters<
    typeof NodePgSession<Schema, ExtractTablesWithRelations<Schema>>
  >;
  // Internals of drizzle's session (not in its public types), read once.
  const session = (db as { session: unknown }).session as {
    dialect: Args[1];
    schema: Args[2];
    options: Args[3];
    transaction: Session['transaction'];
  };
  const { dialect, schema: relational, options } = session;
  session.transaction = async (work, config) => {
    const client = await pool.connect();
    let failure: unknown;
    try {
      const dedicated: Session = new NodePgSession(client, dialect, relational, options);
      return await dedicated.transaction(work, config);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      client.release(
        isConnectionError(failure)
          ? failure instanceof Error
            ? failure
            : new Error('connection error')
          : undefined,
      );
    }
  };
}

export interface CreateDbOptions {
  /** A PGlite instance to use instead of opening one (tests load a migrated snapshot). */
  pglite?: PGlite;
  /** Called with the SQL text of every statement Drizzle sends (tests count statements). */
  onQuery?: (sql: string) => void;
  /** Called when the PGlite directory's lock was stale (its process gone) and is now ours. */
  onStaleLockTakenOver?: (previous: StaleLock, lockPath: string) => void;
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
      // The server enforces statement_timeout only while it is alive: a database that
      // hangs (or a network that drops packets) would leave a query waiting forever.
      // This client-side limit, a little longer, turns that into an error.
      query_timeout: config.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
      application_name: 'netpilot-auth-db',
    });
    // An idle client that loses its connection emits 'error' on the pool; without a
    // listener that would crash the process. The next checkout reconnects.
    pool.on('error', () => {});
    // A client checked out for a transaction has no pool listener: if its connection
    // dies while the transaction waits (on a Commands-Server call, say), its 'error'
    // event would be unhandled and crash the process. The pending query fails with
    // the error anyway, and the pool drops the broken client when it is released.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const pgDb = drizzlePg({ client: pool, ...drizzleOptions(options) });
    releaseTransactionsSafely(pgDb, pool);
    const db = pgDb as unknown as Database;
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
  return openPglite(config, options);
}

/**
 * Embedded PGlite: in memory, a test's own instance, or a directory locked for
 * this process before anything reads it (two processes on one directory lose
 * writes; see pglite-lock.ts). The lock is released when the handle closes.
 */
async function openPglite(
  config: Extract<DatabaseConfig, { kind: 'pglite' }>,
  options: CreateDbOptions,
): Promise<DbHandle> {
  let instance = options.pglite;
  let lock: PgliteLock | null = null;
  if (!instance) {
    if (!config.dataDir.startsWith('memory://')) {
      mkdirSync(config.dataDir, { recursive: true });
      lock = await acquirePgliteLock(config.dataDir);
      if (lock.tookOverFrom !== null) {
        options.onStaleLockTakenOver?.(lock.tookOverFrom, lock.path);
      }
    }
    try {
      instance = await PGlite.create(config.dataDir);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }
  const pglite = instance;
  const db = drizzlePglite({ client: pglite, ...drizzleOptions(options) }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    pool: null,
    pglite,
    async ping() {
      await pglite.query('select 1');
    },
    async close() {
      if (!pglite.closed) {
        await pglite.close();
      }
      lock?.release();
    },
  };
}
