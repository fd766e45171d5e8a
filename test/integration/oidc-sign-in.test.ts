import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { generate } from 'otplib';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  uniqueEmail,
  type TestContext,
} from '../helpers/build-app.js';
import { createRouterFor } from '../helpers/factories.js';
import {
  TestOidcProvider,
  TEST_CLIENT_SECRET,
  type TestAccount,
} from '../helpers/oidc-provider.js';
import {
  APP_CALLBACK,
  countRows,
  deliverCallback,
  FRONTEND_URL,
  meOf,
  oidcAudit,
  oidcConfig,
  setCookie,
  signInThrough,
  startSignIn,
} from '../helpers/oidc-sign-in.js';
import { databaseContains } from '../helpers/operation-checks.js';

/**
 * Sign-in with an OpenID provider (issue #14) against a real provider
 * (oidc-provider on loopback): the app through app.inject, openid-client
 * reaching the provider over HTTP, the test playing the person at its login page.
 */
let provider: TestOidcProvider;
let ctx: TestContext;

beforeAll(async () => {
  provider = await TestOidcProvider.start(APP_CALLBACK);
  ctx = await createTestContext({ config: oidcConfig(provider.issuer) });
});
afterAll(async () => {
  await ctx.close();
  await provider.stop();
});

let subjects = 0;
function account(overrides: Partial<TestAccount> = {}): TestAccount {
  subjects += 1;
  return {
    sub: `subject-${process.pid}-${subjects}`,
    email: uniqueEmail('oidc'),
    email_verified: true,
    name: '  Ada Lovelace ',
    picture: 'https://pictures.example.com/ada.png',
    ...overrides,
  };
}

async function signInAs(who: TestAccount, returnTo?: string) {
  provider.decision = { account: who };
  return signInThrough(ctx, provider, returnTo);
}

