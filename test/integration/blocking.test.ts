import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { createTestContext, injectAs, type TestContext } from '../helpers/build-app.js';
import { auditEventsOf, snapshotRouterData } from '../helpers/factories.js';
import {
  expectEveryFailureLeavesNoTrace,
  memberOf,
  simCallsTo,
  userWithRouter,
  type RouterUser,
} from '../helpers/operation-checks.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ commandsTimeoutMs: 300 });
});
afterAll(async () => {
  await ctx.close();
});

function call(r: RouterUser, action: 'block' | 'unblock', ip: string, force?: boolean) {
  return injectAs(ctx.app, r.user, {
    method: 'POST',
    url: `/api/v1/routers/${r.routerId}/${action}`,
    payload: force === undefined ? { ip } : { ip, force },
  });
}

async function blockedRows(r: RouterUser) {
  return queryRows<{ ip: string; mac: string | null; blocked_by: string | null }>(
    ctx.db.db,
    sql`select host(ip) as ip, mac::text, blocked_by from user_blocked_devices
         where router_id = ${r.uuid} order by ip`,
  );
}

/** A router whose inventory was scanned, and one of its devices. */
async function scannedRouter() {
  const owner = await userWithRouter(ctx);
  const scan = await injectAs(ctx.app, owner.user, {
    method: 'POST',
    url: `/api/v1/routers/${owner.routerId}/scan`,
  });
  expect(scan.statusCode, scan.body).toBe(200);
  const device = ctx.sim.routerState(owner.routerId).devices[3]!;
  return { owner, device };
}

