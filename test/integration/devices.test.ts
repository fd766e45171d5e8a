import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import type { SimDevice } from '../../src/simulator/index.js';
import { createTestContext, injectAs, type TestContext } from '../helpers/build-app.js';
import { auditEventsOf } from '../helpers/factories.js';
import {
  expectEveryFailureLeavesNoTrace,
  simCallsTo,
  userWithRouter,
  type RouterUser,
} from '../helpers/operation-checks.js';
import { countStatements } from '../helpers/router-admin.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ commandsTimeoutMs: 300 });
});
afterAll(async () => {
  await ctx.close();
});

function scan(r: RouterUser, context = ctx) {
  return injectAs(context.app, r.user, {
    method: 'POST',
    url: `/api/v1/routers/${r.routerId}/scan`,
  });
}

async function deviceRows(r: RouterUser) {
  return queryRows<{
    mac: string;
    ip: string | null;
    name: string | null;
    vendor: string | null;
    hostname: string | null;
    first_seen: string;
    last_seen: string;
  }>(
    ctx.db.db,
    sql`select mac::text, host(ip) as ip, name, vendor, hostname,
               first_seen::text, last_seen::text
          from user_devices where router_id = ${r.uuid} order by mac`,
  );
}

function device(i: number, overrides: Partial<SimDevice> = {}): SimDevice {
  const hex = i.toString(16).padStart(2, '0');
  return {
    ip: `192.168.1.${10 + i}`,
    mac: `02:00:00:00:00:${hex}`,
    hostname: `host-${i}`,
    vendor: 'Acme',
    ...overrides,
  };
}

describe('scan', () => {
  it('stores every device, answers them as new and sets the router’s last scan time', async () => {
    const owner = await userWithRouter(ctx);
    const res = await scan(owner);
    expect(res.statusCode, res.body).toBe(200);
    const { scannedAt, devices } = res.json().data;
    const simDevices = ctx.sim.routerState(owner.routerId).devices;
    expect(devices).toHaveLength(simDevices.length);
    expect(devices.every((d: { new: boolean }) => d.new)).toBe(true);
    expect(devices.map((d: { mac: string }) => d.mac).sort()).toEqual(
      simDevices.map((d) => d.mac).sort(),
    );
    expect(devices[0]).toMatchObject({ firstSeen: scannedAt, lastSeen: scannedAt, name: null });
    expect(await deviceRows(owner)).toHaveLength(simDevices.length);
    const [router] = await queryRows<{ at: string }>(
      ctx.db.db,
      sql`select last_scan_at as at from routers where id = ${owner.uuid}`,
    );
    expect(new Date(router!.at).toISOString()).toBe(scannedAt);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).at(-1)).toMatchObject({
      operation: 'network.scan',
      outcome: 'succeeded',
    });
  });

  it('updates on a second scan: first_seen and names kept, last known vendor kept, new devices flagged', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { devices: [device(1), device(2)] });
    expect((await scan(owner)).statusCode).toBe(200);
    const first = await deviceRows(owner);
    await ctx.db.db.execute(
      sql`update user_devices set name = 'Printer' where router_id = ${owner.uuid} and mac = '02:00:00:00:00:01'`,
    );
    ctx.clock.advance(1_000);
    ctx.sim.configureRouter(owner.routerId, {
      devices: [
        device(1, { ip: '192.168.1.99', vendor: 'Unknown Vendor', hostname: 'Unknown' }),
        device(3),
      ],
    });
    const res = await scan(owner);
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res.json().data.devices.map((d: { mac: string; new: boolean }) => [d.mac, d.new]),
    ).toEqual([
      ['02:00:00:00:00:03', true],
      ['02:00:00:00:00:01', false],
    ]);
    const [one, two, three] = await deviceRows(owner);
    expect(one).toMatchObject({
      ip: '192.168.1.99',
      name: 'Printer',
      vendor: 'Acme',
      hostname: 'host-1',
      first_seen: first[0]!.first_seen,
    });
    expect(one!.last_seen).not.toBe(first[0]!.last_seen);
    expect(two).toEqual(first[1]);
    expect(three).toMatchObject({ ip: '192.168.1.13', hostname: 'host-3' });
  });

  it('treats an empty network as a success with no devices', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { devices: [] });
    const res = await scan(owner);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.devices).toEqual([]);
    expect(await deviceRows(owner)).toEqual([]);
  });

  it('keeps one row per MAC and drops entries it cannot key', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, {
      devices: [
        device(1),
        device(1, { ip: '192.168.1.50' }),
        device(2, { mac: 'incomplete' }),
        device(3, { ip: 'N/A' }),
      ],
    });
    const res = await scan(owner);
    expect(res.statusCode, res.body).toBe(200);
    expect(await deviceRows(owner)).toEqual([
      expect.objectContaining({ mac: '02:00:00:00:00:01', ip: '192.168.1.50' }),
      expect.objectContaining({ mac: '02:00:00:00:00:03', ip: null }),
    ]);
  });

  it('upserts 2,000 devices in one statement, and updates them on the next scan', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { deviceCount: 2000 });
    ctx.db.queries.length = 0;
    const first = await scan(owner);
    expect(first.statusCode, first.body.slice(0, 300)).toBe(200);
    expect(countStatements(ctx.db.queries, /insert into "user_devices"/i)).toBe(1);
    expect(first.json().data.devices.filter((d: { new: boolean }) => d.new)).toHaveLength(2000);
    const before = await deviceRows(owner);
    expect(before).toHaveLength(2000);

    ctx.clock.advance(1_000);
    ctx.db.queries.length = 0;
    const second = await scan(owner);
    expect(second.statusCode).toBe(200);
    expect(countStatements(ctx.db.queries, /insert into "user_devices"/i)).toBe(1);
    expect(second.json().data.devices.some((d: { new: boolean }) => d.new)).toBe(false);
    const after = await deviceRows(owner);
    expect(after).toHaveLength(2000);
    expect(after.map((d) => d.first_seen)).toEqual(before.map((d) => d.first_seen));
    expect(after.every((d, i) => d.last_seen > before[i]!.last_seen)).toBe(true);
  });

  it('changes nothing when the scan fails, for every failure class', async () => {
    const owner = await userWithRouter(ctx);
    expect((await scan(owner)).statusCode).toBe(200);
    await expectEveryFailureLeavesNoTrace({
      ctx,
      owner,
      request: { method: 'POST', url: `/api/v1/routers/${owner.routerId}/scan` },
      faultPath: '/api/network/scan',
      operation: 'network.scan',
    });
  });
});

