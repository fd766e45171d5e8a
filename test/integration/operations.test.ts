import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import type { SimDevice } from '../../src/simulator/index.js';
import { createTestContext, injectAs, type TestContext } from '../helpers/build-app.js';
import { auditEventsOf, snapshotRouterData } from '../helpers/factories.js';
import { memberOf, userWithRouter, type RouterUser } from '../helpers/operation-checks.js';
import { pollUntil } from '../helpers/poll.js';

let ctx: TestContext;
// Another server instance on the same database and simulator.
let other: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  other = await createTestContext({ db: ctx.db, sim: ctx.sim });
});
afterAll(async () => {
  await other.close();
  await ctx.close();
});

const ASYNC = { prefer: 'respond-async' };

function scan(r: RouterUser, headers: Record<string, string> = {}, context = ctx) {
  return injectAs(context.app, r.user, {
    method: 'POST',
    url: `/api/v1/routers/${r.routerId}/scan`,
    headers,
  });
}

function getOperation(r: RouterUser, id: string, context = ctx) {
  return injectAs(context.app, r.user, { method: 'GET', url: `/api/v1/operations/${id}` });
}

function listOperations(r: RouterUser, query = '') {
  return injectAs(ctx.app, r.user, {
    method: 'GET',
    url: `/api/v1/routers/${r.routerId}/operations${query}`,
  });
}

/** Polls the operation until it is no longer running; answers it. */
async function finished(r: RouterUser, id: string) {
  let op: Record<string, unknown> = {};
  await pollUntil(
    async () => {
      op = (await getOperation(r, id)).json().data;
      return op.state !== 'running';
    },
    { timeoutMs: 10_000, what: `operation ${id} to finish` },
  );
  return op;
}

function scanCalls(r: RouterUser, context = ctx) {
  return context.sim.calls.filter(
    (c) => c.path === '/api/network/scan' && c.routerId === r.routerId,
  ).length;
}

function slowScans(r: RouterUser, ms: number, context = ctx) {
  return context.sim.faults.inject({
    match: { path: '/api/network/scan', routerId: r.routerId },
    fault: { kind: 'latency', ms },
  });
}

const DEVICES: SimDevice[] = [1, 2, 3].map((i) => ({
  ip: `192.168.1.${10 + i}`,
  mac: `02:00:00:00:01:0${i}`,
  hostname: `host-${i}`,
  vendor: 'Acme',
}));

/** A scan result without what differs between routers and instants. */
function comparable(result: { devices: Record<string, unknown>[] }) {
  return result.devices.map(({ id: _id, firstSeen: _f, lastSeen: _l, ...rest }) => rest);
}

describe('Prefer: respond-async', () => {
  it('answers 202 with Location, then the operation succeeds with what the synchronous call answers', async () => {
    const a = await userWithRouter(ctx);
    const b = await userWithRouter(ctx, a.user);
    ctx.sim.configureRouter(a.routerId, { devices: DEVICES });
    ctx.sim.configureRouter(b.routerId, { devices: DEVICES });
    const sync = await scan(a);
    expect(sync.statusCode).toBe(200);

    const res = await scan(b, ASYNC);
    expect(res.statusCode).toBe(202);
    const op = res.json().data;
    expect(res.headers.location).toBe(`/api/v1/operations/${op.id}`);
    expect(res.headers['preference-applied']).toBe('respond-async');
    expect(res.json().error).toBeNull();
    expect(op).toMatchObject({ kind: 'network.scan', routerId: b.routerId, error: null });
    expect(['running', 'succeeded']).toContain(op.state);

    const done = await finished(b, op.id);
    expect(done).toMatchObject({ id: op.id, state: 'succeeded', error: null });
    expect(done.finishedAt).not.toBeNull();
    expect(done.elapsedMs).toBeGreaterThanOrEqual(0);
    const result = done.result as { scannedAt: string; devices: Record<string, unknown>[] };
    expect(comparable(result)).toEqual(comparable(sync.json().data));
    expect(Object.keys(result).sort()).toEqual(Object.keys(sync.json().data).sort());
    const [row] = await queryRows<{ at: Date }>(
      ctx.db.db,
      sql`select last_scan_at as at from routers where id = ${b.uuid}`,
    );
    expect(new Date(row!.at).toISOString()).toBe(result.scannedAt);
    // Same audit as the synchronous scan.
    expect((await auditEventsOf(ctx.db.db, b.uuid)).at(-1)).toMatchObject({
      operation: 'network.scan',
      outcome: 'succeeded',
    });
  });

  it('a failed scan shows failed with the synchronous error, and changes nothing', async () => {
    const owner = await userWithRouter(ctx);
    const fault = {
      match: { path: '/api/network/scan', routerId: owner.routerId },
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'Command failed: x' },
    } as const;
    ctx.sim.faults.inject(fault);
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    try {
      const sync = await scan(owner);
      expect(sync.statusCode).toBe(502);
      const op = (await scan(owner, ASYNC)).json().data;
      const done = await finished(owner, op.id);
      expect(done).toMatchObject({ state: 'failed', result: null });
      // The same error as the synchronous call, details (the router's words) included.
      expect(done.error).toEqual({
        code: sync.json().error.code,
        message: sync.json().error.message,
        status: 502,
        details: sync.json().error.details,
      });
      expect(sync.json().error.details).toMatchObject({ upstreamMessage: 'Command failed: x' });
    } finally {
      ctx.sim.faults.clear();
    }
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).at(-1)).toMatchObject({
      operation: 'network.scan',
      outcome: 'failed',
      error_code: 'ROUTER_COMMAND_FAILED',
    });
  });
});

