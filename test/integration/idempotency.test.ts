/**
 * Idempotency-Key on authenticated POSTs: a retry is answered the first answer without
 * calling the router again; another request with the key is 422, a retry while the first
 * runs 409; keys are per user, kept 24 h, and a failed router call is not kept.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  login,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { auditEventsOf } from '../helpers/factories.js';
import { simCallsTo, userWithRouter, type RouterUser } from '../helpers/operation-checks.js';
import { onPostgres } from '../helpers/test-db.js';

let ctx: TestContext;
let alice: LoggedInUser;

beforeAll(async () => {
  ctx = await createTestContext();
  alice = await registerAndLogin(ctx.app);
});
afterAll(async () => {
  await ctx.close();
});

let n = 0;
const newKey = () => `key-${Date.now()}-${(n += 1)}`;

function addEntry(r: RouterUser, key: string | null, body: object, list = 'whitelist') {
  return injectAs(ctx.app, r.user, {
    method: 'POST',
    url: `/api/v1/routers/${r.routerId}/${list}`,
    payload: body,
    headers: key === null ? {} : { 'idempotency-key': key },
  });
}

const addCalls = (since: number) => simCallsTo(ctx.sim, '/api/whitelist/add', since).length;

async function whitelistRows(r: RouterUser) {
  return queryRows<{ ip: string; name: string | null }>(
    ctx.db.db,
    sql`select host(ip) as ip, name from user_whitelists where router_id = ${r.uuid} order by ip`,
  );
}

async function keysOf(user: LoggedInUser) {
  return queryRows<{ key: string; status_code: number | null }>(
    ctx.db.db,
    sql`select key, status_code from idempotency_keys where user_id = ${user.userId}`,
  );
}

describe('Idempotency-Key', () => {
  it('a retry answers the first answer, without calling the router or changing anything', async () => {
    const owner = await userWithRouter(ctx, alice);
    const key = newKey();
    const since = ctx.sim.calls.length;
    const first = await addEntry(owner, key, { ip: '10.9.0.1', name: 'Laptop' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const rows = await whitelistRows(owner);
    const audited = (await auditEventsOf(ctx.db.db, owner.uuid)).length;
    // Same body, keys in another order: the same request.
    const retry = await addEntry(owner, key, { name: 'Laptop', ip: '10.9.0.1' });
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(addCalls(since)).toBe(1);
    expect(await whitelistRows(owner)).toEqual(rows);
    expect((await auditEventsOf(ctx.db.db, owner.uuid)).length).toBe(audited);
  });

  it('the same key with another body or route is 422 IDEMPOTENCY_KEY_REUSED, nothing run', async () => {
    const owner = await userWithRouter(ctx, alice);
    const key = newKey();
    expect((await addEntry(owner, key, { ip: '10.9.1.1' })).statusCode).toBe(201);
    const since = ctx.sim.calls.length;
    for (const res of [
      await addEntry(owner, key, { ip: '10.9.1.2' }),
      await addEntry(owner, key, { ip: '10.9.1.1' }, 'blacklist'),
    ]) {
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(ctx.sim.calls.length).toBe(since);
    expect(await whitelistRows(owner)).toEqual([{ ip: '10.9.1.1', name: null }]);
  });

  // Wi-Fi enable, not a list change: a serialized change holds a transaction across its
  // router call, and PGlite (one connection) would hold the retry's claim until the first
  // answer is stored, replaying it instead; on PostgreSQL either shows it runs once.
  it('a retry while the first request runs is 409 IDEMPOTENCY_KEY_IN_FLIGHT; it runs once', async () => {
    const owner = await userWithRouter(ctx, alice);
    const key = newKey();
    const enable = () =>
      injectAs(ctx.app, owner.user, {
        method: 'POST',
        url: `/api/v1/routers/${owner.routerId}/wifi/enable`,
        headers: { 'idempotency-key': key },
      });
    // Start the Commands-Server session first, so that the slow call is the change itself.
    expect((await addEntry(owner, null, { ip: '10.9.2.9' })).statusCode).toBe(201);
    ctx.sim.faults.inject({
      match: { path: '/api/wifi/enable' },
      fault: { kind: 'latency', ms: 400 },
    });
    const since = ctx.sim.calls.length;
    try {
      const answers = await Promise.all([enable(), enable()]);
      const statuses = answers.map((a) => a.statusCode).sort();
      expect(statuses).toEqual([200, 409]);
      const refused = answers.find((a) => a.statusCode === 409)!;
      expect(refused.json().error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    } finally {
      ctx.sim.faults.clear();
    }
    expect(simCallsTo(ctx.sim, '/api/wifi/enable', since)).toHaveLength(1);
    const replay = await enable();
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  // On PostgreSQL a serialized change (its router call inside a transaction) is refused
  // the same way; PGlite's one connection would make the retry wait and replay instead.
  it.skipIf(!onPostgres)(
    'a concurrent retry of a list change is 409; the router is called once',
    async () => {
      const owner = await userWithRouter(ctx, alice);
      const key = newKey();
      expect((await addEntry(owner, null, { ip: '10.9.8.9' })).statusCode).toBe(201);
      ctx.sim.faults.inject({
        match: { path: '/api/whitelist/add' },
        fault: { kind: 'latency', ms: 400 },
      });
      const since = ctx.sim.calls.length;
      try {
        const answers = await Promise.all([
          addEntry(owner, key, { ip: '10.9.8.1' }),
          addEntry(owner, key, { ip: '10.9.8.1' }),
        ]);
        expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
      } finally {
        ctx.sim.faults.clear();
      }
      expect(addCalls(since)).toBe(1);
    },
  );

  it("keys are per user: another user's same key is independent", async () => {
    const owner = await userWithRouter(ctx, alice);
    const other = await userWithRouter(ctx);
    const key = newKey();
    expect((await addEntry(owner, key, { ip: '10.9.3.1' })).statusCode).toBe(201);
    const since = ctx.sim.calls.length;
    const theirs = await addEntry(other, key, { ip: '10.9.3.2' });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(addCalls(since)).toBe(1);
  });

  it('a failed router call is not kept: the retry runs again', async () => {
    const owner = await userWithRouter(ctx, alice);
    const key = newKey();
    const since = ctx.sim.calls.length;
    ctx.sim.faults.inject({
      match: { path: '/api/whitelist/add' },
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'uci: busy' },
    });
    try {
      const failed = await addEntry(owner, key, { ip: '10.9.4.1' });
      expect(failed.statusCode).toBe(502);
    } finally {
      ctx.sim.faults.clear();
    }
    expect(await keysOf(owner.user)).not.toContainEqual(expect.objectContaining({ key }));
    const retry = await addEntry(owner, key, { ip: '10.9.4.1' });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(addCalls(since)).toBe(2);
  });

  it('an invalid key is 400 VALIDATION_FAILED before anything runs', async () => {
    const owner = await userWithRouter(ctx, alice);
    const since = ctx.sim.calls.length;
    for (const key of ['x'.repeat(256), 'tab\there', 'caf\u00e9']) {
      const res = await addEntry(owner, key, { ip: '10.9.5.1' });
      expect(res.statusCode, key).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [{ field: 'headers.idempotency-key' }] },
      });
    }
    expect(ctx.sim.calls.length).toBe(since);
  });

  it('the password change ignores the header and stores nothing of it', async () => {
    const user = await registerAndLogin(ctx.app);
    const res = await injectAs(ctx.app, user, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'not the password', newPassword: 'another long passphrase here' },
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });
    expect(res.json().error.code).not.toBe('VALIDATION_FAILED');
    expect(await keysOf(user)).toEqual([]);
  });

  it('the OpenAPI document shares the header and lists the codes on authenticated POSTs', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({
      name: 'Idempotency-Key',
      in: 'header',
    });
    const ref = { $ref: '#/components/parameters/IdempotencyKey' };
    const block = doc.paths['/api/v1/routers/{routerId}/block'].post;
    expect(block.parameters).toContainEqual(ref);
    expect(block['x-error-codes']).toEqual(
      expect.arrayContaining(['IDEMPOTENCY_KEY_IN_FLIGHT', 'IDEMPOTENCY_KEY_REUSED']),
    );
    expect(Object.keys(block.responses)).toEqual(expect.arrayContaining(['409', '422']));
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/password']) {
      expect(doc.paths[path].post.parameters ?? []).not.toContainEqual(ref);
    }
    expect(
      doc.paths['/api/v1/routers/{routerId}/whitelist'].get.parameters ?? [],
    ).not.toContainEqual(ref);
  });
});

describe('expiry', () => {
  it('a key is reusable after 24 h, and the sweeper deletes it', async () => {
    const owner = await userWithRouter(ctx, alice);
    const key = newKey();
    expect((await addEntry(owner, key, { ip: '10.9.6.1' })).statusCode).toBe(201);
    ctx.clock.advance(23 * 60 * 60 * 1000);
    await ctx.app.services.sweeper.sweep();
    expect(await keysOf(owner.user)).toContainEqual({ key, status_code: 201 });

    ctx.clock.advance(60 * 60 * 1000 + 1000);
    await ctx.app.services.sweeper.sweep();
    expect(await keysOf(owner.user)).not.toContainEqual(expect.objectContaining({ key }));
    // The login itself has expired meanwhile: log in again, same user.
    const again = { ...owner, user: await login(ctx.app, owner.user.email) };
    const since = ctx.sim.calls.length;
    const other = await addEntry(again, key, { ip: '10.9.6.2' });
    expect(other.statusCode, other.body).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(addCalls(since)).toBe(1);
  });

  it('an expired key not yet swept is taken over by a new request', async () => {
    const owner = await userWithRouter(ctx, alice);
    const key = newKey();
    expect((await addEntry(owner, key, { ip: '10.9.7.1' })).statusCode).toBe(201);
    ctx.clock.advance(24 * 60 * 60 * 1000 + 1000);
    const again = { ...owner, user: await login(ctx.app, owner.user.email) };
    const other = await addEntry(again, key, { ip: '10.9.7.2' });
    expect(other.statusCode, other.body).toBe(201);
    const mine = (await keysOf(owner.user)).filter((k) => k.key === key);
    expect(mine).toEqual([{ key, status_code: 201 }]);
  });
});
