/**
 * Scenario 4, login: logins per second while they saturate the CPU, the server's
 * event-loop delay p99 meanwhile (argon2 must hash off the loop), and the p99 of the
 * authenticated read while the logins run, next to the same read alone.
 */
import { type BenchContext, loadSpec } from '../lib/context.js';
import { metricSum, scrapeMetrics } from '../lib/http.js';
import { assertClean, runLoad, startLoad } from '../lib/load-runner.js';
import type { LoadResult, LoadTarget } from '../lib/load-types.js';
import { round, type ScenarioResult } from '../lib/results.js';

/** Connections of the read load that runs beside the logins: a light, steady user. */
const READ_CONNECTIONS = 2;

function summary(r: LoadResult): ScenarioResult {
  return {
    rps: r.rps,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    p90_ms: r.p90_ms,
    max_ms: r.max_ms,
    ...(r.cpu_ms_per_req === undefined ? {} : { cpu_ms_per_req: r.cpu_ms_per_req }),
  };
}

/** Event-loop p99 (ms) over one load's measured interval, read from /metrics. */
async function withEventLoopP99<T>(
  ctx: BenchContext,
  measuring: Promise<void>,
  done: Promise<T>,
): Promise<{ value: T; eventLoopP99Ms: number }> {
  await measuring;
  // The gauge resets at every scrape: this one starts the interval...
  await scrapeMetrics(ctx.server);
  const value = await done;
  // ...and this one reports it.
  const scrape = await scrapeMetrics(ctx.server);
  const p99 = metricSum(scrape, 'nodejs_eventloop_lag_p99_seconds') * 1000;
  return { value, eventLoopP99Ms: round(p99, 2) };
}

export async function loginScenario(ctx: BenchContext): Promise<void> {
  const { seed } = ctx;
  const login: LoadTarget = {
    kind: 'fixed',
    method: 'POST',
    path: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: seed.loginEmail, password: seed.loginPassword }),
  };
  const read: LoadTarget = {
    kind: 'fixed',
    method: 'GET',
    path: `/api/v1/routers/${seed.readRouter}/devices`,
    headers: { authorization: `Bearer ${seed.token}` },
  };

  ctx.log(`login: read alone with ${READ_CONNECTIONS} connections`);
  const readAlone = await runLoad(
    'read alone',
    loadSpec(ctx, ctx.server, read, { connections: READ_CONNECTIONS }),
    ctx.serverPid,
  );

  ctx.log(`login: logins alone with ${ctx.opts.connections} connections`);
  const loginOnly = startLoad('login', loadSpec(ctx, ctx.server, login), ctx.serverPid);
  const alone = await withEventLoopP99(ctx, loginOnly.measuring, loginOnly.result);
  assertClean('login', alone.value);

  ctx.log('login: logins and reads together');
  const loginBusy = startLoad('login (with reads)', loadSpec(ctx, ctx.server, login));
  const readBusy = startLoad(
    'read during logins',
    loadSpec(ctx, ctx.server, read, { connections: READ_CONNECTIONS }),
  );
  const both = await withEventLoopP99(
    ctx,
    Promise.all([loginBusy.measuring, readBusy.measuring]).then(() => undefined),
    Promise.all([loginBusy.result, readBusy.result]),
  );
  const [loginWithReads, readDuring] = both.value;
  assertClean('login (with reads)', loginWithReads);
  assertClean('read during logins', readDuring);

  ctx.results.scenarios.login = {
    ...summary(alone.value),
    eventloop_p99_ms: alone.eventLoopP99Ms,
    connections: ctx.opts.connections,
  };
  ctx.results.scenarios.read_alone_light = {
    ...summary(readAlone),
    connections: READ_CONNECTIONS,
  };
  ctx.results.scenarios.read_during_login = {
    ...summary(readDuring),
    connections: READ_CONNECTIONS,
    logins_per_s: loginWithReads.rps,
    eventloop_p99_ms: both.eventLoopP99Ms,
  };
  ctx.results.ratios.read_p99_during_login_vs_alone = round(readDuring.p99_ms / readAlone.p99_ms);
  // The worse of the two intervals: logins alone, and logins with reads beside them.
  const worst = Math.max(alone.eventLoopP99Ms, both.eventLoopP99Ms);
  ctx.results.goals.eventloop = {
    goal: 'event-loop delay p99 ≤ 20 ms under saturating login load',
    value: worst,
    met: worst <= 20,
  };
}
