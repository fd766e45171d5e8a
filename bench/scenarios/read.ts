/**
 * Scenario 1, authenticated read: `GET /api/v1/routers/{id}/devices` (50 devices,
 * bearer token) against its two ceilings measured in the same run, in alternating
 * rounds (ours, framework, database, ours, …) so that drift of a shared machine hits
 * all three alike.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { PgliteSeed, CeilingSpec } from '../ceilings/sql.js';
import { DEVICE_LIST_SQL, MEMBERSHIP_SQL, TOKEN_LOOKUP_SQL } from '../ceilings/sql-statements.js';
import { captureEndpointSql } from '../tools/endpoint-sql.js';
import { type BenchContext, loadSpec } from '../lib/context.js';
import { call } from '../lib/http.js';
import { runLoad } from '../lib/load-runner.js';
import type { LoadResult, LoadTarget } from '../lib/load-types.js';
import { median, round, type ScenarioResult } from '../lib/results.js';
import { startHelper, type StartedServer } from '../lib/server.js';

interface DeviceOut {
  mac: string;
  ip: string | null;
  hostname: string | null;
  vendor: string | null;
}

/** Median CPU ms per answer of the serving process, when it could be read. */
export function cpuPerRequest(runs: LoadResult[]): { cpu_ms_per_req?: number } {
  const values = runs.flatMap((r) => (r.cpu_ms_per_req === undefined ? [] : [r.cpu_ms_per_req]));
  return values.length === 0 ? {} : { cpu_ms_per_req: round(median(values)) };
}

/** Median of each figure over the rounds, with every round kept for the JSON. */
export function combineRounds(runs: LoadResult[]): ScenarioResult {
  return {
    rps: round(median(runs.map((r) => r.rps)), 1),
    p50_ms: round(median(runs.map((r) => r.p50_ms))),
    p99_ms: round(median(runs.map((r) => r.p99_ms))),
    p90_ms: round(median(runs.map((r) => r.p90_ms))),
    ...cpuPerRequest(runs),
    rounds: runs.map((r) => ({ rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms })),
  };
}

