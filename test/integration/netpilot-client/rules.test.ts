import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/client.js';
import {
  createTestContext,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../../helpers/build-app.js';
import { snapshotRouterData } from '../../helpers/factories.js';
import { ClientBrowser, clientCompatConfig } from '../../helpers/netpilot-client.js';
import { FAILURE_CLASSES, memberOf, userWithRouter } from '../../helpers/operation-checks.js';

/**
 * The server's rules hold through the client's routes too (issue #16): a
 * stranger gets nothing from a router, a member cannot change household
 * settings, a failed router call leaves the database as it was, and invalid
 * input never reaches the Commands-Server.
 */
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ config: clientCompatConfig(), commandsTimeoutMs: 300 });
});
afterAll(async () => {
  await ctx.close();
});

/** The client's browser, signed in as `user` (its session cookie in the jar). */
function browserOf(user: LoggedInUser): ClientBrowser {
  const browser = new ClientBrowser(ctx);
  const [name, value] = user.cookie.split('=');
  browser.jar.set(name!, value!);
  return browser;
}

/** Every router call the client can make, for `routerId`. */
function routerCalls(routerId: string) {
  const q = `?routerId=${routerId}`;
  return [
    ['GET', `/api/network/scan${q}`, undefined],
    ['POST', `/api/whitelist/add${q}`, { ip: '192.168.1.50' }],
    ['GET', `/api/whitelist/devices${q}`, undefined],
    ['GET', `/api/blacklist/devices${q}`, undefined],
    ['POST', `/api/blacklist/remove${q}`, { ip: '192.168.1.50' }],
    ['PUT', `/api/blacklist/192.168.1.50${q}`, { device_name: 'x' }],
    ['GET', `/api/whitelist/mode${q}`, undefined],
    ['POST', `/api/whitelist/mode${q}`, undefined],
    ['DELETE', `/api/blacklist/mode${q}`, undefined],
    ['GET', `/api/blacklist/limit-rate${q}`, undefined],
    ['POST', `/api/blacklist/limit-rate${q}`, { rate: 10 }],
    ['GET', `/api/monitor/current${q}`, undefined],
    ['GET', `/api/monitor/device/aa:bb:cc:dd:ee:ff?period=week&routerId=${routerId}`, undefined],
    ['GET', `/api/settings/wifi-name${q}`, undefined],
    ['POST', '/api/settings/wifi-name', { router_id: routerId, wifi_name: 'Mine' }],
    ['POST', '/api/settings/wifi-password', { router_id: routerId, password: 'long-enough-1' }],
    ['POST', '/api/session/start', { routerId, restart: false }],
  ] as const;
}