describe('scan rate limit', () => {
  // Two more apps on the same database and simulator, as two server instances would be.
  let limited: TestContext;
  let otherInstance: TestContext;
  beforeAll(async () => {
    const config = { SCAN_MIN_INTERVAL_SECONDS: '5' };
    limited = await createTestContext({ db: ctx.db, sim: ctx.sim, config, commandsTimeoutMs: 300 });
    otherInstance = await createTestContext({ db: ctx.db, sim: ctx.sim, config });
  });
  afterAll(async () => {
    await limited.close();
    await otherInstance.close();
  });

  it('allows one scan per router per interval, across instances, with Retry-After', async () => {
    const owner = await userWithRouter(limited);
    const other = await userWithRouter(limited);
    expect((await scan(owner, limited)).statusCode).toBe(200);
    const scansBefore = simCallsTo(ctx.sim, '/api/network/scan').length;
    const again = await scan(owner, otherInstance);
    expect(again.statusCode).toBe(429);
    expect(again.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(again.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(simCallsTo(ctx.sim, '/api/network/scan').length).toBe(scansBefore);
    // Another router is not limited by this one.
    expect((await scan(other, limited)).statusCode).toBe(200);
    limited.clock.advance(5_000);
    expect((await scan(owner, limited)).statusCode).toBe(200);
  });

  it('counts a failed scan: the router did the work', async () => {
    const owner = await userWithRouter(limited);
    ctx.sim.faults.inject({
      match: { path: '/api/network/scan' },
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'Command failed: x' },
    });
    try {
      expect((await scan(owner, limited)).statusCode).toBe(502);
    } finally {
      ctx.sim.faults.clear();
    }
    expect((await scan(owner, limited)).statusCode).toBe(429);
  });
});

describe('inventory', () => {
  it('answers every device with online, blocked and list flags, in one query', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { devices: [device(1), device(2), device(3)] });
    await scan(owner);
    ctx.clock.advance(1_000);
    ctx.sim.configureRouter(owner.routerId, {
      devices: [device(1), device(2), device(4, { mac: '02:00:00:00:00:03' })],
    });
    await scan(owner);
    await ctx.db.db.execute(
      sql`insert into user_blocked_devices (router_id, ip) values (${owner.uuid}, '192.168.1.11')`,
    );
    await ctx.db.db.execute(
      sql`insert into user_whitelists (router_id, ip) values (${owner.uuid}, '192.168.1.12')`,
    );
    await ctx.db.db.execute(
      sql`insert into user_blacklists (router_id, ip) values (${owner.uuid}, '192.168.1.14')`,
    );
    ctx.db.queries.length = 0;
    const res = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/devices`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(countStatements(ctx.db.queries, /from "user_devices"/)).toBe(1);
    const flags = res
      .json()
      .data.items.map((d: Record<string, unknown>) => [
        d.ip,
        d.online,
        d.blocked,
        d.whitelisted,
        d.blacklisted,
      ]);
    expect(flags).toEqual([
      ['192.168.1.11', true, true, false, false],
      ['192.168.1.12', true, false, true, false],
      ['192.168.1.14', true, false, false, true],
    ]);
  });

  it('reads the session with the membership, then the devices: two statements in all', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { devices: [device(1)] });
    await scan(owner);
    const stranger = await userWithRouter(ctx);
    for (const [who, status] of [
      [owner, 200],
      [stranger, 404],
    ] as const) {
      ctx.db.queries.length = 0;
      const res = await injectAs(ctx.app, who.user, {
        method: 'GET',
        url: `/api/v1/routers/${owner.routerId}/devices`,
      });
      expect(res.statusCode, res.body).toBe(status);
      expect(countStatements(ctx.db.queries, /from "user_sessions"/)).toBe(1);
      expect(countStatements(ctx.db.queries, /"user_routers"/)).toBe(1);
      expect(ctx.db.queries, ctx.db.queries.join('\n')).toHaveLength(status === 200 ? 2 : 1);
    }
    // Authentication runs before validation: a malformed id is not looked up.
    for (const bad of ['%00', 'a%27b', 'x'.repeat(129)]) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'GET',
        url: `/api/v1/routers/${bad}/devices`,
      });
      expect(res.statusCode, res.body).toBe(400);
    }
  });

  it('answers times as JavaScript writes them: UTC, milliseconds truncated', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { devices: [device(1)] });
    const [scanned] = (await scan(owner)).json().data.devices;
    const list = async (): Promise<Record<string, unknown>> => {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'GET',
        url: `/api/v1/routers/${owner.routerId}/devices`,
      });
      return res.json<{ data: { items: Record<string, unknown>[] } }>().data.items[0]!;
    };
    expect(await list()).toMatchObject({
      firstSeen: scanned.firstSeen,
      lastSeen: scanned.lastSeen,
      online: true,
    });
    await ctx.db.db.execute(
      sql`update user_devices set first_seen = '2026-03-04 05:06:07.891999+02',
                                  last_seen = '1999-12-31 23:59:59.999999+00'
           where router_id = ${owner.uuid}`,
    );
    expect(await list()).toMatchObject({
      firstSeen: '2026-03-04T03:06:07.891Z',
      lastSeen: '1999-12-31T23:59:59.999Z',
      online: false,
    });
  });

  it('marks devices missing from the latest scan offline', async () => {
    const owner = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { devices: [device(1), device(2)] });
    await scan(owner);
    ctx.clock.advance(1_000);
    ctx.sim.configureRouter(owner.routerId, { devices: [device(2)] });
    await scan(owner);
    const res = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/devices`,
    });
    expect(
      res.json().data.items.map((d: { mac: string; online: boolean }) => [d.mac, d.online]),
    ).toEqual([
      ['02:00:00:00:00:01', false],
      ['02:00:00:00:00:02', true],
    ]);
  });

  it('names a device, trimmed; null clears; another router’s device is 404', async () => {
    const owner = await userWithRouter(ctx);
    const stranger = await userWithRouter(ctx);
    ctx.sim.configureRouter(owner.routerId, { devices: [device(1)] });
    ctx.sim.configureRouter(stranger.routerId, { devices: [device(1)] });
    const [mine] = (await scan(owner)).json().data.devices;
    const [theirs] = (await scan(stranger)).json().data.devices;
    const url = (id: string) => `/api/v1/routers/${owner.routerId}/devices/${id}`;
    const named = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: url(mine.id),
      payload: { name: '  Living room TV ' },
    });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json().data).toMatchObject({ id: mine.id, name: 'Living room TV', online: true });
    expect((await deviceRows(owner))[0]?.name).toBe('Living room TV');
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).at(-1)).toMatchObject({
      operation: 'device.rename',
      outcome: 'succeeded',
    });
    const cleared = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: url(mine.id),
      payload: { name: null },
    });
    expect(cleared.json().data.name).toBeNull();
    for (const [payload, status, code] of [
      [{ name: '   ' }, 400, 'VALIDATION_FAILED'],
      [{ name: 'x'.repeat(101) }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'PATCH',
        url: url(mine.id),
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    for (const id of [theirs.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'PATCH',
        url: url(id),
        payload: { name: 'mine?' },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('DEVICE_NOT_FOUND');
    }
    expect((await deviceRows(stranger))[0]?.name).toBeNull();
  });
});
