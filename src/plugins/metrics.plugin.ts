import { createHash, timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { collectDefaultMetrics } from 'prom-client';
import { UnauthorizedError } from '../errors.js';
import { type Metrics, UNMATCHED_ROUTE } from '../metrics.js';
import { errorResponses } from '../routes/common.js';

export interface MetricsPluginOptions {
  /** The app's registry; the Commands-Server client reports into the same one. */
  metrics: Metrics;
  /**
   * The node-postgres pool whose use is exported (`DbHandle.pool`); null on PGlite,
   * which has no pool. Only the three counters are read.
   */
  pool: Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount'> | null;
  /** Serve GET /metrics (default true); requests are recorded either way. */
  expose?: boolean;
  /** Bearer token GET /metrics requires (METRICS_TOKEN); null or absent: open. */
  token?: string | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * An onRequest hook refusing requests without `Authorization: Bearer <token>`.
 * Both sides are hashed first so that timingSafeEqual compares equal lengths:
 * the time taken tells nothing about the token, not even its length.
 */
function requireBearer(token: string) {
  const expected = sha256(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const matches = timingSafeEqual(sha256(match?.[1] ?? ''), expected);
    if (!match || !matches) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedError(
        'UNAUTHENTICATED',
        'Send Authorization: Bearer <METRICS_TOKEN> to read the metrics',
      );
    }
  };
}

/** prom-client defines it too; ours replaces its (see registerProcessMetrics). */
const EVENT_LOOP_P99 = 'nodejs_eventloop_lag_p99_seconds';
// 20 ms sampling: fine enough to see a blocked loop, cheap (prom-client's own
// monitor samples every 10 ms).
const EVENT_LOOP_RESOLUTION_MS = 20;

/** Counts every answered request by route template and status. */
function recordRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The template, never request.url: raw URLs carry ids (unbounded label
    // cardinality) and possibly secrets; 404s have no template at all.
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}

function registerPoolGauges(metrics: Metrics, pool: NonNullable<MetricsPluginOptions['pool']>) {
  metrics.registerGauge({
    name: 'db_pool_total_connections',
    help: 'Connections open in the PostgreSQL pool, idle or in use.',
    collect: () => pool.totalCount,
  });
  metrics.registerGauge({
    name: 'db_pool_idle_connections',
    help: 'Open PostgreSQL connections not checked out.',
    collect: () => pool.idleCount,
  });
  metrics.registerGauge({
    name: 'db_pool_waiting_requests',
    help: 'Queries queued for a PostgreSQL connection (pool exhausted).',
    collect: () => pool.waitingCount,
  });
}

/**
 * prom-client's default process metrics (CPU, memory including
 * `process_resident_memory_bytes`, heap, GC, handles, event-loop delay), with our
 * own `nodejs_eventloop_lag_p99_seconds` in place of prom-client's: its reading
 * includes the sampling interval (an idle loop reads 10 ms), ours is the lag beyond
 * it, as the benchmark's figures always were. Returns what stops our monitor.
 * prom-client's own event-loop monitor and GC observer cannot be stopped; both are
 * unref'd (they never hold the process open) and cost a few microseconds a tick.
 */
function registerProcessMetrics(metrics: Metrics): () => void {
  collectDefaultMetrics({ register: metrics.registry });
  metrics.registry.removeSingleMetric(EVENT_LOOP_P99);
  const eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  metrics.registerGauge({
    name: EVENT_LOOP_P99,
    help: `p99 event-loop delay since the previous scrape, in seconds, beyond the ${EVENT_LOOP_RESOLUTION_MS} ms sampling interval (the other nodejs_eventloop_lag_* include theirs).`,
    collect: () => {
      // The histogram records whole timer intervals, so an idle loop reads as the
      // resolution itself: subtract it to report the lag. With no sample yet it
      // reads 511 ns (its lowest bucket), hence the count check.
      const p99 =
        eventLoop.count === 0
          ? 0
          : Math.max(0, eventLoop.percentile(99) / 1e9 - EVENT_LOOP_RESOLUTION_MS / 1000);
      // Reset so each scrape reports its own interval; otherwise one stall at
      // start-up would dominate the p99 for the life of the process. reset() also
      // forgets the last tick, so the one timer interval in progress is not
      // counted: a 20 ms blind spot per scrape, negligible at a 15 s interval.
      eventLoop.reset();
      return p99;
    },
  });
  // Enabled only once registration can no longer throw, so a failed boot leaves no timer.
  eventLoop.enable();
  return () => eventLoop.disable();
}

/** GET /metrics, behind the bearer token when there is one. */
function serveMetrics(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  app.get(
    '/metrics',
    {
      ...(token === null ? {} : { onRequest: requireBearer(token) }),
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics (text format 0.0.4, not the JSON envelope)',
        ...(token === null ? {} : { security: [{ metricsToken: [] }] }),
        description:
          'Request counts and latency by route template and status, Commands-Server calls by operation and outcome, database pool use, argon2 work, and the process metrics (CPU, memory, heap, GC, event-loop lag). ' +
          (token === null
            ? 'This server has no METRICS_TOKEN: open. With one it requires Authorization: Bearer <METRICS_TOKEN> (401 UNAUTHENTICATED without it).'
            : 'Requires Authorization: Bearer <METRICS_TOKEN> (METRICS_TOKEN is not a session token).'),
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...(token === null ? {} : errorResponses('UNAUTHENTICATED')),
        },
      },
    },
    async (request, reply) => {
      const text = await metrics.render({
        onCollectError: (metric, err) =>
          request.log.warn({ metric, err }, 'metric collector failed'),
      });
      // Prometheus cannot read the JSON envelope: this is the one route without it.
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}

/**
 * Records every answered request by route template and status, exports pool use
 * and the process metrics, and serves them at `GET /metrics` in Prometheus's
 * text format (behind a bearer token when one is given; not at all with
 * `expose: false`). Register it before the routes so its hook covers all of them.
 */
async function metricsPlugin(app: FastifyInstance, options: MetricsPluginOptions) {
  const { metrics, pool } = options;
  recordRequests(app, metrics);
  if (pool) {
    registerPoolGauges(metrics, pool);
  }
  const stopProcessMetrics = registerProcessMetrics(metrics);
  app.addHook('onClose', async () => {
    stopProcessMetrics();
  });
  if (options.expose !== false) {
    serveMetrics(app, metrics, options.token ?? null);
  }
}

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x' });
