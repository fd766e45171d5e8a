import { describe, expect, it, vi } from 'vitest';
import { DURATION_BUCKETS, type GaugeSample, Metrics } from './metrics.js';

/** The value of the sample line whose series (name and labels) is exactly `series`. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(Metrics.name, () => {
  it('renders HELP and TYPE for every family even before any sample, ending with a newline', () => {
    const sut = new Metrics();
    const text = sut.render();
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('# TYPE http_requests_total counter\n');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram\n');
    expect(text).toContain('# TYPE commands_server_calls_total counter\n');
    expect(text).toContain('# TYPE commands_server_call_duration_seconds histogram\n');
    expect(text).toMatch(/^# HELP http_requests_total \S/m);
  });

  it('counts requests per method, route and status', () => {
    const sut = new Metrics();
    sut.observeRequest('GET', '/a/:id', 200, 0.001);
    sut.observeRequest('GET', '/a/:id', 200, 0.001);
    sut.observeRequest('GET', '/a/:id', 404, 0.001);
    const text = sut.render();
    expect(valueOf(text, 'http_requests_total{method="GET",route="/a/:id",status="200"}')).toBe(2);
    expect(valueOf(text, 'http_requests_total{method="GET",route="/a/:id",status="404"}')).toBe(1);
  });

  it('renders cumulative buckets, with a bound counted in its own bucket, plus _sum and _count', () => {
    const sut = new Metrics();
    for (const seconds of [0.003, 0.05, 0.3, 20]) {
      sut.observeRequest('POST', '/x', 201, seconds);
    }
    const text = sut.render();
    const bucket = (le: string) =>
      valueOf(text, `http_request_duration_seconds_bucket{method="POST",route="/x",le="${le}"}`);
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

  it('records a negative or NaN duration as zero rather than corrupting _sum', () => {
    const sut = new Metrics();
    sut.observeRequest('GET', '/y', 200, -1);
    sut.observeRequest('GET', '/y', 200, Number.NaN);
    const text = sut.render();
    expect(valueOf(text, 'http_request_duration_seconds_sum{method="GET",route="/y"}')).toBe(0);
    expect(
      valueOf(text, 'http_request_duration_seconds_bucket{method="GET",route="/y",le="0.005"}'),
    ).toBe(2);
  });

  it('records Commands-Server calls in seconds, and works as a detached onCall hook', () => {
    const sut = new Metrics();
    const { observeCommandsServerCall: onCall } = sut;
    onCall({ operation: 'scanNetwork', outcome: 'success', durationMs: 1500 });
    onCall({ operation: 'scanNetwork', outcome: 'timeout', durationMs: 30_000 });
    const text = sut.render();
    const calls = 'commands_server_calls_total{operation="scanNetwork",outcome=';
    expect(valueOf(text, `${calls}"success"}`)).toBe(1);
    expect(valueOf(text, `${calls}"timeout"}`)).toBe(1);
    const duration = 'commands_server_call_duration_seconds';
    expect(valueOf(text, `${duration}_sum{operation="scanNetwork"}`)).toBe(31.5);
    expect(valueOf(text, `${duration}_bucket{operation="scanNetwork",le="2.5"}`)).toBe(1);
    expect(valueOf(text, `${duration}_bucket{operation="scanNetwork",le="10"}`)).toBe(1);
    expect(valueOf(text, `${duration}_bucket{operation="scanNetwork",le="+Inf"}`)).toBe(2);
  });

  it('escapes backslash, double quote and newline in label values, and keeps each sample on one line', () => {
    const sut = new Metrics();
    sut.observeRequest('GET', 'a\\b"c\nd', 200, 0);
    const text = sut.render();
    expect(text).toContain(
      'http_requests_total{method="GET",route="a\\\\b\\"c\\nd",status="200"} 1\n',
    );
  });

  it('escapes backslash and newline in HELP text but leaves quotes alone', () => {
    const sut = new Metrics();
    sut.registerGauge('g', 'a "quoted" \\ help\nsecond line', () => 1);
    expect(sut.render()).toContain(
      '# HELP g a "quoted" \\\\ help\\nsecond line\n# TYPE g gauge\ng 1\n',
    );
  });

  it('renders plain and labelled gauges at scrape time, with Prometheus float spellings', () => {
    const sut = new Metrics();
    let calls = 0;
    sut.registerGauge('plain', 'p', () => ++calls);
    sut.registerGauge('labelled', 'l', (): GaugeSample[] => [
      { labels: { pool: 'main' }, value: 3 },
      { labels: { pool: 'q"x' }, value: Number.POSITIVE_INFINITY },
      { labels: {}, value: Number.NaN },
      { labels: {}, value: Number.NEGATIVE_INFINITY },
      { labels: {}, value: 1e-7 },
    ]);
    expect(valueOf(sut.render(), 'plain')).toBe(1);
    const text = sut.render();
    expect(valueOf(text, 'plain')).toBe(2);
    expect(text).toContain('labelled{pool="main"} 3\n');
    expect(text).toContain('labelled{pool="q\\"x"} +Inf\n');
    expect(text).toContain('labelled NaN\nlabelled -Inf\nlabelled 1e-7\n');
  });

  it('reports a failing collector and renders everything else', () => {
    const sut = new Metrics();
    const onCollectError = vi.fn<(metric: string, err: unknown) => void>();
    sut.registerGauge('broken', 'throws', () => {
      throw new Error('pool closed');
    });
    sut.registerGauge('bad_label', 'invalid label name', () => [
      { labels: { 'not-valid': 'x' }, value: 1 },
    ]);
    sut.registerGauge('fine', 'works', () => 7);
    const text = sut.render({ onCollectError });
    expect(text).toContain('# TYPE broken gauge\n# HELP bad_label');
    expect(valueOf(text, 'fine')).toBe(7);
    expect(onCollectError.mock.calls.map(([name]) => name)).toEqual(['broken', 'bad_label']);
    expect(() => sut.render()).not.toThrow();
  });

  it('refuses invalid and duplicate gauge names, including histogram sample names', () => {
    const sut = new Metrics();
    sut.registerGauge('up_total', 'x', () => 1);
    expect(() => sut.registerGauge('up_total', 'x', () => 1)).toThrow(/already registered/);
    expect(() => sut.registerGauge('http_requests_total', 'x', () => 1)).toThrow(/already/);
    expect(() => sut.registerGauge('http_request_duration_seconds_count', 'x', () => 1)).toThrow(
      /already/,
    );
    expect(() => sut.registerGauge('9lives', 'x', () => 1)).toThrow(/invalid/);
    expect(() => sut.registerGauge('has space', 'x', () => 1)).toThrow(/invalid/);
  });

  it('keeps registries apart: no global state', () => {
    const a = new Metrics();
    const b = new Metrics();
    a.observeRequest('GET', '/only-a', 200, 0);
    a.registerGauge('same_name', 'x', () => 1);
    expect(() => b.registerGauge('same_name', 'x', () => 2)).not.toThrow();
    expect(b.render()).not.toContain('/only-a');
  });
});
