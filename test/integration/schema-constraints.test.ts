import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { dbErrorCode } from '../../src/db/errors.js';
import { createTestDb, type TestDb } from '../helpers/test-db.js';

let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.destroy();
});

const uid = () => randomBytes(4).toString('hex');

async function one<T>(query: ReturnType<typeof sql>): Promise<T> {
  const rows = await queryRows<T>(db.db, query);
  return rows[0] as T;
}

async function user(email = `u-${uid()}@example.com`) {
  return one<{ id: string }>(
    sql`insert into users (email, password_hash) values (${email}, 'x') returning id`,
  );
}

async function router(routerId = `r-${uid()}`) {
  return one<{ id: string }>(
    sql`insert into routers (router_id, name) values (${routerId}, 'Home') returning id`,
  );
}

async function failureCode(query: ReturnType<typeof sql>): Promise<string | null> {
  try {
    await db.db.execute(query);
  } catch (err) {
    return dbErrorCode(err);
  }
  return null;
}

const UNIQUE = '23505';
const CHECK = '23514';
const FK = '23503';

describe('constraints of the data model hold in the database itself', () => {
  it('users: email stored normalised (no ASCII capital, no surrounding space) and unique', async () => {
    const email = `mixed-${uid()}@example.com`;
    await user(email);
    for (const variant of [`Mixed-${uid()}@example.com`, ` ${email}`]) {
      expect(
        await failureCode(sql`insert into users (email, password_hash) values (${variant}, 'x')`),
      ).toBe(CHECK);
    }
    expect(
      await failureCode(sql`insert into users (email, password_hash) values (${email}, 'x')`),
    ).toBe(UNIQUE);
  });

  it('user_sessions: token_hash unique; rows go with their user', async () => {
    const u = await user();
    const hash = randomBytes(32).toString('hex');
    const insert = sql`insert into user_sessions (user_id, token_hash, expires_at, absolute_expires_at)
      values (${u.id}, ${hash}, now() + interval '1 day', now() + interval '2 days')`;
    await db.db.execute(insert);
    expect(await failureCode(insert)).toBe(UNIQUE);
    await db.db.execute(sql`delete from users where id = ${u.id}`);
    const left = await one<{ n: number }>(
      sql`select count(*)::int as n from user_sessions where token_hash = ${hash}`,
    );
    expect(left.n).toBe(0);
  });

  it('routers: router_id unique and well-formed', async () => {
    const id = `r-${uid()}`;
    await router(id);
    expect(await failureCode(sql`insert into routers (router_id, name) values (${id}, 'x')`)).toBe(
      UNIQUE,
    );
    expect(
      await failureCode(sql`insert into routers (router_id, name) values ('bad id;', 'x')`),
    ).toBe(CHECK);
  });

  it('user_routers: one membership per (user, router) and one owner per router', async () => {
    const [a, b, r] = [await user(), await user(), await router()];
    await db.db.execute(
      sql`insert into user_routers (user_id, router_id, role) values (${a.id}, ${r.id}, 'owner')`,
    );
    expect(
      await failureCode(
        sql`insert into user_routers (user_id, router_id, role) values (${a.id}, ${r.id}, 'member')`,
      ),
    ).toBe(UNIQUE);
    expect(
      await failureCode(
        sql`insert into user_routers (user_id, router_id, role) values (${b.id}, ${r.id}, 'owner')`,
      ),
    ).toBe(UNIQUE);
    await db.db.execute(
      sql`insert into user_routers (user_id, router_id, role) values (${b.id}, ${r.id}, 'member')`,
    );
    expect(
      await failureCode(
        sql`insert into user_routers (user_id, router_id, role) values (${b.id}, gen_random_uuid(), 'member')`,
      ),
    ).toBe(FK);
  });

  it('user_devices: unique (router, mac), macs normalised by the type', async () => {
    const r = await router();
    await db.db.execute(
      sql`insert into user_devices (router_id, mac, ip) values (${r.id}, 'AA:BB:CC:DD:EE:01', '192.168.1.2')`,
    );
    expect(
      await failureCode(
        sql`insert into user_devices (router_id, mac) values (${r.id}, 'aa-bb-cc-dd-ee-01')`,
      ),
    ).toBe(UNIQUE);
    const row = await one<{ mac: string }>(
      sql`select mac::text as mac from user_devices where router_id = ${r.id}`,
    );
    expect(row.mac).toBe('aa:bb:cc:dd:ee:01');
  });

  for (const table of ['user_whitelists', 'user_blacklists', 'user_blocked_devices'] as const) {
    it(`${table}: unique (router, ip), IPv4 host addresses only`, async () => {
      const r = await router();
      const t = sql.identifier(table);
      await db.db.execute(sql`insert into ${t} (router_id, ip) values (${r.id}, '192.168.1.10')`);
      expect(
        await failureCode(sql`insert into ${t} (router_id, ip) values (${r.id}, '192.168.1.10')`),
      ).toBe(UNIQUE);
      expect(await failureCode(sql`insert into ${t} (router_id, ip) values (${r.id}, '::1')`)).toBe(
        CHECK,
      );
      expect(
        await failureCode(sql`insert into ${t} (router_id, ip) values (${r.id}, '10.0.0.0/8')`),
      ).toBe(CHECK);
      // The same IP on another router is a different entry.
      const other = await router();
      await db.db.execute(
        sql`insert into ${t} (router_id, ip) values (${other.id}, '192.168.1.10')`,
      );
    });
  }

  it('router_settings: one row per router, rates within 1–1000 Mbps, known modes only', async () => {
    const r = await router();
    await db.db.execute(sql`insert into router_settings (router_id) values (${r.id})`);
    expect(await failureCode(sql`insert into router_settings (router_id) values (${r.id})`)).toBe(
      UNIQUE,
    );
    expect(
      await failureCode(
        sql`update router_settings set whitelist_limited_mbps = 0 where router_id = ${r.id}`,
      ),
    ).toBe(CHECK);
    expect(
      await failureCode(
        sql`update router_settings set blacklist_full_mbps = 1001 where router_id = ${r.id}`,
      ),
    ).toBe(CHECK);
    expect(
      await failureCode(
        sql`update router_settings set active_mode = 'both' where router_id = ${r.id}`,
      ),
    ).toBe('22P02');
  });

  it('router_invitations: one pending per (router, email), consistent status, sane expiry, gone with the router', async () => {
    const [u, r] = [await user(), await router()];
    const invite = (email: string, status = 'pending', respondedAt = sql`null`) =>
      sql`insert into router_invitations (router_id, invited_by, email, expires_at, status, responded_at)
          values (${r.id}, ${u.id}, ${email}, now() + interval '7 days', ${status}, ${respondedAt})`;
    await db.db.execute(invite('ada@example.com'));
    expect(await failureCode(invite('ada@example.com'))).toBe(UNIQUE);
    // Answered ones do not count: a new pending invitation may follow a declined one.
    await db.db.execute(
      sql`update router_invitations set status = 'declined', responded_at = now()
           where router_id = ${r.id} and email = 'ada@example.com'`,
    );
    const answered = await one<{ moved: boolean }>(
      sql`select updated_at > created_at as moved from router_invitations where router_id = ${r.id}`,
    );
    expect(answered.moved, 'the updated_at trigger').toBe(true);
    await db.db.execute(invite('ada@example.com'));
    // The same address on another router is another invitation.
    const other = await router();
    await db.db.execute(
      sql`insert into router_invitations (router_id, invited_by, email, expires_at)
          values (${other.id}, ${u.id}, 'ada@example.com', now() + interval '1 day')`,
    );
    expect(await failureCode(invite('bob@example.com', 'accepted'))).toBe(CHECK);
    expect(await failureCode(invite('bob@example.com', 'pending', sql`now()`))).toBe(CHECK);
    expect(await failureCode(invite('bob@example.com', 'maybe'))).toBe('22P02');
    expect(await failureCode(invite('x'))).toBe(CHECK);
    expect(
      await failureCode(
        sql`insert into router_invitations (router_id, invited_by, email, expires_at)
            values (${r.id}, ${u.id}, 'late@example.com', now() - interval '1 second')`,
      ),
    ).toBe(CHECK);
    expect(
      await failureCode(
        sql`insert into router_invitations (router_id, invited_by, email, expires_at)
            values (gen_random_uuid(), ${u.id}, 'fk@example.com', now() + interval '1 day')`,
      ),
    ).toBe(FK);
    await db.db.execute(sql`delete from routers where id = ${r.id}`);
    const left = await one<{ n: number }>(
      sql`select count(*)::int as n from router_invitations where router_id = ${r.id}`,
    );
    expect(left.n).toBe(0);
  });

  it('deleting a router deletes its data and keeps the audit trail', async () => {
    const [u, r] = [await user(), await router()];
    await db.db.execute(
      sql`insert into user_routers (user_id, router_id, role) values (${u.id}, ${r.id}, 'owner')`,
    );
    await db.db.execute(
      sql`insert into user_devices (router_id, mac) values (${r.id}, '02:00:00:00:00:01')`,
    );
    await db.db.execute(
      sql`insert into user_whitelists (router_id, ip) values (${r.id}, '10.0.0.1')`,
    );
    await db.db.execute(sql`insert into router_settings (router_id) values (${r.id})`);
    await db.db.execute(
      sql`insert into audit_events (user_id, router_id, operation, outcome) values (${u.id}, ${r.id}, 'scan', 'succeeded')`,
    );
    await db.db.execute(sql`delete from routers where id = ${r.id}`);
    const counts = await one<Record<string, number>>(sql`select
      (select count(*)::int from user_routers where router_id = ${r.id}) as members,
      (select count(*)::int from user_devices where router_id = ${r.id}) as devices,
      (select count(*)::int from user_whitelists where router_id = ${r.id}) as whitelist,
      (select count(*)::int from router_settings where router_id = ${r.id}) as settings,
      (select count(*)::int from audit_events where user_id = ${u.id} and router_id is null) as audit`);
    expect(counts).toEqual({ members: 0, devices: 0, whitelist: 0, settings: 0, audit: 1 });
  });

  it('updated_at changes on every update, even inside the inserting transaction', async () => {
    const r = await router();
    const before = await one<{ created_at: string; updated_at: string }>(
      sql`select created_at::text, updated_at::text from routers where id = ${r.id}`,
    );
    expect(before.updated_at).toBe(before.created_at);
    await db.db.execute(sql`update routers set name = 'Renamed' where id = ${r.id}`);
    const after = await one<{ changed: boolean }>(
      sql`select updated_at > created_at as changed from routers where id = ${r.id}`,
    );
    expect(after.changed).toBe(true);
  });

  it('user_devices: updated_at moves on every update, whatever the statement sets it to', async () => {
    const r = await router();
    await db.db.execute(
      sql`insert into user_devices (router_id, mac) values (${r.id}, '02:00:00:00:00:01')`,
    );
    const stamp = () =>
      one<{ at: string }>(
        sql`select updated_at::text as at from user_devices where router_id = ${r.id}`,
      ).then((row) => row.at);
    // Each update must leave updated_at later than before, and not in the future.
    for (const set of [
      sql`name = 'tv'`,
      sql`name = 'tv2', updated_at = updated_at`,
      sql`name = 'tv3', updated_at = updated_at - interval '1 day'`,
      sql`name = 'tv4', updated_at = now() + interval '1 day'`,
      sql`name = 'tv5', updated_at = null`,
      sql`name = 'tv6', updated_at = clock_timestamp()`,
    ]) {
      const before = await stamp();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await db.db.execute(sql`update user_devices set ${set} where router_id = ${r.id}`);
      const check = await one<{ later: boolean; past: boolean }>(
        sql`select updated_at > ${before}::timestamptz as later,
                   updated_at <= clock_timestamp() as past
              from user_devices where router_id = ${r.id}`,
      );
      expect(check, set.queryChunks.map(String).join('')).toEqual({ later: true, past: true });
    }
  });
});
