/**
 * Whitelist and blacklist beyond entry changes: who may reach the list routes, and
 * their OpenAPI description (drift is the router-wide route's, test/integration/drift.test.ts).
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { memberOf, userWithRouter, type RouterUser } from '../helpers/operation-checks.js';

let ctx: TestContext;
// Tests isolate by router: each makes its own, owned by alice; bob joins or is a stranger.
let alice: LoggedInUser;
let bob: LoggedInUser;

beforeAll(async () => {
  ctx = await createTestContext();
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

describe('authorization', () => {
  it('answers 404 ROUTER_NOT_FOUND to a user who is not a member, on every list route', async () => {
    const owner = await userWithRouter(ctx, alice);
    const stranger = await userWithRouter(ctx, bob);
    const before = ctx.sim.calls.length;
    for (const list of LISTS) {
      const requests: InjectOptions[] = [
        { method: 'GET', url: url(owner, `/${list}`) },
        { method: 'POST', url: url(owner, `/${list}`), payload: { ip: '10.5.0.1' } },
        { method: 'PATCH', url: url(owner, `/${list}/10.5.0.1`), payload: { name: 'x' } },
        { method: 'DELETE', url: url(owner, `/${list}/10.5.0.1`) },
        { method: 'GET', url: url(owner, `/${list}/mode`) },
        { method: 'PUT', url: url(owner, `/${list}/mode`), payload: { active: true } },
        { method: 'GET', url: url(owner, `/${list}/rates`) },
        { method: 'PUT', url: url(owner, `/${list}/rates`), payload: { limitedMbps: 10 } },
        { method: 'GET', url: url(owner, `/${list}/mode?source=router`) },
      ];
      for (const request of requests) {
        const res = await injectAs(ctx.app, stranger.user, request);
        expect(res.statusCode, `${request.method} ${JSON.stringify(request.url)}`).toBe(404);
        expect(res.json().error.code).toBe('ROUTER_NOT_FOUND');
      }
    }
    expect(ctx.sim.calls.length).toBe(before);
  });

  it('a member may manage entries', async () => {
    const owner = await userWithRouter(ctx, alice);
    const member = await memberOf(ctx, owner, bob);
    const res = await injectAs(ctx.app, member.user, {
      method: 'POST',
      url: url(owner, '/whitelist'),
      payload: { ip: '10.6.0.1' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.addedBy).toBe(member.user.userId);
  });

  it('requires authentication', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/routers/r1/whitelist' });
    expect(res.statusCode).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents every list, Wi-Fi and usage route with its tag and security', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const expected: [string, string, string][] = [
      ['/api/v1/routers/{routerId}/whitelist', 'post', 'lists'],
      ['/api/v1/routers/{routerId}/blacklist/{ip}', 'delete', 'lists'],
      ['/api/v1/routers/{routerId}/whitelist/mode', 'put', 'lists'],
      ['/api/v1/routers/{routerId}/blacklist/rates', 'put', 'lists'],
      ['/api/v1/routers/{routerId}/drift', 'get', 'routers'],
      ['/api/v1/routers/{routerId}/wifi/password', 'put', 'wifi'],
      ['/api/v1/routers/{routerId}/usage/{mac}', 'get', 'usage'],
    ];
    for (const [path, method, tag] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.tags).toEqual([tag]);
      expect(op.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    }
    const usage = doc.paths['/api/v1/routers/{routerId}/usage'].get;
    const data = usage.responses['200'].content['application/json'].schema.properties.data;
    expect(data).toEqual({ $ref: '#/components/schemas/RouterUsage' });
    const schema = JSON.stringify(doc.components.schemas.DeviceTraffic);
    expect(schema).toContain('downloadMiB');
    expect(schema).toContain('MiB, not MB');
  });
});
