/**
 * The load generator, run as its own process so that it never shares a CPU thread
 * with the server under test: `node --import tsx bench/load.ts '<LoadSpec JSON>'`.
 *
 * Runs a warm-up, prints `{"phase":"measure"}`, runs the measured interval, then
 * prints one JSON line with the result (a {@link LoadResult}). Latency percentiles
 * are computed here from every 2xx response time at microsecond resolution
 * (autocannon's own histogram has 1 ms buckets, too coarse for sub-millisecond
 * ceilings).
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './lib/load-types.js';

interface Request {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  onResponse?: (status: number, body: string) => void;
}

/** The first few non-2xx answers, to say why a run failed. */
const failures: string[] = [];
const MAX_FAILURES = 3;

function keepFailures(requests: Request[]): Request[] {
  return requests.map((r) => ({
    ...r,
    onResponse: (status: number, body: string) => {
      if ((status < 200 || status >= 300) && failures.length < MAX_FAILURES) {
        failures.push(`${r.method} ${r.path} → ${status} ${body.slice(0, 300)}`);
      }
    },
  }));
}

interface AutocannonClient {
  setRequests(requests: Request[]): void;
}

/** The requests one connection cycles through, for connection number `slot`. */
function requestsFor(spec: LoadSpec, slot: number): Request[] {
  const target = spec.target;
  switch (target.kind) {
    case 'fixed':
      return [
        {
          method: target.method,
          path: target.path,
          headers: target.headers ?? {},
          ...(target.body === undefined ? {} : { body: target.body }),
        },
      ];
    case 'whitelist': {
      // Each connection works on its own router and IP, with its own login: no two
      // connections ever touch the same list entry, on our server or on the
      // simulator, and each login's Commands-Server session stays on its router.
      const { routerId, token } = target.routers[slot % target.routers.length]!;
      const ip = `10.${100 + (Math.floor(slot / 250) % 150)}.${target.ipBlock % 250}.${(slot % 250) + 1}`;
      const auth = { authorization: `Bearer ${token}` };
      return [
        {
          method: 'POST',
          path: `/api/v1/routers/${encodeURIComponent(routerId)}/whitelist`,
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ ip }),
        },
        {
          method: 'DELETE',
          path: `/api/v1/routers/${encodeURIComponent(routerId)}/whitelist/${ip}`,
          headers: auth,
        },
      ];
    }
    case 'simulator-whitelist': {
      const { routerId, sessionId } = target.routers[slot % target.routers.length]!;
      const ip = `10.${100 + (Math.floor(slot / 250) % 150)}.${target.ipBlock % 250}.${(slot % 250) + 1}`;
      // Exactly what our Commands-Server client sends: ids in the query and in the body.
      const query = new URLSearchParams({ sessionId, routerId }).toString();
      const body = JSON.stringify({ ip, sessionId, routerId });
      const headers = { accept: 'application/json', 'content-type': 'application/json' };
      return [
        { method: 'POST', path: `/api/whitelist/add?${query}`, headers, body },
        { method: 'POST', path: `/api/whitelist/remove?${query}`, headers, body },
      ];
    }
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

async function run(spec: LoadSpec, seconds: number, slotBase: number, record: boolean) {
  const latencies: number[] = [];
  let slot = slotBase;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
    timeout: 30,
    setupClient: (client: AutocannonClient) => {
      client.setRequests(keepFailures(requestsFor(spec, slot)));
      slot += 1;
    },
  });
  if (record) {
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) {
        latencies.push(ms);
      }
    });
  }
  const result = await instance;
  return { result, latencies, nextSlot: slot };
}

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (raw === undefined) {
    throw new Error('usage: load.ts <LoadSpec JSON>');
  }
  const spec = JSON.parse(raw) as LoadSpec;
  let slot = 0;
  if (spec.warmupSeconds > 0) {
    slot = (await run(spec, spec.warmupSeconds, slot, false)).nextSlot;
  }
  console.log(JSON.stringify({ phase: 'measure' }));
  const { result, latencies } = await run(spec, spec.durationSeconds, slot, true);
  const sorted = Float64Array.from(latencies).sort();
  const duration = result.duration > 0 ? result.duration : spec.durationSeconds;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stat.count;
  }
  const out: LoadResult = {
    phase: 'done',
    durationSeconds: duration,
    requests: result.requests.total,
    ok: result['2xx'],
    rps: round3(result['2xx'] / duration),
    p50_ms: round3(percentile(sorted, 50)),
    p90_ms: round3(percentile(sorted, 90)),
    p99_ms: round3(percentile(sorted, 99)),
    max_ms: round3(sorted.length > 0 ? sorted[sorted.length - 1]! : 0),
    mean_ms: round3(sorted.length > 0 ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0),
    bytesPerResponse:
      result['2xx'] > 0 ? Math.round(result.throughput.total / result.requests.total) : 0,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    failures,
  };
  console.log(JSON.stringify(out));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
