import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandsServerClient } from '../../src/clients/commands-server.client.js';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { auditEventsOf } from '../helpers/factories.js';
import {
  expectEveryFailureLeavesNoTrace,
  memberOf,
  userWithRouter,
  type RouterUser,
} from '../helpers/operation-checks.js';

let ctx: TestContext;
// Tests isolate by router: each makes its own, owned by alice; bob joins or is a stranger.
let alice: LoggedInUser;
let bob: LoggedInUser;

beforeAll(async () => {
  ctx = await createTestContext({ commandsTimeoutMs: 300 });
  alice = await registerAndLogin(ctx.app);
  bob = await registerAndLogin(ctx.app);
});
afterAll(async () => {
  await ctx.close();
});

const LISTS = ['whitelist', 'blacklist'] as const;

function url(r: RouterUser, path: string) {
  return `/api/v1/routers/${r.routerId}${path}`;
}

async function entriesInDb(r: RouterUser, list: (typeof LISTS)[number]) {
  const table = list === 'whitelist' ? 'user_whitelists' : 'user_blacklists';
  return queryRows<{
    ip: string;
    name: string | null;
    description: string | null;
    device_id: string | null;
    added_by: string | null;
  }>(
    ctx.db.db,
    sql`select host(ip) as ip, name, description, device_id, added_by
          from ${sql.identifier(table)} where router_id = ${r.uuid} order by ip`,
  );
}

