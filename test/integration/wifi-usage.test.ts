import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandsServerClient } from '../../src/clients/commands-server.client.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';
import { auditEventsOf, snapshotRouterData } from '../helpers/factories.js';
import {
  captureLogs,
  databaseContains,
  expectEveryFailureLeavesNoTrace,
  memberOf,
  simCallsTo,
  userWithRouter,
  type RouterUser,
} from '../helpers/operation-checks.js';

let ctx: TestContext;
// Tests isolate by router: each makes its own, owned by alice; bob joins or is a stranger.
let alice: LoggedInUser;
let bob: LoggedInUser;
const logs = captureLogs();

beforeAll(async () => {
  ctx = await createTestContext({ commandsTimeoutMs: 300, logger: logs.logger });
  alice = await registerAndLogin(ctx.app);
  bob = await registerAndLogin(ctx.app);
});
afterAll(async () => {
  await ctx.close();
});

function url(r: RouterUser, path: string) {
  return `/api/v1/routers/${r.routerId}${path}`;
}

const putSsid = (r: RouterUser, ssid: unknown): InjectOptions => ({
  method: 'PUT',
  url: url(r, '/wifi/ssid'),
  payload: { ssid },
});
const putPassword = (r: RouterUser, password: unknown): InjectOptions => ({
  method: 'PUT',
  url: url(r, '/wifi/password'),
  payload: { password },
});
const enable = (r: RouterUser): InjectOptions => ({ method: 'POST', url: url(r, '/wifi/enable') });
const disable = (r: RouterUser): InjectOptions => ({
  method: 'POST',
  url: url(r, '/wifi/disable'),
});

