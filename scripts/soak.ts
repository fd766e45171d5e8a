/**
 * Soak test: `npm run soak -- --duration 60 --users 50`.
 *
 * Starts the Commands-Server simulator in-process with a small fault rate, builds
 * the app on a fresh PostgreSQL database of its own (np_soak_<random>, migrated,
 * dropped at the end), listens on a loopback port, and lets N users do mixed work
 * over HTTP for the duration. Then checks the invariants: every successful list
 * change persisted and no failed one did, no duplicates, no drift between the
 * database and the simulated routers, no undocumented 5xx, stable RSS. Prints a
 * summary and exits non-zero on any violation.
 *
 * Options: --duration <s> (60), --users <n> (50), --max-requests <n> (200 per user),
 * --fault-rate <0..1> (0.02, half error, half drop). SOAK_DATABASE_URL names the
 * PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { CommandsServerHttp } from '../src/clients/commands-server.http.js';
import type { ListName } from '../src/clients/commands-server.types.js';
import { loadConfig } from '../src/config.js';
import { createDb, queryRows, type DbHandle } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { Metrics } from '../src/metrics.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    users: { type: 'string', default: '50' },
    'max-requests': { type: 'string' },
    'fault-rate': { type: 'string', default: '0.02' },
  },
});
const DURATION_S = Number(args.duration);
const USERS = Number(args.users);
const MAX_REQUESTS = Number(args['max-requests'] ?? String(USERS * 200));
const FAULT_RATE = Number(args['fault-rate']);
for (const [name, v] of Object.entries({ DURATION_S, USERS, MAX_REQUESTS, FAULT_RATE })) {
  if (!Number.isFinite(v) || v < 0) {
    console.error(`invalid option ${name}: ${v}`);
    process.exit(2);
  }
}
const ADMIN_URL = process.env.SOAK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'correct horse battery staple';

/** Router failures SPEC §6 documents; any other 5xx is a violation. */
const ROUTER_FAILURES = new Set([
  'ROUTER_COMMAND_FAILED',
  'COMMANDS_SERVER_BAD_RESPONSE',
  'COMMANDS_SERVER_UNAVAILABLE',
  'ROUTER_TIMEOUT',
]);
/** 4xx a well-formed client can meet in this workload. */
const EXPECTED_4XX = new Set(['RATE_LIMITED', 'ENTRY_NOT_FOUND', 'DEVICE_NOT_FOUND', 'CONFLICT']);

const LISTS: ListName[] = ['whitelist', 'blacklist'];
const POOLS: Record<ListName, string[]> = {
  whitelist: Array.from({ length: 6 }, (_, i) => `10.20.0.${i + 10}`),
  blacklist: Array.from({ length: 6 }, (_, i) => `10.30.0.${i + 10}`),
};

interface User {
  email: string;
  token: string;
  routerId: string;
  owner: boolean;
}

interface ListOp {
  routerId: string;
  list: ListName;
  ip: string;
  kind: 'add' | 'remove';
  ok: boolean;
  code: string | null;
  completedAt: number;
}

interface OpStats {
  count: number;
  ok: number;
  expected4xx: number;
  routerFailures: number;
  violations: number;
  latencies: number[];
}

const violations: string[] = [];
const stats = new Map<string, OpStats>();
const listOps: ListOp[] = [];
/** Routers whose firewall blocks may differ from the database by design (a timeout). */
const blockStateUnknown = new Set<string>();
let requests = 0;
let completed = 0;

function statsOf(name: string): OpStats {
  let s = stats.get(name);
  if (!s) {
    s = { count: 0, ok: 0, expected4xx: 0, routerFailures: 0, violations: 0, latencies: [] };
    stats.set(name, s);
  }
  return s;
}

interface Answer {
  status: number;
  code: string | null;
  data: unknown;
}

async function call(
  base: string,
  op: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<Answer> {
  requests += 1;
  const s = statsOf(op);
  s.count += 1;
  const started = performance.now();
  const headers: Record<string, string> = {};
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  let status = 0;
  let json: { data?: unknown; error?: { code?: string } } = {};
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.status;
    const text = await res.text();
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = {};
    }
  } catch (err) {
    s.violations += 1;
    violations.push(`${op} ${method} ${path}: request failed: ${String(err)}`);
    return { status: 0, code: null, data: null };
  }
  s.latencies.push(performance.now() - started);
  const code = json.error?.code ?? null;
  if (status >= 200 && status < 300) {
    s.ok += 1;
  } else if (status >= 500 && code !== null && ROUTER_FAILURES.has(code)) {
    s.routerFailures += 1;
  } else if (status >= 400 && status < 500 && code !== null && EXPECTED_4XX.has(code)) {
    s.expected4xx += 1;
  } else {
    s.violations += 1;
    violations.push(`${op} ${method} ${path}: unexpected ${status} ${code ?? '(no code)'}`);
  }
  return { status, code, data: json.data ?? null };
}