describe('joining a running scan', () => {
  it('two async requests get the same operation and one router call', async () => {
    const owner = await userWithRouter(ctx);
    const member = await memberOf(ctx, owner);
    slowScans(owner, 600);
    try {
      const [first, second] = await Promise.all([scan(owner, ASYNC), scan(member, ASYNC)]);
      expect(first.statusCode).toBe(202);
      expect(second.statusCode).toBe(202);
      expect(second.json().data.id).toBe(first.json().data.id);
      expect((await finished(owner, first.json().data.id)).state).toBe('succeeded');
    } finally {
      ctx.sim.faults.clear();
    }
    expect(scanCalls(owner)).toBe(1);
  });

  it('a synchronous scan waits for the running one and answers its result', async () => {
    const owner = await userWithRouter(ctx);
    slowScans(owner, 600);
    try {
      const op = (await scan(owner, ASYNC)).json().data;
      const sync = await scan(owner);
      expect(sync.statusCode).toBe(200);
      const done = await finished(owner, op.id);
      expect(sync.json().data).toEqual(done.result);
    } finally {
      ctx.sim.faults.clear();
    }
    expect(scanCalls(owner)).toBe(1);
  });

  it('on another server instance too: it finds the operation in the database and polls it', async () => {
    const owner = await userWithRouter(ctx);
    slowScans(owner, 600);
    try {
      const op = (await scan(owner, ASYNC)).json().data;
      const [joined, sync] = await Promise.all([scan(owner, ASYNC, other), scan(owner, {}, other)]);
      expect(joined.json().data.id).toBe(op.id);
      expect(sync.statusCode).toBe(200);
      expect(sync.json().data).toEqual((await finished(owner, op.id)).result);
    } finally {
      ctx.sim.faults.clear();
    }
    expect(scanCalls(owner)).toBe(1);
  });
});