describe('sign-in with an OpenID provider', () => {
  it('creates the account of a first sign-in: code flow with PKCE S256, state and nonce; session like a password login', async () => {
    const who = account();
    const steps = await signInAs(who, '/after?x=1');
    const authorize = new URL(String(steps.start.headers.location));
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(APP_CALLBACK);
    expect(provider.seen.authorizationRequests.at(-1)?.href).toBe(authorize.href);
    const binding = setCookie(steps.start, 'netpilot_session_oidc');
    expect(binding).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/auth/oidc' });

    expect(steps.callback.statusCode).toBe(302);
    expect(steps.callback.headers.location).toBe('/after?x=1');
    expect(setCookie(steps.callback, 'netpilot_session')).toMatchObject({ httpOnly: true });
    const me = await meOf(ctx, steps.token!);
    expect(me.user).toMatchObject({
      email: who.email,
      displayName: 'Ada Lovelace',
      pictureUrl: who.picture,
    });
    expect(me.hasPassword).toBe(false);
    expect(me.providers).toEqual([
      { id: 'oidc', name: 'TestID', email: who.email, linkedAt: expect.any(String) },
    ]);
    const sessions = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: { authorization: `Bearer ${steps.token}` },
    });
    expect(sessions.json().data.items[0]).toMatchObject({ method: 'oidc', twoFactor: false });
    const audit = (await oidcAudit(ctx)).filter((e) => e.user_id === me.user.id);
    expect(audit.map((e) => `${e.operation}:${e.outcome}`).sort()).toEqual([
      'auth.login:succeeded',
      'auth.register:succeeded',
    ]);
  });

  it('finds a returning user by issuer and subject, even after the email changed; their Commands-Server session starts as after a password login', async () => {
    const who = account();
    const first = await signInAs(who);
    const { user } = await meOf(ctx, first.token!);
    const { routerId } = await createRouterFor(ctx.db.db, user.id);
    const again = await signInAs({ ...who, email: uniqueEmail('changed') });
    const me = await meOf(ctx, again.token!);
    expect(me.user.id).toBe(user.id);
    expect(me.user.email).toBe(who.email);
    await ctx.app.services.commandsSessions.drain();
    expect(ctx.sim.isSessionActive(me.session.id)).toBe(true);
    const [row] = await queryRows<{ cs_router_ids: string[] }>(
      ctx.db.db,
      sql`select cs_router_ids from user_sessions where id = ${me.session.id}`,
    );
    expect(row!.cs_router_ids).toEqual([routerId]);
  });

  it('links to the account with the same verified email (normalised), audited; the password stays', async () => {
    const existing = await registerAndLogin(ctx.app);
    const steps = await signInAs(account({ email: `  ${existing.email.toUpperCase()}` }));
    const me = await meOf(ctx, steps.token!);
    expect(me.user.id).toBe(existing.userId);
    expect(me.hasPassword).toBe(true);
    expect(me.providers).toHaveLength(1);
    const audit = (await oidcAudit(ctx)).filter((e) => e.user_id === existing.userId);
    expect(audit.map((e) => e.operation)).toContain('auth.oidc_link');
  });

  it('refuses an unverified email: no account created, none linked', async () => {
    const existing = await registerAndLogin(ctx.app);
    const [users, identities] = [
      await countRows(ctx, 'users'),
      await countRows(ctx, 'user_identities'),
    ];
    for (const email of [existing.email, uniqueEmail('unverified')]) {
      const steps = await signInAs(account({ email, email_verified: false }), '/x');
      expect(steps.callback.headers.location).toBe('/x?error=OIDC_EMAIL_UNVERIFIED');
      expect(steps.token).toBeUndefined();
    }
    expect(await countRows(ctx, 'users')).toBe(users);
    expect(await countRows(ctx, 'user_identities')).toBe(identities);
    const failed = (await oidcAudit(ctx)).filter((e) => e.error_code === 'OIDC_EMAIL_UNVERIFIED');
    expect(failed.length).toBeGreaterThanOrEqual(2);
  });

  it('makes one account of two first sign-ins racing (the unique indexes decide)', async () => {
    const who = account();
    provider.decision = { account: who };
    const flows = [];
    for (let i = 0; i < 3; i += 1) {
      const { start, binding } = await startSignIn(ctx);
      flows.push({ binding, url: await provider.authorize(String(start.headers.location)) });
    }
    const answers = await Promise.all(flows.map((f) => deliverCallback(ctx, f.url, f.binding)));
    const tokens = answers.map((a) => setCookie(a, 'netpilot_session')?.value);
    expect(tokens.every(Boolean)).toBe(true);
    const ids = new Set(await Promise.all(tokens.map(async (t) => (await meOf(ctx, t!)).user.id)));
    expect(ids.size).toBe(1);
    const [row] = await queryRows<{ users: number; identities: number }>(
      ctx.db.db,
      sql`select (select count(*)::int from users where email = ${who.email}) as users,
                 (select count(*)::int from user_identities where subject = ${who.sub}) as identities`,
    );
    expect(row).toEqual({ users: 1, identities: 1 });
  });

  it('refuses a deactivated account', async () => {
    const who = account();
    const first = await signInAs(who);
    const { user } = await meOf(ctx, first.token!);
    await ctx.app.services.repositories.users.setActive(user.id, false);
    const steps = await signInAs(who);
    expect(steps.callback.headers.location).toBe(`${FRONTEND_URL}?error=OIDC_ACCOUNT_DISABLED`);
    expect(steps.token).toBeUndefined();
  });
});

describe('an OpenID sign-in of a user with two-factor authentication on', () => {
  it('opens no session at the callback: a challenge cookie, ?twoFactor=required, then a code opens it', async () => {
    const who = account();
    const first = await signInAs(who);
    const user = { token: first.token! };
    const setup = await injectAs(ctx.app, user, {
      method: 'POST',
      url: '/api/v1/auth/2fa/setup',
      payload: {},
    });
    const { secret } = setup.json().data as { secret: string };
    const codeNow = () => generate({ secret, epoch: Math.floor(ctx.clock.now().getTime() / 1000) });
    const enable = await injectAs(ctx.app, user, {
      method: 'POST',
      url: '/api/v1/auth/2fa/enable',
      payload: { code: await codeNow() },
    });
    expect(enable.statusCode).toBe(200);
    ctx.clock.advance(60_000);

    const second = await signInAs(who, FRONTEND_URL);
    expect(second.callback.statusCode).toBe(302);
    const location = new URL(String(second.callback.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(FRONTEND_URL);
    expect(location.searchParams.get('twoFactor')).toBe('required');
    expect(second.token).toBeUndefined();
    const challenge = setCookie(second.callback, `${ctx.config.sessions.cookieName}_2fa`);
    expect(challenge).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    const verify = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/2fa/verify',
      headers: { cookie: `${ctx.config.sessions.cookieName}_2fa=${challenge!.value}` },
      payload: { code: await codeNow() },
    });
    expect(verify.statusCode).toBe(200);
    const token = verify.json().data.token as string;
    const sessions = await injectAs(
      ctx.app,
      { token },
      { method: 'GET', url: '/api/v1/auth/sessions' },
    );
    const mine = (
      sessions.json().data.items as { current: boolean; method: string; twoFactor: boolean }[]
    ).find((s) => s.current);
    expect(mine).toMatchObject({ method: 'oidc', twoFactor: true });
  });
});

