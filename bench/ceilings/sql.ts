/**
 * Database ceiling: a bare Fastify server whose `GET /api/v1/routers/:routerId/devices`
 * runs the same three SQL statements as our endpoint (token lookup, membership
 * check, device list; bench/ceilings/sql-statements.ts), one after the other,
 * through a plain `pg` pool of the server's size — with no auth plugin, no schema
 * validation and no envelope. It answers the rows as they come.
 *
 * PostgreSQL: it queries the bench database itself. PGlite lives inside the server
 * process and cannot be shared, so the ceiling opens its own PGlite (same migrations,
 * same rows: the user, session, router and devices of the read scenario) and runs
 * the statements on it.
 *
 * `node --import tsx bench/ceilings/sql.ts '<CeilingSpec JSON>'`; prints
 * `{"ready":true,"url":…}` once listening.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import { createDb } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { DEVICE_LIST_SQL, MEMBERSHIP_SQL, TOKEN_LOOKUP_SQL } from './sql-statements.js';

export interface PgliteSeed {
  tokenHash: string;
  routerId: string;
  devices: { mac: string; ip: string | null; hostname: string | null; vendor: string | null }[];
}

export type CeilingSpec =
  | { kind: 'postgres'; url: string; poolMax: number }
  | { kind: 'pglite'; dataDir: string; seedFile: string };

/** Runs one statement and answers its rows as arrays (what Drizzle asks pg for). */
type Query = (text: string, values: unknown[]) => Promise<unknown[][]>;

async function openPostgres(spec: Extract<CeilingSpec, { kind: 'postgres' }>) {
  const pool = new pg.Pool({ connectionString: spec.url, max: spec.poolMax });
  pool.on('error', () => {});
  const query: Query = async (text, values) =>
    (await pool.query<unknown[]>({ text, values, rowMode: 'array' })).rows;
  return { query, close: () => pool.end() };
}

async function openPglite(spec: Extract<CeilingSpec, { kind: 'pglite' }>) {
  const handle = await createDb({ kind: 'pglite', dataDir: spec.dataDir });
  await runMigrations(handle);
  const db = handle.pglite!;
  const seed = JSON.parse(readFileSync(spec.seedFile, 'utf8')) as PgliteSeed;
  const now = new Date();
  const day = 24 * 3600 * 1000;
  const user = await db.query<{ id: string }>(
    `insert into users (email, password_hash) values ('ceiling@bench.example', 'x') returning id`,
  );
  const userId = user.rows[0]!.id;
  await db.query(
    `insert into user_sessions (user_id, token_hash, expires_at, absolute_expires_at, last_seen_at)
     values ($1, $2, $3, $4, $5)`,
    [userId, seed.tokenHash, new Date(+now + day), new Date(+now + 30 * day), now],
  );
  const router = await db.query<{ id: string }>(
    `insert into routers (router_id, name, last_scan_at) values ($1, $1, $2) returning id`,
    [seed.routerId, now],
  );
  const routerUuid = router.rows[0]!.id;
  await db.query(`insert into user_routers (user_id, router_id, role) values ($1, $2, 'owner')`, [
    userId,
    routerUuid,
  ]);
  for (const d of seed.devices) {
    await db.query(
      `insert into user_devices (router_id, mac, ip, hostname, vendor, first_seen, last_seen)
       values ($1, $2, $3, $4, $5, $6, $6)`,
      [routerUuid, d.mac, d.ip, d.hostname, d.vendor, now],
    );
  }
  const query: Query = async (text, values) =>
    (await db.query<unknown[]>(text, values, { rowMode: 'array' })).rows;
  return { query, close: () => handle.close() };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as CeilingSpec;
  const db = spec.kind === 'postgres' ? await openPostgres(spec) : await openPglite(spec);
  const app = Fastify({ logger: false });

  app.get('/api/v1/routers/:routerId/devices', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const tokenHash = createHash('sha256').update(token, 'utf8').digest('hex');
    const now = new Date().toISOString();
    const [session] = await db.query(TOKEN_LOOKUP_SQL, [tokenHash, now, now, true, 1]);
    if (!session) {
      return reply.status(401).send({ error: 'unauthenticated' });
    }
    const userId = session[5];
    const { routerId } = request.params as { routerId: string };
    const [access] = await db.query(MEMBERSHIP_SQL, [userId, routerId, 1]);
    if (!access) {
      return reply.status(404).send({ error: 'not found' });
    }
    return db.query(DEVICE_LIST_SQL, [access[0]]);
  });

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ ready: true, url }));
  const stop = () => {
    void app
      .close()
      .then(() => db.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
