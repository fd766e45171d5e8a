/**
 * One list shape (issue #13): every collection answers `{ items, nextCursor }`,
 * `limit` rows (1–500, default 100) from an opaque `cursor`. Walking the pages
 * answers every row once, in the order of one big page; a cursor that is not one
 * of this list in this order is 400. Devices also filter and sort.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  injectAs,
  login,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import {
  createRouterFor,
  insertBlocks,
  insertDevices,
  insertInvitations,
  insertListEntries,
  insertMembers,
  testMac,
  type DeviceRowInput,
} from '../helpers/factories.js';
import { userWithRouter, type RouterUser } from '../helpers/operation-checks.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

interface PageBody {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

function get(user: LoggedInUser, url: string): Promise<LightMyRequestResponse> {
  return injectAs(ctx.app, user, { method: 'GET', url });
}

async function page(user: LoggedInUser, url: string): Promise<PageBody> {
  const res = await get(user, url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json<{ data: PageBody }>().data;
}

/** Every row of `path` (with `query`), `limit` at a time, following nextCursor. */
async function walk(user: LoggedInUser, path: string, limit: number, query = '') {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages += 1) {
    const after: string = cursor === null ? '' : `&cursor=${cursor}`;
    const body = await page(user, `${path}?limit=${limit}${query}${after}`);
    expect(body.items.length).toBeLessThanOrEqual(limit);
    rows.push(...body.items);
    cursor = body.nextCursor;
    if (cursor === null) {
      return rows;
    }
    // A page with a next one is full.
    expect(body.items).toHaveLength(limit);
  }
  throw new Error(`${path}: more than 1000 pages`);
}

/** Walking `path` in small pages answers exactly one big page (every row once, in order). */
async function expectWalkMatchesOnePage(
  user: LoggedInUser,
  path: string,
  limit: number,
  key: string,
  query = '',
) {
  const whole = await page(user, `${path}?limit=500${query}`);
  expect(whole.nextCursor).toBeNull();
  const walked = await walk(user, path, limit, query);
  expect(walked.map((r) => r[key])).toEqual(whole.items.map((r) => r[key]));
  expect(new Set(walked.map((r) => r[key])).size).toBe(walked.length);
  return walked;
}

const routerPath = (r: RouterUser, list: string) => `/api/v1/routers/${r.routerId}/${list}`;

describe('limit', () => {
  it('defaults to 100, accepts 1 to 500 and refuses anything else', async () => {
    const owner = await userWithRouter(ctx);
    const ips = Array.from({ length: 130 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
    await insertListEntries(ctx.db.db, owner.uuid, 'whitelist', ips);
    const first = await page(owner.user, routerPath(owner, 'whitelist'));
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(
      (await page(owner.user, `${routerPath(owner, 'whitelist')}?limit=500`)).items,
    ).toHaveLength(130);
    expect(
      (await page(owner.user, `${routerPath(owner, 'whitelist')}?limit=1`)).items,
    ).toHaveLength(1);
    for (const limit of ['0', '501', '-1', '1.5', 'ten', '']) {
      const res = await get(owner.user, `${routerPath(owner, 'whitelist')}?limit=${limit}`);
      expect(res.statusCode, limit).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field).toBe('querystring.limit');
    }
    for (const url of ['/api/v1/routers?limit=501', '/api/v1/auth/sessions?limit=0']) {
      expect((await get(owner.user, url)).statusCode, url).toBe(400);
    }
  });
});

describe('cursor', () => {
  it('refuses a garbled, forged or foreign cursor with 400, saying to pass nextCursor', async () => {
    const owner = await userWithRouter(ctx);
    await insertDevices(ctx.db.db, owner.uuid, [
      { mac: testMac(1), ip: '10.0.0.1' },
      { mac: testMac(2), ip: '10.0.0.2' },
    ]);
    const devices = routerPath(owner, 'devices');
    const cursor = (await page(owner.user, `${devices}?limit=1`)).nextCursor!;
    expect((await page(owner.user, `${devices}?limit=1&cursor=${cursor}`)).items).toHaveLength(1);
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const activityCursor = forge({ k: 'activity', v: [new Date().toISOString(), owner.uuid] });
    const cases: [string, string][] = [
      ['not base64url', `${devices}?cursor=%21%21`],
      ['not JSON', `${devices}?cursor=${Buffer.from('{oops').toString('base64url')}`],
      ['another list', `${devices}?cursor=${activityCursor}`],
      ['another sort', `${devices}?sort=name&cursor=${cursor}`],
      ['another order', `${devices}?order=desc&cursor=${cursor}`],
      [
        'a forged key',
        `${devices}?cursor=${forge({ k: 'devices:ip:asc', v: [false, "1' or 1=1", testMac(1)] })}`,
      ],
      [
        'an impossible date',
        `${devices}?sort=lastSeen&cursor=${forge({ k: 'devices:lastSeen:asc', v: ['2026-02-30T00:00:00.000000Z', testMac(1)] })}`,
      ],
      [
        'a NUL in a name',
        `${devices}?sort=name&cursor=${forge({ k: 'devices:name:asc', v: [false, 'a\u0000b', testMac(1)] })}`,
      ],
      ['too few keys', `${devices}?cursor=${forge({ k: 'devices:ip:asc', v: [false] })}`],
      ['a devices cursor on the whitelist', `${routerPath(owner, 'whitelist')}?cursor=${cursor}`],
    ];
    for (const [what, url] of cases) {
      const res = await get(owner.user, url);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().error.code, what).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field, what).toBe('querystring.cursor');
    }
    const res = await get(owner.user, `${devices}?cursor=${activityCursor}`);
    expect(res.json().error.message).toContain('nextCursor');
  });
});