describe.each(LISTS)('%s entries', (list) => {
  it('adds on the router and in the database, links the known device, and lists it', async () => {
    const owner = await userWithRouter(ctx, alice);
    const [device] = await queryRows<{ id: string }>(
      ctx.db.db,
      sql`insert into user_devices (router_id, mac, ip) values (${owner.uuid}, 'aa:bb:cc:00:00:01', '192.168.1.20') returning id`,
    );
    const res = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '192.168.1.20', name: 'Laptop', description: 'work' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({
      ip: '192.168.1.20',
      name: 'Laptop',
      description: 'work',
      deviceId: device!.id,
      addedBy: owner.user.userId,
      changed: true,
    });
    expect(await entriesInDb(owner, list)).toEqual([
      {
        ip: '192.168.1.20',
        name: 'Laptop',
        description: 'work',
        device_id: device!.id,
        added_by: owner.user.userId,
      },
    ]);
    expect(ctx.sim.routerState(owner.routerId)[list]).toEqual(['192.168.1.20']);

    const listed = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: url(owner, `/${list}`),
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data.items.map((e: { ip: string }) => e.ip)).toEqual(['192.168.1.20']);
    const events = await auditEventsOf(ctx.db.db, owner.uuid);
    expect(events.at(-1)).toMatchObject({
      operation: `${list}.add`,
      outcome: 'succeeded',
      params: { ip: '192.168.1.20' },
    });
  });

  it('re-adding answers 200, keeps added_by and only overwrites the details given', async () => {
    const owner = await userWithRouter(ctx, alice);
    const member = await memberOf(ctx, owner, bob);
    const first = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '10.0.0.7', name: 'TV', description: 'living room' },
    });
    expect(first.statusCode).toBe(201);
    const again = await injectAs(ctx.app, member.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '10.0.0.7', name: 'Television' },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().data).toMatchObject({ ip: '10.0.0.7', name: 'Television', changed: false });
    expect(await entriesInDb(owner, list)).toEqual([
      expect.objectContaining({
        ip: '10.0.0.7',
        name: 'Television',
        description: 'living room',
        added_by: owner.user.userId,
      }),
    ]);
    expect(ctx.sim.routerState(owner.routerId)[list]).toEqual(['10.0.0.7']);
  });

  it('writes the entry and its succeeded audit event in one transaction', async () => {
    const owner = await userWithRouter(ctx, alice);
    const add = (ip: string) =>
      injectAs(ctx.app, owner.user, {
        method: 'POST',
        url: url(owner, `/${list}`),
        payload: { ip },
      });
    expect((await add('10.0.0.20')).statusCode).toBe(201); // starts the Commands-Server session
    ctx.db.queries.length = 0;
    expect((await add('10.0.0.21')).statusCode).toBe(201);
    // The session and the membership come in one statement; the Commands-Server state
    // is read once more under the login's router gate.
    expect(ctx.db.queries.filter((q) => q.includes('"user_routers"'))).toHaveLength(1);
    expect(ctx.db.queries.filter((q) => q.includes('"user_sessions"'))).toHaveLength(2);
    const table = list === 'whitelist' ? 'user_whitelists' : 'user_blacklists';
    const [entry] = await queryRows<{ tx: string }>(
      ctx.db.db,
      sql`select xmin::text as tx from ${sql.identifier(table)}
           where router_id = ${owner.uuid} and ip = '10.0.0.21'`,
    );
    const [event] = await queryRows<{ tx: string; outcome: string }>(
      ctx.db.db,
      sql`select xmin::text as tx, outcome from audit_events
           where router_id = ${owner.uuid} and params->>'ip' = '10.0.0.21'`,
    );
    expect(event).toEqual({ tx: entry!.tx, outcome: 'succeeded' });
  });

  it('PATCH changes the details in the database only; null clears; unknown entry is 404', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '10.0.0.8', name: 'Phone' },
    });
    const before = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: url(owner, `/${list}/10.0.0.8`),
      payload: { name: null, description: 'guest phone\nsince May' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({
      ip: '10.0.0.8',
      name: null,
      description: 'guest phone\nsince May',
    });
    expect(await entriesInDb(owner, list)).toEqual([
      expect.objectContaining({ name: null, description: 'guest phone\nsince May' }),
    ]);
    const missing = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: url(owner, `/${list}/10.0.0.9`),
      payload: { name: 'x' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ENTRY_NOT_FOUND');
    const empty = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: url(owner, `/${list}/10.0.0.8`),
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    expect(ctx.sim.calls.length).toBe(before);
  });

  it('DELETE removes from the router and the database, also an address only the router has', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '10.0.0.10' },
    });
    const res = await injectAs(ctx.app, owner.user, {
      method: 'DELETE',
      url: url(owner, `/${list}/10.0.0.10`),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ip: '10.0.0.10', changed: true });
    expect(await entriesInDb(owner, list)).toEqual([]);
    expect(ctx.sim.routerState(owner.routerId)[list]).toEqual([]);

    const cs = new CommandsServerClient(ctx.http, {
      sessionId: owner.user.sessionId,
      routerId: owner.routerId,
    });
    await cs.addToList(list, '10.0.0.11');
    const routerOnly = await injectAs(ctx.app, owner.user, {
      method: 'DELETE',
      url: url(owner, `/${list}/10.0.0.11`),
    });
    expect(routerOnly.json().data).toEqual({ ip: '10.0.0.11', changed: true });
    expect(ctx.sim.routerState(owner.routerId)[list]).toEqual([]);

    // Removing an absent address is idempotent: asked, the router says "not in".
    const absent = await injectAs(ctx.app, owner.user, {
      method: 'DELETE',
      url: url(owner, `/${list}/10.0.0.11`),
    });
    expect(absent.statusCode, absent.body).toBe(200);
    expect(absent.json().data).toEqual({ ip: '10.0.0.11', changed: false });
  });

  it('answers changed: false, and creates the entry here, when only the router had the address', async () => {
    const owner = await userWithRouter(ctx, alice);
    const cs = new CommandsServerClient(ctx.http, {
      sessionId: owner.user.sessionId,
      routerId: owner.routerId,
    });
    // An add through the API starts the Commands-Server session; then one behind our back.
    const other = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '10.0.0.13' },
    });
    expect(other.json().data.changed).toBe(true);
    await cs.addToList(list, '10.0.0.12');
    const res = await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '10.0.0.12' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({ ip: '10.0.0.12', changed: false });
    expect(await entriesInDb(owner, list)).toContainEqual(
      expect.objectContaining({ ip: '10.0.0.12' }),
    );
    expect(ctx.sim.routerState(owner.routerId)[list]).toEqual(['10.0.0.13', '10.0.0.12']);
  });

  it('every failure of add and remove leaves the database unchanged and is audited', async () => {
    const owner = await userWithRouter(ctx, alice);
    await injectAs(ctx.app, owner.user, {
      method: 'POST',
      url: url(owner, `/${list}`),
      payload: { ip: '10.1.0.1' },
    });
    await expectAddAndRemoveFailures(owner, list);
  });
});

async function expectAddAndRemoveFailures(owner: RouterUser, list: (typeof LISTS)[number]) {
  await expectEveryFailureLeavesNoTrace({
    ctx,
    owner,
    request: { method: 'POST', url: url(owner, `/${list}`), payload: { ip: '10.1.0.2' } },
    faultPath: `/api/${list}/add`,
    operation: `${list}.add`,
  });
  await expectEveryFailureLeavesNoTrace({
    ctx,
    owner,
    request: { method: 'DELETE', url: url(owner, `/${list}/10.1.0.1`) },
    faultPath: `/api/${list}/remove`,
    operation: `${list}.remove`,
  });
  expect(await entriesInDb(owner, list)).toEqual([expect.objectContaining({ ip: '10.1.0.1' })]);
}

