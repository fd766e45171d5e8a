/**
 * The Commands-Server for the benchmark: the project's simulator with zero latency,
 * in its own process, with per-router device counts that the standalone
 * `npm run simulator` cannot set.
 *
 * `node --import tsx bench/sim.ts '{"devicesPerRouter":50,"routers":{"r-scan-1":1000}}'`;
 * prints `{"ready":true,"url":…}` once listening.
 */
import { startSimulator } from '../src/simulator/index.js';

interface SimSpec {
  devicesPerRouter: number;
  /** routerId → device count, for routers that need another count. */
  routers?: Record<string, number>;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as SimSpec;
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    latencyMs: 0,
    devicesPerRouter: spec.devicesPerRouter,
    // The benchmark outlives no session; the janitor would only add noise.
    janitorIntervalMs: 0,
    // Every call is recorded for tests to inspect; under load keep only the latest.
    maxRecordedCalls: 1000,
  });
  for (const [routerId, deviceCount] of Object.entries(spec.routers ?? {})) {
    sim.configureRouter(routerId, { deviceCount });
  }
  console.log(JSON.stringify({ ready: true, url: sim.url }));
  const stop = () => {
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