describe('block', () => {
  it('blocks on the router and records the IP with the known MAC', async () => {
    const { owner, device } = await scannedRouter();
    const res = await call(owner, 'block', device.ip);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({
      ip: device.ip,
      mac: device.mac,
      blockedBy: { userId: owner.user.userId, email: owner.user.email },
      changed: true,
    });
    expect(await blockedRows(owner)).toEqual([
      { ip: device.ip, mac: device.mac, blocked_by: owner.user.userId },
    ]);
    expect(ctx.sim.routerState(owner.routerId).blocked).toEqual([
      { mac: device.mac, ip: device.ip },
    ]);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).at(-1)).toMatchObject({
      operation: 'network.block',
      outcome: 'succeeded',
      params: { ip: device.ip },
    });
    const list = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/blocked`,
    });
    expect(list.json().data).toEqual({
      items: [expect.objectContaining({ ip: device.ip, mac: device.mac })],
      nextCursor: null,
    });
    const devices = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/devices`,
    });
    const blocked = devices.json().data.items.filter((d: { blocked: boolean }) => d.blocked);
    expect(blocked.map((d: { ip: string }) => d.ip)).toEqual([device.ip]);
  });

  it('records the MAC the router blocked, also for an IP the inventory does not know (force)', async () => {
    const owner = await userWithRouter(ctx);
    const device = ctx.sim.routerState(owner.routerId).devices[0]!;
    const first = await call(owner, 'block', device.ip, true);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().data).toMatchObject({ mac: device.mac, warning: null, changed: true });
    expect(await blockedRows(owner)).toEqual([
      { ip: device.ip, mac: device.mac, blocked_by: owner.user.userId },
    ]);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).at(-1)).toMatchObject({
      operation: 'network.block',
      params: { ip: device.ip, force: true },
    });
  });

  it('answers changed: false for an IP blocked already, without asking the router again', async () => {
    const { owner, device } = await scannedRouter();
    expect((await call(owner, 'block', device.ip)).statusCode).toBe(200);
    // A member blocks it again: one row, the first blocker kept, no second firewall rule.
    const member = await memberOf(ctx, owner);
    const since = ctx.sim.calls.length;
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const again = await call(member, 'block', device.ip);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().data).toMatchObject({
      ip: device.ip,
      mac: device.mac,
      blockedBy: { userId: owner.user.userId },
      changed: false,
      warning: null,
    });
    expect(simCallsTo(ctx.sim, '/api/network/block', since)).toEqual([]);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
  });

  it('answers 404 DEVICE_NOT_FOUND for an IP the last scan did not find, before any call', async () => {
    const { owner } = await scannedRouter();
    // Seen by an earlier scan only: gone from the latest one.
    const gone = ctx.sim.routerState(owner.routerId).devices[1]!;
    ctx.sim.configureRouter(owner.routerId, {
      devices: ctx.sim.routerState(owner.routerId).devices.filter((d) => d.ip !== gone.ip),
    });
    const rescan = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: `/api/v1/routers/${owner.routerId}/scan`,
    });
    expect(rescan.statusCode, rescan.body).toBe(200);
    const since = ctx.sim.calls.length;
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const events = (await auditEventsOf(ctx.db.db, owner.uuid)).length;
    for (const ip of ['10.99.99.99', gone.ip]) {
      for (const force of [undefined, false]) {
        const res = await call(owner, 'block', ip, force);
        expect(res.statusCode, res.body).toBe(404);
        expect(res.json().error.code).toBe('DEVICE_NOT_FOUND');
        expect(res.json().error.message).toContain('force');
      }
    }
    expect(simCallsTo(ctx.sim, /^\/api\//, since)).toEqual([]);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
    expect(await auditEventsOf(ctx.db.db, owner.uuid)).toHaveLength(events);
    // With force it behaves as before: the router's lookup decides (here: no such device).
    const forced = await call(owner, 'block', gone.ip, true);
    expect(forced.statusCode, forced.body).toBe(502);
    expect(forced.json().error.code).toBe('ROUTER_COMMAND_FAILED');
    expect(simCallsTo(ctx.sim, '/api/network/block', since)).toHaveLength(1);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
  });

  it('says so, and records the truth, when the router blocks another device (.1 matches .10)', async () => {
    const owner = await userWithRouter(ctx);
    const ten = { ip: '192.168.1.10', mac: '02:00:00:00:0a:10', hostname: 'tv', vendor: 'Acme' };
    const one = { ip: '192.168.1.1', mac: '02:00:00:00:0a:01', hostname: 'nas', vendor: 'Acme' };
    // The router's ARP table lists .10 first; its lookup greps for "192.168.1.1".
    ctx.sim.configureRouter(owner.routerId, { devices: [ten, one] });
    const scan = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: `/api/v1/routers/${owner.routerId}/scan`,
    });
    expect(scan.statusCode, scan.body).toBe(200);
    const res = await call(owner, 'block', one.ip);
    expect(res.statusCode, res.body).toBe(200);
    expect(ctx.sim.routerState(owner.routerId).blocked).toEqual([{ mac: ten.mac, ip: ten.ip }]);
    const data = res.json().data;
    expect(data).toMatchObject({ ip: one.ip, mac: ten.mac });
    expect(data.warning).toContain(ten.mac);
    expect(data.warning).toContain(one.mac);
    expect(await blockedRows(owner)).toEqual([
      { ip: one.ip, mac: ten.mac, blocked_by: owner.user.userId },
    ]);
    // The inventory shows what the router's per-MAC rule really blocks.
    const devices = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: `/api/v1/routers/${owner.routerId}/devices`,
    });
    expect(
      devices.json().data.items.map((d: { ip: string; blocked: boolean }) => [d.ip, d.blocked]),
    ).toEqual([
      [one.ip, false],
      [ten.ip, true],
    ]);
  });

  it('changes nothing when the block fails, for every failure class', async () => {
    const { owner, device } = await scannedRouter();
    await expectEveryFailureLeavesNoTrace({
      ctx,
      owner,
      request: {
        method: 'POST',
        url: `/api/v1/routers/${owner.routerId}/block`,
        payload: { ip: device.ip },
      },
      faultPath: '/api/network/block',
      operation: 'network.block',
    });
  });
});

