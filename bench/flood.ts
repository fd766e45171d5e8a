/**
 * The attacker of the flood scenario, run as its own process so that it never shares
 * a CPU thread with the server or with the login it disturbs:
 * `node --import tsx bench/flood.ts '<FloodSpec JSON>'`.
 *
 * Sends registrations or wrong-password logins open loop at `rate` per second, each
 * from the next of `addresses` (loopback addresses bound as the socket's source, so
 * the server sees one client per address, as on a real network), with one keep-alive
 * agent per address. autocannon cannot bind a source address, hence node:http.
 *
 * Prints `{"phase":"flooding"}` once it is sending and its signal handlers are in
 * place. SIGUSR1 starts the counted interval (the counts so far are dropped); SIGTERM
 * ends it: it prints one JSON line (a {@link FloodResult}) and exits. It also stops by
 * itself after `maxSeconds` or `maxRequests`, whichever comes first.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { FloodResult, FloodSpec } from './lib/load-types.js';

const REQUEST_TIMEOUT_MS = 30_000;
const TICK_MS = 10;

/** Only this machine is ever targeted, and only from loopback addresses. */
function checkLoopback(spec: FloodSpec): URL {
  const url = new URL(spec.url);
  if (url.protocol !== 'http:' || !isLoopbackV4(url.hostname)) {
    throw new Error(`flood: refusing to target ${spec.url}: loopback (127.0.0.0/8) only`);
  }
  if (spec.addresses.length === 0) {
    throw new Error('flood: no source addresses');
  }
  for (const address of spec.addresses) {
    if (!isLoopbackV4(address) || address === '127.0.0.1') {
      throw new Error(
        `flood: source address ${address} is not a loopback address other than 127.0.0.1`,
      );
    }
  }
  const bounded = (n: number, max: number) => Number.isFinite(n) && n > 0 && n <= max;
  if (
    !bounded(spec.rate, 10_000) ||
    !bounded(spec.maxInFlight, 10_000) ||
    !bounded(spec.maxSeconds, 3600) ||
    !bounded(spec.maxRequests, 10_000_000)
  ) {
    throw new Error(
      'flood: rate, maxInFlight, maxSeconds and maxRequests must be positive and bounded',
    );
  }
  return url;
}

