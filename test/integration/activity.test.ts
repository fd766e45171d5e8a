import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { createTestContext, injectAs, type TestContext } from '../helpers/build-app.js';
import { memberOf, userWithRouter, type RouterUser } from '../helpers/operation-checks.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

function activity(r: RouterUser, query = '', as: RouterUser = r) {
  return injectAs(ctx.app, as.user, {
    method: 'GET',
    url: `/api/v1/routers/${r.routerId}/activity${query}`,
  });
}

/**
 * Inserts events at chosen instants, several sharing one and others a microsecond
 * apart (which a JavaScript Date cannot tell apart), and returns their ids newest first.
 */
async function seedEvents(r: RouterUser): Promise<string[]> {
  const instants = [
    '2030-01-01 00:00:00.000001+00',
    '2030-01-01 00:00:00.000002+00',
    '2030-01-01 00:00:00.000002+00',
    '2030-01-01 00:00:00.000002+00',
    '2030-01-01 00:00:00.000003+00',
    '2030-01-01 00:00:01+00',
    '2030-01-01 00:00:02+00',
  ];
  for (const [i, at] of instants.entries()) {
    await ctx.db.db.execute(
      sql`insert into audit_events (user_id, router_id, router_external_id, operation, params, outcome, created_at)
          values (${r.user.userId}, ${r.uuid}, ${r.routerId}, ${`test.op${i}`}, ${JSON.stringify({ i })}::jsonb, 'succeeded', ${at}::timestamptz)`,
    );
  }
  const rows = await queryRows<{ id: string }>(
    ctx.db.db,
    sql`select id from audit_events where router_id = ${r.uuid} order by created_at desc, id desc`,
  );
  return rows.map((row) => row.id);
}

