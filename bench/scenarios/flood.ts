/**
 * Scenario 6, flood: a user's login while attackers flood the server, against the same
 * login alone. The server of this scenario is a second one, started with the
 * production throttle settings (the main one has its limits raised for the single
 * address the other loads come from); attackers are bench/flood.ts, whose requests
 * leave from 253 loopback addresses (127.0.0.2 … 127.0.0.254), each a distinct client
 * to the server. The user logs in from 127.0.0.1 through bench/load.ts, one login at
 * a time at a steady rate.
 *
 * Intervals, each a warm-up and a measured interval of the user's logins:
 * 1. logins alone, with the device cookie (again before each of 3. and 4.: the
 *    floods are compared with the median of the three), then without it;
 * 2. during a registration flood (unique emails, strong passwords);
 * 3. during a wrong-password flood on the user's own account (with the device
 *    cookie; a second user at a slower pace tries without it, to show what the
 *    account-wide rule answers);
 * 4. during a wrong-password spray: every request another (unknown) account, so
 *    no account counter ever backs off and each one costs an argon2 verification.
 * Refused logins (429, 503, socket errors) are counted and reported, never hidden:
 * latency percentiles are of successful logins only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchContext, loadSpec } from '../lib/context.js';
import type { BenchDatabase } from '../lib/db.js';
import { call, metricSum, scrapeMetrics } from '../lib/http.js';
import { startFlood, startLoad } from '../lib/load-runner.js';
import type { FloodResult, FloodSpec, LoadResult, LoadTarget } from '../lib/load-types.js';
import { median, round, type ScenarioResult } from '../lib/results.js';
import { startServer } from '../lib/server.js';
import { combineRounds } from './read.js';

/** The user's logins per second (one connection): a steady, light user. */
const VICTIM_RATE = 20;
/** The same user without a device cookie, during the wrong-password flood on their account. */
const NO_COOKIE_RATE = 2;
/**
 * Attackers' requests per second, over all addresses: about twice what one argon2
 * slot computes on this machine, so the queue stays full for the whole interval.
 * More would only add cheap 429/503 answers (and use up the registration limit of
 * every address within seconds, after which a registration flood is 429s only).
 */
const FLOOD_RATE = 100;
/** More than the argon2 queue holds (ARGON2_QUEUE_MAX, 64), so it fills. */
const FLOOD_MAX_IN_FLIGHT = 128;
/** 127.0.0.2 … 127.0.0.254: every one a client address to the server. */
const FLOOD_ADDRESSES = Array.from({ length: 253 }, (_, i) => `127.0.0.${i + 2}`);
/** The server's default COOKIE_NAME, with the device cookie's suffix. */
const DEVICE_COOKIE = 'netpilot_session_device';
/** The ratio the goal allows: a login during a flood within this many times a login alone. */
const GOAL_FACTOR = 3;
const QUEUE_SAMPLE_MS = 250;

interface QueueFigures {
  /** password_work_queue_waiting sampled during the measured interval. */
  waiting_max: number;
  waiting_mean: number;
  /** argon2 work per second, and BUSY refusals, over the interval (from /metrics counters). */
  argon2_hashes_per_s: number;
  argon2_verifies_per_s: number;
  busy_rejections: number;
}

interface Interval {
  victim: LoadResult;
  flood: FloodResult | null;
  queue: QueueFigures;
  /** The second user (no device cookie), when there was one. */
  noCookie: LoadResult | null;
}

async function counters(url: string) {
  const scrape = await scrapeMetrics(url);
  return {
    at: performance.now(),
    hash: metricSum(scrape, 'password_hash_operations_total', { operation: 'hash' }),
    verify: metricSum(scrape, 'password_hash_operations_total', { operation: 'verify' }),
    rejected: metricSum(scrape, 'password_work_queue_rejected_total'),
    waiting: metricSum(scrape, 'password_work_queue_waiting'),
  };
}