describe('walking the pages of each collection', () => {
  it('devices, whitelist and blacklist entries, blocked devices', async () => {
    const owner = await userWithRouter(ctx);
    const devices = Array.from({ length: 23 }, (_, i) => ({
      mac: testMac(100 - i),
      ip: i % 5 === 0 ? null : `10.0.${i % 3}.${(i * 7) % 250}`,
    }));
    await insertDevices(ctx.db.db, owner.uuid, devices);
    await expectWalkMatchesOnePage(owner.user, routerPath(owner, 'devices'), 4, 'mac');
    const ips = ['10.0.0.10', '10.0.0.9', '10.0.0.100', '9.255.255.255', '10.0.1.0', '192.168.1.2'];
    for (const list of ['whitelist', 'blacklist'] as const) {
      await insertListEntries(ctx.db.db, owner.uuid, list, ips);
      const walked = await expectWalkMatchesOnePage(owner.user, routerPath(owner, list), 4, 'ip');
      // Numeric address order, not text order.
      expect(walked.map((e) => e.ip)).toEqual([
        '9.255.255.255',
        '10.0.0.9',
        '10.0.0.10',
        '10.0.0.100',
        '10.0.1.0',
        '192.168.1.2',
      ]);
    }
    // Blocks sharing an instant: newest first, then by address.
    await insertBlocks(
      ctx.db.db,
      owner.uuid,
      ['10.5.0.3', '10.5.0.1', '10.5.0.20'],
      '2026-01-01T00:00:00.000001Z',
    );
    await insertBlocks(ctx.db.db, owner.uuid, ['10.5.0.2', '10.5.0.10'], '2026-01-02T00:00:00Z');
    const blocked = await expectWalkMatchesOnePage(
      owner.user,
      routerPath(owner, 'blocked'),
      2,
      'ip',
    );
    expect(blocked.map((b) => b.ip)).toEqual([
      '10.5.0.2',
      '10.5.0.10',
      '10.5.0.1',
      '10.5.0.3',
      '10.5.0.20',
    ]);
  });

  it('activity, with events sharing an instant and a microsecond apart', async () => {
    const owner = await userWithRouter(ctx);
    const instants = [
      '2026-03-01T10:00:00.000001Z',
      '2026-03-01T10:00:00.000002Z',
      '2026-03-01T10:00:00.000002Z',
    ];
    await ctx.db.db.execute(
      sql`insert into audit_events (router_id, operation, outcome, created_at)
          select ${owner.uuid}, 'test.page', 'succeeded', (${sql.param(instants)}::text[])[1 + g % 3]::timestamptz
            from generate_series(1, 17) g`,
    );
    const walked = await expectWalkMatchesOnePage(
      owner.user,
      routerPath(owner, 'activity'),
      3,
      'id',
    );
    expect(walked).toHaveLength(17);
  });

  it('routers, members, sent and received invitations, sessions', async () => {
    const user = await registerAndLogin(ctx.app);
    const routers = [];
    for (let i = 0; i < 7; i += 1) {
      routers.push(await createRouterFor(ctx.db.db, user.userId));
    }
    const mine = await expectWalkMatchesOnePage(user, '/api/v1/routers', 3, 'routerId');
    expect(mine.map((r) => r.routerId).sort()).toEqual(routers.map((r) => r.routerId).sort());

    const owner: RouterUser = { user, uuid: routers[0]!.id, routerId: routers[0]!.routerId };
    await insertMembers(ctx.db.db, owner.uuid, 6, '2026-02-01T00:00:00Z');
    const members = await expectWalkMatchesOnePage(user, routerPath(owner, 'members'), 2, 'userId');
    expect(members).toHaveLength(7);
    expect(members.map((m) => m.role)).toEqual(['owner', ...Array<string>(6).fill('member')]);

    const at = ctx.clock.now().toISOString();
    const expiresAt = new Date(ctx.clock.now().getTime() + 86_400_000).toISOString();
    const emails = Array.from(
      { length: 5 },
      (_, i) => `invitee-${i}-${owner.routerId}@test.example`,
    );
    await insertInvitations(
      ctx.db.db,
      { routerUuid: owner.uuid, invitedBy: user.userId, at, expiresAt },
      emails,
    );
    const sent = await expectWalkMatchesOnePage(user, routerPath(owner, 'invitations'), 2, 'id');
    expect(sent.map((i) => i.email).sort()).toEqual(emails.sort());

    const invitee = await registerAndLogin(ctx.app);
    for (const r of routers.slice(1, 6)) {
      await insertInvitations(
        ctx.db.db,
        { routerUuid: r.id, invitedBy: user.userId, at, expiresAt },
        [invitee.email],
      );
    }
    const received = await expectWalkMatchesOnePage(invitee, '/api/v1/invitations', 2, 'id');
    expect(received).toHaveLength(5);

    for (let i = 0; i < 4; i += 1) {
      await login(ctx.app, invitee.email, invitee.password);
    }
    const sessions = await expectWalkMatchesOnePage(invitee, '/api/v1/auth/sessions', 2, 'id');
    expect(sessions).toHaveLength(5);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
  });
});