function isLoopbackV4(host: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

/** Path and body of request number `n`. */
function requestMaker(spec: FloodSpec): (n: number) => { path: string; body: string } {
  // Unique per run: the PostgreSQL database may already hold a previous phase's accounts.
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const password = `flood-${randomBytes(12).toString('base64url')}`;
  switch (spec.kind) {
    case 'register':
      return (n) => ({
        path: '/api/v1/auth/register',
        body: JSON.stringify({ email: `flood-${tag}-${n}@flood.example`, password }),
      });
    case 'wrong-password-account': {
      const email = spec.email;
      if (email === undefined) {
        throw new Error('flood: wrong-password-account needs an email');
      }
      return (n) => ({
        path: '/api/v1/auth/login',
        body: JSON.stringify({ email, password: `${password}-${n}` }),
      });
    }
    case 'wrong-password-spray':
      return (n) => ({
        path: '/api/v1/auth/login',
        body: JSON.stringify({ email: `spray-${tag}-${n}@flood.example`, password }),
      });
  }
}

interface Counts {
  sent: number;
  answered: number;
  errors: number;
  skipped: number;
  statusCodes: Record<string, number>;
  totalMsByStatus: Record<string, number>;
  retryAfter: Record<string, { min: number; max: number }>;
}

function emptyCounts(): Counts {
  return {
    sent: 0,
    answered: 0,
    errors: 0,
    skipped: 0,
    statusCodes: {},
    totalMsByStatus: {},
    retryAfter: {},
  };
}

function main(): void {
  const raw = process.argv[2];
  if (raw === undefined) {
    throw new Error('usage: flood.ts <FloodSpec JSON>');
  }
  const spec = JSON.parse(raw) as FloodSpec;
  const base = checkLoopback(spec);
  const make = requestMaker(spec);
  const agents = new Map(
    spec.addresses.map((address) => [
      address,
      new Agent({ keepAlive: true, maxSockets: 8, localAddress: address }),
    ]),
  );

  const startedAt = performance.now();
  let countedFrom = startedAt;
  let counts = emptyCounts();
  let issued = 0;
  let inFlight = 0;
  let stopped = false;

  const send = (n: number) => {
    const address = spec.addresses[n % spec.addresses.length]!;
    const { path, body } = make(n);
    const sentAt = performance.now();
    counts.sent += 1;
    inFlight += 1;
    let settled = false;
    const settle = (status: number | null, retryAfter?: string | string[]) => {
      if (settled) {
        return;
      }
      settled = true;
      inFlight -= 1;
      // Every answer that arrives in the counted interval counts, whenever it was sent.
      if (stopped) {
        return;
      }
      if (status === null) {
        counts.errors += 1;
        return;
      }
      const code = String(status);
      counts.answered += 1;
      counts.statusCodes[code] = (counts.statusCodes[code] ?? 0) + 1;
      counts.totalMsByStatus[code] =
        (counts.totalMsByStatus[code] ?? 0) + performance.now() - sentAt;
      const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      if (retryAfter !== undefined && Number.isFinite(seconds)) {
        const seen = counts.retryAfter[code];
        counts.retryAfter[code] = seen
          ? { min: Math.min(seen.min, seconds), max: Math.max(seen.max, seconds) }
          : { min: seconds, max: seconds };
      }
    };
    const req = request(
      new URL(path, base),
      {
        method: 'POST',
        agent: agents.get(address)!,
        localAddress: address,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'netpilot-bench-flood',
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () => settle(res.statusCode ?? 0, res.headers['retry-after']));
        res.on('error', () => settle(null));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => settle(null));
    req.end(body);
  };

  const finish = (stoppedBy: FloodResult['stoppedBy']) => {
    if (stopped) {
      return;
    }
    stopped = true;
    clearInterval(timer);
    const seconds = (performance.now() - countedFrom) / 1000;
    const meanMsByStatus: Record<string, number> = {};
    for (const [code, n] of Object.entries(counts.statusCodes)) {
      meanMsByStatus[code] = Math.round(((counts.totalMsByStatus[code] ?? 0) / n) * 10) / 10;
    }
    const result: FloodResult = {
      phase: 'done',
      stoppedBy,
      seconds: Math.round(seconds * 1000) / 1000,
      sent: counts.sent,
      answered: counts.answered,
      rps: seconds > 0 ? Math.round((counts.answered / seconds) * 10) / 10 : 0,
      statusCodes: counts.statusCodes,
      meanMsByStatus,
      retryAfter: counts.retryAfter,
      errors: counts.errors,
      skipped: counts.skipped,
      inFlightAtStop: inFlight,
    };
    for (const agent of agents.values()) {
      agent.destroy();
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
    // Exits once the destroyed sockets are gone; a moment later at the latest, so the
    // line is read before the exit is seen.
    setTimeout(() => process.exit(0), 200).unref();
  };

  const timer = setInterval(() => {
    const elapsed = performance.now() - startedAt;
    if (elapsed >= spec.maxSeconds * 1000) {
      finish('time');
      return;
    }
    // Open loop: whatever is due by now, however the earlier requests fared.
    const due = Math.min(Math.floor((elapsed / 1000) * spec.rate), spec.maxRequests);
    while (issued < due) {
      if (inFlight >= spec.maxInFlight) {
        counts.skipped += 1;
      } else {
        send(issued);
      }
      issued += 1;
    }
    if (issued >= spec.maxRequests) {
      finish('count');
    }
  }, TICK_MS);

  process.on('SIGUSR1', () => {
    countedFrom = performance.now();
    counts = emptyCounts();
  });
  process.on('SIGTERM', () => finish('signal'));
  console.log(JSON.stringify({ phase: 'flooding' }));
}

try {
  main();
} catch (err: unknown) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
}