async function setup(base: string): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < USERS; i += 1) {
    const email = `soak-${i}-${randomBytes(4).toString('hex')}@example.com`;
    const reg = await call(base, 'register', 'POST', '/api/v1/auth/register', null, {
      email,
      password: PASSWORD,
    });
    const login = await call(base, 'login', 'POST', '/api/v1/auth/login', null, {
      email,
      password: PASSWORD,
    });
    if (reg.status !== 201 || login.status !== 200) {
      throw new Error(`setup: register ${reg.status}, login ${login.status}`);
    }
    const token = (login.data as { token: string }).token;
    // Every fifth user joins the previous user's router by invitation instead of adding one.
    const previous = users[i - 1];
    if (i % 5 === 4 && previous) {
      await joinByInvitation(base, previous, email, token);
      users.push({ email, token, routerId: previous.routerId, owner: false });
    } else {
      const routerId = `soak-${i}-${randomBytes(4).toString('hex')}`;
      // The Commands-Server may fail here too (faults are on): retry a few times.
      let added: Answer | null = null;
      for (let attempt = 0; attempt < 5 && (added === null || added.status >= 300); attempt += 1) {
        added = await call(base, 'routers.add', 'POST', '/api/v1/routers', token, {
          routerId,
          name: `Soak ${i}`,
        });
      }
      if (!added || added.status >= 300) {
        throw new Error(`setup: add router ${added?.status}`);
      }
      users.push({ email, token, routerId, owner: true });
    }
  }
  return users;
}

