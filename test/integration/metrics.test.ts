import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandsServerHttpOptions } from '../../src/clients/commands-server.http.js';
import { NotFoundError } from '../../src/errors.js';
import { Metrics } from '../../src/metrics.js';
import errorHandler from '../../src/plugins/error-handler.plugin.js';
import metricsPlugin, { type MetricsPluginOptions } from '../../src/plugins/metrics.plugin.js';
import openapi from '../../src/plugins/openapi.plugin.js';

/**
 * A sample line of the text format 0.0.4 (the value may be an exponent, ±Inf or
 * NaN, which prom-client spells "Nan": Prometheus parses floats with Go's
 * ParseFloat, which ignores the case of inf and nan).
 */
const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (-?[0-9.e+Inf-]+|NaN|Nan)$/;

// The pool is read for three counters only; a stand-in avoids needing PostgreSQL.
const fakePool = { totalCount: 5, idleCount: 3, waitingCount: 2 };

/**
 * A bare app (not buildApp, which other work is changing): the error handler, the
 * metrics plugin, and two small routes, one with a path parameter.
 */
async function buildMetricsApp(options: MetricsPluginOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(errorHandler);
  await app.register(openapi);
  await app.register(metricsPlugin, options);
  app.get('/things', async () => ({ things: [] }));
  app.get<{ Params: { thingId: string } }>('/things/:thingId', async (request) => {
    if (request.params.thingId === 'missing') {
      throw new NotFoundError('NOT_FOUND', 'No such thing');
    }
    return { id: request.params.thingId };
  });
  await app.ready();
  return app;
}

