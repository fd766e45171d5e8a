import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database each test file copies. */
    pgTemplateDb: string;
    /** PGlite: a dump of a migrated instance each test file loads. */
    pgliteDumpPath: string;
  }
}

/**
 * Migrates once per run. On PostgreSQL (TEST_DATABASE_URL set) it creates a
 * template database that every test file copies with CREATE DATABASE … TEMPLATE;
 * on PGlite it dumps a migrated instance that every file loads. Both are
 * removed at the end of the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `np_tpl_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await createDb({
      kind: 'postgres',
      url: target.toString(),
      poolMax: 1,
      statementTimeoutMs: 60_000,
    });
    await runMigrations(handle);
    await handle.close();
    project.provide('pgTemplateDb', name);
    project.provide('pgliteDumpPath', '');
    return async () => {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    };
  }
  const handle = await createDb({ kind: 'pglite', dataDir: 'memory://' });
  await runMigrations(handle);
  const dump = await handle.pglite!.dumpDataDir('none');
  await handle.close();
  const dir = mkdtempSync(join(tmpdir(), 'np-pglite-'));
  const path = join(dir, 'migrated.tar');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgTemplateDb', '');
  project.provide('pgliteDumpPath', path);
  return async () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