/** The owner invites `email` to their router; its holder (logged in with `token`) accepts. */
async function joinByInvitation(base: string, owner: User, email: string, token: string) {
  const invited = await call(
    base,
    'invitations.create',
    'POST',
    `/api/v1/routers/${owner.routerId}/invitations`,
    owner.token,
    { email },
  );
  const id = (invited.data as { id?: string } | null)?.id;
  if (invited.status >= 300 || !id) {
    throw new Error(`setup: invite ${invited.status} ${invited.code}`);
  }
  const accepted = await call(
    base,
    'invitations.accept',
    'POST',
    `/api/v1/invitations/${id}/accept`,
    token,
  );
  if (accepted.status >= 300) {
    throw new Error(`setup: accept ${accepted.status} ${accepted.code}`);
  }
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

async function work(base: string, user: User, deadline: number): Promise<void> {
  const r = `/api/v1/routers/${user.routerId}`;
  let deviceIps: string[] = [];
  while (Date.now() < deadline && requests < MAX_REQUESTS) {
    const roll = Math.random();
    if (roll < 0.45) {
      const list = pick(LISTS);
      const ip = pick(POOLS[list]);
      const kind: ListOp['kind'] = Math.random() < 0.55 ? 'add' : 'remove';
      const res =
        kind === 'add'
          ? await call(base, `${list}.add`, 'POST', `${r}/${list}`, user.token, { ip })
          : await call(base, `${list}.remove`, 'DELETE', `${r}/${list}/${ip}`, user.token);
      completed += 1;
      listOps.push({
        routerId: user.routerId,
        list,
        ip,
        kind,
        ok: res.status >= 200 && res.status < 300,
        code: res.code,
        completedAt: completed,
      });
    } else if (roll < 0.55) {
      const res = await call(base, 'scan', 'POST', `${r}/scan`, user.token);
      if (res.status === 200) {
        const devices = (res.data as { devices: { ip: string }[] }).devices;
        deviceIps = devices.map((d) => d.ip);
      }
    } else if (roll < 0.7) {
      // A small page and, when there is one, the next: the cursor path under load too.
      const first = await call(base, 'devices.list', 'GET', `${r}/devices?limit=20`, user.token);
      const next = (first.data as { nextCursor?: string | null } | null)?.nextCursor;
      if (next) {
        await call(base, 'devices.list', 'GET', `${r}/devices?limit=20&cursor=${next}`, user.token);
      }
    } else if (roll < 0.78) {
      await call(base, `${pick(LISTS)}.get`, 'GET', `${r}/${pick(LISTS)}`, user.token);
    } else if (roll < 0.86 && deviceIps.length > 0) {
      const ip = pick(deviceIps);
      const which = Math.random() < 0.5 ? 'block' : 'unblock';
      const res = await call(base, which, 'POST', `${r}/${which}`, user.token, { ip });
      if (res.code === 'ROUTER_TIMEOUT' || res.code === 'PERSISTENCE_FAILED') {
        // The router may hold what the database does not: nothing exact to compare.
        blockStateUnknown.add(user.routerId);
      }
    } else if (roll < 0.9 && user.owner) {
      const list = pick(LISTS);
      await call(base, `${list}.mode`, 'PUT', `${r}/${list}/mode`, user.token, {
        active: Math.random() < 0.5,
      });
    } else {
      await call(base, 'wifi.status', 'GET', `${r}/wifi`, user.token);
    }
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

async function checkInvariants(db: DbHandle, sim: Simulator, users: User[]): Promise<string[]> {
  const problems: string[] = [];
  const routerIds = [...new Set(users.map((u) => u.routerId))];
  for (const routerId of routerIds) {
    const state = sim.routerState(routerId);
    for (const list of LISTS) {
      const table = list === 'whitelist' ? 'user_whitelists' : 'user_blacklists';
      const rows = await queryRows<{ ip: string }>(
        db.db,
        sql`select host(l.ip) as ip from ${sql.identifier(table)} l
             join routers r on r.id = l.router_id where r.router_id = ${routerId}`,
      );
      const inDb = rows.map((row) => row.ip);
      if (new Set(inDb).size !== inDb.length) {
        problems.push(`${routerId} ${list}: duplicate rows ${inDb.join(',')}`);
      }
      const held = new Set(inDb);
      const onRouter = new Set(state[list]);
      const ops = listOps
        .filter((o) => o.routerId === routerId && o.list === list)
        .sort((a, b) => a.completedAt - b.completedAt);
      for (const ip of POOLS[list]) {
        const mine = ops.filter((o) => o.ip === ip);
        // A timeout leaves the router's state unknown; nothing exact to check for this IP.
        if (mine.some((o) => o.code === 'ROUTER_TIMEOUT')) {
          continue;
        }
        const last = mine.filter((o) => o.ok).at(-1);
        const expected = last?.kind === 'add';
        const where = `${routerId} ${list} ${ip} (last success: ${last ? `${last.kind} #${last.completedAt}` : 'none'})`;
        if (held.has(ip) !== expected) {
          problems.push(`${where}: database ${held.has(ip) ? 'has' : 'lacks'} it`);
        }
        if (onRouter.has(ip) !== expected) {
          problems.push(`${where}: router ${onRouter.has(ip) ? 'has' : 'lacks'} it (drift)`);
        }
      }
    }
  }
  // Blocks: the router's rule is per MAC, and we record the MAC it says it blocked.
  for (const routerId of routerIds) {
    if (blockStateUnknown.has(routerId)) {
      continue;
    }
    const rows = await queryRows<{ mac: string | null; ip: string }>(
      db.db,
      sql`select b.mac::text as mac, host(b.ip) as ip from user_blocked_devices b
           join routers r on r.id = b.router_id where r.router_id = ${routerId}`,
    );
    const inDb = new Set(rows.map((row) => row.mac ?? `(no MAC for ${row.ip})`));
    const onRouter = new Set(sim.routerState(routerId).blocked.map((b) => b.mac));
    const missing = [...onRouter].filter((mac) => !inDb.has(mac));
    const extra = [...inDb].filter((mac) => !onRouter.has(mac));
    if (missing.length > 0 || extra.length > 0) {
      problems.push(
        `${routerId} blocks: router only ${missing.join(',') || '-'}; database only ${extra.join(',') || '-'}`,
      );
    }
  }
  const [pending] = await queryRows<{ n: number }>(
    db.db,
    sql`select count(*)::int as n from audit_events where outcome = 'pending'`,
  );
  if ((pending?.n ?? 0) > 0) {
    problems.push(`${pending?.n} audit events still pending`);
  }
  return problems;
}

async function main(): Promise<number> {
  const dbName = `np_soak_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  await admin.end();
  const target = new URL(ADMIN_URL);
  target.pathname = `/${dbName}`;
  const url = target.toString();

  const cleanups: (() => Promise<unknown>)[] = [
    async () => {
      const drop = new pg.Client({ connectionString: ADMIN_URL });
      await drop.connect();
      await drop.query(`drop database if exists "${dbName}" with (force)`);
      await drop.end();
    },
  ];
  try {
    const db = await createDb({ kind: 'postgres', url, poolMax: 20, statementTimeoutMs: 30_000 });
    cleanups.push(() => db.close());
    await runMigrations(db);

    // The harness runs in this process: keep the simulator's call log (and RSS) bounded.
    const sim = await startSimulator({ janitorIntervalMs: 0, maxRecordedCalls: 1000 });
    cleanups.push(() => sim.close());
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: url,
      COMMANDS_SERVER_URL: sim.url,
      SCAN_MIN_INTERVAL_SECONDS: '2',
      // Its users register and log in from one address, at load.
      REGISTER_THROTTLE_PER_IP: '1000000',
      LOGIN_THROTTLE_FREE_ATTEMPTS: '1000',
    });
    const metrics = new Metrics();
    const http = new CommandsServerHttp({
      baseUrl: sim.url,
      timeoutMs: config.commandsServer.timeoutMs,
      scanTimeoutMs: config.commandsServer.scanTimeoutMs,
      onCall: metrics.observeCommandsServerCall,
    });
    cleanups.push(() => http.close());
    const app = await buildApp({ config, db, commandsServer: http, metrics });
    cleanups.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // Faults on router commands (not on session start), half error, half drop.
    const match = { path: /^\/api\/(whitelist|blacklist|network|wifi)\// };
    sim.faults.inject({
      match,
      probability: FAULT_RATE / 2,
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'soak fault' },
    });
    sim.faults.inject({ match, probability: FAULT_RATE / 2, fault: { kind: 'drop' } });

    const setupStarted = Date.now();
    const users = await setup(base);
    const setupMs = Date.now() - setupStarted;

    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 500);
    const started = Date.now();
    const deadline = started + DURATION_S * 1000;
    await Promise.all(users.map((u) => work(base, u, deadline)));
    const elapsedMs = Date.now() - started;
    clearInterval(sampler);
    rss.push(process.memoryUsage().rss);

    sim.faults.clear();
    await app.services.commandsSessions.drain();
    const invariantProblems = await checkInvariants(db, sim, users);

    // RSS: the last quarter's median may not exceed the median after warm-up by 50 %.
    const warm = rss.slice(Math.floor(rss.length * 0.2), Math.floor(rss.length * 0.4));
    const tail = rss.slice(Math.floor(rss.length * 0.75));
    const rssWarm = median(warm.length ? warm : rss);
    const rssTail = median(tail.length ? tail : rss);
    const rssGrowth = rssWarm > 0 ? rssTail / rssWarm - 1 : 0;
    const rssProblems = rssGrowth > 0.5 ? [`RSS grew ${(rssGrowth * 100).toFixed(0)} %`] : [];

    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `\nSoak ${new Date().toISOString()}: ${USERS} users, ${new Set(users.map((u) => u.routerId)).size} routers, ` +
        `${(elapsedMs / 1000).toFixed(1)} s (setup ${(setupMs / 1000).toFixed(1)} s), ` +
        `${requests} requests (${((requests / elapsedMs) * 1000).toFixed(0)}/s), fault rate ${FAULT_RATE}`,
    );
    console.table(
      Object.fromEntries(
        [...stats.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, s]) => [
            name,
            {
              requests: s.count,
              '2xx': s.ok,
              'expected 4xx': s.expected4xx,
              'router failures': s.routerFailures,
              violations: s.violations,
              'p50 ms': Number(percentile(s.latencies, 50).toFixed(1)),
              'p95 ms': Number(percentile(s.latencies, 95).toFixed(1)),
            },
          ]),
      ),
    );
    console.log(
      `RSS: min ${mb(Math.min(...rss))}, after warm-up ${mb(rssWarm)}, last quarter ${mb(rssTail)}, ` +
        `max ${mb(Math.max(...rss))} (${rss.length} samples, growth ${(rssGrowth * 100).toFixed(1)} %)`,
    );
    console.log(
      `List operations tracked: ${listOps.length} (${listOps.filter((o) => o.ok).length} succeeded)`,
    );
    const all = [...violations, ...invariantProblems, ...rssProblems];
    console.log(`Invariant violations: ${all.length}`);
    for (const v of all.slice(0, 50)) {
      console.log(`  - ${v}`);
    }
    if (all.length > 50) {
      console.log(`  … and ${all.length - 50} more`);
    }
    console.log(all.length === 0 ? 'SOAK PASSED' : 'SOAK FAILED');
    return all.length === 0 ? 0 : 1;
  } finally {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: unknown) => console.error('cleanup failed:', err));
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
