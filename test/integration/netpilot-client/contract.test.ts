import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/client.js';
import { createTestContext, uniqueEmail, type TestContext } from '../../helpers/build-app.js';
import { CLIENT_ORIGIN, ClientBrowser, clientCompatConfig } from '../../helpers/netpilot-client.js';
import { TestOidcProvider } from '../../helpers/oidc-provider.js';
import { APP_CALLBACK, oidcConfig } from '../../helpers/oidc-sign-in.js';

/**
 * The contract suite of issue #16: NetPilot's existing web client's calls
 * (NETPILOT_WEB_CLIENT_CONTRACT.md, C1-C39), replayed in the order of a real
 * session, with the client's headers and cookie, asserting exactly the fields the
 * client reads, with their types. One browser, one user, one router: each step
 * builds on the previous one, like the session it replays.
 */
let provider: TestOidcProvider;
let ctx: TestContext;
let browser: ClientBrowser;
const routerId = `compat-${process.pid}-${Date.now().toString(36)}`;
const account = {
  sub: `compat-subject-${process.pid}`,
  email: uniqueEmail('compat'),
  email_verified: true,
  name: 'Grace Hopper',
};
let totpSecret = '';
let scanned: { ip: string; mac: string; hostname: string }[] = [];

beforeAll(async () => {
  provider = await TestOidcProvider.start(APP_CALLBACK);
  ctx = await createTestContext({
    config: { ...oidcConfig(provider.issuer), ...clientCompatConfig() },
  });
  provider.decision = { account };
  browser = new ClientBrowser(ctx);
  ctx.clock.freeze();
});
afterAll(async () => {
  await ctx.close();
  await provider.stop();
});