describe('visibility', () => {
  it('members see the operation; anyone else gets the 404 of an unknown operation', async () => {
    const owner = await userWithRouter(ctx);
    const member = await memberOf(ctx, owner);
    const stranger = await userWithRouter(ctx);
    const op = (await scan(owner, ASYNC)).json().data;
    await finished(owner, op.id);
    expect((await getOperation(member, op.id)).json().data.id).toBe(op.id);

    const hidden = await getOperation(stranger, op.id);
    const unknown = await getOperation(stranger, '00000000-0000-4000-8000-000000000000');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error).toEqual(unknown.json().error);
    expect(hidden.json().error.code).toBe('OPERATION_NOT_FOUND');
    const list = await injectAs(ctx.app, stranger.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/operations`,
    });
    expect(list.statusCode).toBe(404);
    expect(list.json().error.code).toBe('ROUTER_NOT_FOUND');
  });
});

describe('listing', () => {
  it('filters by state, newest first, in keyset pages', async () => {
    const owner = await userWithRouter(ctx);
    slowScans(owner, 600);
    let running: string;
    try {
      running = (await scan(owner, ASYNC)).json().data.id;
      const page = (await listOperations(owner, '?state=running')).json().data;
      expect(page).toEqual({ items: [expect.objectContaining({ id: running })], nextCursor: null });
      await finished(owner, running);
    } finally {
      ctx.sim.faults.clear();
    }
    expect((await listOperations(owner, '?state=running')).json().data.items).toEqual([]);
    for (let i = 0; i < 3; i += 1) {
      ctx.clock.advance(1_000);
      await finished(owner, (await scan(owner, ASYNC)).json().data.id);
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await listOperations(owner, query)).json().data;
      seen.push(...page.items.map((o: { id: string }) => o.id));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(4);
    expect(seen.at(-1)).toBe(running);
    expect(new Set(seen).size).toBe(4);
    const all = (await listOperations(owner, '?state=succeeded&limit=500')).json().data;
    expect(all.items.map((o: { id: string }) => o.id)).toEqual(seen);
    expect((await listOperations(owner, '?cursor=bm9wZQ')).statusCode).toBe(400);
    expect((await listOperations(owner, '?limit=501')).statusCode).toBe(400);
  });
});

describe('scan interval', () => {
  let limited: TestContext;
  beforeAll(async () => {
    const config = { SCAN_MIN_INTERVAL_SECONDS: '5' };
    limited = await createTestContext({ db: ctx.db, sim: ctx.sim, config });
    limited.clock.freeze();
  });
  afterAll(async () => {
    await limited.close();
  });

  it('counts from the end of a scan; a joined scan is no new scan', async () => {
    const owner = await userWithRouter(limited);
    slowScans(owner, 600);
    let id: string;
    try {
      id = (await scan(owner, ASYNC, limited)).json().data.id;
      // The scan takes long: the interval has passed since it started.
      limited.clock.advance(10_000);
      const joined = await scan(owner, ASYNC, limited);
      expect(joined.statusCode).toBe(202);
      expect(joined.json().data.id).toBe(id);
      await pollUntil(
        async () => (await getOperation(owner, id, limited)).json().data.state !== 'running',
        { timeoutMs: 10_000, what: 'the scan to end' },
      );
    } finally {
      ctx.sim.faults.clear();
    }
    const refused = await scan(owner, ASYNC, limited);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(5);
    limited.clock.advance(5_000);
    expect((await scan(owner, {}, limited)).statusCode).toBe(200);
    expect(scanCalls(owner)).toBe(2);
  });
});

describe('shutdown', () => {
  it('waits for the operations running in the background', async () => {
    const closing = await createTestContext({ db: ctx.db, sim: ctx.sim });
    const owner = await userWithRouter(closing);
    slowScans(owner, 500);
    try {
      const op = (await scan(owner, ASYNC, closing)).json().data;
      await closing.close();
      const [row] = await queryRows<{ state: string }>(
        ctx.db.db,
        sql`select state from operations where id = ${op.id}`,
      );
      expect(row?.state).toBe('succeeded');
    } finally {
      ctx.sim.faults.clear();
    }
  });
});

// Last: these move a clock a day on, and the sweeper works on the whole database.
describe('expiry and crashed instances', () => {
  let aged: TestContext;
  let staleAfterMs: number;
  beforeAll(async () => {
    aged = await createTestContext({ db: ctx.db, sim: ctx.sim });
    aged.clock.freeze();
    staleAfterMs = 2 * aged.config.commandsServer.scanTimeoutMs + 30_000;
  });
  afterAll(async () => {
    await aged.close();
  });

  async function runningRow(r: RouterUser): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      ctx.db.db,
      sql`insert into operations (router_id, kind, started_at)
          values (${r.uuid}, 'network.scan', ${aged.clock.now().toISOString()}) returning id`,
    );
    return row!.id;
  }

  async function stateInDb(id: string) {
    const rows = await queryRows<{ state: string }>(
      ctx.db.db,
      sql`select state from operations where id = ${id}`,
    );
    return rows[0]?.state ?? null;
  }

  it('a running operation whose process died reads as failed, and a new scan does not join it', async () => {
    const owner = await userWithRouter(aged);
    const dead = await runningRow(owner);
    expect((await getOperation(owner, dead, aged)).json().data.state).toBe('running');
    aged.clock.advance(staleAfterMs + 1);
    const read = (await getOperation(owner, dead, aged)).json().data;
    expect(read).toMatchObject({ state: 'failed', elapsedMs: staleAfterMs });
    expect(read.error).toMatchObject({ code: 'OPERATION_INTERRUPTED', status: 503, details: null });

    const fresh = (await scan(owner, ASYNC, aged)).json().data;
    expect(fresh.id).not.toBe(dead);
    expect(await stateInDb(dead)).toBe('failed');
    await pollUntil(async () => (await stateInDb(fresh.id)) === 'succeeded', {
      timeoutMs: 10_000,
      what: 'the new scan',
    });

    const other = await userWithRouter(aged);
    const alsoDead = await runningRow(other);
    aged.clock.advance(staleAfterMs + 1);
    await aged.app.services.sweeper.sweep();
    expect(await stateInDb(alsoDead)).toBe('failed');
  });

  it('an operation is visible for a day after it finished, then deleted by the sweeper', async () => {
    const owner = await userWithRouter(aged);
    const op = (await scan(owner, ASYNC, aged)).json().data;
    await pollUntil(async () => (await stateInDb(op.id)) === 'succeeded', {
      timeoutMs: 10_000,
      what: 'the scan',
    });
    aged.clock.advance(23 * 60 * 60 * 1000);
    await aged.app.services.sweeper.sweep();
    expect((await getOperation(owner, op.id, aged)).statusCode).toBe(200);
    aged.clock.advance(60 * 60 * 1000 + 1);
    expect((await getOperation(owner, op.id, aged)).statusCode).toBe(404);
    expect(await stateInDb(op.id)).toBe('succeeded');
    await aged.app.services.sweeper.sweep();
    expect(await stateInDb(op.id)).toBeNull();
  });
});