/** The inventory of the device tests: names in several cases, some unnamed, some without an IP. */
function inventory(scanAt: string): DeviceRowInput[] {
  const day = (d: number) => `2026-01-${String(d).padStart(2, '0')}T08:00:00.000Z`;
  return [
    {
      mac: testMac(1),
      ip: '10.0.0.10',
      name: 'beta',
      hostname: 'host-a',
      firstSeen: day(3),
      lastSeen: scanAt,
    },
    {
      mac: testMac(2),
      ip: '10.0.0.9',
      name: 'Alpha',
      hostname: 'LAPTOP-ada',
      firstSeen: day(1),
      lastSeen: day(20),
    },
    {
      mac: testMac(3),
      ip: null,
      name: 'gamma',
      hostname: null,
      firstSeen: day(2),
      lastSeen: scanAt,
    },
    {
      mac: testMac(4),
      ip: '192.168.1.2',
      name: null,
      hostname: 'printer',
      firstSeen: day(5),
      lastSeen: day(21),
    },
    {
      mac: testMac(5),
      ip: '10.0.0.100',
      name: '100% fan',
      hostname: null,
      firstSeen: day(5),
      lastSeen: scanAt,
    },
    {
      mac: testMac(6),
      ip: null,
      name: null,
      hostname: 'phone',
      firstSeen: day(4),
      lastSeen: day(22),
    },
    {
      mac: testMac(7),
      ip: '10.0.0.11',
      name: 'my_tv',
      hostname: 'tv',
      firstSeen: day(6),
      lastSeen: scanAt,
    },
    {
      mac: testMac(8),
      ip: '10.0.0.12',
      name: 'myXtv',
      hostname: null,
      firstSeen: day(7),
      lastSeen: day(23),
    },
    {
      mac: testMac(9),
      ip: '9.0.0.1',
      name: 'ALPHA',
      hostname: 'a\\b',
      firstSeen: day(3),
      lastSeen: scanAt,
    },
  ];
}

const ipNumber = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** The order the API promises, computed here: nulls last in both directions, MAC breaks ties. */
function expectedOrder(rows: DeviceRowInput[], sort: string, desc: boolean): string[] {
  const value = (d: DeviceRowInput): string | number | null => {
    switch (sort) {
      case 'ip':
        return d.ip ? ipNumber(d.ip) : null;
      case 'name':
        return d.name ? d.name.toLowerCase() : null;
      case 'lastSeen':
        return d.lastSeen!;
      case 'firstSeen':
        return d.firstSeen!;
      default:
        return d.mac;
    }
  };
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const sign = desc ? -1 : 1;
  return [...rows]
    .sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      if ((x === null) !== (y === null)) {
        return x === null ? 1 : -1;
      }
      return sign * (cmp(x ?? 0, y ?? 0) || cmp(a.mac, b.mac));
    })
    .map((d) => d.mac);
}

