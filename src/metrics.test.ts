import { register } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { DURATION_BUCKETS, type GaugeSample, Metrics } from './metrics.js';

/** The value of the sample line whose series (name and labels) is exactly `series`. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(Metrics.name, () => {
  it('renders HELP and TYPE for every family even before any sample, ending with a newline', async () => {
    const sut = new Metrics();
    const text = await sut.render();
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('# TYPE http_requests_total counter\n');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram\n');
    expect(text).toContain('# TYPE commands_server_calls_total counter\n');
    expect(text).toContain('# TYPE commands_server_call_duration_seconds histogram\n');
    expect(text).toMatch(/^# HELP http_requests_total \S/m);
  });

  it('counts requests per method, route and status', async () => {
    const sut = new Metrics();
    sut.observeRequest('GET', '/a/:id', 200, 0.001);
    sut.observeRequest('GET', '/a/:id', 200, 0.001);
    sut.observeRequest('GET', '/a/:id', 404, 0.001);
    const text = await sut.render();
    expect(valueOf(text, 'http_requests_total{method="GET",route="/a/:id",status="200"}')).toBe(2);
    expect(valueOf(text, 'http_requests_total{method="GET",route="/a/:id",status="404"}')).toBe(1);
  });

  it('renders cumulative buckets, with a bound counted in its own bucket, plus _sum and _count', async () => {
    const sut = new Metrics();
    for (const seconds of [0.003, 0.05, 0.3, 20]) {
      sut.observeRequest('POST', '/x', 201, seconds);
    }
    const text = await sut.render();
    // prom-client writes `le` first; Prometheus does not care about label order.
    const bucket = (le: string) =>
      valueOf(text, `http_request_duration_seconds_bucket{le="${le}",method="POST",route="/x"}`);
    expect(bucket('0.005')).toBe(1);
    expect(bucket('0.025')).toBe(1);
    expect(bucket('0.05')).toBe(2);
    expect(bucket('0.25')).toBe(2);
    expect(bucket('0.5')).toBe(3);
    expect(bucket('10')).toBe(3);
    expect(bucket('+Inf')).toBe(4);
    const les = [...DURATION_BUCKETS.map(String), '+Inf'];
    const counts = les.map(bucket);
    expect(counts.every((n) => n !== undefined)).toBe(true);
    expect(counts).toEqual([...counts].sort((a, b) => a! - b!));
    expect(
      valueOf(text, 'http_request_duration_seconds_sum{method="POST",route="/x"}'),
    ).toBeCloseTo(20.353);
    expect(valueOf(text, 'http_request_duration_seconds_count{method="POST",route="/x"}')).toBe(4);
  });

  it('records a negative or NaN duration as zero rather than corrupting _sum', async () => {
    const sut = new Metrics();
    sut.observeRequest('GET', '/y', 200, -1);
    sut.observeRequest('GET', '/y', 200, Number.NaN);
    const text = await sut.render();
    expect(valueOf(text, 'http_request_duration_seconds_sum{method="GET",route="/y"}')).toBe(0);
    expect(
      valueOf(text, 'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/y"}'),
    ).toBe(2);
  });

  it('records Commands-Server calls in seconds, and works as a detached onCall hook', async () => {
    const sut = new Metrics();
    const { observeCommandsServerCall: onCall } = sut;
    onCall({ operation: 'scanNetwork', outcome: 'success', durationMs: 1500 });
    onCall({ operation: 'scanNetwork', outcome: 'timeout', durationMs: 30_000 });
    const text = await sut.render();
    const calls = 'commands_server_calls_total{operation="scanNetwork",outcome=';
    expect(valueOf(text, `${calls}"success"}`)).toBe(1);
    expect(valueOf(text, `${calls}"timeout"}`)).toBe(1);
    const duration = 'commands_server_call_duration_seconds';
    expect(valueOf(text, `${duration}_sum{operation="scanNetwork"}`)).toBe(31.5);
    expect(valueOf(text, `${duration}_bucket{le="2.5",operation="scanNetwork"}`)).toBe(1);
    expect(valueOf(text, `${duration}_bucket{le="10",operation="scanNetwork"}`)).toBe(1);
    expect(valueOf(text, `${duration}_bucket{le="+Inf",operation="scanNetwork"}`)).toBe(2);
  });

  it('escapes backslash, double quote and newline in label values, and keeps each sample on one line', async () => {
    const sut = new Metrics();
    sut.observeRequest('GET', 'a\\b"c\nd', 200, 0);
    const text = await sut.render();
    expect(text).toContain(
      'http_requests_total{method="GET",route="a\\\\b\\"c\\nd",status="200"} 1\n',
    );
  });

  it('counts audit outcomes that could not be written, by operation', async () => {
    const sut = new Metrics();
    expect(await sut.render()).toContain('# TYPE audit_write_failures_total counter\n');
    sut.auditWriteFailed('block');
    sut.auditWriteFailed('block');
    sut.auditWriteFailed('scanNetwork');
    const text = await sut.render();
    expect(valueOf(text, 'audit_write_failures_total{operation="block"}')).toBe(2);
    expect(valueOf(text, 'audit_write_failures_total{operation="scanNetwork"}')).toBe(1);
  });

  it('escapes backslash and newline in HELP text but leaves quotes alone', async () => {
    const sut = new Metrics();
    sut.registerGauge({ name: 'g', help: 'a "quoted" \\ help\nsecond line', collect: () => 1 });
    expect(await sut.render()).toContain(
      '# HELP g a "quoted" \\\\ help\\nsecond line\n# TYPE g gauge\ng 1\n',
    );
  });

  it('renders plain and labelled gauges at scrape time, with Prometheus float spellings', async () => {
    const sut = new Metrics();
    let calls = 0;
    sut.registerGauge({ name: 'plain', help: 'p', collect: () => ++calls });
    sut.registerGauge({
      name: 'labelled',
      help: 'l',
      labelNames: ['pool'],
      collect: (): GaugeSample[] => [
        { labels: { pool: 'main' }, value: 3 },
        { labels: { pool: 'q"x' }, value: Number.POSITIVE_INFINITY },
        { labels: { pool: 'nan' }, value: Number.NaN },
        { labels: { pool: 'neg' }, value: Number.NEGATIVE_INFINITY },
        { labels: { pool: 'tiny' }, value: 1e-7 },
      ],
    });
    expect(valueOf(await sut.render(), 'plain')).toBe(1);
    const text = await sut.render();
    expect(valueOf(text, 'plain')).toBe(2);
    expect(text).toContain('labelled{pool="main"} 3\n');
    expect(text).toContain('labelled{pool="q\\"x"} +Inf\n');
    // prom-client spells NaN "Nan"; Prometheus parses it (Go's ParseFloat ignores case).
    expect(text).toContain(
      'labelled{pool="nan"} Nan\nlabelled{pool="neg"} -Inf\nlabelled{pool="tiny"} 1e-7\n',
    );
  });

  it('drops a label set the collector no longer reports', async () => {
    const sut = new Metrics();
    let pools = ['a', 'b'];
    sut.registerGauge({
      name: 'per_pool',
      help: 'x',
      labelNames: ['pool'],
      collect: () => pools.map((pool) => ({ labels: { pool }, value: 1 })),
    });
    expect(await sut.render()).toContain('per_pool{pool="b"} 1\n');
    pools = ['a'];
    const text = await sut.render();
    expect(text).toContain('per_pool{pool="a"} 1\n');
    expect(text).not.toContain('pool="b"');
  });

  it('copies a scrape-time counter over at each scrape, unlabelled or labelled', async () => {
    const sut = new Metrics();
    let done = 0;
    sut.registerCounter({ name: 'done_total', help: 'd', collect: () => done });
    sut.registerCounter({
      name: 'by_kind_total',
      help: 'k',
      labelNames: ['kind'],
      collect: () => [{ labels: { kind: 'x' }, value: done * 2 }],
    });
    expect(await sut.render()).toContain('# TYPE done_total counter\ndone_total 0\n');
    done = 5;
    const text = await sut.render();
    expect(valueOf(text, 'done_total')).toBe(5);
    expect(valueOf(text, 'by_kind_total{kind="x"}')).toBe(10);
    expect(valueOf(await sut.render(), 'done_total')).toBe(5);
  });

  it('reports a failing collector and renders everything else', async () => {
    const sut = new Metrics();
    const onCollectError = vi.fn<(metric: string, err: unknown) => void>();
    sut.registerGauge({
      name: 'broken',
      help: 'throws',
      collect: () => {
        throw new Error('pool closed');
      },
    });
    sut.registerGauge({
      name: 'bad_label',
      help: 'a label it did not declare',
      collect: () => [{ labels: { undeclared: 'x' }, value: 1 }],
    });
    sut.registerGauge({ name: 'fine', help: 'works', collect: () => 7 });
    const text = await sut.render({ onCollectError });
    expect(text).not.toMatch(/^(broken|bad_label)[ {]/m);
    expect(valueOf(text, 'fine')).toBe(7);
    expect(text).toContain('# TYPE http_requests_total counter\n');
    expect(onCollectError.mock.calls.map(([name]) => name)).toEqual(['broken', 'bad_label']);
    await expect(sut.render()).resolves.toContain('fine 7\n');
  });

  it('refuses invalid and duplicate gauge names, including histogram sample names', () => {
    const sut = new Metrics();
    const gauge = (name: string) => () => sut.registerGauge({ name, help: 'x', collect: () => 1 });
    gauge('up_total')();
    expect(gauge('up_total')).toThrow(/already registered/);
    expect(gauge('http_requests_total')).toThrow(/already/);
    expect(gauge('http_request_duration_seconds_count')).toThrow(/already/);
    expect(gauge('commands_server_call_duration_seconds_bucket')).toThrow(/already/);
    expect(() =>
      sut.registerCounter({ name: 'audit_write_failures_total', help: 'x', collect: () => 1 }),
    ).toThrow(/already/);
    expect(gauge('9lives')).toThrow(/invalid/);
    expect(gauge('has space')).toThrow(/invalid/);
  });

  it('keeps registries apart: no global state', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.observeRequest('GET', '/only-a', 200, 0);
    a.registerGauge({ name: 'same_name', help: 'x', collect: () => 1 });
    expect(() => b.registerGauge({ name: 'same_name', help: 'x', collect: () => 2 })).not.toThrow();
    expect(await b.render()).not.toContain('/only-a');
    expect(await register.metrics()).toBe('\n');
  });
});