/** Starts both ceilings; the framework one answers exactly the body our endpoint answered. */
async function startCeilings(
  ctx: BenchContext,
  workDir: string,
  body: string,
  devices: DeviceOut[],
): Promise<{ framework: StartedServer; sql: StartedServer }> {
  const bodyFile = join(workDir, 'read-body.json');
  writeFileSync(bodyFile, body);
  const framework = await startHelper('framework ceiling', 'ceilings/framework.ts', [bodyFile]);
  let spec: CeilingSpec;
  if (ctx.db.kind === 'postgres') {
    spec = { kind: 'postgres', url: ctx.db.url!, poolMax: ctx.opts.poolMax };
  } else {
    const seed: PgliteSeed = {
      tokenHash: createHash('sha256').update(ctx.seed.token, 'utf8').digest('hex'),
      routerId: ctx.seed.readRouter,
      devices: devices.map((d) => ({
        mac: d.mac,
        ip: d.ip,
        hostname: d.hostname,
        vendor: d.vendor,
      })),
    };
    const seedFile = join(workDir, 'sql-ceiling-seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    spec = { kind: 'pglite', dataDir: join(workDir, 'sql-ceiling-pglite'), seedFile };
  }
  const sql = await startHelper('database ceiling', 'ceilings/sql.ts', [JSON.stringify(spec)]);
  return { framework, sql };
}

/**
 * Whether the endpoint still runs exactly the ceiling's statements. When it does not
 * (it was optimised, or changed), the report says so: the ceiling stays a fixed
 * yardstick, but the reader must know what it is compared with.
 */
async function compareWithEndpoint(ctx: BenchContext): Promise<void> {
  const ceiling = [TOKEN_LOOKUP_SQL, MEMBERSHIP_SQL, DEVICE_LIST_SQL];
  const endpoint = await captureEndpointSql();
  const same = endpoint.length === ceiling.length && endpoint.every((sql, i) => sql === ceiling[i]);
  ctx.results.scenarios.read_sql_ceiling!.statements = ceiling.length;
  ctx.results.scenarios.read!.statements = endpoint.length;
  if (!same) {
    const shared = endpoint.filter((sql) => ceiling.includes(sql)).length;
    ctx.results.notes.push(
      `the endpoint runs ${endpoint.length} SQL statement(s), ${shared} of them as in the database ceiling (which keeps the original ${ceiling.length}: token lookup, membership, device list); see bench/tools/endpoint-sql.ts`,
    );
  }
}

export async function readScenario(ctx: BenchContext, workDir: string): Promise<void> {
  const path = `/api/v1/routers/${ctx.seed.readRouter}/devices`;
  const answer = await call<{ items: DeviceOut[] }>(ctx.server, 'GET', path, {
    token: ctx.seed.token,
  });
  // One page: the read router's devices are fewer than the default limit (100).
  const devices = answer.body.data?.items ?? [];
  const ceilings = await startCeilings(ctx, workDir, answer.text, devices);
  try {
    // Each ceiling must answer the same request successfully before it is measured.
    const check = await call<unknown>(ceilings.sql.url, 'GET', path, { token: ctx.seed.token });
    const rows = Array.isArray(check.body) ? (check.body as unknown[]).length : -1;
    if (rows !== devices.length) {
      throw new Error(`the database ceiling answered ${rows} rows, expected ${devices.length}`);
    }
    const target: LoadTarget = {
      kind: 'fixed',
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${ctx.seed.token}` },
    };
    const targets = [
      { key: 'read', url: ctx.server, pid: ctx.serverPid },
      {
        key: 'read_framework_ceiling',
        url: ceilings.framework.url,
        pid: ceilings.framework.handle.proc.pid,
      },
      { key: 'read_sql_ceiling', url: ceilings.sql.url, pid: ceilings.sql.handle.proc.pid },
    ] as const;
    const runs: Record<string, LoadResult[]> = {};
    for (let round_ = 1; round_ <= ctx.opts.rounds; round_ += 1) {
      for (const t of targets) {
        ctx.log(`read: round ${round_}/${ctx.opts.rounds}, ${t.key}`);
        (runs[t.key] ??= []).push(await runLoad(t.key, loadSpec(ctx, t.url, target), t.pid));
      }
    }
    const ours = combineRounds(runs.read!);
    const framework = combineRounds(runs.read_framework_ceiling!);
    const sql = combineRounds(runs.read_sql_ceiling!);
    ctx.results.scenarios.read = {
      ...ours,
      devices: devices.length,
      body_bytes: Buffer.byteLength(answer.text),
    };
    ctx.results.scenarios.read_framework_ceiling = framework;
    ctx.results.scenarios.read_sql_ceiling = sql;
    await compareWithEndpoint(ctx);
    const r = ctx.results.ratios;
    r.read_vs_framework = round(ours.rps / framework.rps);
    r.read_vs_sql = round(ours.rps / sql.rps);
    r.read_p99_vs_sql = round(ours.p99_ms / sql.p99_ms);
    r.read_p99_vs_framework = round(ours.p99_ms / framework.p99_ms);
    // CPU of the serving Node process per answer (the database's own CPU apart on
    // PostgreSQL): a cost that a busy machine distorts far less than throughput.
    if (ours.cpu_ms_per_req !== undefined && sql.cpu_ms_per_req !== undefined) {
      r.read_cpu_vs_sql = round(Number(ours.cpu_ms_per_req) / Number(sql.cpu_ms_per_req));
    }
    if (ours.cpu_ms_per_req !== undefined && framework.cpu_ms_per_req !== undefined) {
      r.read_cpu_vs_framework = round(
        Number(ours.cpu_ms_per_req) / Number(framework.cpu_ms_per_req),
      );
    }
    ctx.results.goals.read_throughput = {
      goal: 'authenticated read ≥ 0.7 of the database ceiling throughput',
      value: r.read_vs_sql,
      met: r.read_vs_sql >= 0.7,
    };
    ctx.results.goals.read_p99 = {
      goal: 'authenticated read p99 ≤ 1.5 × the database ceiling p99',
      value: r.read_p99_vs_sql,
      met: r.read_p99_vs_sql <= 1.5,
    };
  } finally {
    await Promise.all([ceilings.framework.handle.stop(), ceilings.sql.handle.stop()]);
  }
}