/** Sample lines as a map from series (name plus labels) to value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const space = line.lastIndexOf(' ');
    map.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return map;
}

const metrics = new Metrics();
let app: FastifyInstance;
let body: string;
let contentType: unknown;

beforeAll(async () => {
  app = await buildMetricsApp({ metrics, pool: fakePool });
  for (const url of ['/things', '/things/a1', '/things/tok-SECRET-42', '/things/missing']) {
    await app.inject({ method: 'GET', url });
  }
  await app.inject({ method: 'GET', url: '/no/such/route?token=hunter2' });
  await app.inject({ method: 'DELETE', url: '/things' });
  // What the Commands-Server client reports through its onCall hook.
  const hook: Pick<CommandsServerHttpOptions, 'onCall'> = {
    onCall: metrics.observeCommandsServerCall,
  };
  hook.onCall?.({ operation: 'scanNetwork', outcome: 'success', durationMs: 1200 });
  hook.onCall?.({ operation: 'scanNetwork', outcome: 'timeout', durationMs: 30_000 });
  hook.onCall?.({ operation: 'odd"op\\x\ny', outcome: 'success', durationMs: 1 });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  body = res.body;
  contentType = res.headers['content-type'];
});

afterAll(async () => {
  await app.close();
});

describe('GET /metrics', () => {
  it('answers Prometheus text, not the JSON envelope', () => {
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(body.startsWith('# HELP ')).toBe(true);
    expect(body).not.toContain('"metadata"');
    expect(() => JSON.parse(body) as unknown).toThrow();
  });

  it('is valid exposition format: every line is a comment or a sample', () => {
    const lines = body.split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) {
      if (!line.startsWith('#')) {
        expect(line).toMatch(SAMPLE_LINE);
      } else {
        expect(line).toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* \S/);
      }
    }
  });

  it('counts requests by route template and status, never by raw URL', () => {
    const s = samples(body);
    const count = (method: string, route: string, status: number) =>
      s.get(`http_requests_total{method="${method}",route="${route}",status="${status}"}`);
    expect(count('GET', '/things', 200)).toBe(1);
    expect(count('GET', '/things/:thingId', 200)).toBe(2);
    expect(count('GET', '/things/:thingId', 404)).toBe(1);
    expect(count('GET', 'unmatched', 404)).toBe(1);
    expect(count('DELETE', 'unmatched', 404)).toBe(1);
    expect(body).not.toMatch(/tok-SECRET|hunter2|\/things\/a1|no\/such/);
  });

  it('has cumulative buckets and a _count equal to the counter for each route', () => {
    const s = samples(body);
    const series = [...s.keys()].filter((k) => k.startsWith('http_requests_total{'));
    expect(series.length).toBeGreaterThan(0);
    const byRoute = new Map<string, number>();
    for (const key of series) {
      const [, method, route] = /method="([^"]*)",route="([^"]*)"/.exec(key)!;
      const id = `method="${method}",route="${route}"`;
      byRoute.set(id, (byRoute.get(id) ?? 0) + s.get(key)!);
    }
    for (const [id, total] of byRoute) {
      expect(s.get(`http_request_duration_seconds_count{${id}}`)).toBe(total);
      const buckets = [...s.entries()]
        // prom-client writes the `le` label first.
        .filter(([k]) => /^http_request_duration_seconds_bucket\{le="[^"]*",/.test(k))
        .filter(([k]) => k.endsWith(`,${id}}`))
        .map(([, v]) => v);
      expect(buckets).toHaveLength(12);
      expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
      expect(buckets.at(-1)).toBe(total);
    }
  });

  it('reports Commands-Server calls by operation and outcome, with escaped labels', () => {
    const s = samples(body);
    expect(s.get('commands_server_calls_total{operation="scanNetwork",outcome="success"}')).toBe(1);
    expect(s.get('commands_server_calls_total{operation="scanNetwork",outcome="timeout"}')).toBe(1);
    expect(s.get('commands_server_call_duration_seconds_count{operation="scanNetwork"}')).toBe(2);
    expect(s.get('commands_server_call_duration_seconds_sum{operation="scanNetwork"}')).toBe(31.2);
    expect(body).toContain(
      'commands_server_calls_total{operation="odd\\"op\\\\x\\ny",outcome="success"} 1\n',
    );
  });

  it('renders the pool, memory and event-loop gauges', () => {
    const s = samples(body);
    expect(body).toContain('# TYPE db_pool_total_connections gauge\n');
    expect(s.get('db_pool_total_connections')).toBe(5);
    expect(s.get('db_pool_idle_connections')).toBe(3);
    expect(s.get('db_pool_waiting_requests')).toBe(2);
    expect(s.get('process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    const lag = s.get('nodejs_eventloop_lag_p99_seconds');
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60);
  });

  it("adds prom-client's default process metrics, each family once", () => {
    for (const family of [
      'process_cpu_seconds_total counter',
      'process_start_time_seconds gauge',
      'nodejs_heap_size_used_bytes gauge',
      'nodejs_gc_duration_seconds histogram',
      'nodejs_eventloop_lag_p50_seconds gauge',
    ]) {
      expect(body).toContain(`# TYPE ${family}\n`);
    }
    const types = body.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
    // Ours, net of the sampling interval, replaces prom-client's event-loop p99.
    expect(body).toMatch(/^# HELP nodejs_eventloop_lag_p99_seconds p99 event-loop delay since/m);
  });

  it('counts its own scrapes under the /metrics template', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(
      samples(res.body).get('http_requests_total{method="GET",route="/metrics",status="200"}'),
    ).toBe(1);
  });

  it('is documented under the operations tag', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/metrics'].get.tags).toEqual(['operations']);
    expect(doc.paths['/metrics'].get.responses['200'].content).toHaveProperty('text/plain');
  });
});

describe('the metrics plugin on PGlite (no pool)', () => {
  it('omits the pool gauges, keeps the others, and closes cleanly', async () => {
    const other = await buildMetricsApp({ metrics: new Metrics(), pool: null });
    const res = await other.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).not.toContain('db_pool_');
    expect(res.body).toContain('# TYPE process_resident_memory_bytes gauge\n');
    expect(res.body).toContain('# TYPE nodejs_eventloop_lag_p99_seconds gauge\n');
    await expect(other.close()).resolves.toBeUndefined();
  });

  it('reports a blocked event loop as lag, measured since the previous scrape', async () => {
    const other = await buildMetricsApp({ metrics: new Metrics(), pool: null });
    const lag = async () =>
      samples((await other.inject({ method: 'GET', url: '/metrics' })).body).get(
        'nodejs_eventloop_lag_p99_seconds',
      )!;
    await lag();
    // The scrape's reset drops the timer interval in progress: let one pass first.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const start = Date.now();
    while (Date.now() - start < 200) {
      // Busy-wait: hold the event loop the way a synchronous hot spot would.
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await lag()).toBeGreaterThan(0.1);
    await other.close();
  });
});

describe('a scrape-time collector that throws', () => {
  it('leaves it out, logs a warning naming it, and answers the rest', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } },
    });
    const metrics = new Metrics();
    metrics.registerGauge({
      name: 'closed_pool_connections',
      help: 'reads a closed pool',
      collect: () => {
        throw new Error('pool is closed');
      },
    });
    await app.register(errorHandler);
    await app.register(metricsPlugin, { metrics, pool: null });
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE http_requests_total counter\n');
      expect(res.body).not.toContain('closed_pool_connections');
      const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(warnings).toContainEqual(
        expect.objectContaining({
          msg: 'metric collector failed',
          metric: 'closed_pool_connections',
          err: expect.objectContaining({ message: 'pool is closed' }),
        }),
      );
    } finally {
      await app.close();
    }
  });
});
