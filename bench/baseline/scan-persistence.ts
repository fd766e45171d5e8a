/**
 * Scenario 3's two ways of persisting one scan, run side by side in the bench
 * process against the same database (PostgreSQL: the bench database; PGlite: a
 * PGlite of the bench process with the same migrations, since the server's cannot be
 * shared):
 *
 * - `bulk`: what our server does after the Commands-Server answered (the
 *   DevicesService's persistScan): clean the scan, then in one transaction the
 *   repository's one-statement upsert and the router's last_scan_at — the real
 *   repository code, not a copy of its SQL;
 * - `oneAtATime`: the previous (Python) server's way: in one transaction, for each
 *   device a SELECT by (router, mac), then an UPDATE or an INSERT — two round trips
 *   per device.
 */
import { join } from 'node:path';
import type { ScannedDevice } from '../../src/clients/commands-server.types.js';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { DevicesRepository } from '../../src/repositories/devices.repository.js';
import { RoutersRepository } from '../../src/repositories/routers.repository.js';
import { cleanScan } from '../../src/services/devices.service.js';
import type { BenchDatabase } from '../lib/db.js';

type Rows = { rows: Record<string, unknown>[] };
type Query = (text: string, values?: unknown[]) => Promise<Rows>;

export class ScanPersistence {
  private readonly devices: DevicesRepository;
  private readonly routers: RoutersRepository;

  private constructor(private readonly handle: DbHandle) {
    this.devices = new DevicesRepository(handle.db);
    this.routers = new RoutersRepository(handle.db);
  }

  static async open(db: BenchDatabase, workDir: string): Promise<ScanPersistence> {
    if (db.kind === 'postgres') {
      const handle = await createDb({
        kind: 'postgres',
        url: db.url!,
        poolMax: 2,
        statementTimeoutMs: 60_000,
      });
      return new ScanPersistence(handle);
    }
    const handle = await createDb({ kind: 'pglite', dataDir: join(workDir, 'scan-pglite') });
    await runMigrations(handle);
    return new ScanPersistence(handle);
  }

  /** A router row of its own (never one the server uses). */
  async createRouter(routerId: string): Promise<string> {
    return this.withClient(async (query) => {
      const { rows } = await query(
        'insert into routers (router_id, name) values ($1, $1) returning id',
        [routerId],
      );
      return rows[0]!.id as string;
    });
  }

  /** Our way; answers the elapsed milliseconds. */
  async bulk(routerUuid: string, scanned: ScannedDevice[]): Promise<number> {
    const started = performance.now();
    const seenAt = new Date();
    await this.handle.db.transaction(async (tx) => {
      await this.devices.upsertScan(routerUuid, cleanScan(scanned), seenAt, tx);
      await this.routers.setLastScanAt(routerUuid, seenAt, tx);
    });
    return performance.now() - started;
  }

  /** The previous server's way; answers the elapsed milliseconds. */
  async oneAtATime(routerUuid: string, scanned: ScannedDevice[]): Promise<number> {
    const started = performance.now();
    const devices = cleanScan(scanned);
    const now = new Date();
    await this.withClient(async (query) => {
      await query('begin');
      try {
        for (const d of devices) {
          const found = await query(
            'select id from user_devices where router_id = $1 and mac = $2',
            [routerUuid, d.mac],
          );
          const id = found.rows[0]?.id;
          if (id === undefined) {
            await query(
              `insert into user_devices (router_id, mac, ip, hostname, vendor, first_seen, last_seen)
               values ($1, $2, $3, $4, $5, $6, $6)`,
              [routerUuid, d.mac, d.ip, d.hostname, d.vendor, now],
            );
          } else {
            await query(
              'update user_devices set ip = $1, hostname = $2, vendor = $3, last_seen = $4 where id = $5',
              [d.ip, d.hostname, d.vendor, now, id],
            );
          }
        }
        await query('update routers set last_scan_at = $1 where id = $2', [now, routerUuid]);
        await query('commit');
      } catch (err) {
        await query('rollback').catch(() => {});
        throw err;
      }
    });
    return performance.now() - started;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** One connection for the callback: a checked-out pg client, or PGlite itself. */
  private async withClient<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const { pool, pglite } = this.handle;
    if (pglite) {
      return work((text, values) => pglite.query<Record<string, unknown>>(text, values));
    }
    const client = await pool!.connect();
    try {
      return await work((text, values) => client.query(text, values));
    } finally {
      client.release();
    }
  }
}
