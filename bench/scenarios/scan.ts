/**
 * Scenario 3, scan persistence: a scan of `--scan-devices` devices (1,000 by default),
 * first on routers never scanned (inserts), then repeated on one router (updates).
 *
 * Persistence, side by side in the bench process on the same database
 * (bench/baseline/scan-persistence.ts): ours (the repository's one-statement upsert
 * and last_scan_at in one transaction, the real repository code) against the previous
 * Python server's way (select, then insert or update, one device at a time, in one
 * transaction). Their ratio is the speed-up.
 *
 * End to end, through `POST /api/v1/routers/{id}/scan` on the real server: the
 * server's own time for the request (its http_request_duration_seconds) and, within
 * it, the time of its Commands-Server call (commands_server_call_duration_seconds),
 * both read from /metrics around each scan; their difference is everything the
 * server does besides waiting for the router (authentication, audit rows,
 * validation, the persistence above, the answer). The simulator's own time is
 * measured too, by the same scan asked of it directly.
 */
import { randomUUID } from 'node:crypto';
import type { ScannedDevice } from '../../src/clients/commands-server.types.js';
import { ScanPersistence } from '../baseline/scan-persistence.js';
import type { BenchContext } from '../lib/context.js';
import { call, metricSum, scrapeMetrics, type Scrape } from '../lib/http.js';
import { median, percentile, round, type ScenarioResult } from '../lib/results.js';

interface OurScan {
  totalMs: number;
  serverMs: number;
  commandsServerMs: number;
  oursMs: number;
}

function scanRouteSeconds(scrape: Scrape): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (const s of scrape.values()) {
    if (s.labels.method !== 'POST' || !(s.labels.route ?? '').endsWith('/scan')) {
      continue;
    }
    if (s.name === 'http_request_duration_seconds_sum') {
      sum += s.value;
    } else if (s.name === 'http_request_duration_seconds_count') {
      count += s.value;
    }
  }
  return { sum, count };
}

async function ourScan(ctx: BenchContext, routerId: string, expected: number): Promise<OurScan> {
  const before = await scrapeMetrics(ctx.server);
  const started = performance.now();
  const answer = await call<unknown[]>(ctx.server, 'POST', `/api/v1/routers/${routerId}/scan`, {
    token: ctx.seed.routerTokens[routerId]!,
  });
  const totalMs = performance.now() - started;
  const after = await scrapeMetrics(ctx.server);
  const devices = answer.body.data;
  const count = Array.isArray(devices)
    ? devices.length
    : ((devices as { devices?: unknown[] } | undefined)?.devices?.length ?? -1);
  if (count !== expected) {
    throw new Error(`scan of ${routerId} answered ${count} devices, expected ${expected}`);
  }
  const a = scanRouteSeconds(before);
  const b = scanRouteSeconds(after);
  if (b.count - a.count !== 1) {
    throw new Error(`expected one scan between two scrapes, saw ${b.count - a.count}`);
  }
  const serverMs = (b.sum - a.sum) * 1000;
  const commandsServerMs =
    (metricSum(after, 'commands_server_call_duration_seconds_sum') -
      metricSum(before, 'commands_server_call_duration_seconds_sum')) *
    1000;
  return { totalMs, serverMs, commandsServerMs, oursMs: serverMs - commandsServerMs };
}

/** The simulator's scan, asked directly: its own time, and the devices it answered. */
async function directScan(sim: string, sessionId: string, routerId: string) {
  const query = new URLSearchParams({ sessionId, routerId }).toString();
  const started = performance.now();
  const answer = await call<ScannedDevice[]>(sim, 'GET', `/api/network/scan?${query}`);
  return { ms: performance.now() - started, devices: answer.body.data ?? [] };
}

interface Sample {
  api: OurScan;
  simulatorMs: number;
  bulkMs: number;
  baselineMs: number;
}