describe('what an OpenID callback refuses', () => {
  async function providerCallback(returnTo?: string) {
    provider.decision = { account: account() };
    const { start, binding } = await startSignIn(ctx, returnTo);
    const callbackUrl = await provider.authorize(String(start.headers.location));
    return { binding, callbackUrl };
  }

  it('a tampered state', async () => {
    const { binding, callbackUrl } = await providerCallback('/t');
    callbackUrl.searchParams.set('state', `${callbackUrl.searchParams.get('state')}x`);
    const res = await deliverCallback(ctx, callbackUrl, binding);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`${FRONTEND_URL}?error=OIDC_STATE_INVALID`);
    expect(setCookie(res, 'netpilot_session')).toBeUndefined();
  });

  it('a callback in another browser (no binding cookie), which leaves the flow to its own browser', async () => {
    const { binding, callbackUrl } = await providerCallback('/b');
    const elsewhere = await deliverCallback(ctx, callbackUrl, null);
    expect(elsewhere.headers.location).toBe('/b?error=OIDC_BROWSER_MISMATCH');
    const other = await deliverCallback(ctx, callbackUrl, 'another-browsers-cookie');
    expect(other.headers.location).toBe('/b?error=OIDC_BROWSER_MISMATCH');
    const own = await deliverCallback(ctx, callbackUrl, binding);
    expect(own.headers.location).toBe('/b');
  });

  it('a replayed callback', async () => {
    const { binding, callbackUrl } = await providerCallback('/r');
    const first = await deliverCallback(ctx, callbackUrl, binding);
    expect(first.headers.location).toBe('/r');
    const replay = await deliverCallback(ctx, callbackUrl, binding);
    expect(replay.headers.location).toBe('/r?error=OIDC_FLOW_USED');
    expect(setCookie(replay, 'netpilot_session')).toBeUndefined();
  });

  it('an expired flow (over 10 minutes)', async () => {
    const { binding, callbackUrl } = await providerCallback('/e');
    ctx.clock.advance(10 * 60_000 + 1_000);
    try {
      const res = await deliverCallback(ctx, callbackUrl, binding);
      expect(res.headers.location).toBe('/e?error=OIDC_FLOW_EXPIRED');
    } finally {
      ctx.clock.advance(-(10 * 60_000 + 1_000));
    }
  });

  it('a consent the user declined', async () => {
    provider.decision = { deny: true };
    const steps = await signInThrough(ctx, provider, '/d');
    expect(steps.callbackUrl.searchParams.get('error')).toBe('access_denied');
    expect(steps.callback.headers.location).toBe('/d?error=OIDC_ACCESS_DENIED');
    const failed = (await oidcAudit(ctx)).filter((e) => e.error_code === 'OIDC_ACCESS_DENIED');
    expect(failed).toHaveLength(1);
  });

  it('a returnTo on a foreign origin: replaced by FRONTEND_URL; allowed origins kept', async () => {
    for (const foreign of [
      'https://evil.example/x',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const steps = await signInAs(account(), foreign);
      expect(steps.callback.headers.location, foreign).toBe(FRONTEND_URL);
    }
    for (const allowed of [
      `${FRONTEND_URL}?login=success`,
      'https://admin.netpilot.test/a',
      'http://netpilot.test:8080/p',
    ]) {
      const steps = await signInAs(account(), allowed);
      expect(steps.callback.headers.location, allowed).toBe(allowed);
    }
  });
});

describe('what the database keeps of a sign-in', () => {
  it('never the client secret, the code, the state, the binding or the session token; stale flows are swept', async () => {
    const steps = await signInAs(account());
    const code = steps.callbackUrl.searchParams.get('code')!;
    const state = steps.callbackUrl.searchParams.get('state')!;
    for (const secret of [TEST_CLIENT_SECRET, code, state, steps.binding, steps.token!]) {
      expect(await databaseContains(ctx.db.db, secret), secret.slice(0, 8)).toBe(false);
    }
    expect(await countRows(ctx, 'oidc_flows')).toBeGreaterThan(0);
    ctx.clock.advance(2 * 3600_000);
    try {
      await ctx.app.services.sweeper.sweep();
      expect(await countRows(ctx, 'oidc_flows')).toBe(0);
    } finally {
      ctx.clock.advance(-2 * 3600_000);
    }
  });
});
