import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';

export interface TestDb extends DbHandle {
  /** postgres://… of this file's own database (PostgreSQL only). */
  readonly url: string | null;
  /** SQL text of every statement sent through Drizzle, in order (tests clear and count it). */
  readonly queries: string[];
  /** Closes the connections and drops the database. */
  destroy(): Promise<void>;
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * A fresh, migrated database for one test file: on PostgreSQL a copy of the
 * run's template database (dropped by destroy()), on PGlite an instance loaded
 * from the run's migrated dump.
 */
export async function createTestDb(options: { poolMax?: number } = {}): Promise<TestDb> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const queries: string[] = [];
  const onQuery = (q: string) => {
    queries.push(q);
    if (queries.length > 10_000) {
      queries.splice(0, 5_000);
    }
  };
  if (adminUrl) {
    const template = inject('pgTemplateDb');
    const name = `np_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await createFromTemplate(admin, name, template);
    } finally {
      await admin.end();
    }
    const target = new URL(adminUrl);
    target.pathname = `/${name}`;
    const url = target.toString();
    const handle = await createDb(
      { kind: 'postgres', url, poolMax: options.poolMax ?? 10, statementTimeoutMs: 30_000 },
      { onQuery },
    );
    return {
      ...handle,
      url,
      queries,
      async destroy() {
        await handle.close();
        const drop = new pg.Client({ connectionString: adminUrl });
        await drop.connect();
        await drop.query(`drop database if exists "${name}" with (force)`);
        await drop.end();
      },
    };
  }
  const dump = readFileSync(inject('pgliteDumpPath'));
  const pglite = await PGlite.create({ loadDataDir: new Blob([dump]) });
  const handle = await createDb({ kind: 'pglite', dataDir: 'memory://' }, { pglite, onQuery });
  return { ...handle, url: null, queries, destroy: () => handle.close() };
}

// Two files copying the template at the same moment can collide on its lock; retry briefly.
async function createFromTemplate(admin: pg.Client, name: string, template: string) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.query(`create database "${name}" template "${template}"`);
      return;
    } catch (err) {
      if (attempt >= 20 || !String(err).includes('is being accessed by other users')) {
        throw err;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
