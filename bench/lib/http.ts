/** Small HTTP helpers: calls to our API and to the simulator, and /metrics scrapes. */

export interface ApiAnswer<T = unknown> {
  status: number;
  body: { success?: boolean; data?: T; error?: { code: string; message: string } | null };
  text: string;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly text: string,
  ) {
    super(`${message}: HTTP ${status} ${text.slice(0, 400)}`);
  }
}

/** One JSON call; throws HttpError unless the status is one of `expect` (default 2xx). */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; expect?: number[] } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(base + path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const ok = options.expect
    ? options.expect.includes(response.status)
    : response.status >= 200 && response.status < 300;
  if (!ok) {
    throw new HttpError(`${method} ${path}`, response.status, text);
  }
  let body: ApiAnswer<T>['body'] = {};
  try {
    body = JSON.parse(text) as ApiAnswer<T>['body'];
  } catch {
    // Not JSON (e.g. the simulator's HTML pages): the caller looks at `text`.
  }
  return { status: response.status, body, text };
}

/** Polls `url` until it answers 200, or throws after `timeoutMs`. */
export async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) {
        return;
      }
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (${last})`);
}

/** A parsed Prometheus scrape: `name{labels}` → value. */
export type Scrape = Map<string, { name: string; labels: Record<string, string>; value: number }>;

/**
 * The METRICS_TOKEN the benchmark gives the server: it runs in production mode,
 * where /metrics is served only behind a token.
 */
export const BENCH_METRICS_TOKEN = 'netpilot-bench-metrics-token-not-a-secret';

export async function scrapeMetrics(base: string): Promise<Scrape> {
  const response = await fetch(`${base}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new HttpError('GET /metrics', response.status, text);
  }
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) {
      continue;
    }
    const labels: Record<string, string> = {};
    for (const pair of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, '$1');
    }
    out.set(m[1]! + (m[2] ?? ''), { name: m[1]!, labels, value: Number(m[4]) });
  }
  return out;
}

/** Sum of every sample of `name` whose labels include `where`. */
export function metricSum(
  scrape: Scrape,
  name: string,
  where: Record<string, string> = {},
): number {
  let total = 0;
  for (const sample of scrape.values()) {
    if (sample.name !== name) {
      continue;
    }
    if (Object.entries(where).every(([k, v]) => sample.labels[k] === v)) {
      total += sample.value;
    }
  }
  return total;
}