/** The code the authenticator shows now on the server's clock; then the clock moves a step on. */
async function code(): Promise<string> {
  const value = await generate({
    secret: totpSecret,
    epoch: Math.floor(ctx.clock.now().getTime() / 1000),
  });
  ctx.clock.advance(30_000);
  return value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- what res.json() gives, typed by no schema
type Json = any;

/** The enveloped answer's data, after checking it is a 2xx with success: true. */
function dataOf(res: { statusCode: number; body: string; json: () => Json }, status = 200): Json {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { success: boolean; data: Json };
  expect(body.success).toBe(true);
  return body.data;
}

/** The two headers a credentialed cross-origin answer needs. */
function expectCors(res: { headers: Record<string, unknown> }) {
  expect(res.headers['access-control-allow-origin']).toBe(CLIENT_ORIGIN);
  expect(res.headers['access-control-allow-credentials']).toBe('true');
}

/** What the client reads of /me, with its types (§2.3, §3.4). */
function expectMe(me: Record<string, unknown>, flags: [boolean, boolean, boolean]) {
  expect(me).not.toHaveProperty('success');
  expect(typeof me.id).toBe('string');
  expect(me.email).toBe(account.email);
  expect(typeof me.name).toBe('string');
  expect(me.picture === null || typeof me.picture === 'string').toBe(true);
  expect([me.requires_2fa, me.has_2fa_enabled, me.is_2fa_verified]).toEqual(flags);
}

const q = `?routerId=${routerId}`;

describe("NetPilot's web client, one session in order", () => {
  it('preflights from the client origin allow its methods and the JSON content type', async () => {
    for (const [path, method] of [
      ['/api/network/scan', 'GET'],
      ['/api/settings/router-id', 'POST'],
      ['/api/whitelist/mode', 'DELETE'],
      ['/api/blacklist/192.168.1.20', 'PUT'],
    ] as const) {
      const res = await ctx.app.inject({
        method: 'OPTIONS',
        url: path,
        headers: {
          origin: CLIENT_ORIGIN,
          'access-control-request-method': method,
          'access-control-request-headers': 'content-type',
        },
      });
      expect(res.statusCode, path).toBe(204);
      expectCors(res);
      const methods = String(res.headers['access-control-allow-methods']);
      for (const m of ['GET', 'POST', 'PUT', 'DELETE']) {
        expect(methods).toContain(m);
      }
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain(
        'content-type',
      );
    }
  });

  it('C2 before sign-in: not 2xx (the landing page shows the login button), with CORS headers', async () => {
    const res = await browser.call('GET', '/me', { json: false });
    expect(res.statusCode).toBe(401);
    expectCors(res);
  });

  it('C1: /login goes through the OpenID provider and back to the client with ?login=success', async () => {
    const landed = await browser.signIn(provider);
    expect(landed.origin).toBe(CLIENT_ORIGIN);
    expect(landed.searchParams.get('login')).toBe('success');
    expect(landed.searchParams.has('requires_2fa')).toBe(false);
    expect(browser.jar.has(ctx.config.sessions.cookieName)).toBe(true);
  });

  it('C2: /me flat, not enveloped, no 2FA yet: all three flags false', async () => {
    const res = await browser.call('GET', '/me', { json: false });
    expect(res.statusCode, res.body).toBe(200);
    expectCors(res);
    expectMe(res.json(), [false, false, false]);
    expect(res.json().name).toBe('Grace Hopper');
  });

  it('C8, C11, C8, C9: sets up 2FA (a pending setup may be discarded), then /me says verified', async () => {
    const first = dataOf(await browser.call('POST', '/api/2fa/setup/start'));
    expect(first.qr_code).toMatch(/^data:image\/png;base64,/);
    expect(first.secret).toMatch(/^[A-Z2-7]+$/);
    expect(typeof first.setup_token).toBe('string');
    expect(typeof first.expires_in).toBe('number');
    const reset = await browser.call('POST', '/api/2fa/reset', { json: false });
    expect(dataOf(reset).discarded).toBe(true);
    const setup = dataOf(await browser.call('POST', '/api/2fa/setup/start'));
    expect(setup.secret).not.toBe(first.secret);
    totpSecret = setup.secret;
    const wrong = await browser.call('POST', '/api/2fa/setup/verify', {
      body: { code: '000000', setup_token: setup.setup_token },
    });
    expect(wrong.statusCode).toBe(401);
    const verify = await browser.call('POST', '/api/2fa/setup/verify', {
      body: { code: await code(), setup_token: setup.setup_token },
    });
    dataOf(verify);
    const me = await browser.call('GET', '/me', { json: false });
    expectMe(me.json(), [true, true, true]);
  });

  it('C11 with 2FA on: refused, 2FA stays on (the first factor alone never removes it)', async () => {
    const res = await browser.call('POST', '/api/2fa/reset', { json: false });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TWO_FACTOR_ALREADY_ENABLED');
    const again = await browser.call('POST', '/api/2fa/setup/start');
    expect(again.statusCode).toBe(409);
    expectMe((await browser.call('GET', '/me', { json: false })).json(), [true, true, true]);
  });

  it('C4: logout answers 2xx and ends the session; signed out it still answers 2xx', async () => {
    const res = await browser.call('POST', '/logout', { json: false });
    expect(dataOf(res).loggedOut).toBe(true);
    expect(browser.jar.has(ctx.config.sessions.cookieName)).toBe(false);
    expect((await browser.call('GET', '/me', { json: false })).statusCode).toBe(401);
    const again = await browser.call('POST', '/logout', { json: false });
    expect(dataOf(again).loggedOut).toBe(false);
  });

  it('second sign-in: redirect asks for verification, /me shows the verify modal, C10 opens the session', async () => {
    const landed = await browser.signIn(provider);
    expect(landed.searchParams.get('login')).toBe('success');
    expect(landed.searchParams.get('requires_2fa')).toBe('true');
    expect(landed.searchParams.get('action')).toBe('verify');
    expect(browser.jar.has(ctx.config.sessions.cookieName)).toBe(false);
    expectMe((await browser.call('GET', '/me', { json: false })).json(), [true, true, false]);
    // No session until the second factor: router calls are refused.
    expect((await browser.call('GET', '/api/settings/router-id', { json: false })).statusCode).toBe(
      401,
    );
    const wrong = await browser.call('POST', '/api/2fa/verify', { body: { code: '000000' } });
    expect(wrong.statusCode).toBe(401);
    dataOf(await browser.call('POST', '/api/2fa/verify', { body: { code: await code() } }));
    expect(browser.jar.has(ctx.config.sessions.cookieName)).toBe(true);
    expectMe((await browser.call('GET', '/me', { json: false })).json(), [true, true, true]);
  });

  it('C5 404 (no router yet), C6 selects by claiming, C5 answers it; a failed C6 keeps the selection', async () => {
    const none = await browser.call('GET', '/api/settings/router-id', { json: false });
    expect(none.statusCode).toBe(404);
    const set = await browser.call('POST', '/api/settings/router-id', { body: { routerId } });
    expect(dataOf(set).routerId).toBe(routerId);
    const got = dataOf(await browser.call('GET', '/api/settings/router-id', { json: false }));
    expect(got.routerId).toBe(routerId);
    const unknown = await browser.call('POST', '/api/settings/router-id', {
      body: { routerId: 'unknown-router' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('ROUTER_UNKNOWN');
    const still = dataOf(await browser.call('GET', '/api/settings/router-id', { json: false }));
    expect(still.routerId).toBe(routerId);
  });

  it('C7: 2xx for a member, idempotent under concurrent calls; 404 for a router of nobody', async () => {
    const body = { routerId, restart: false };
    const both = await Promise.all([
      browser.call('POST', '/api/session/start', { body }),
      browser.call('POST', '/api/session/start', { body }),
    ]);
    for (const res of both) {
      expect(typeof dataOf(res).session_id).toBe('string');
    }
    const other = await browser.call('POST', '/api/session/start', {
      body: { routerId: 'someone-elses-router', restart: false },
    });
    expect(other.statusCode).toBe(404);
  });

  it('C12: the scan is an array of string ip, mac, hostname ("Unknown" when unnamed)', async () => {
    const data = dataOf(await browser.call('GET', `/api/network/scan${q}`));
    expect(Array.isArray(data)).toBe(true);
    expect(data.length).toBeGreaterThan(1);
    for (const d of data) {
      expect(typeof d.ip).toBe('string');
      expect(typeof d.mac).toBe('string');
      expect(typeof d.hostname).toBe('string');
      expect(d.hostname.length).toBeGreaterThan(0);
    }
    scanned = data;
  });
});

describe('lists, modes and rates (Control page)', () => {
  it('C13, C14: a device card adds to each list; adding again succeeds', async () => {
    const [a, b] = scanned;
    for (const [list, d] of [
      ['whitelist', a!],
      ['blacklist', b!],
    ] as const) {
      const body = { ip: d.ip, name: d.hostname, description: `${d.hostname} - ${d.mac}` };
      dataOf(await browser.call('POST', `/api/${list}/add${q}`, { body }));
      dataOf(await browser.call('POST', `/api/${list}/add${q}`, { body }));
    }
  });

  it('C16, C17: data.devices with id (the ip), device_name, mac_address of the scanned device, created_at', async () => {
    for (const [list, d] of [
      ['whitelist', scanned[0]!],
      ['blacklist', scanned[1]!],
    ] as const) {
      const data = dataOf(await browser.call('GET', `/api/${list}/devices${q}`));
      expect(data.devices).toHaveLength(1);
      const [entry] = data.devices;
      expect(entry.id).toBe(d.ip);
      expect(entry.ip).toBe(d.ip);
      expect(entry.device_name).toBe(d.hostname);
      expect(entry.mac_address).toBe(d.mac);
      expect(Number.isNaN(new Date(entry.created_at).getTime())).toBe(false);
      expect(entry.description).toBe(`${d.hostname} - ${d.mac}`);
    }
  });

  it('C29: edits a blacklist entry by its id; C28 (the client bug) stays 404', async () => {
    const ip = scanned[1]!.ip;
    const res = await browser.call('PUT', `/api/blacklist/${ip}${q}`, {
      body: { device_name: 'Console', reason: 'homework first' },
    });
    dataOf(res);
    const [entry] = dataOf(await browser.call('GET', `/api/blacklist/devices${q}`)).devices;
    expect(entry).toMatchObject({ device_name: 'Console', description: 'homework first' });
    const bug = await browser.call('PUT', `/api/whitelist/[object Object]?routerId=${ip}`);
    expect(bug.statusCode).toBe(404);
  });

  it('C18-C27: modes on and off, one at a time, and the limited rate read and set', async () => {
    const mode = async (list: string) =>
      dataOf(await browser.call('GET', `/api/${list}/mode${q}`)).active as boolean;
    expect(await mode('whitelist')).toBe(false);
    expect(await mode('blacklist')).toBe(false);
    expect(dataOf(await browser.call('GET', `/api/whitelist/limit-rate${q}`))).toBe(50);
    dataOf(await browser.call('POST', `/api/whitelist/limit-rate${q}`, { body: { rate: 20 } }));
    expect(dataOf(await browser.call('GET', `/api/whitelist/limit-rate${q}`))).toBe(20);
    dataOf(await browser.call('POST', `/api/whitelist/mode${q}`));
    expect(await mode('whitelist')).toBe(true);
    dataOf(await browser.call('POST', `/api/whitelist/mode${q}`));
    // The client's activation sequence: DELETE the other mode, check it, set the rate, POST.
    dataOf(await browser.call('DELETE', `/api/whitelist/mode${q}`));
    expect(await mode('whitelist')).toBe(false);
    dataOf(await browser.call('POST', `/api/blacklist/limit-rate${q}`, { body: { rate: 35 } }));
    expect(dataOf(await browser.call('GET', `/api/blacklist/limit-rate${q}`))).toBe(35);
    dataOf(await browser.call('POST', `/api/blacklist/mode${q}`));
    expect(await mode('blacklist')).toBe(true);
    dataOf(await browser.call('POST', `/api/whitelist/mode${q}`));
    expect([await mode('whitelist'), await mode('blacklist')]).toEqual([true, false]);
    dataOf(await browser.call('DELETE', `/api/whitelist/mode${q}`));
    dataOf(await browser.call('DELETE', `/api/blacklist/mode${q}`));
    expect([await mode('whitelist'), await mode('blacklist')]).toEqual([false, false]);
  });

  it('C30, C31: removes by ip from the body; the lists are empty again', async () => {
    for (const [list, d] of [
      ['whitelist', scanned[0]!],
      ['blacklist', scanned[1]!],
    ] as const) {
      dataOf(await browser.call('POST', `/api/${list}/remove${q}`, { body: { ip: d.ip } }));
      expect(dataOf(await browser.call('GET', `/api/${list}/devices${q}`)).devices).toEqual([]);
    }
  });
});

describe('Settings and Dashboard, then logout', () => {
  it('C37-C39: the Wi-Fi name read and set, the password set with and without router_id', async () => {
    const before = dataOf(await browser.call('GET', `/api/settings/wifi-name${q}`));
    expect(typeof before.wifi_name).toBe('string');
    expect(before.ssid).toBe(before.wifi_name);
    const body = { router_id: routerId, wifi_name: 'Compat Net' };
    dataOf(await browser.call('POST', '/api/settings/wifi-name', { body }));
    const after = dataOf(await browser.call('GET', `/api/settings/wifi-name${q}`));
    expect(after).toMatchObject({ wifi_name: 'Compat Net', ssid: 'Compat Net' });
    const password = 'a-new-wifi-passw0rd';
    dataOf(
      await browser.call('POST', '/api/settings/wifi-password', {
        body: { password, router_id: routerId },
      }),
    );
    dataOf(await browser.call('POST', '/api/settings/wifi-password', { body: { password } }));
    const [leak] = await queryRows<{ n: number }>(
      ctx.db.db,
      sql`select count(*)::int as n from audit_events where params::text like ${`%${password}%`}`,
    );
    expect(leak!.n).toBe(0);
  });

  it('C33-C36: usage per period as arrays of numbers; one device with the same mac', async () => {
    let macs: string[] = [];
    for (const path of ['current', 'last-week', 'last-month']) {
      const data = dataOf(await browser.call('GET', `/api/monitor/${path}${q}`));
      expect(Array.isArray(data)).toBe(true);
      for (const d of data) {
        expect(typeof d.mac).toBe('string');
        expect(typeof d.ip).toBe('string');
        for (const n of [d.download, d.upload, d.connections]) {
          expect(typeof n).toBe('number');
        }
      }
      macs = data.map((d: { mac: string }) => d.mac);
    }
    expect(macs.length).toBeGreaterThan(0);
    const mac = macs[0]!;
    const one = dataOf(
      await browser.call('GET', `/api/monitor/device/${mac}?period=month&routerId=${routerId}`),
    );
    expect(one.mac).toBe(mac);
    expect(typeof one.download).toBe('number');
    expect(typeof one.upload).toBe('number');
  });

  it('C3 then C4: session end is a quick 2xx; logout ends the session', async () => {
    dataOf(await browser.call('POST', '/api/network/session/end', { body: { routerId } }));
    dataOf(await browser.call('POST', '/logout', { json: false }));
    expect((await browser.call('GET', '/me', { json: false })).statusCode).toBe(401);
  });

  it("the verify modal's Log Out: /logout with only a pending second factor clears it", async () => {
    const landed = await browser.signIn(provider);
    expect(landed.searchParams.get('requires_2fa')).toBe('true');
    expect((await browser.call('GET', '/me', { json: false })).statusCode).toBe(200);
    const reset = await browser.call('POST', '/api/2fa/reset', { json: false });
    expect(reset.statusCode).toBe(401);
    expect(dataOf(await browser.call('POST', '/logout', { json: false })).loggedOut).toBe(false);
    expect(browser.jar.size).toBe(0);
    expect((await browser.call('GET', '/me', { json: false })).statusCode).toBe(401);
  });

  it('C15, C32 and the unreached calls stay 404', async () => {
    for (const [method, path] of [
      ['POST', '/api/block'],
      ['GET', '/api/speedtest'],
      ['GET', '/api/devices'],
      ['GET', '/api/2fa/status'],
      ['POST', '/api/network/block'],
      ['GET', '/api/network/session/status'],
      ['POST', '/api/network/session/refresh'],
    ] as const) {
      const res = await browser.call(method, path, { origin: null });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
    }
  });
});