function summarise(samples: Sample[], devices: number): ScenarioResult {
  const m = (pick: (s: Sample) => number) => round(median(samples.map(pick)), 2);
  const totals = samples.map((s) => s.api.totalMs);
  const bulk = median(samples.map((s) => s.bulkMs));
  const baseline = median(samples.map((s) => s.baselineMs));
  const serverMinusCs = median(samples.map((s) => s.api.oursMs));
  return {
    // End to end through our API.
    rps: round(1000 / median(totals), 2),
    p50_ms: round(median(totals), 2),
    p99_ms: round(percentile(totals, 99), 2),
    devices,
    samples: samples.length,
    server_ms: m((s) => s.api.serverMs),
    commands_server_ms: m((s) => s.api.commandsServerMs),
    simulator_direct_ms: m((s) => s.simulatorMs),
    server_minus_commands_server_ms: round(serverMinusCs, 2),
    // Persistence alone, side by side.
    persist_ms: round(bulk, 2),
    baseline_ms: round(baseline, 2),
    speedup: round(baseline / bulk, 2),
    speedup_end_to_end: round(baseline / serverMinusCs, 2),
    persist_ms_all: samples.map((s) => round(s.bulkMs, 2)),
    baseline_ms_all: samples.map((s) => round(s.baselineMs, 2)),
  };
}

export async function scanScenario(ctx: BenchContext, workDir: string): Promise<void> {
  const [warmRouter, ...fresh] = ctx.seed.scanRouters;
  if (warmRouter === undefined || fresh.length === 0) {
    throw new Error('the scan scenario needs at least two scan routers');
  }
  const n = ctx.opts.scanDevices;
  // Opened first: on PGlite this compiles and migrates a database in this process,
  // long enough for an idle keep-alive socket to the simulator to go stale.
  const persistence = await ScanPersistence.open(ctx.db, workDir);
  try {
    const sessionId = randomUUID();
    const startQuery = new URLSearchParams({ sessionId, routerId: warmRouter }).toString();
    await call(ctx.sim, 'POST', `/api/session/start?${startQuery}`, {
      body: { sessionId, routerId: warmRouter },
    });

    // One scan of all four kinds, first and repeated: the warm-up, not counted.
    ctx.log(`scan: warm-up (${n} devices)`);
    const warm = await directScan(ctx.sim, sessionId, warmRouter);
    if (warm.devices.length !== n) {
      throw new Error(`the simulator scanned ${warm.devices.length} devices, expected ${n}`);
    }
    const warmBulk = await persistence.createRouter(`bulk-${warmRouter}`);
    const warmBaseline = await persistence.createRouter(`baseline-${warmRouter}`);
    for (let i = 0; i < 2; i += 1) {
      await ourScan(ctx, warmRouter, n);
      await persistence.bulk(warmBulk, warm.devices);
      await persistence.oneAtATime(warmBaseline, warm.devices);
    }

    const sample = async (routerId: string, bulkRouter: string, baselineRouter: string) => {
      const direct = await directScan(ctx.sim, sessionId, routerId);
      return {
        simulatorMs: direct.ms,
        api: await ourScan(ctx, routerId, n),
        bulkMs: await persistence.bulk(bulkRouter, direct.devices),
        baselineMs: await persistence.oneAtATime(baselineRouter, direct.devices),
      };
    };

    const first: Sample[] = [];
    const benchRouters = new Map<string, { bulk: string; baseline: string }>();
    for (const routerId of fresh) {
      ctx.log(`scan: first scan of ${routerId}`);
      const own = {
        bulk: await persistence.createRouter(`bulk-${routerId}`),
        baseline: await persistence.createRouter(`baseline-${routerId}`),
      };
      benchRouters.set(routerId, own);
      first.push(await sample(routerId, own.bulk, own.baseline));
    }
    // The repeated scans update the rows that the first scan of fresh[0] inserted.
    const repeatRouter = fresh[0]!;
    const own = benchRouters.get(repeatRouter)!;
    const repeated: Sample[] = [];
    for (let i = 0; i < fresh.length; i += 1) {
      ctx.log(`scan: repeated scan ${i + 1}/${fresh.length} of ${repeatRouter}`);
      repeated.push(await sample(repeatRouter, own.bulk, own.baseline));
    }

    const insert = summarise(first, n);
    const update = summarise(repeated, n);
    ctx.results.scenarios.scan_first = insert;
    ctx.results.scenarios.scan_repeated = update;
    const r = ctx.results.ratios;
    r.scan_speedup_first = insert.speedup as number;
    r.scan_speedup_repeated = update.speedup as number;
    r.scan_speedup = Math.min(r.scan_speedup_first, r.scan_speedup_repeated);
    r.scan_speedup_end_to_end = Math.min(
      insert.speedup_end_to_end as number,
      update.speedup_end_to_end as number,
    );
    ctx.results.goals.scan = {
      goal: `scan persistence ≥ 20× the one-device-at-a-time baseline (${n} devices; the worse of first and repeated)`,
      value: r.scan_speedup,
      met: r.scan_speedup >= 20,
    };
  } finally {
    await persistence.close();
  }
}
