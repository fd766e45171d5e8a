/**
 * A small in-process Prometheus registry: the few counters, histograms and
 * scrape-time gauges SPEC §5 asks for, rendered in the text exposition format
 * 0.0.4 by hand (no client library). One instance per app, never a global, so
 * tests and several apps in one process do not share counts.
 */

/** Upper bounds (seconds) of the latency histograms; `+Inf` is implicit. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Route label of requests that matched no route (404s, probes): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** One labelled sample returned by a scrape-time gauge. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** Computes a gauge at scrape time: a single value, or one value per label set. */
export type GaugeCollector = () => number | GaugeSample[];

/** What the Commands-Server client reports once per call (its `onCall` hook). */
export interface CommandsServerCallEvent {
  operation: string;
  outcome: string;
  durationMs: number;
}

/** Options of {@link Metrics.render}. */
export interface RenderOptions {
  /** Told about a gauge whose collector threw; the scrape goes on without its samples. */
  onCollectError?: (metric: string, err: unknown) => void;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Series<V> {
  labels: Record<string, string>;
  value: V;
}

interface HistogramValue {
  /** Per-bucket (non-cumulative) counts; made cumulative when rendered. */
  buckets: number[];
  sum: number;
  count: number;
}

/** A metric family with labelled series, keyed by its label values in a fixed order. */
class Family<V> {
  private readonly series = new Map<string, Series<V>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly init: () => V,
  ) {}

  get(labelValues: readonly string[]): V {
    const key = JSON.stringify(labelValues);
    let entry = this.series.get(key);
    if (!entry) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => {
        labels[name] = labelValues[i] ?? '';
      });
      entry = { labels, value: this.init() };
      this.series.set(key, entry);
    }
    return entry.value;
  }

  all(): IterableIterator<Series<V>> {
    return this.series.values();
  }
}

/** Escapes a label value: backslash, double quote and newline (exposition format 0.0.4). */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and newline only; quotes stay as they are. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's float spelling, which Prometheus parses: `+Inf`, `-Inf`, `NaN`. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  return String(value);
}

function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => {
    if (!LABEL_NAME.test(k)) {
      throw new TypeError(`invalid Prometheus label name "${k}"`);
    }
    return `${k}="${escapeLabelValue(v)}"`;
  });
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function header(lines: string[], name: string, help: string, type: string): void {
  lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
}

// A negative or NaN duration (clock oddities) would corrupt _sum and fall in no bucket.
function toSeconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

