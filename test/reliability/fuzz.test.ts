import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { ERROR_CODES } from '../../src/errors.js';
import {
  createTestContext,
  injectAs,
  login,
  registerAndLogin,
  type LoggedInUser,
} from '../helpers/build-app.js';
import { createRouterFor, uniqueRouterId } from '../helpers/factories.js';
import {
  requestArb,
  routesOf,
  toInject,
  unvalidatedValues,
  type Fixtures,
  type RouteUnderFuzz,
} from '../helpers/fuzz-requests.js';

/**
 * Property-based fuzzing of every route in /openapi.json (routes added later are
 * fuzzed automatically): random and malformed bodies, wrong types, huge strings,
 * unicode, duplicate keys, hostile path segments and query strings, missing and
 * garbage credentials. Every answer must be the envelope with a 4xx or a
 * documented 2xx — never a 5xx — and no value the validators of SPEC §6 would
 * refuse may reach the Commands-Server.
 *
 * FUZZ_RUNS sets the requests per route (default 30); FUZZ_SEED replays a run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

const ctx = await createTestContext();
const app = ctx.app;
const routes = routesOf((await app.inject({ method: 'GET', url: '/openapi.json' })).json());

beforeAll(async () => {
  await setUp();
  ctx.sim.clearCalls();
});

afterAll(async () => {
  await ctx.close();
});

let user: LoggedInUser;
let revokedToken: string;
const fx: Fixtures = {
  routerId: uniqueRouterId('fuzz'),
  otherSessionId: '',
  deviceIds: [],
  macs: [],
  invitationIds: [],
};

async function setUp(): Promise<void> {
  user = await registerAndLogin(app);
  fx.otherSessionId = (await login(app, user.email)).sessionId;
  const revoked = await login(app, user.email);
  await injectAs(app, revoked, { method: 'POST', url: '/api/v1/auth/logout' });
  revokedToken = revoked.token;
  await createRouterFor(ctx.db.db, user.userId, fx.routerId);
  // Devices to aim at, when the scan route exists.
  await injectAs(app, user, { method: 'POST', url: `/api/v1/routers/${fx.routerId}/scan` });
  const devices = await queryRows<{ id: string; mac: string }>(
    ctx.db.db,
    sql`select d.id, d.mac from user_devices d join routers r on r.id = d.router_id
         where r.router_id = ${fx.routerId}`,
  );
  fx.deviceIds = devices.map((d) => d.id);
  fx.macs = devices.map((d) => d.mac);
  // Invitations to aim at: one to this user from another owner, one on this user's router.
  const owner = await registerAndLogin(app);
  const otherRouter = uniqueRouterId('fuzz');
  await createRouterFor(ctx.db.db, owner.userId, otherRouter);
  for (const [by, routerId, email] of [
    [owner, otherRouter, user.email],
    [user, fx.routerId, 'invited@example.com'],
  ] as const) {
    const res = await injectAs(app, by, {
      method: 'POST',
      url: `/api/v1/routers/${routerId}/invitations`,
      payload: { email },
    });
    fx.invitationIds.push(res.json<{ data: { id: string } }>().data.id);
  }
}

/**
 * The fuzz may log the user out, change the password, or delete the router: put
 * back what the next request needs (a live session and the membership).
 */
async function restoreFixtures(): Promise<void> {
  const [live] = await queryRows<{ ok: boolean }>(
    ctx.db.db,
    sql`select revoked_at is null as ok from user_sessions where id = ${user.sessionId}`,
  );
  if (!live?.ok) {
    user = await login(app, user.email).catch(() => registerAndLogin(app));
  }
  const [member] = await queryRows<{ n: number }>(
    ctx.db.db,
    sql`select count(*)::int as n from user_routers ur join routers r on r.id = ur.router_id
         where r.router_id = ${fx.routerId} and ur.user_id = ${user.userId}`,
  );
  if (!member?.n) {
    await ctx.db.db.execute(
      sql`delete from user_routers ur using routers r
           where r.id = ur.router_id and r.router_id = ${fx.routerId}`,
    );
    await createRouterFor(ctx.db.db, user.userId, fx.routerId);
  }
}

/**
 * The answer is the envelope with a 4xx or a documented 2xx (or a documented redirect
 * with a Location). The 5xx allowed are the
 * documented 501 NOT_SUPPORTED_BY_ROUTER (Wi-Fi disable, which the router cannot do
 * yet) and 502 ROUTER_COMMAND_FAILED: the (simulated) router itself refused a command
 * whose input passed validation, e.g. a device with too little usage data (SPEC §6
 * maps success:false to it). Inputs are checked separately.
 */