describe('Wi-Fi', () => {
  it('reads the status and changes the SSID on the router', async () => {
    const owner = await userWithRouter(ctx, alice);
    const status = await injectAs(ctx.app, owner.user, { method: 'GET', url: url(owner, '/wifi') });
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json().data).toEqual({ enabled: true, ssid: 'OpenWrt', encryption: 'psk2' });

    const res = await injectAs(ctx.app, owner.user, putSsid(owner, 'Café 5G'));
    expect(res.statusCode, res.body).toBe(200);
    // The answer is the status read back after the change.
    expect(res.json().data).toEqual({
      enabled: true,
      ssid: 'Café 5G',
      encryption: 'psk2',
      message: 'WiFi SSID changed successfully to: Café 5G',
    });
    expect(simCallsTo(ctx.sim, '/api/wifi/status').length).toBeGreaterThan(0);
    expect(ctx.sim.routerState(owner.routerId).wifi.ssid).toBe('Café 5G');
    const events = await auditEventsOf(ctx.db.db, owner.uuid);
    expect(events.at(-1)).toMatchObject({
      operation: 'wifi.setSsid',
      outcome: 'succeeded',
      params: { ssid: 'Café 5G' },
    });
  });

  it('switches Wi-Fi on, and answers success when it already is', async () => {
    const owner = await userWithRouter(ctx, alice);
    ctx.sim.configureRouter(owner.routerId, { wifi: { enabled: false } });
    const res = await injectAs(ctx.app, owner.user, enable(owner));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      enabled: true,
      ssid: 'OpenWrt',
      encryption: 'psk2',
      message: 'WiFi enabled successfully with SSID: OpenWrt',
    });
    expect(ctx.sim.routerState(owner.routerId).wifi.enabled).toBe(true);
    const again = await injectAs(ctx.app, owner.user, enable(owner));
    expect(again.json().data.message).toBe('WiFi is already enabled');
  });

  it('changes the password without storing, logging or auditing it', async () => {
    const owner = await userWithRouter(ctx, alice);
    const password = 'Sup3r-Secret-Wifi-Key!';
    const res = await injectAs(ctx.app, owner.user, putPassword(owner, password));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      enabled: true,
      ssid: 'OpenWrt',
      encryption: 'psk2',
      message: 'WiFi password changed for network: OpenWrt',
    });
    expect(res.body).not.toContain(password);
    expect(ctx.sim.routerState(owner.routerId).wifi.password).toBe(password);
    const events = await auditEventsOf(ctx.db.db, owner.uuid);
    expect(events.at(-1)).toMatchObject({
      operation: 'wifi.setPassword',
      outcome: 'succeeded',
      params: { password: '[REDACTED]' },
    });

    // An upstream error that quotes the password must not carry it anywhere either.
    const second = 'An0ther-Secret-Key';
    ctx.sim.faults.inject({
      match: { path: '/api/wifi/password' },
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: `bad key ${second}` },
    });
    try {
      const failed = await injectAs(ctx.app, owner.user, putPassword(owner, second));
      expect(failed.statusCode).toBe(502);
      expect(failed.body).not.toContain(second);
      expect(failed.json().error.details.upstreamMessage).toBe('bad key [REDACTED]');
    } finally {
      ctx.sim.faults.clear();
    }

    for (const secret of [password, second]) {
      expect(await databaseContains(ctx.db.db, secret)).toBe(false);
      expect(logs.text()).not.toContain(secret);
    }
    // The capture works: the request lines of this test are there.
    expect(logs.text()).toContain('/wifi/password');
    expect(await databaseContains(ctx.db.db, 'wifi.setPassword')).toBe(true);
  });

  it('every failure of SSID, password and enable is answered and audited; nothing changes', async () => {
    const owner = await userWithRouter(ctx, alice);
    const wifiBefore = ctx.sim.routerState(owner.routerId).wifi;
    const cases: [InjectOptions, string, string][] = [
      [putSsid(owner, 'Other'), '/api/wifi/ssid', 'wifi.setSsid'],
      [putPassword(owner, 'password-123'), '/api/wifi/password', 'wifi.setPassword'],
      [enable(owner), '/api/wifi/enable', 'wifi.enable'],
    ];
    for (const [request, faultPath, operation] of cases) {
      await expectEveryFailureLeavesNoTrace({ ctx, owner, request, faultPath, operation });
    }
    expect(ctx.sim.routerState(owner.routerId).wifi).toEqual(wifiBefore);
  });

  it('says the change was applied when only the status read after it fails', async () => {
    const owner = await userWithRouter(ctx, alice);
    ctx.sim.faults.inject({
      match: { path: '/api/wifi/status' },
      fault: { kind: 'error', status: 500, code: 'COMMAND_FAILED', message: 'uci: busy' },
    });
    try {
      const res = await injectAs(ctx.app, owner.user, putSsid(owner, 'Applied'));
      expect(res.statusCode).toBe(502);
      expect(res.json().error).toMatchObject({
        code: 'ROUTER_COMMAND_FAILED',
        details: {
          upstreamMessage: 'uci: busy',
          applied: { message: 'WiFi SSID changed successfully to: Applied' },
        },
      });
      expect(res.json().error.message).toContain('applied the change');
    } finally {
      ctx.sim.faults.clear();
    }
    expect(ctx.sim.routerState(owner.routerId).wifi.ssid).toBe('Applied');
  });

  it('validates SSID and password before any call, without echoing the password', async () => {
    const owner = await userWithRouter(ctx, alice);
    const calls = ctx.sim.calls.length;
    const cases: [InjectOptions, string, string][] = [
      [putSsid(owner, 'a'.repeat(33)), 'body.ssid', '1 to 32 bytes'],
      [putSsid(owner, 'é'.repeat(17)), 'body.ssid', '1 to 32 bytes'],
      [putSsid(owner, ''), 'body.ssid', '1 to 32 bytes'],
      [putSsid(owner, "home'; reboot; '"), 'body.ssid', 'single quote'],
      [putSsid(owner, 'line\nbreak'), 'body.ssid', 'control characters'],
      [putSsid(owner, 42), 'body.ssid', 'string'],
      [putPassword(owner, 'short77'), 'body.password', '8 to 63'],
      [putPassword(owner, 'p'.repeat(64)), 'body.password', '8 to 63'],
      [putPassword(owner, "it's-a-secret"), 'body.password', 'single quote'],
      [putPassword(owner, 'back\\slash-pass'), 'body.password', 'backslash'],
      [putPassword(owner, 'pässwörd-long'), 'body.password', 'ASCII'],
    ];
    for (const [request, field, fragment] of cases) {
      const res = await injectAs(ctx.app, owner.user, request);
      expect(res.statusCode, JSON.stringify(request.payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field).toBe(field);
      expect(res.json().error.message).toContain(fragment);
    }
    const extra = await injectAs(ctx.app, owner.user, {
      ...putPassword(owner, 'good-password'),
      payload: { password: 'good-password', interface: 1 },
    });
    expect(extra.statusCode).toBe(400);
    expect(ctx.sim.calls.length).toBe(calls);
    expect(logs.text()).not.toContain("it's-a-secret");
  });

  it('switching Wi-Fi off answers 501 NOT_SUPPORTED_BY_ROUTER, audited as failed; nothing changes', async () => {
    const owner = await userWithRouter(ctx, alice);
    const wifiBefore = ctx.sim.routerState(owner.routerId).wifi;
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const since = ctx.sim.calls.length;
    const res = await injectAs(ctx.app, owner.user, disable(owner));
    expect(res.statusCode, res.body).toBe(501);
    expect(res.json().error).toMatchObject({
      code: 'NOT_SUPPORTED_BY_ROUTER',
      message: 'This router cannot switch Wi-Fi off remotely yet; Wi-Fi is unchanged.',
    });
    expect(simCallsTo(ctx.sim, '/api/wifi/disable', since)).toHaveLength(1);
    expect(simCallsTo(ctx.sim, '/api/wifi/status', since)).toHaveLength(0);
    expect(ctx.sim.routerState(owner.routerId).wifi).toEqual(wifiBefore);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toEqual(before);
    const events = await auditEventsOf(ctx.db.db, owner.uuid);
    expect(events.at(-1)).toMatchObject({
      operation: 'wifi.disable',
      outcome: 'failed',
      error_code: 'NOT_SUPPORTED_BY_ROUTER',
    });
  });

  it('SSID, password and disable are owner-only; members may read the status and enable', async () => {
    const owner = await userWithRouter(ctx, alice);
    const member = await memberOf(ctx, owner, bob);
    const calls = ctx.sim.calls.length;
    for (const request of [
      putSsid(owner, 'Mine'),
      putPassword(owner, 'password-123'),
      disable(owner),
    ]) {
      const res = await injectAs(ctx.app, member.user, request);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect(ctx.sim.calls.length).toBe(calls);
    const status = await injectAs(ctx.app, member.user, {
      method: 'GET',
      url: url(owner, '/wifi'),
    });
    expect(status.statusCode).toBe(200);
    expect((await injectAs(ctx.app, member.user, enable(owner))).statusCode).toBe(200);
  });
});

