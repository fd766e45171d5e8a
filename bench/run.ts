/**
 * `npm run bench`: measures the server's hot paths and, in the same run on the same
 * machine, the ceilings they are compared with, and reports ratios (see
 * docs/performance.md). A script, not a test: it is not part of `npm test` or CI.
 *
 * Processes: this one orchestrates; the server (built JS, production mode, logs at
 * warn), the simulated Commands-Server, the ceilings and every load generator run as
 * children, so that no two of them share a JavaScript thread.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, UsageError, type BenchOptions } from './lib/args.js';
import type { BenchContext } from './lib/context.js';
import { createPgliteFolder, createPostgresDatabase, type BenchDatabase } from './lib/db.js';
import { measuredWindows } from './lib/load-runner.js';
import { installCleanup, type ChildHandle } from './lib/procs.js';
import { newResults, renderReport, round } from './lib/results.js';
import { READ_DEVICES, routerIds, seedThroughApi } from './lib/seed.js';
import { build, startHelper, startServer } from './lib/server.js';
import { floodScenario } from './scenarios/flood.js';
import { loginScenario } from './scenarios/login.js';
import { memoryScenario } from './scenarios/memory.js';
import { mutationScenario } from './scenarios/mutation.js';
import { readScenario } from './scenarios/read.js';
import { scanScenario } from './scenarios/scan.js';

const log = (message: string) => console.error(`bench: ${message}`);

async function main(): Promise<void> {
  // Before this run adds its own load (build, server, database, load generators).
  const loadBefore = loadavg()[0] ?? 0;
  let opts: BenchOptions;
  try {
    opts = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  const workDir = mkdtempSync(join(tmpdir(), 'netpilot-bench-'));
  const children: ChildHandle[] = [];
  let db: BenchDatabase | null = null;
  const cleanup = installCleanup(async () => {
    await Promise.allSettled(children.map((c) => c.stop()));
    if (db) {
      await db
        .drop()
        .catch((err: unknown) => log(`could not drop the bench database: ${String(err)}`));
    }
    rmSync(workDir, { recursive: true, force: true });
  });

  try {
    if (opts.build) {
      build();
    }
    db =
      opts.db === 'postgres'
        ? await createPostgresDatabase(opts.postgresUrl)
        : createPgliteFolder();
    log(`database: ${db.describe}`);

    const ids = routerIds(opts);
    const sim = await startHelper('simulator', 'sim.ts', [
      JSON.stringify({
        devicesPerRouter: READ_DEVICES,
        routers: Object.fromEntries(ids.scanRouters.map((id) => [id, opts.scanDevices])),
      }),
    ]);
    children.push(sim.handle);
    if (opts.profileDir !== null) {
      mkdirSync(opts.profileDir, { recursive: true });
    }
    const server = await startServer({
      db,
      commandsServerUrl: sim.url,
      profileDir: opts.profileDir === null ? null : resolve(opts.profileDir),
      poolMax: opts.poolMax,
      workDir,
      serverDist: opts.serverDist,
    });
    children.push(server.handle);
    log(`server ${server.url}, simulator ${sim.url}`);

    log('seeding users, routers and devices through the API');
    const seed = await seedThroughApi(server.url, opts);
    const results = newResults(db.describe, round(loadBefore, 2), {
      duration: opts.duration,
      warmup: opts.warmup,
      connections: opts.connections,
      rounds: opts.rounds,
      db: opts.db,
      pool_max: opts.poolMax,
      server_dist: opts.serverDist,
      scan_devices: opts.scanDevices,
      scan_samples: opts.scanSamples,
    });
    const ctx: BenchContext = {
      opts,
      db,
      server: server.url,
      serverPid: server.handle.proc.pid,
      sim: sim.url,
      simPid: sim.handle.proc.pid,
      seed,
      results,
      log,
    };

    const started = Date.now();
    for (const scenario of opts.scenarios) {
      log(`scenario ${scenario}`);
      switch (scenario) {
        case 'read':
          await readScenario(ctx, workDir);
          break;
        case 'mutation':
          await mutationScenario(ctx);
          break;
        case 'scan':
          await scanScenario(ctx, workDir);
          break;
        case 'login':
          await loginScenario(ctx);
          break;
        case 'flood':
          await floodScenario(ctx, workDir);
          break;
        case 'memory':
          await memoryScenario(ctx);
          break;
      }
    }
    results.notes.push(`scenarios took ${Math.round((Date.now() - started) / 1000)} s`);
    results.machine.loadavg_end = round(loadavg()[0] ?? 0, 2);
    // The end figure includes this run's own processes; the start one does not.
    if (results.machine.loadavg_start > results.machine.cpus / 2) {
      results.notes.push(
        `other work was running when the run started (load average ${results.machine.loadavg_start} on ${results.machine.cpus} CPUs): absolute figures are lower than on a quiet machine; ratios measured side by side are less affected`,
      );
    }

    console.log(renderReport(results));
    if (opts.json !== null) {
      mkdirSync(dirname(resolve(opts.json)), { recursive: true });
      writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
      log(`wrote ${opts.json}`);
    }
    if (opts.profileDir !== null) {
      // The profile is written when the server exits; windows.json says when each
      // load was measured, so the summary can keep only those samples.
      await server.handle.stop();
      writeFileSync(
        join(opts.profileDir, 'windows.json'),
        JSON.stringify({ serverSpawnedAt: server.spawnedAt, windows: measuredWindows }, null, 2),
      );
      log(
        `CPU profile in ${opts.profileDir} (summarise: npx tsx bench/tools/profile-summary.ts ${opts.profileDir} --window read)`,
      );
    }
  } catch (err) {
    // What the children said last is usually why.
    for (const child of children) {
      const tail = child.stderrTail();
      if (tail.length > 0) {
        console.error(`--- ${child.name}: last stderr lines ---\n${tail.join('\n')}`);
      }
    }
    throw err;
  } finally {
    await cleanup();
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) {
    return String(err);
  }
  const cause = err.cause === undefined ? '' : `\ncaused by: ${describe(err.cause)}`;
  return `${err.stack ?? err.message}${cause}`;
}

main().catch((err: unknown) => {
  console.error(`bench: failed: ${describe(err)}`);
  process.exitCode = 1;
});
