import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type TestContext,
} from '../helpers/build-app.js';
import { snapshotRouterData } from '../helpers/factories.js';
import { simCallsTo, userWithRouter, type RouterUser } from '../helpers/operation-checks.js';

/**
 * Web clients send `Content-Type: application/json` on every call, also on those
 * that carry no body: zero bytes read as `{}` (#13). A body that is there but is not
 * JSON, white space included, stays 400 MALFORMED_JSON.
 */

let ctx: TestContext;
let owner: RouterUser;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await userWithRouter(ctx);
});
afterAll(async () => {
  await ctx.close();
});

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];

function send(method: InjectOptions['method'], url: string, payload: string, type: string) {
  return injectAs(ctx.app, owner.user, {
    method,
    url,
    payload,
    headers: { 'content-type': type },
  });
}

describe('an empty body sent as JSON', () => {
  it.each(JSON_TYPES)('runs POST …/scan and POST …/wifi/enable (%s)', async (type) => {
    const base = `/api/v1/routers/${owner.routerId}`;
    const scan = await send('POST', `${base}/scan`, '', type);
    expect(scan.statusCode, scan.body).toBe(200);
    expect(scan.json().data.devices.length).toBeGreaterThan(0);
    const enable = await send('POST', `${base}/wifi/enable`, '', type);
    expect(enable.statusCode, enable.body).toBe(200);
  });

  it('runs DELETE of a list entry', async () => {
    const res = await send(
      'DELETE',
      `/api/v1/routers/${owner.routerId}/whitelist/10.9.8.7`,
      '',
      'application/json',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ip: '10.9.8.7', changed: false });
  });

  it('runs POST /auth/logout', async () => {
    const user = await registerAndLogin(ctx.app);
    const res = await injectAs(ctx.app, user, {
      method: 'POST',
      url: '/api/v1/auth/logout',
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ loggedOut: true });
    const me = await injectAs(ctx.app, user, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(401);
  });

  it('is 400 VALIDATION_FAILED naming the field on a route that needs a body, before any call', async () => {
    const since = ctx.sim.calls.length;
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const res = await send(
      'POST',
      `/api/v1/routers/${owner.routerId}/block`,
      '',
      'application/json',
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.fields).toEqual([
      expect.objectContaining({ field: 'body.ip' }),
    ]);
    expect(simCallsTo(ctx.sim, /\/api\/network\//, since)).toEqual([]);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
  });
});

describe('a body that is there but is not JSON', () => {
  it.each([
    ['a broken object', '{'],
    ['white space only', ' \n'],
    ['a bare word', 'null-ish'],
  ])('is 400 MALFORMED_JSON: %s', async (_name, payload) => {
    const since = ctx.sim.calls.length;
    const res = await send(
      'POST',
      `/api/v1/routers/${owner.routerId}/scan`,
      payload,
      'application/json',
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_JSON');
    expect(simCallsTo(ctx.sim, '/api/network/scan', since)).toEqual([]);
  });

  it('still refuses prototype poisoning', async () => {
    const res = await send(
      'POST',
      `/api/v1/routers/${owner.routerId}/block`,
      '{"ip":"192.168.1.10","__proto__":{"x":1}}',
      'application/json',
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_JSON');
  });
});