describe('validation happens before any call', () => {
  const BAD_IPS: [string, string][] = [
    ['fe80::1', 'IPv4 only'],
    ['192.168.01.10', 'no leading zeros'],
    ['192.168.1.10\n', 'control characters'],
    ["1.2.3.4'; reboot; '", 'single quote'],
    ['1.2.3.4\\', 'backslash'],
    [' 192.168.1.10', 'IPv4 address'],
    ['256.1.1.1', 'IPv4 address'],
  ];

  it.each(BAD_IPS)('refuses %j in the body and in the path', async (ip, fragment) => {
    const owner = await userWithRouter(ctx, alice);
    const before = ctx.sim.calls.length;
    const requests: [InjectOptions, string][] = [
      [{ method: 'POST', url: url(owner, '/whitelist'), payload: { ip } }, 'body.ip'],
      [{ method: 'POST', url: url(owner, '/blacklist'), payload: { ip } }, 'body.ip'],
      [{ method: 'DELETE', url: url(owner, `/whitelist/${encodeURIComponent(ip)}`) }, 'params.ip'],
      [
        {
          method: 'PATCH',
          url: url(owner, `/blacklist/${encodeURIComponent(ip)}`),
          payload: { name: 'x' },
        },
        'params.ip',
      ],
    ];
    for (const [request, field] of requests) {
      const res = await injectAs(ctx.app, owner.user, request);
      expect(res.statusCode, `${request.method} ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field).toBe(field);
      expect(res.json().error.message).toContain(fragment);
    }
    expect(ctx.sim.calls.length).toBe(before);
    expect(await entriesInDb(owner, 'whitelist')).toEqual([]);
  });

  it('refuses bad names and descriptions, unknown fields and a bad router id', async () => {
    const owner = await userWithRouter(ctx, alice);
    const before = ctx.sim.calls.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ ip: '10.0.0.1', name: 'n'.repeat(101) }, 'body.name'],
      [{ ip: '10.0.0.1', description: 'd'.repeat(501) }, 'body.description'],
      // PostgreSQL cannot store NUL: refused before the router call, not after it.
      [{ ip: '10.0.0.1', name: 'a\u0000b' }, 'body.name'],
      [{ ip: '10.0.0.1', description: 'a\u0000b' }, 'body.description'],
      [{ ip: '10.0.0.1', name: 'two\nlines' }, 'body.name'],
      [{ ip: '10.0.0.1', name: '   ' }, 'body.name'],
      [{ ip: '10.0.0.1', admin: true }, 'body.admin'],
      [{ ip: 167772161 }, 'body.ip'],
      [{}, 'body.ip'],
    ];
    for (const [payload, field] of cases) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'POST',
        url: url(owner, '/whitelist'),
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field)).toContain(
        field,
      );
    }
    const patch = await injectAs(ctx.app, owner.user, {
      method: 'PATCH',
      url: url(owner, '/whitelist/10.0.0.1'),
      payload: { description: '\u0000' },
    });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.details.fields[0].field).toBe('body.description');
    const badRouter = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: '/api/v1/routers/bad%20id/whitelist',
    });
    expect(badRouter.statusCode).toBe(400);
    expect(badRouter.json().error.details.fields[0].field).toBe('params.routerId');
    expect(ctx.sim.calls.length).toBe(before);
  });
});

describe('concurrency', () => {
  it('20 concurrent adds of one address leave exactly one entry', async () => {
    const owner = await userWithRouter(ctx, alice);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        injectAs(ctx.app, owner.user, {
          method: 'POST',
          url: url(owner, '/whitelist'),
          payload: { ip: '10.2.0.1' },
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(await entriesInDb(owner, 'whitelist')).toHaveLength(1);
    expect(ctx.sim.routerState(owner.routerId).whitelist).toEqual(['10.2.0.1']);
  });

  it('20 concurrent adds of different addresses all land, in the database and on the router', async () => {
    const owner = await userWithRouter(ctx, alice);
    const ips = Array.from({ length: 20 }, (_, i) => `10.3.0.${i + 1}`);
    const results = await Promise.all(
      ips.map((ip) =>
        injectAs(ctx.app, owner.user, {
          method: 'POST',
          url: url(owner, '/whitelist'),
          payload: { ip },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(ips.map(() => 201));
    expect((await entriesInDb(owner, 'whitelist')).map((e) => e.ip).sort()).toEqual(
      [...ips].sort(),
    );
    expect([...ctx.sim.routerState(owner.routerId).whitelist].sort()).toEqual([...ips].sort());
  });
});