describe('router activity', () => {
  it('pages through every event newest first, without gaps or repeats', async () => {
    const owner = await userWithRouter(ctx);
    const expected = await seedEvents(owner);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await activity(owner, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json().data;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e: { id: string }) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
  });

  it('answers the actor, outcome and parameters of each event', async () => {
    const owner = await userWithRouter(ctx);
    const member = await memberOf(ctx, owner);
    // A real operation of the member, through the API.
    const scan = await injectAs(ctx.app, member.user, {
      method: 'POST',
      url: `/api/v1/routers/${owner.routerId}/scan`,
    });
    expect(scan.statusCode).toBe(200);
    const res = await activity(owner, '', member);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      items: [
        {
          id: expect.any(String),
          operation: 'network.scan',
          outcome: 'succeeded',
          errorCode: null,
          params: null,
          result: { found: expect.any(Number), new: expect.any(Number) },
          actor: { userId: member.user.userId, email: member.user.email },
          durationMs: expect.any(Number),
          createdAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
  });

  it('summarises what each succeeded operation did: scan, mode switch, block', async () => {
    const owner = await userWithRouter(ctx);
    const post = (path: string, payload?: object) =>
      injectAs(ctx.app, owner.user, {
        method: path.endsWith('/mode') ? 'PUT' : 'POST',
        url: `/api/v1/routers/${owner.routerId}${path}`,
        ...(payload ? { payload } : {}),
      });
    expect((await post('/scan')).statusCode).toBe(200);
    expect((await post('/scan')).statusCode).toBe(200);
    expect((await post('/blacklist/mode', { active: true })).statusCode).toBe(200);
    expect((await post('/whitelist/mode', { active: true })).statusCode).toBe(200);
    expect((await post('/whitelist/mode', { active: false })).statusCode).toBe(200);
    const device = ctx.sim.routerState(owner.routerId).devices[0]!;
    const block = await post('/block', { ip: device.ip });
    expect(block.statusCode, block.body).toBe(200);
    const found = ctx.sim.routerState(owner.routerId).devices.length;
    const events = (await activity(owner)).json().data.items;
    expect(
      events.map((e: { operation: string; result: unknown }) => [e.operation, e.result]),
    ).toEqual([
      ['network.block', { mac: block.json().data.mac }],
      ['whitelist.deactivateMode', { activeMode: 'none', switchedOff: 'whitelist' }],
      ['whitelist.activateMode', { activeMode: 'whitelist', switchedOff: 'blacklist' }],
      ['blacklist.activateMode', { activeMode: 'blacklist', switchedOff: null }],
      ['network.scan', { found, new: 0 }],
      ['network.scan', { found, new: found }],
    ]);
    expect(found).toBeGreaterThan(0);
    expect(block.json().data.mac).toEqual(expect.any(String));
  });

  it('records refused attempts: a member’s owner-only action, a rate-limited scan; not a 404', async () => {
    const limited = await createTestContext({
      db: ctx.db,
      sim: ctx.sim,
      config: { SCAN_MIN_INTERVAL_SECONDS: '60' },
    });
    try {
      const owner = await userWithRouter(ctx);
      const member = await memberOf(ctx, owner);
      const stranger = await userWithRouter(ctx);
      const as = (who: RouterUser, method: 'PUT' | 'POST', path: string, payload?: object) =>
        injectAs(limited.app, who.user, {
          method,
          url: `/api/v1/routers/${owner.routerId}${path}`,
          ...(payload ? { payload } : {}),
        });
      expect((await as(member, 'PUT', '/whitelist/mode', { active: true })).statusCode).toBe(403);
      expect((await as(owner, 'POST', '/scan')).statusCode).toBe(200);
      expect((await as(member, 'POST', '/scan')).statusCode).toBe(429);
      expect((await as(stranger, 'POST', '/scan')).statusCode).toBe(404);
      expect((await as(stranger, 'PUT', '/whitelist/mode', { active: true })).statusCode).toBe(404);
      const events = (await activity(owner)).json().data.items;
      type Event = {
        operation: string;
        outcome: string;
        errorCode: string | null;
        actor: { userId: string };
      };
      expect(
        events.map((e: Event) => [e.operation, e.outcome, e.errorCode, e.actor.userId]),
      ).toEqual([
        ['network.scan', 'failed', 'RATE_LIMITED', member.user.userId],
        ['network.scan', 'succeeded', null, owner.user.userId],
        ['whitelist.activateMode', 'failed', 'FORBIDDEN', member.user.userId],
      ]);
    } finally {
      await limited.close();
    }
  });

  it('defaults to 100 events and shows only this router’s', async () => {
    const owner = await userWithRouter(ctx);
    const other = await userWithRouter(ctx);
    await ctx.db.db.execute(
      sql`insert into audit_events (router_id, operation, outcome)
          select ${owner.uuid}, 'test.bulk', 'succeeded' from generate_series(1, 110)`,
    );
    await seedEvents(other);
    const res = await activity(owner);
    expect(res.json().data.items).toHaveLength(100);
    expect(res.json().data.items[0].actor).toBeNull();
    const rest = await activity(owner, `?cursor=${res.json().data.nextCursor}`);
    expect(rest.json().data.items).toHaveLength(10);
    expect(rest.json().data.nextCursor).toBeNull();
    const all = [...res.json().data.items, ...rest.json().data.items];
    expect(all.every((e: { operation: string }) => e.operation === 'test.bulk')).toBe(true);
  });

  it('validates limit and cursor', async () => {
    const owner = await userWithRouter(ctx);
    const notUuid = Buffer.from('not-a-uuid').toString('base64url');
    for (const [query, field] of [
      ['?limit=0', 'querystring.limit'],
      ['?limit=501', 'querystring.limit'],
      ['?limit=ten', 'querystring.limit'],
      ['?limit=1.5', 'querystring.limit'],
      ['?limit=', 'querystring.limit'],
      ['?cursor=%21%21', 'querystring.cursor'],
      [`?cursor=${notUuid}`, 'querystring.cursor'],
    ]) {
      const res = await activity(owner, query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field, query).toBe(field);
    }
    // The old parameter is gone, not ignored.
    expect((await activity(owner, '?before=abc')).statusCode).toBe(400);
    expect((await activity(owner, '?limit=500')).statusCode).toBe(200);
    // The query is coerced to the integer its schema (and the OpenAPI document) says.
    const padded = await activity(owner, '?limit=05');
    expect(padded.statusCode, padded.body).toBe(200);
  });

  it('is for members only', async () => {
    const owner = await userWithRouter(ctx);
    const stranger = await userWithRouter(ctx);
    const res = await activity(owner, '', stranger);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTER_NOT_FOUND');
  });
});
