import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  uniqueEmail,
  type TestContext,
} from '../helpers/build-app.js';
import { freePort, TestOidcProvider } from '../helpers/oidc-provider.js';
import {
  APP_CALLBACK,
  countRows,
  deliverCallback,
  meOf,
  oidcAudit,
  oidcConfig,
  signInThrough,
  startSignIn,
} from '../helpers/oidc-sign-in.js';
import { createTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * OpenID sign-in when the provider is away (at the start, at the callback, at
 * boot) or not configured, the list of sign-in methods, and the profile a user
 * edits (PATCH /auth/me). Two apps on one database: one with a provider, one without.
 */
let db: TestDb;
let port: number;
let withOidc: TestContext;
let without: TestContext;

beforeAll(async () => {
  db = await createTestDb();
  port = await freePort();
  // The app is told of a provider that is not running yet: it must start anyway.
  withOidc = await createTestContext({ db, config: oidcConfig(`http://127.0.0.1:${port}`) });
  without = await createTestContext({ db, config: { FRONTEND_URL: 'https://app.netpilot.test' } });
});
afterAll(async () => {
  await withOidc.close();
  await without.close();
  await db.destroy();
});

describe('an OpenID provider that cannot be reached', () => {
  it('at the start: back to returnTo with OIDC_PROVIDER_UNAVAILABLE, no flow kept; discovery tried again once it is up', async () => {
    const flows = await countRows(withOidc, 'oidc_flows');
    const { start } = await startSignIn(withOidc, '/home');
    expect(start.statusCode).toBe(302);
    expect(start.headers.location).toBe('/home?error=OIDC_PROVIDER_UNAVAILABLE');
    expect(await countRows(withOidc, 'oidc_flows')).toBe(flows);
    const failed = (await oidcAudit(withOidc)).filter(
      (e) => e.error_code === 'OIDC_PROVIDER_UNAVAILABLE',
    );
    expect(failed.length).toBeGreaterThanOrEqual(1);

    const provider = await TestOidcProvider.start(APP_CALLBACK, port);
    try {
      provider.decision = {
        account: { sub: 'late-1', email: uniqueEmail('late'), email_verified: true },
      };
      const steps = await signInThrough(withOidc, provider, '/home');
      expect(steps.callback.headers.location).toBe('/home');
      expect(steps.token).toBeDefined();
    } finally {
      await provider.stop();
    }
  });

  it('at the callback: back to returnTo with OIDC_PROVIDER_UNAVAILABLE, nobody signed in', async () => {
    const provider = await TestOidcProvider.start(APP_CALLBACK, port);
    provider.decision = {
      account: { sub: 'gone-1', email: uniqueEmail('gone'), email_verified: true },
    };
    const { start, binding } = await startSignIn(withOidc, '/cb');
    const callbackUrl = await provider.authorize(String(start.headers.location));
    await provider.stop();
    const users = await countRows(withOidc, 'users');
    const res = await deliverCallback(withOidc, callbackUrl, binding);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/cb?error=OIDC_PROVIDER_UNAVAILABLE');
    expect(await countRows(withOidc, 'users')).toBe(users);
  });
});

describe('GET /auth/providers', () => {
  it('lists password and the configured provider', async () => {
    const res = await withOidc.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([
      { id: 'password' },
      { id: 'oidc', name: 'TestID', startUrl: '/api/v1/auth/oidc/start' },
    ]);
  });

  it('lists password only without a provider, whose start and callback then answer OIDC_NOT_CONFIGURED', async () => {
    const res = await without.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(res.json().data).toEqual([{ id: 'password' }]);
    const start = await without.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' });
    expect(start.statusCode).toBe(302);
    expect(start.headers.location).toBe('https://app.netpilot.test/?error=OIDC_NOT_CONFIGURED');
    const callback = await without.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oidc/callback?code=x&state=y',
    });
    expect(callback.headers.location).toBe('https://app.netpilot.test/?error=OIDC_NOT_CONFIGURED');
  });
});

describe('PATCH /auth/me', () => {
  it('sets and clears the display name and picture; GET /me shows them, with hasPassword and no providers', async () => {
    const user = await registerAndLogin(without.app);
    const patch = (payload: Record<string, unknown>) =>
      injectAs(without.app, user, { method: 'PATCH', url: '/api/v1/auth/me', payload });
    const set = await patch({
      displayName: '  Grace  ',
      pictureUrl: 'https://img.example.com/g.png',
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().data.user).toMatchObject({
      displayName: 'Grace',
      pictureUrl: 'https://img.example.com/g.png',
    });
    expect(await meOf(without, user.token)).toMatchObject({
      user: { displayName: 'Grace' },
      hasPassword: true,
      providers: [],
    });
    const onlyName = await patch({ displayName: null });
    expect(onlyName.json().data.user).toMatchObject({
      displayName: null,
      pictureUrl: 'https://img.example.com/g.png',
    });
  });

  it('refuses what is not a name or an https picture, and changes nothing', async () => {
    const user = await registerAndLogin(without.app);
    const bad = [
      { displayName: '   ' },
      { displayName: 'x'.repeat(101) },
      { displayName: 'a\u0000b' },
      { pictureUrl: 'http://img.example.com/p.png' },
      { pictureUrl: 'javascript:alert(1)' },
      { pictureUrl: 'https://user:pw@img.example.com/p.png' },
      { pictureUrl: `https://img.example.com/${'p'.repeat(2048)}` },
      { displayName: 'ok', extra: true },
      { displayName: 3 },
    ];
    for (const payload of bad) {
      const res = await injectAs(without.app, user, {
        method: 'PATCH',
        url: '/api/v1/auth/me',
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await meOf(without, user.token)).user).toMatchObject({
      displayName: null,
      pictureUrl: null,
    });
  });

  it('needs a session', async () => {
    const res = await without.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      payload: { displayName: 'x' },
    });
    expect(res.statusCode).toBe(401);
  });
});