describe('devices: filters and sorts', () => {
  let owner: RouterUser;
  let rows: DeviceRowInput[];
  const scanAt = '2026-01-30T12:00:00.000Z';

  beforeAll(async () => {
    owner = await userWithRouter(ctx);
    rows = inventory(scanAt);
    await insertDevices(ctx.db.db, owner.uuid, rows);
    await ctx.db.db.execute(
      sql`update routers set last_scan_at = ${scanAt}::timestamptz where id = ${owner.uuid}`,
    );
    // Blocked by MAC (device 2) and by IP with no MAC known (device 4).
    await ctx.db.db.execute(
      sql`insert into user_blocked_devices (router_id, ip, mac) values
          (${owner.uuid}, '10.9.9.9', ${testMac(2)}::macaddr), (${owner.uuid}, '192.168.1.2', null)`,
    );
  });

  const macsOf = (items: Record<string, unknown>[]) => items.map((d) => d.mac);

  it('sorts by each key, ascending and descending, across pages; ip ascending by default', async () => {
    const path = routerPath(owner, 'devices');
    expect(macsOf((await page(owner.user, path)).items)).toEqual(expectedOrder(rows, 'ip', false));
    for (const sort of ['ip', 'name', 'lastSeen', 'firstSeen', 'mac']) {
      for (const order of ['asc', 'desc']) {
        const walked = await walk(owner.user, path, 2, `&sort=${sort}&order=${order}`);
        expect(macsOf(walked), `${sort} ${order}`).toEqual(
          expectedOrder(rows, sort, order === 'desc'),
        );
      }
    }
  });

  it('filters by online and blocked, also across pages', async () => {
    const path = routerPath(owner, 'devices');
    const online = rows.filter((d) => d.lastSeen === scanAt).map((d) => d.mac);
    const byIp = expectedOrder(rows, 'ip', false);
    expect(macsOf(await walk(owner.user, path, 2, '&online=true'))).toEqual(
      byIp.filter((m) => online.includes(m)),
    );
    expect(macsOf(await walk(owner.user, path, 2, '&online=false'))).toEqual(
      byIp.filter((m) => !online.includes(m)),
    );
    expect(macsOf(await walk(owner.user, path, 1, '&blocked=true'))).toEqual([
      testMac(2),
      testMac(4),
    ]);
    expect(macsOf(await walk(owner.user, path, 3, '&blocked=false&online=true&sort=mac'))).toEqual(
      online.filter((m) => m !== testMac(2)).sort(),
    );
    const res = await get(owner.user, `${path}?online=maybe`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].field).toBe('querystring.online');
  });

  it('finds text in the name, hostname, IP or MAC, case-insensitively, % and _ taken literally', async () => {
    const path = routerPath(owner, 'devices');
    const q = async (text: string, extra = '') =>
      macsOf(await walk(owner.user, path, 2, `&q=${encodeURIComponent(text)}&sort=mac${extra}`));
    expect(await q('alpha')).toEqual([testMac(2), testMac(9)]);
    expect(await q('  laptop  ')).toEqual([testMac(2)]);
    expect(await q('10.0.0.1')).toEqual([testMac(1), testMac(5), testMac(7), testMac(8)]);
    expect(await q('02:00:00:00:00:0')).toEqual(rows.map((d) => d.mac));
    expect(await q('%')).toEqual([testMac(5)]);
    expect(await q('my_tv')).toEqual([testMac(7)]);
    expect(await q('_')).toEqual([testMac(7)]);
    expect(await q('\\')).toEqual([testMac(9)]);
    expect(await q('no such device')).toEqual([]);
    expect(await q('alpha', '&order=desc')).toEqual([testMac(9), testMac(2)]);
    expect(await q('   ')).toEqual(rows.map((d) => d.mac));
    const long = await get(owner.user, `${path}?q=${'x'.repeat(101)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details.fields[0].field).toBe('querystring.q');
    for (const bad of ['sort=vendor', 'order=up']) {
      expect((await get(owner.user, `${path}?${bad}`)).statusCode, bad).toBe(400);
    }
  });
});