describe('unblock', () => {
  it('unblocks on the router and deletes the row', async () => {
    const { owner, device } = await scannedRouter();
    await call(owner, 'block', device.ip);
    const res = await call(owner, 'unblock', device.ip);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ip: device.ip, changed: true });
    expect(await blockedRows(owner)).toEqual([]);
    expect(ctx.sim.routerState(owner.routerId).blocked).toEqual([]);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).at(-1)).toMatchObject({
      operation: 'network.unblock',
      outcome: 'succeeded',
    });
  });

  it('still asks the router when no block is recorded here: it may hold a rule we lost', async () => {
    const { owner, device } = await scannedRouter();
    await call(owner, 'block', device.ip);
    await ctx.db.db.execute(sql`delete from user_blocked_devices where router_id = ${owner.uuid}`);
    const res = await call(owner, 'unblock', device.ip);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ip: device.ip, changed: true });
    expect(ctx.sim.routerState(owner.routerId).blocked).toEqual([]);
  });

  it('is idempotent: changed: false when the router has no rule for the IP', async () => {
    const { owner, device } = await scannedRouter();
    const since = ctx.sim.calls.length;
    const res = await call(owner, 'unblock', device.ip);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ip: device.ip, changed: false });
    // The router was asked (it is the truth for its firewall) and said "not found".
    expect(simCallsTo(ctx.sim, '/api/network/unblock', since)).toEqual([
      expect.objectContaining({ status: 500 }),
    ]);
    expect(await blockedRows(owner)).toEqual([]);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).at(-1)).toMatchObject({
      operation: 'network.unblock',
      outcome: 'succeeded',
    });
    const again = await call(owner, 'unblock', device.ip);
    expect(again.json().data).toEqual({ ip: device.ip, changed: false });
  });

  it('deletes a stale block row when the router has no rule (changed: false)', async () => {
    const { owner, device } = await scannedRouter();
    expect((await call(owner, 'block', device.ip)).statusCode).toBe(200);
    // The rule disappears on the router behind our back: our row goes stale.
    await ctx.db.db.execute(sql`delete from user_blocked_devices where router_id = ${owner.uuid}`);
    expect((await call(owner, 'unblock', device.ip)).json().data.changed).toBe(true);
    await ctx.db.db.execute(
      sql`insert into user_blocked_devices (router_id, ip, mac, blocked_by)
           values (${owner.uuid}, ${device.ip}, ${device.mac}, ${owner.user.userId})`,
    );
    expect(await blockedRows(owner)).toHaveLength(1);
    const res = await call(owner, 'unblock', device.ip);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ip: device.ip, changed: false });
    expect(await blockedRows(owner)).toEqual([]);
  });

  it('changes nothing when the unblock fails, for every failure class', async () => {
    const { owner, device } = await scannedRouter();
    await call(owner, 'block', device.ip);
    await expectEveryFailureLeavesNoTrace({
      ctx,
      owner,
      request: {
        method: 'POST',
        url: `/api/v1/routers/${owner.routerId}/unblock`,
        payload: { ip: device.ip },
      },
      faultPath: '/api/network/unblock',
      operation: 'network.unblock',
    });
    expect(await blockedRows(owner)).toHaveLength(1);
  });
});

describe('IP validation before any call', () => {
  const BAD_IPS: [ip: string, reason: string][] = [
    ['fe80::1', 'IPv4 only'],
    ['::ffff:192.168.1.10', 'IPv4 only'],
    ['192.168.001.010', 'no leading zeros'],
    ['192.168.1.10\n', 'control characters'],
    ["1.2.3.4'; reboot; '", 'single quote'],
    ['1.2.3.4\\', 'backslash'],
    [' 192.168.1.10', 'IPv4 address'],
    ['256.1.1.1', 'IPv4 address'],
    ['1.2.3', 'IPv4 address'],
    ['', 'IPv4 address'],
  ];

  it.each(BAD_IPS)('refuses %j on block and unblock (%s)', async (ip, reason) => {
    const owner = await userWithRouter(ctx);
    const since = ctx.sim.calls.length;
    for (const action of ['block', 'unblock'] as const) {
      const res = await call(owner, action, ip);
      expect(res.statusCode, `${action} ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field).toBe('body.ip');
      expect(res.json().error.message).toContain(reason);
    }
    expect(simCallsTo(ctx.sim, /^\/api\/network\/(un)?block$/, since)).toEqual([]);
    expect(await auditEventsOf(ctx.db.db, owner.uuid)).toEqual([]);
  });

  it('refuses a non-string or missing ip and extra fields', async () => {
    const owner = await userWithRouter(ctx);
    const since = ctx.sim.calls.length;
    for (const payload of [{ ip: 17 }, {}, { ip: '10.0.0.1', mac: 'x' }]) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'POST',
        url: `/api/v1/routers/${owner.routerId}/block`,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(simCallsTo(ctx.sim, '/api/network/block', since)).toEqual([]);
  });
});