/** Waits until no password work is queued (a flood's leftovers), at most `timeoutMs`. */
async function queueDrained(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await counters(url)).waiting > 0) {
    if (Date.now() > deadline) {
      throw new Error(`flood: the argon2 queue did not drain within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The user's logins (and the flood, if any) through one warm-up and one measured interval. */
async function interval(
  ctx: BenchContext,
  server: { url: string; pid: number | undefined },
  name: string,
  victimTarget: LoadTarget,
  flood: FloodSpec | null,
  noCookieTarget: LoadTarget | null = null,
): Promise<Interval> {
  ctx.log(`flood: ${name}`);
  const attacker = flood === null ? null : await startFlood(name, flood);
  try {
    const victim = startLoad(
      `${name}: login`,
      loadSpec(ctx, server.url, victimTarget, { connections: 1, overallRate: VICTIM_RATE }),
      // CPU per login only means something when the logins are all the server does.
      flood === null ? server.pid : undefined,
    );
    const noCookie =
      noCookieTarget === null
        ? null
        : startLoad(
            `${name}: login without device cookie`,
            loadSpec(ctx, server.url, noCookieTarget, {
              connections: 1,
              overallRate: NO_COOKIE_RATE,
            }),
          );
    await victim.measuring;
    attacker?.startCounting();
    const before = await counters(server.url);
    const waiting: number[] = [];
    let finished = false;
    void victim.result.finally(() => {
      finished = true;
    });
    while (!finished) {
      waiting.push((await counters(server.url)).waiting);
      await Promise.race([
        new Promise((resolve) => setTimeout(resolve, QUEUE_SAMPLE_MS)),
        victim.result.catch(() => undefined),
      ]);
    }
    const victimResult = await victim.result;
    const floodResult = attacker === null ? null : await attacker.stop();
    const after = await counters(server.url);
    const noCookieResult = noCookie === null ? null : await noCookie.result;
    const seconds = (after.at - before.at) / 1000;
    return {
      victim: victimResult,
      flood: floodResult,
      noCookie: noCookieResult,
      queue: {
        waiting_max: waiting.length === 0 ? 0 : Math.max(...waiting),
        waiting_mean: round(waiting.reduce((a, b) => a + b, 0) / Math.max(1, waiting.length), 1),
        argon2_hashes_per_s: round((after.hash - before.hash) / seconds, 1),
        argon2_verifies_per_s: round((after.verify - before.verify) / seconds, 1),
        busy_rejections: after.rejected - before.rejected,
      },
    };
  } finally {
    await attacker?.handle.stop();
    // A flood leaves queued work behind; the next interval must not pay for it.
    await queueDrained(server.url, 60_000);
  }
}

/** The Retry-After range (s) of the first refusals load.ts kept, e.g. "2–6"; "" when none. */
function retryAfterRange(r: LoadResult): string {
  const seconds = r.failures.flatMap((f) => {
    const m = /"retryAfterSeconds":(\d+)/.exec(f);
    return m ? [Number(m[1])] : [];
  });
  if (seconds.length === 0) {
    return '';
  }
  const [min, max] = [Math.min(...seconds), Math.max(...seconds)];
  return min === max ? String(min) : `${min}–${max}`;
}

/**
 * Logins refused or failed: the worst outcome for a user, so counted apart. (autocannon's
 * `errors` include its `timeouts`.)
 */
function refused(r: LoadResult): number {
  return r.non2xx + r.errors;
}

function victimSummary(r: LoadResult): ScenarioResult {
  return {
    rps: r.rps,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    p90_ms: r.p90_ms,
    max_ms: r.max_ms,
    mean_ms: r.mean_ms,
    logins_ok: r.ok,
    logins_refused: refused(r),
    login_429: r.statusCodes['429'] ?? 0,
    login_503: r.statusCodes['503'] ?? 0,
    ...(r.failures.length === 0 ? {} : { refused_retry_after_s: retryAfterRange(r) }),
    ...(r.cpu_ms_per_req === undefined ? {} : { cpu_ms_per_req: r.cpu_ms_per_req }),
    status_codes: r.statusCodes,
    ...(r.failures.length === 0 ? {} : { first_refusals: r.failures }),
  };
}

function floodSummary(f: FloodResult, q: QueueFigures): Record<string, unknown> {
  const flat: Record<string, number> = {};
  for (const [code, n] of Object.entries(f.statusCodes)) {
    flat[`flood_${code}`] = n;
  }
  return {
    flood_rps: f.rps,
    ...flat,
    flood_errors: f.errors,
    flood_skipped: f.skipped,
    ...q,
    flood: f,
  };
}

function login(email: string, password: string, cookie?: string): LoadTarget {
  return {
    kind: 'fixed',
    method: 'POST',
    path: '/api/v1/auth/login',
    headers: {
      'content-type': 'application/json',
      ...(cookie === undefined ? {} : { cookie }),
    },
    body: JSON.stringify({ email, password }),
  };
}

/** Registers the user and logs in once; answers the device cookie (`name=value`). */
async function seedVictim(url: string, email: string, password: string): Promise<string> {
  await call(url, 'POST', '/api/v1/auth/register', { body: { email, password } });
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  await response.arrayBuffer();
  const pair = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
  if (response.status !== 200 || pair === undefined) {
    throw new Error(`flood: the first login answered ${response.status} without a device cookie`);
  }
  return pair;
}

export async function floodScenario(ctx: BenchContext, workDir: string): Promise<void> {
  // PostgreSQL: the same database as the main server. PGlite lives inside its server
  // process and cannot be shared: this server gets its own, removed with workDir.
  let db: BenchDatabase = ctx.db;
  if (ctx.db.kind === 'pglite') {
    const dataDir = join(workDir, 'flood-pglite');
    mkdirSync(dataDir, { recursive: true });
    db = { ...ctx.db, dataDir, drop: async () => {} };
  }
  const server = await startServer({
    db,
    commandsServerUrl: ctx.sim,
    profileDir: null,
    poolMax: ctx.opts.poolMax,
    workDir,
    serverDist: ctx.opts.serverDist,
    throttle: 'production',
    name: 'flood server',
  });
  try {
    await run(ctx, { url: server.url, pid: server.handle.proc.pid });
  } finally {
    await server.handle.stop();
  }
}

async function run(
  ctx: BenchContext,
  server: { url: string; pid: number | undefined },
): Promise<void> {
  const email = 'victim@flood.bench.example';
  const password = `victim-${randomBytes(12).toString('base64url')}`;
  const cookie = await seedVictim(server.url, email, password);
  const withCookie = login(email, password, cookie);
  const withoutCookie = login(email, password);
  const flood = (kind: FloodSpec['kind']): FloodSpec => ({
    url: server.url,
    kind,
    ...(kind === 'wrong-password-account' ? { email } : {}),
    addresses: FLOOD_ADDRESSES,
    rate: FLOOD_RATE,
    maxInFlight: FLOOD_MAX_IN_FLIGHT,
    // Bounds: the user's start-up, warm-up and interval, with room to spare.
    maxSeconds: ctx.opts.warmup + ctx.opts.duration + 60,
    maxRequests: Math.ceil(FLOOD_RATE * (ctx.opts.warmup + ctx.opts.duration + 60)),
  });

  // The login alone is measured before each flood, and the floods are compared with
  // the median of those three: on a shared machine one interval alone can be a quiet
  // or a busy moment.
  const alone: Interval[] = [];
  const measureAlone = async () => {
    alone.push(
      await interval(ctx, server, `login alone (${alone.length + 1} of 3)`, withCookie, null),
    );
  };
  await measureAlone();
  const aloneNoCookie = await interval(
    ctx,
    server,
    'login alone, no device cookie',
    withoutCookie,
    null,
  );
  const register = await interval(
    ctx,
    server,
    'login during a registration flood',
    withCookie,
    flood('register'),
  );
  await measureAlone();
  const account = await interval(
    ctx,
    server,
    'login during a wrong-password flood on the account',
    withCookie,
    flood('wrong-password-account'),
    withoutCookie,
  );
  await measureAlone();
  const spray = await interval(
    ctx,
    server,
    'login during a wrong-password spray',
    withCookie,
    flood('wrong-password-spray'),
  );

  const { scenarios, ratios } = ctx.results;
  const aloneRuns = alone.map((a) => a.victim);
  const aloneRefused = aloneRuns.reduce((n, r) => n + refused(r), 0);
  const baseline = combineRounds(aloneRuns);
  scenarios.flood_login_alone = {
    ...baseline,
    mean_ms: round(median(aloneRuns.map((r) => r.mean_ms))),
    logins_ok: aloneRuns.reduce((n, r) => n + r.ok, 0),
    logins_refused: aloneRefused,
    argon2_verifies_per_s: round(median(alone.map((a) => a.queue.argon2_verifies_per_s)), 1),
  };
  scenarios.flood_login_alone_no_cookie = {
    ...victimSummary(aloneNoCookie.victim),
    ...aloneNoCookie.queue,
  };
  scenarios.flood_login_during_register = {
    ...victimSummary(register.victim),
    ...floodSummary(register.flood!, register.queue),
  };
  const noCookie = account.noCookie!;
  scenarios.flood_login_during_wrong_password = {
    ...victimSummary(account.victim),
    ...floodSummary(account.flood!, account.queue),
    no_cookie_ok: noCookie.ok,
    no_cookie_429: noCookie.statusCodes['429'] ?? 0,
    no_cookie_refused: refused(noCookie),
    ...(noCookie.failures.length === 0
      ? {}
      : { no_cookie_retry_after_s: retryAfterRange(noCookie) }),
    ...(noCookie.failures.length === 0 ? {} : { no_cookie_first_refusals: noCookie.failures }),
  };
  scenarios.flood_login_during_spray = {
    ...victimSummary(spray.victim),
    ...floodSummary(spray.flood!, spray.queue),
  };

  ratios.flood_login_alone_no_cookie_p50_vs_cookie = round(
    aloneNoCookie.victim.p50_ms / baseline.p50_ms,
  );
  const floods = { register, wrong_password: account, spray };
  let worst: { name: string; value: number } | null = null;
  let refusedDuringFloods = 0;
  for (const [name, result] of Object.entries(floods)) {
    const v = result.victim;
    refusedDuringFloods += refused(v);
    // No successful login at all: no latency to compare, and certainly not within the goal.
    const none = v.ok === 0 ? Number.POSITIVE_INFINITY : null;
    const p99 = none ?? v.p99_ms / baseline.p99_ms;
    ratios[`flood_${name}_login_p50_vs_alone`] = round(none ?? v.p50_ms / baseline.p50_ms);
    ratios[`flood_${name}_login_p99_vs_alone`] = round(p99);
    if (worst === null || p99 > worst.value) {
      worst = { name, value: p99 };
    }
    if (v.ok === 0) {
      ctx.results.notes.push(
        `flood (${name}): no login of the user succeeded` +
          (refused(v) === 0
            ? ' (one was still waiting for its answer when the interval ended)'
            : ''),
      );
    } else if (v.ok < 100) {
      ctx.results.notes.push(
        `flood (${name}): the p99 of ${v.ok} successful logins is close to their maximum`,
      );
    }
  }
  if (aloneRefused > 0) {
    ctx.results.notes.push(
      `flood: ${aloneRefused} logins refused with no flood running (see the rounds' status codes)`,
    );
  }
  ctx.results.notes.push(
    `flood: login alone p99 in its three intervals ${aloneRuns.map((r) => Math.round(r.p99_ms)).join(', ')} ms (median ${Math.round(baseline.p99_ms)})`,
    `flood: the worst p99 ratio was during the ${worst!.name.replace('_', '-')} flood; ${refusedDuringFloods} of the user's logins were refused during the floods`,
  );
  ctx.results.goals.login_during_flood = {
    goal: `login p99 during a registration or wrong-password flood ≤ ${GOAL_FACTOR} × login alone, none refused`,
    value: Number.isFinite(worst!.value) ? round(worst!.value, 2) : null,
    met: worst!.value <= GOAL_FACTOR && refusedDuringFloods === 0,
  };
}