function expectEnvelope(route: RouteUnderFuzz, res: LightMyRequestResponse, where: string) {
  const answer = `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode < 300) {
    expect(route.documented.has(res.statusCode), `${answer}: undocumented status`).toBe(true);
    if (!type.includes('json')) {
      return; // a documented non-JSON success, such as /metrics
    }
  }
  if (res.statusCode < 400 && res.statusCode >= 300) {
    // A browser redirect (the OpenID sign-in routes): documented, with somewhere to go.
    expect(route.documented.has(res.statusCode), `${answer}: undocumented redirect`).toBe(true);
    expect(String(res.headers.location ?? ''), answer).toMatch(/^(\/(?!\/)|https?:\/\/)/);
    return;
  }
  expect(type, answer).toContain('application/json');
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body).sort(), answer).toEqual(['data', 'error', 'metadata', 'success']);
  expect(body.success, answer).toBe(res.statusCode < 400);
  expect(typeof (body.metadata as { requestId?: unknown }).requestId, answer).toBe('string');
  if (res.statusCode < 400) {
    return;
  }
  const code = (body.error as { code: string }).code as keyof typeof ERROR_CODES;
  expect(ERROR_CODES[code], `${answer}: unknown error code`).toBe(res.statusCode);
  const routerRefused =
    res.statusCode === 502 && code === 'ROUTER_COMMAND_FAILED' && route.documented.has(502);
  // Wi-Fi disable: the router cannot do it yet (Commands-Server 501, contract #21).
  const routerCannot =
    res.statusCode === 501 && code === 'NOT_SUPPORTED_BY_ROUTER' && route.documented.has(501);
  if (!routerRefused && !routerCannot) {
    expect(res.statusCode, answer).toBeLessThan(500);
  }
}

describe('routing errors keep the envelope (found by this fuzz)', () => {
  const asUser = (url: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${user.token}` } });

  it('routes a routerId of 128 characters (SPEC §6 allows it) instead of a bare 414', async () => {
    const res = await asUser(`/api/v1/routers/${'r'.repeat(128)}`);
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'ROUTER_NOT_FOUND' } });
  });

  it('answers a malformed percent-escape and an over-long segment with 400 in the envelope', async () => {
    for (const url of ['/api/v1/routers/%ZZ/scan', `/api/v1/routers/${'r'.repeat(5000)}/wifi`]) {
      const res = await asUser(url);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({
        success: false,
        data: null,
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(res.headers['x-request-id']).toBe(res.json().metadata.requestId);
    }
  });
});

describe('control characters in an email (found by this fuzz)', () => {
  it('answer 400 on register and login instead of failing in the database with a 500', async () => {
    for (const url of ['/api/v1/auth/register', '/api/v1/auth/login']) {
      for (const email of ['nul\u0000@example.com', 'tab\t@example.com']) {
        const res = await app.inject({
          method: 'POST',
          url,
          payload: { email, password: 'correct horse battery staple' },
          remoteAddress: '198.18.255.1',
        });
        expect(res.statusCode, `${url} ${JSON.stringify(email)}: ${res.body}`).toBe(400);
        expect(res.json().error).toMatchObject({
          code: 'VALIDATION_FAILED',
          details: { fields: [{ field: 'body.email' }] },
        });
      }
    }
  });
});

describe('fuzzing every route in /openapi.json', () => {
  it('finds the routes to fuzz', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  for (const route of routes) {
    it(`${route.method} ${route.template}`, async () => {
      await fc.assert(
        fc.asyncProperty(requestArb(route, fx), async (req) => {
          await restoreFixtures();
          const options = toInject(route, req, {
            valid: user.token,
            revoked: revokedToken,
            cookieName: ctx.config.sessions.cookieName,
          });
          const res = await app.inject(options);
          const url = typeof options.url === 'string' ? options.url : '';
          const shown = url.length > 200 ? `${url.slice(0, 200)}…(${url.length} chars)` : url;
          expectEnvelope(route, res, `${String(options.method)} ${shown} [${req.auth}]`);
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    });
  }

  it('sent the Commands-Server no value that the validators refuse', async () => {
    await app.services.commandsSessions.drain();
    const problems = ctx.sim.calls.flatMap(unvalidatedValues);
    expect(problems).toEqual([]);
  });
});