describe('membership', () => {
  it("a stranger gets 404 ROUTER_NOT_FOUND on every call about another user's router, and the router is never called", async () => {
    const owner = await userWithRouter(ctx);
    const stranger = browserOf(await registerAndLogin(ctx.app));
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const calls = ctx.sim.calls.length;
    for (const [method, url, body] of routerCalls(owner.routerId)) {
      const res = await stranger.call(method, url, { body });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('ROUTER_NOT_FOUND');
      expect(res.json().data).toBeNull();
    }
    expect(ctx.sim.calls.length).toBe(calls);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
  });

  it("C6 of another user's router is 409 ROUTER_ALREADY_CLAIMED and selects nothing; C5 drops a router the user left", async () => {
    const owner = await userWithRouter(ctx);
    const other = browserOf(await registerAndLogin(ctx.app));
    const res = await other.call('POST', '/api/settings/router-id', {
      body: { routerId: owner.routerId },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ROUTER_ALREADY_CLAIMED');
    expect((await other.call('GET', '/api/settings/router-id')).statusCode).toBe(404);

    const member = await memberOf(ctx, owner);
    const browser = browserOf(member.user);
    const selected = await browser.call('POST', '/api/settings/router-id', {
      body: { routerId: owner.routerId },
    });
    expect(selected.statusCode, selected.body).toBe(200);
    expect(selected.json().data).toMatchObject({ routerId: owner.routerId, added: false });
    expect((await browser.call('GET', '/api/settings/router-id')).json().data.routerId).toBe(
      owner.routerId,
    );
    await ctx.db.db.execute(
      sql`delete from user_routers where user_id = ${member.user.userId} and router_id = ${owner.uuid}`,
    );
    expect((await browser.call('GET', '/api/settings/router-id')).statusCode).toBe(404);
  });

  it('a member may read, scan and manage entries, but household changes are 403 FORBIDDEN', async () => {
    const owner = await userWithRouter(ctx);
    const member = browserOf((await memberOf(ctx, owner)).user);
    const q = `?routerId=${owner.routerId}`;
    expect((await member.call('GET', `/api/whitelist/mode${q}`)).statusCode).toBe(200);
    expect((await member.call('GET', `/api/network/scan${q}`)).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', `/api/whitelist/mode${q}`, undefined],
      ['POST', `/api/whitelist/limit-rate${q}`, { rate: 10 }],
      ['POST', '/api/settings/wifi-name', { router_id: owner.routerId, wifi_name: 'Mine' }],
      [
        'POST',
        '/api/settings/wifi-password',
        { router_id: owner.routerId, password: 'long-enough-1' },
      ],
    ] as const) {
      const res = await member.call(method, url, { body });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });
});

describe('a failed router call changes nothing', () => {
  it('list add, mode, rate and Wi-Fi name: each failure class answered, the rows unchanged', async () => {
    const owner = await userWithRouter(ctx);
    const browser = browserOf(owner.user);
    const q = `?routerId=${owner.routerId}`;
    const cases = [
      ['/api/whitelist/add', 'POST', `/api/whitelist/add${q}`, { ip: '192.168.1.60', name: 'TV' }],
      ['/api/blacklist/mode', 'POST', `/api/blacklist/mode${q}`, undefined],
      ['/api/whitelist/limit-rate', 'POST', `/api/whitelist/limit-rate${q}`, { rate: 12 }],
      [
        '/api/wifi/ssid',
        'POST',
        '/api/settings/wifi-name',
        { router_id: owner.routerId, wifi_name: 'X' },
      ],
    ] as const;
    for (const [faultPath, method, url, body] of cases) {
      for (const failure of FAILURE_CLASSES) {
        const before = await snapshotRouterData(ctx.db.db, owner.uuid);
        const id = ctx.sim.faults.inject({ match: { path: faultPath }, fault: failure.fault });
        const res = await browser.call(method, url, { body });
        ctx.sim.faults.remove(id);
        expect(res.statusCode, `${url} ${failure.name}`).toBe(failure.status);
        expect(res.json().error.code).toBe(failure.code);
        expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
      }
    }
  });

  it('C6 with an unreachable router: 503, no router, no membership, no selection', async () => {
    const user = await registerAndLogin(ctx.app);
    const browser = browserOf(user);
    const routerId = `unreachable-${Date.now().toString(36)}`;
    const id = ctx.sim.faults.inject({
      match: { path: '/api/wifi/status' },
      fault: { kind: 'drop' },
    });
    const res = await browser.call('POST', '/api/settings/router-id', { body: { routerId } });
    ctx.sim.faults.remove(id);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('COMMANDS_SERVER_UNAVAILABLE');
    const [row] = await queryRows<{ routers: number; memberships: number; selections: number }>(
      ctx.db.db,
      sql`select (select count(*)::int from routers where router_id = ${routerId}) as routers,
                 (select count(*)::int from user_routers where user_id = ${user.userId}) as memberships,
                 (select count(*)::int from user_router_selections where user_id = ${user.userId}) as selections`,
    );
    expect(row).toEqual({ routers: 0, memberships: 0, selections: 0 });
    expect((await browser.call('GET', '/api/settings/router-id')).statusCode).toBe(404);
  });
});

describe('invalid input never reaches the Commands-Server', () => {
  it('bad addresses, rates, SSIDs, passwords and router ids are 400 before any call', async () => {
    const owner = await userWithRouter(ctx);
    const browser = browserOf(owner.user);
    const q = `?routerId=${owner.routerId}`;
    const calls = ctx.sim.calls.length;
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    for (const [method, url, body] of [
      ['POST', `/api/whitelist/add${q}`, { ip: '192.168.1' }],
      ['POST', `/api/blacklist/add${q}`, { ip: '::1' }],
      ['POST', `/api/blacklist/add${q}`, { ip: "192.168.1.5'" }],
      ['POST', `/api/whitelist/remove${q}`, { ip: '999.1.1.1' }],
      ['POST', `/api/whitelist/limit-rate${q}`, { rate: 0 }],
      ['POST', `/api/whitelist/limit-rate${q}`, { rate: 1001 }],
      ['POST', `/api/blacklist/limit-rate${q}`, { rate: '50' }],
      ['POST', '/api/settings/wifi-name', { router_id: owner.routerId, wifi_name: 'x'.repeat(33) }],
      ['POST', '/api/settings/wifi-name', { router_id: owner.routerId, wifi_name: '' }],
      ['POST', '/api/settings/wifi-password', { router_id: owner.routerId, password: 'short' }],
      ['GET', '/api/network/scan?routerId=<your_router_id>', undefined],
      ['GET', `/api/monitor/device/not-a-mac${q}`, undefined],
      [
        'GET',
        `/api/monitor/device/aa:bb:cc:dd:ee:ff?period=year&routerId=${owner.routerId}`,
        undefined,
      ],
      ['POST', '/api/settings/router-id', { routerId: 'bad id!' }],
    ] as const) {
      const res = await browser.call(method, url, { body });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(ctx.sim.calls.slice(calls)).toEqual([]);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
  });
});

describe('the scan as the client reads it', () => {
  it('an unnamed device is "Unknown" (a string), a device without an IPv4 is left out, an empty network is []', async () => {
    const owner = await userWithRouter(ctx);
    const browser = browserOf(owner.user);
    const url = `/api/network/scan?routerId=${owner.routerId}`;
    ctx.sim.configureRouter(owner.routerId, {
      devices: [
        {
          ip: '192.168.1.10',
          mac: 'aa:bb:cc:00:00:10',
          hostname: 'Unknown',
          vendor: 'Unknown Vendor',
        },
        { ip: '192.168.1.11', mac: 'aa:bb:cc:00:00:11', hostname: 'laptop', vendor: 'Acme' },
        { ip: 'fe80::1', mac: 'aa:bb:cc:00:00:12', hostname: 'v6-only', vendor: 'Acme' },
      ],
    });
    const res = await browser.call('GET', url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual([
      { ip: '192.168.1.10', mac: 'aa:bb:cc:00:00:10', hostname: 'Unknown', vendor: 'Unknown' },
      { ip: '192.168.1.11', mac: 'aa:bb:cc:00:00:11', hostname: 'laptop', vendor: 'Acme' },
    ]);
    const empty = await userWithRouter(ctx);
    ctx.sim.configureRouter(empty.routerId, { devices: [] });
    const none = await browserOf(empty.user).call(
      'GET',
      `/api/network/scan?routerId=${empty.routerId}`,
    );
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json().data).toEqual([]);
  });
});

describe('CSRF and sign-in edges', () => {
  it('changes, and the scan (a GET that writes), from another origin are 403 CSRF_REJECTED', async () => {
    const owner = await userWithRouter(ctx);
    const browser = browserOf(owner.user);
    const q = `?routerId=${owner.routerId}`;
    const calls = ctx.sim.calls.length;
    for (const [method, url, body] of [
      ['GET', `/api/network/scan${q}`, undefined],
      ['POST', `/api/whitelist/add${q}`, { ip: '192.168.1.70' }],
      ['POST', '/logout', undefined],
    ] as const) {
      const res = await browser.call(method, url, { body, origin: 'https://evil.example' });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('CSRF_REJECTED');
    }
    expect(ctx.sim.calls.length).toBe(calls);
    expect((await browser.call('GET', '/me', { json: false })).statusCode).toBe(200);
  });

  it('/login without an OpenID provider lands on the client with login=error&error=OIDC_NOT_CONFIGURED', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/login' });
    expect(res.statusCode).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(location.searchParams.get('login')).toBe('error');
    expect(location.searchParams.get('error')).toBe('OIDC_NOT_CONFIGURED');
  });

  it('the landing translates our redirect query, passing no other error text on', async () => {
    for (const [query, expected] of [
      ['', 'login=success'],
      ['?twoFactor=required', 'login=success&requires_2fa=true&action=verify'],
      ['?error=OIDC_ACCESS_DENIED', 'login=error&error=OIDC_ACCESS_DENIED'],
      ['?error=%3Cscript%3E', 'login=error&error=OIDC_PROVIDER_ERROR'],
    ] as const) {
      const res = await ctx.app.inject({ method: 'GET', url: `/login/complete${query}` });
      expect(res.statusCode).toBe(302);
      expect(new URL(String(res.headers.location)).search).toBe(`?${expected}`);
    }
  });
});