function newHistogram(): HistogramValue {
  return { buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
}

function observe(h: HistogramValue, seconds: number): void {
  const index = DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
  const slot = index === -1 ? DURATION_BUCKETS.length : index;
  h.buckets[slot] = (h.buckets[slot] ?? 0) + 1;
  h.sum += seconds;
  h.count += 1;
}

/**
 * The app's metrics registry. Request and Commands-Server metrics are recorded
 * as they happen; gauges (pool use, memory, event-loop lag) are computed when
 * Prometheus scrapes, so they cost nothing between scrapes.
 */
export class Metrics {
  private readonly requests = new Family<{ n: number }>(
    'http_requests_total',
    'HTTP requests answered, by method, route template and status code.',
    ['method', 'route', 'status'],
    () => ({ n: 0 }),
  );
  private readonly requestDuration = new Family<HistogramValue>(
    'http_request_duration_seconds',
    'Time to answer an HTTP request, by method and route template.',
    ['method', 'route'],
    newHistogram,
  );
  private readonly csCalls = new Family<{ n: number }>(
    'commands_server_calls_total',
    'Calls to the Commands-Server, by operation and outcome.',
    ['operation', 'outcome'],
    () => ({ n: 0 }),
  );
  private readonly csDuration = new Family<HistogramValue>(
    'commands_server_call_duration_seconds',
    'Duration of Commands-Server calls (retries included), by operation.',
    ['operation'],
    newHistogram,
  );
  private readonly gauges = new Map<
    string,
    { help: string; collect: GaugeCollector; type: 'gauge' | 'counter' }
  >();

  /**
   * Records one answered request. `route` must be the route template
   * (`/api/v1/routers/:routerId/scan`), never the raw URL: URLs have unbounded
   * cardinality and may carry secrets. Requests that matched no route go under
   * {@link UNMATCHED_ROUTE}.
   */
  observeRequest(method: string, route: string, status: number, durationSeconds: number): void {
    this.requests.get([method, route, String(status)]).n += 1;
    observe(this.requestDuration.get([method, route]), toSeconds(durationSeconds));
  }

  /**
   * Records one Commands-Server call. An arrow property, so it can be passed as
   * the client's `onCall` hook as it is (`onCall: metrics.observeCommandsServerCall`).
   */
  readonly observeCommandsServerCall = (e: CommandsServerCallEvent): void => {
    this.csCalls.get([e.operation, e.outcome]).n += 1;
    observe(this.csDuration.get([e.operation]), toSeconds(e.durationMs / 1000));
  };

  /**
   * Registers a gauge computed at every scrape.
   * @throws TypeError when the name is not a valid metric name or is already taken.
   */
  registerGauge(name: string, help: string, collect: GaugeCollector): void {
    this.registerCollected(name, help, collect, 'gauge');
  }

  /**
   * Registers a counter whose value is read at every scrape from whoever counts
   * (e.g. the password service's argon2 computations): it must only ever grow.
   */
  registerCounter(name: string, help: string, collect: GaugeCollector): void {
    this.registerCollected(name, help, collect, 'counter');
  }

  private registerCollected(
    name: string,
    help: string,
    collect: GaugeCollector,
    type: 'gauge' | 'counter',
  ): void {
    if (!METRIC_NAME.test(name)) {
      throw new TypeError(`invalid Prometheus metric name "${name}"`);
    }
    // Histograms also own `<name>_bucket`, `_sum` and `_count`.
    const taken = [this.requests, this.requestDuration, this.csCalls, this.csDuration].some(
      (f) => name === f.name || name.startsWith(`${f.name}_`),
    );
    if (taken || this.gauges.has(name)) {
      throw new TypeError(`metric "${name}" is already registered`);
    }
    this.gauges.set(name, { help, collect, type });
  }

  /** Every metric in the Prometheus text exposition format 0.0.4 (ends with a newline). */
  render(options: RenderOptions = {}): string {
    const lines: string[] = [];
    renderCounter(lines, this.requests);
    renderHistogram(lines, this.requestDuration);
    renderCounter(lines, this.csCalls);
    renderHistogram(lines, this.csDuration);
    for (const [name, { help, collect, type }] of this.gauges) {
      header(lines, name, help, type);
      // One failing collector (e.g. a closed pool) must not take the whole scrape down.
      try {
        const result = collect();
        const samples = typeof result === 'number' ? [{ labels: {}, value: result }] : result;
        const rendered = samples.map(
          (s) => `${name}${formatLabels(s.labels)} ${formatValue(s.value)}`,
        );
        lines.push(...rendered);
      } catch (err) {
        options.onCollectError?.(name, err);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

function renderCounter(lines: string[], family: Family<{ n: number }>): void {
  header(lines, family.name, family.help, 'counter');
  for (const { labels, value } of family.all()) {
    lines.push(`${family.name}${formatLabels(labels)} ${formatValue(value.n)}`);
  }
}

/** Buckets are stored per slot and summed here: Prometheus wants each `le` cumulative. */
function renderHistogram(lines: string[], family: Family<HistogramValue>): void {
  const { name } = family;
  header(lines, name, family.help, 'histogram');
  for (const { labels, value: h } of family.all()) {
    let cumulative = 0;
    h.buckets.forEach((n, i) => {
      cumulative += n;
      const bound = DURATION_BUCKETS[i];
      const le = bound === undefined ? '+Inf' : String(bound);
      lines.push(`${name}_bucket${formatLabels({ ...labels, le })} ${cumulative}`);
    });
    const suffix = formatLabels(labels);
    lines.push(`${name}_sum${suffix} ${formatValue(h.sum)}`, `${name}_count${suffix} ${h.count}`);
  }
}
