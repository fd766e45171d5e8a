/**
 * The app's Prometheus metrics (SPEC §5), on prom-client. One `Registry` per
 * instance, never prom-client's global default registry: tests and several apps
 * in one process must not share counts.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Upper bounds (seconds) of the latency histograms; `+Inf` is implicit. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Route label of requests that matched no route (404s, probes): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** One labelled sample returned by a scrape-time metric. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** A metric whose value is read when Prometheus scrapes, from whoever keeps it. */
export interface ScrapeTimeMetric {
  name: string;
  help: string;
  /** Every label name the samples use (prom-client wants them declared); none by default. */
  labelNames?: readonly string[];
  /** Computes the value at scrape time: a single value, or one value per label set. */
  collect: () => number | GaugeSample[];
}

/** What the Commands-Server client reports once per call (its `onCall` hook). */
export interface CommandsServerCallEvent {
  operation: string;
  outcome: string;
  durationMs: number;
}

/** Options of {@link Metrics.render}. */
export interface RenderOptions {
  /** Told about a metric whose collector threw; the scrape goes on without it. */
  onCollectError?: (metric: string, err: unknown) => void;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** The series a histogram `x` exposes besides its name: `x_bucket`, `x_sum`, `x_count`. */
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

// A negative or NaN duration (clock oddities) would corrupt _sum (prom-client
// refuses NaN outright, which would turn a response into an error).
function toSeconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

function samplesOf(result: number | GaugeSample[]): GaugeSample[] {
  return typeof result === 'number' ? [{ labels: {}, value: result }] : result;
}

/**
 * The app's metrics registry. Request and Commands-Server metrics are recorded
 * as they happen; scrape-time metrics (pool use, argon2 work, event-loop lag)
 * are computed when Prometheus scrapes, so they cost nothing between scrapes.
 */
export class Metrics {
  /** The registry; the metrics plugin adds prom-client's default process metrics to it. */
  readonly registry = new Registry();
  private readonly registers = [this.registry];
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: this.registers,
  });
  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [...DURATION_BUCKETS],
    registers: this.registers,
  });
  private readonly csCalls = new Counter({
    name: 'commands_server_calls_total',
    help: 'Calls to the Commands-Server, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers: this.registers,
  });
  private readonly csDuration = new Histogram({
    name: 'commands_server_call_duration_seconds',
    help: 'Duration of Commands-Server calls (retries included), by operation.',
    labelNames: ['operation'] as const,
    buckets: [...DURATION_BUCKETS],
    registers: this.registers,
  });
  private readonly auditWriteFailures = new Counter({
    name: 'audit_write_failures_total',
    help: 'Audit outcomes that could not be written (logged with the operation id)',
    labelNames: ['operation'] as const,
    registers: this.registers,
  });

  /**
   * Records one answered request. `route` must be the route template
   * (`/api/v1/routers/:routerId/scan`), never the raw URL: URLs have unbounded
   * cardinality and may carry secrets. Requests that matched no route go under
   * {@link UNMATCHED_ROUTE}.
   */
  observeRequest(method: string, route: string, status: number, durationSeconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.requestDuration.observe({ method, route }, toSeconds(durationSeconds));
  }

  /**
   * Records one Commands-Server call. An arrow property, so it can be passed as
   * the client's `onCall` hook as it is (`onCall: metrics.observeCommandsServerCall`).
   */
  readonly observeCommandsServerCall = (e: CommandsServerCallEvent): void => {
    this.csCalls.inc({ operation: e.operation, outcome: e.outcome });
    this.csDuration.observe({ operation: e.operation }, toSeconds(e.durationMs / 1000));
  };

  /** Counts an audit outcome of `operation` that could not be written (the caller logs it). */
  auditWriteFailed(operation: string): void {
    this.auditWriteFailures.inc({ operation });
  }

  /**
   * Registers a gauge computed at every scrape.
   * @throws TypeError when the name is not a valid metric name or is already taken.
   */
  registerGauge(metric: ScrapeTimeMetric): void {
    this.assertNameFree(metric.name);
    const { collect } = metric;
    new Gauge({
      name: metric.name,
      help: metric.help,
      labelNames: metric.labelNames ?? [],
      registers: this.registers,
      collect() {
        // Reset first: a label set the collector no longer reports must disappear.
        this.reset();
        for (const s of samplesOf(collect())) {
          this.set(s.labels, s.value);
        }
      },
    });
  }

  /**
   * Registers a counter whose value is read at every scrape from whoever counts
   * (e.g. the password service's argon2 computations): it must only ever grow.
   * prom-client counters only go up, hence reset-and-add to copy the total over.
   */
  registerCounter(metric: ScrapeTimeMetric): void {
    this.assertNameFree(metric.name);
    const { collect } = metric;
    new Counter({
      name: metric.name,
      help: metric.help,
      labelNames: metric.labelNames ?? [],
      registers: this.registers,
      collect() {
        this.reset();
        for (const s of samplesOf(collect())) {
          this.inc(s.labels, s.value);
        }
      },
    });
  }

  /**
   * Every metric in the Prometheus text exposition format 0.0.4 (ends with a
   * newline). Metric by metric rather than prom-client's `registry.metrics()`,
   * which fails the whole scrape when one collector throws (e.g. on a closed pool).
   */
  async render(options: RenderOptions = {}): Promise<string> {
    const texts = await Promise.all(
      this.registry.getMetricsAsArray().map(async ({ name }) => {
        try {
          return [await this.registry.getSingleMetricAsString(name)];
        } catch (err) {
          options.onCollectError?.(name, err);
          return [];
        }
      }),
    );
    return `${texts.flat().join('\n')}\n`;
  }

  private assertNameFree(name: string): void {
    if (!METRIC_NAME.test(name)) {
      throw new TypeError(`invalid Prometheus metric name "${name}"`);
    }
    const taken = this.registry
      .getMetricsAsArray()
      .some(
        (m) =>
          m.name === name ||
          (m instanceof Histogram && HISTOGRAM_SUFFIXES.some((s) => name === `${m.name}${s}`)),
      );
    if (taken) {
      throw new TypeError(`metric "${name}" is already registered`);
    }
  }
}