describe('usage', () => {
  it('passes the router usage through with MiB made explicit, for each period', async () => {
    const owner = await userWithRouter(ctx, alice);
    const cs = new CommandsServerClient(ctx.http, {
      sessionId: owner.user.sessionId,
      routerId: owner.routerId,
    });
    for (const period of ['current', 'week', 'month'] as const) {
      const res = await injectAs(ctx.app, owner.user, {
        method: 'GET',
        url: url(owner, `/usage?period=${period}`),
      });
      expect(res.statusCode, res.body).toBe(200);
      const raw = await cs.usage(period);
      expect(raw.length).toBeGreaterThan(0);
      expect(res.json().data).toEqual({
        period,
        reportedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        devices: raw.map((e) => ({
          mac: e.mac,
          ip: e.ip,
          downloadMiB: e.download,
          uploadMiB: e.upload,
          connections: e.connections,
        })),
      });
    }
    const since = ctx.sim.calls.length;
    const byDefault = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: url(owner, '/usage'),
    });
    expect(byDefault.json().data.period).toBe('current');
    expect(simCallsTo(ctx.sim, '/api/monitor/current', since)).toHaveLength(1);
  });

  it("normalises the MAC before asking for one device's usage", async () => {
    const owner = await userWithRouter(ctx, alice);
    const cs = new CommandsServerClient(ctx.http, {
      sessionId: owner.user.sessionId,
      routerId: owner.routerId,
    });
    await injectAs(ctx.app, owner.user, { method: 'GET', url: url(owner, '/wifi') });
    const [top] = await cs.usage('week');
    const shouted = top!.mac.toUpperCase().replace(/:/g, '-');
    const since = ctx.sim.calls.length;
    ctx.clock.freeze();
    const frozenNow = ctx.clock.now().toISOString();
    const res = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: url(owner, `/usage/${shouted}?period=week`),
    }).finally(() => ctx.clock.unfreeze());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({
      mac: top!.mac,
      ip: top!.ip,
      downloadMiB: top!.download,
      uploadMiB: top!.upload,
      connections: top!.connections,
      period: 'week',
    });
    // When this server got the answer, in UTC from its clock; the router's text kept for display.
    expect(res.json().data.reportedAt).toBe(frozenNow);
    expect(res.json().data.reportedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(res.json().data.commandsServerLocalTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    // The simulator records the raw path: the client percent-encodes the segment.
    const devicePath = `/api/monitor/device/${encodeURIComponent(top!.mac)}`;
    expect(simCallsTo(ctx.sim, devicePath, since)).toHaveLength(1);

    const unknown = await injectAs(ctx.app, owner.user, {
      method: 'GET',
      url: url(owner, '/usage/02:00:00:00:00:99'),
    });
    expect(unknown.statusCode).toBe(502);
    expect(unknown.json().error.code).toBe('ROUTER_COMMAND_FAILED');
  });

  it('refuses a bad MAC or period before any call, and maps a timeout to 504', async () => {
    const owner = await userWithRouter(ctx, alice);
    const calls = ctx.sim.calls.length;
    for (const path of ['/usage/not-a-mac', '/usage?period=year', '/usage/aa:bb:cc:dd:ee:f']) {
      const res = await injectAs(ctx.app, owner.user, { method: 'GET', url: url(owner, path) });
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(ctx.sim.calls.length).toBe(calls);
    ctx.sim.faults.inject({ match: { path: '/api/monitor/current' }, fault: { kind: 'timeout' } });
    try {
      const res = await injectAs(ctx.app, owner.user, { method: 'GET', url: url(owner, '/usage') });
      expect(res.statusCode).toBe(504);
      expect(res.json().error.code).toBe('ROUTER_TIMEOUT');
    } finally {
      ctx.sim.faults.clear();
    }
  });
});

describe('authorization', () => {
  it('answers 404 ROUTER_NOT_FOUND to a non-member on every Wi-Fi and usage route', async () => {
    const owner = await userWithRouter(ctx, alice);
    const stranger = await userWithRouter(ctx, bob);
    const before = await snapshotRouterData(ctx.db.db, owner.uuid);
    const calls = ctx.sim.calls.length;
    const requests: InjectOptions[] = [
      { method: 'GET', url: url(owner, '/wifi') },
      putSsid(owner, 'Theirs'),
      putPassword(owner, 'password-123'),
      enable(owner),
      { method: 'GET', url: url(owner, '/usage?period=week') },
      { method: 'GET', url: url(owner, '/usage/aa:bb:cc:dd:ee:ff') },
    ];
    for (const request of requests) {
      const res = await injectAs(ctx.app, stranger.user, request);
      expect(res.statusCode, `${request.method} ${JSON.stringify(request.url)}`).toBe(404);
      expect(res.json().error.code).toBe('ROUTER_NOT_FOUND');
    }
    expect(ctx.sim.calls.length).toBe(calls);
    expect(await snapshotRouterData(ctx.db.db, owner.uuid)).toBe(before);
  });
});
