import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { sql } from 'drizzle-orm';
import { normalizeEmail } from '../validation/email.js';
import { type DbHandle, type Executor, queryRows } from './client.js';

/** Finds the committed `drizzle/` folder from src/ (tsx) or dist/src/ (built). */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) {
      return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error('drizzle/ migrations folder not found next to the project');
}

// Arbitrary constant: the advisory lock that serialises migrations across instances.
const MIGRATION_LOCK_KEY = 7_245_108_311;

/**
 * Applies every committed migration that has not run yet. On PostgreSQL several
 * instances may start at once, so the run holds a session advisory lock.
 */
export async function runMigrations(handle: DbHandle): Promise<void> {
  await applyMigrationFiles(handle);
  await normalizeStoredEmails(handle.db);
}

/**
 * Migration 0004 lowered ASCII capitals; emails with other characters are
 * normalised here by the same function every lookup uses. Idempotent and
 * cheap (a scan for non-ASCII emails, usually none); two accounts that turn
 * out to be one address stop the start with a unique violation, loudly.
 */
export async function normalizeStoredEmails(db: Executor): Promise<void> {
  const rows = await queryRows<{ id: string; email: string }>(
    db,
    sql`select id, email from users where email !~ '^[ -~]*$'`,
  );
  for (const row of rows) {
    const normalized = normalizeEmail(row.email);
    if (normalized !== row.email) {
      await db.execute(sql`update users set email = ${normalized} where id = ${row.id}`);
    }
  }
}

async function applyMigrationFiles(handle: DbHandle): Promise<void> {
  const folder = migrationsFolder();
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: folder });
    return;
  }
  const pool = handle.pool;
  if (!pool) {
    throw new Error('PostgreSQL handle without a pool');
  }
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const db = drizzle({ client }) as NodePgDatabase;
    await migratePg(db, { migrationsFolder: folder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}
