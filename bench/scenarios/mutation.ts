/**
 * Scenario 2, router mutation round trip: add then remove a whitelist entry through
 * our API (authenticate, authorize, validate, audit, router lock, Commands-Server
 * call, persist), against the ceiling of the same two calls made directly to the
 * simulator. Each connection works on its own router and IP in both cases, so
 * neither side waits on a per-router lock, and with its own login (ours) or
 * Commands-Server session (direct): one login's Commands-Server session prepares one
 * router at a time, so a login that alternates between routers restarts it each
 * time (see docs/performance.md).
 */
import { randomUUID } from 'node:crypto';
import { type BenchContext, loadSpec } from '../lib/context.js';
import { call } from '../lib/http.js';
import { runLoad } from '../lib/load-runner.js';
import type { LoadResult } from '../lib/load-types.js';
import { round } from '../lib/results.js';
import { combineRounds } from './read.js';

/** Starts a Commands-Server session for the direct calls, as our server does. */
async function startSimSession(sim: string, routerId: string): Promise<string> {
  const sessionId = randomUUID();
  const query = new URLSearchParams({ sessionId, routerId }).toString();
  await call(sim, 'POST', `/api/session/start?${query}`, { body: { sessionId, routerId } });
  return sessionId;
}

export async function mutationScenario(ctx: BenchContext): Promise<void> {
  const ours = ctx.seed.mutationRouters.map((routerId) => ({
    routerId,
    token: ctx.seed.routerTokens[routerId]!,
  }));
  const sessions: { routerId: string; sessionId: string }[] = [];
  for (const { routerId } of ours) {
    sessions.push({ routerId, sessionId: await startSimSession(ctx.sim, routerId) });
  }
  const oursRuns: LoadResult[] = [];
  const directRuns: LoadResult[] = [];
  // A fresh block of IPs per run: an entry a stopped run left behind never collides.
  let ipBlock = 0;
  for (let r = 1; r <= ctx.opts.rounds; r += 1) {
    ctx.log(`mutation: round ${r}/${ctx.opts.rounds}, ours`);
    ipBlock += 1;
    oursRuns.push(
      await runLoad(
        'mutation',
        loadSpec(ctx, ctx.server, { kind: 'whitelist', routers: ours, ipBlock }),
        ctx.serverPid,
      ),
    );
    ctx.log(`mutation: round ${r}/${ctx.opts.rounds}, direct to the simulator`);
    ipBlock += 1;
    directRuns.push(
      await runLoad(
        'mutation direct',
        loadSpec(ctx, ctx.sim, { kind: 'simulator-whitelist', routers: sessions, ipBlock }),
        ctx.simPid,
      ),
    );
  }
  const a = combineRounds(oursRuns);
  const b = combineRounds(directRuns);
  // Two requests make one round trip.
  ctx.results.scenarios.mutation = { ...a, round_trips_per_s: round(a.rps / 2, 1) };
  ctx.results.scenarios.mutation_direct = { ...b, round_trips_per_s: round(b.rps / 2, 1) };
  ctx.results.ratios.mutation_vs_direct = round(a.rps / b.rps);
  ctx.results.ratios.mutation_p99_vs_direct = round(a.p99_ms / b.p99_ms);
  ctx.results.goals.mutation = {
    goal: 'mutation round trip ≥ 0.5 of direct simulator throughput',
    value: ctx.results.ratios.mutation_vs_direct,
    met: ctx.results.ratios.mutation_vs_direct >= 0.5,
  };
}
