/** The benchmark's own database: created at start, dropped at the end whatever happens. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  /** postgres: the URL of the bench database. */
  url: string | null;
  /** pglite: the data folder of the server. */
  dataDir: string | null;
  /** Human-readable description for the report, e.g. "PostgreSQL 15.4". */
  describe: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createPostgresDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `netpilot_bench_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let version = '';
  try {
    await admin.query(`create database ${name}`);
    const { rows } = await admin.query<{ server_version: string }>('show server_version');
    version = rows[0]?.server_version ?? '';
  } finally {
    await admin.end();
  }
  let dropped = false;
  return {
    kind: 'postgres',
    url: withDatabase(adminUrl, name),
    dataDir: null,
    describe: `PostgreSQL ${version}`.trim(),
    async drop() {
      if (dropped) {
        return;
      }
      dropped = true;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // WITH (FORCE) (PostgreSQL 13+) ends connections a killed child may have left.
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function createPgliteFolder(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'netpilot-bench-pglite-'));
  return {
    kind: 'pglite',
    url: null,
    dataDir: dir,
    describe: 'PGlite (embedded, in the server process)',
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
