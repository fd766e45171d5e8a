/**
 * Scenario 5, memory: the server's RSS before, during and after a long read load,
 * sampled every second from /metrics. A leak shows as growth between the middle and
 * the end of the measured interval, once warm-up allocations have settled (the heap
 * of this server takes some 25 s of load to reach its working size, hence the
 * minimum length). Single samples jump by 10–20 MiB around garbage collections, so
 * the middle and the end are medians of windows of samples, not single readings.
 */
import { type BenchContext, loadSpec } from '../lib/context.js';
import { metricSum, scrapeMetrics } from '../lib/http.js';
import { assertClean, startLoad } from '../lib/load-runner.js';
import { median, round } from '../lib/results.js';

const MiB = 2 ** 20;
/** The measured interval is this many times --duration, and at least MIN_SECONDS. */
const LENGTH_FACTOR = 6;
const MIN_SECONDS = 60;
/** "Middle" and "end": the samples in these fractions of the measured interval. */
const MID_WINDOW = [0.4, 0.6] as const;
const END_WINDOW = [0.8, 1.01] as const;
const SAMPLE_MS = 1000;
/** Growth below max(NOISE_MIB, NOISE_FRACTION of RSS) counts as noise. */
const NOISE_MIB = 4;
const NOISE_FRACTION = 0.02;

async function rssMiB(ctx: BenchContext): Promise<number> {
  const scrape = await scrapeMetrics(ctx.server);
  return metricSum(scrape, 'process_resident_memory_bytes') / MiB;
}

/** Least-squares slope of (seconds, MiB) points, in MiB per minute. */
function slopePerMinute(points: { t: number; mib: number }[]): number {
  const n = points.length;
  if (n < 2) {
    return 0;
  }
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mm = points.reduce((a, p) => a + p.mib, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.mib - mm), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

export async function memoryScenario(ctx: BenchContext): Promise<void> {
  const seconds = Math.max(MIN_SECONDS, LENGTH_FACTOR * ctx.opts.duration);
  ctx.log(`memory: ${seconds} s of reads, RSS sampled every second`);
  const before = await rssMiB(ctx);
  const load = startLoad(
    'memory read',
    loadSpec(
      ctx,
      ctx.server,
      {
        kind: 'fixed',
        method: 'GET',
        path: `/api/v1/routers/${ctx.seed.readRouter}/devices`,
        headers: { authorization: `Bearer ${ctx.seed.token}` },
      },
      { durationSeconds: seconds },
    ),
    ctx.serverPid,
  );
  await load.measuring;
  const started = performance.now();
  const samples: { t: number; mib: number }[] = [];
  let finished = false;
  void load.result.finally(() => {
    finished = true;
  });
  while (!finished) {
    samples.push({ t: (performance.now() - started) / 1000, mib: await rssMiB(ctx) });
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, SAMPLE_MS)),
      load.result.catch(() => undefined),
    ]);
  }
  const result = await load.result;
  assertClean('memory read', result);
  const end = await rssMiB(ctx);
  samples.push({ t: (performance.now() - started) / 1000, mib: end });
  // Idle a moment: what the server keeps once the load is gone.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = await rssMiB(ctx);

  const half = seconds / 2;
  const within = ([from, to]: readonly [number, number]) =>
    samples.filter((p) => p.t >= from * seconds && p.t < to * seconds).map((p) => p.mib);
  const mid = median(within(MID_WINDOW));
  const endMedian = median(within(END_WINDOW));
  const secondHalf = samples.filter((p) => p.t >= half);
  const growth = endMedian - mid;
  const noise = Math.max(NOISE_MIB, NOISE_FRACTION * mid);
  ctx.results.scenarios.memory = {
    rps: result.rps,
    p50_ms: result.p50_ms,
    p99_ms: result.p99_ms,
    ...(result.cpu_ms_per_req === undefined ? {} : { cpu_ms_per_req: result.cpu_ms_per_req }),
    seconds,
    rss_before_mb: round(before, 1),
    rss_start_mb: round(samples[0]?.mib ?? Number.NaN, 1),
    rss_mid_mb: round(mid, 1),
    rss_end_mb: round(endMedian, 1),
    rss_last_mb: round(end, 1),
    rss_after_mb: round(after, 1),
    rss_max_mb: round(Math.max(...samples.map((p) => p.mib)), 1),
    growth_second_half_mb: round(growth, 1),
    slope_second_half_mb_per_min: round(slopePerMinute(secondHalf), 2),
    noise_mb: round(noise, 1),
    samples: samples.length,
    rss_samples_mb: samples.map((p) => round(p.mib, 1)),
  };
  ctx.results.ratios.memory_growth_second_half = round(growth / mid, 4);
  ctx.results.goals.memory = {
    goal: `no RSS growth mid → end of the memory run beyond noise (${round(noise, 1)} MiB)`,
    value: round(growth, 1),
    met: growth <= noise,
  };
}
