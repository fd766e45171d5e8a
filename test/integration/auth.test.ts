import { sql } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  GOOD_PASSWORD,
  injectAs,
  login,
  registerAndLogin,
  uniqueEmail,
  type TestContext,
} from '../helpers/build-app.js';

let ctx: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext();
  app = ctx.app;
});
afterAll(async () => {
  await ctx.close();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function me(user: { token: string }) {
  return injectAs(app, user, { method: 'GET', url: '/api/v1/auth/me' });
}

describe('registration', () => {
  it('creates a user, stores the email normalised and refuses a duplicate in any case', async () => {
    const email = uniqueEmail('Reg');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: `  ${email}  `, password: GOOD_PASSWORD },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().data).toMatchObject({ email: email.toLowerCase() });
    expect(res.json().data).not.toHaveProperty('passwordHash');
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: email.toUpperCase(), password: GOOD_PASSWORD },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('EMAIL_TAKEN');
  });

  it('applies the password policy: length and the strength estimate', async () => {
    for (const [password, fragment] of [
      ['short', '8 to 128'],
      ['x'.repeat(129), '8 to 128'],
      ['password1', 'too easy to guess'],
      ['Qwertyuiop', 'too easy to guess'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: uniqueEmail(), password },
      });
      expect(res.statusCode, password).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.fields[0].field).toBe('body.password');
      expect(res.json().error.message).toContain(fragment);
    }
  });

  it('stores an argon2id hash with at least the OWASP parameters', async () => {
    const email = uniqueEmail();
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: GOOD_PASSWORD },
    });
    const [row] = await queryRows<{ password_hash: string }>(
      ctx.db.db,
      sql`select password_hash from users where email = ${email}`,
    );
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(row!.password_hash);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(19_456);
    expect(Number(m![2])).toBeGreaterThanOrEqual(2);
    expect(Number(m![3])).toBe(1);
  });
});

describe('malformed requests answer 4xx in the envelope, never 500', () => {
  const cases: [string, InjectOptions, number, string][] = [
    [
      'missing fields',
      { method: 'POST', url: '/api/v1/auth/login', payload: {} },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'wrong types',
      { method: 'POST', url: '/api/v1/auth/login', payload: { email: 42, password: ['x'] } },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'extra fields',
      {
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: 'a@b.co', password: GOOD_PASSWORD, admin: true },
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a 1 MB password',
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'a@b.co', password: 'x'.repeat(1_000_000) },
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a 2 KB password',
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'a@b.co', password: 'x'.repeat(2_000) },
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'not JSON',
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: 'email=a&password=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'broken JSON',
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: '{"email": "a@b.co", "password": ',
        headers: { 'content-type': 'application/json' },
      },
      400,
      'MALFORMED_JSON',
    ],
    [
      'a JSON array',
      {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: '[1,2]',
        headers: { 'content-type': 'application/json' },
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a bad session id',
      {
        method: 'DELETE',
        url: '/api/v1/auth/sessions/not-a-uuid',
        headers: { authorization: 'Bearer x' },
      },
      401,
      'UNAUTHENTICATED',
    ],
  ];
  for (const [name, request, status, code] of cases) {
    it(name, async () => {
      const res = await app.inject(request);
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ success: false, data: null, error: { code } });
    });
  }
});

describe('login, me and logout', () => {
  it('logs in with a 256-bit token in the body and an HttpOnly SameSite=Lax cookie', async () => {
    const user = await registerAndLogin(app);
    expect(user.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password },
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(res.json().data.session.expiresAt).toMatch(/Z$/);
  });

  it('authenticates with the bearer token or the cookie, and logout ends the session', async () => {
    const user = await registerAndLogin(app);
    const viaBearer = await me(user);
    expect(viaBearer.statusCode).toBe(200);
    expect(viaBearer.json().data).toMatchObject({
      user: { email: user.email },
      session: { id: user.sessionId },
    });
    const viaCookie = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: user.cookie },
    });
    expect(viaCookie.statusCode).toBe(200);

    const out = await injectAs(app, user, { method: 'POST', url: '/api/v1/auth/logout' });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain(`${ctx.config.sessions.cookieName}=;`);
    const after = await me(user);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 without credentials and for garbage tokens', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    for (const authorization of [
      'Bearer',
      'Bearer nope',
      `Bearer ${'A'.repeat(43)}`,
      'Basic abc',
      'Bearer a b',
    ]) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: { authorization },
      });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const user = await registerAndLogin(app);
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'not the password at all' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: uniqueEmail('nobody'), password: 'not the password at all' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error).toEqual(unknown.json().error);
    expect(Object.keys(wrong.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
  });

  it('keeps two logins as separate sessions, listed with the current one marked', async () => {
    const first = await registerAndLogin(app);
    const second = await login(app, first.email, first.password, { 'user-agent': 'phone/1.0' });
    expect(second.sessionId).not.toBe(first.sessionId);
    const list = await injectAs(app, first, { method: 'GET', url: '/api/v1/auth/sessions' });
    expect(list.statusCode).toBe(200);
    const sessions = list.json().data.items as {
      id: string;
      current: boolean;
      userAgent: string | null;
    }[];
    expect(sessions.map((s) => s.id).sort()).toEqual([first.sessionId, second.sessionId].sort());
    expect(sessions.find((s) => s.id === first.sessionId)!.current).toBe(true);
    expect(sessions.find((s) => s.id === second.sessionId)).toMatchObject({
      current: false,
      userAgent: 'phone/1.0',
    });
  });

  it('logs in from several devices at once', async () => {
    const user = await registerAndLogin(app);
    const logins = await Promise.all([1, 2, 3, 4].map(() => login(app, user.email)));
    expect(new Set(logins.map((l) => l.sessionId)).size).toBe(4);
    for (const l of logins) {
      expect((await me(l)).statusCode).toBe(200);
    }
  });
});

describe('revocation and password change', () => {
  it('revokes one session; another user cannot revoke it', async () => {
    const a = await registerAndLogin(app);
    const a2 = await login(app, a.email);
    const b = await registerAndLogin(app);
    const foreign = await injectAs(app, b, {
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${a2.sessionId}`,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('SESSION_NOT_FOUND');
    expect((await me(a2)).statusCode).toBe(200);

    const res = await injectAs(app, a, {
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${a2.sessionId}`,
    });
    expect(res.statusCode).toBe(200);
    expect((await me(a2)).statusCode).toBe(401);
    expect((await me(a)).statusCode).toBe(200);
    const again = await injectAs(app, a, {
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${a2.sessionId}`,
    });
    expect(again.statusCode).toBe(404);
  });

  it('revokes every other session', async () => {
    const a = await registerAndLogin(app);
    const others = await Promise.all([1, 2, 3].map(() => login(app, a.email)));
    const res = await injectAs(app, a, {
      method: 'POST',
      url: '/api/v1/auth/sessions/revoke-others',
    });
    expect(res.json().data).toEqual({ revoked: 3 });
    for (const o of others) {
      expect((await me(o)).statusCode).toBe(401);
    }
    expect((await me(a)).statusCode).toBe(200);
  });

  it('changing the password revokes the other sessions and needs the current password', async () => {
    const a = await registerAndLogin(app);
    const other = await login(app, a.email);
    const wrong = await injectAs(app, a, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'nope nope nope', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.statusCode).toBe(401);
    const common = await injectAs(app, a, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: a.password, newPassword: 'iloveyou' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().error.details.fields[0].field).toBe('body.newPassword');
    expect((await me(other)).statusCode).toBe(200);

    const res = await injectAs(app, a, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: a.password, newPassword: 'a brand new passphrase' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({ revoked: 1 });
    expect((await me(other)).statusCode).toBe(401);
    expect((await me(a)).statusCode).toBe(200);
    await expect(login(app, a.email, a.password)).rejects.toThrow(/401/);
    await login(app, a.email, 'a brand new passphrase');
  });
});

describe('accounts without a password (created by an OpenID sign-in)', () => {
  it('sets the first password without a current one; a password account must give it', async () => {
    const a = await registerAndLogin(app);
    const missing = await injectAs(app, a, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { newPassword: 'a brand new passphrase' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields[0].field).toBe('body.currentPassword');

    await ctx.db.db.execute(sql`update users set password_hash = null where id = ${a.userId}`);
    // No password at all: a login with any password is refused like a wrong one.
    await expect(login(app, a.email, a.password)).rejects.toThrow(/401/);
    const set = await injectAs(app, a, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { newPassword: 'a brand new passphrase' },
    });
    expect(set.statusCode).toBe(200);
    await login(app, a.email, 'a brand new passphrase');
    const ops = await queryRows<{ operation: string }>(
      ctx.db.db,
      sql`select operation from audit_events where user_id = ${a.userId} and outcome = 'succeeded'`,
    );
    expect(ops.map((o) => o.operation)).toContain('auth.password_set');
  });

  it('lists how each session was established', async () => {
    const a = await registerAndLogin(app);
    const list = await injectAs(app, a, { method: 'GET', url: '/api/v1/auth/sessions' });
    expect(list.json().data.items).toEqual([
      expect.objectContaining({ id: a.sessionId, method: 'password', twoFactor: false }),
    ]);
  });
});

describe('expiry', () => {
  it('expires after the idle timeout, sliding with use', async () => {
    const user = await registerAndLogin(app);
    ctx.clock.advance(6 * DAY);
    expect((await me(user)).statusCode).toBe(200); // slides the idle expiry
    ctx.clock.advance(6 * DAY);
    expect((await me(user)).statusCode).toBe(200);
    ctx.clock.advance(7 * DAY + MINUTE);
    expect((await me(user)).statusCode).toBe(401);
  });

  it('expires at the absolute lifetime whatever the use', async () => {
    const user = await registerAndLogin(app);
    for (let day = 3; day <= 27; day += 3) {
      ctx.clock.advance(3 * DAY);
      expect((await me(user)).statusCode, `day ${day}`).toBe(200);
    }
    ctx.clock.advance(3 * DAY);
    const res = await me(user);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('writes last_seen_at at most once a minute', async () => {
    const user = await registerAndLogin(app);
    const seen = async () =>
      (
        await queryRows<{ t: string }>(
          ctx.db.db,
          sql`select last_seen_at::text as t from user_sessions where id = ${user.sessionId}`,
        )
      )[0]!.t;
    const initial = await seen();
    await me(user);
    await me(user);
    expect(await seen()).toBe(initial);
    ctx.clock.advance(MINUTE + 1000);
    await me(user);
    expect(await seen()).not.toBe(initial);
  });
});

describe('inactive users', () => {
  it('cannot log in, and their sessions stop working', async () => {
    const user = await registerAndLogin(app);
    await app.services.repositories.users.setActive(user.userId, false);
    expect((await me(user)).statusCode).toBe(401);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('CSRF', () => {
  it('rejects a cookie-authenticated change from a foreign origin or without one', async () => {
    const user = await registerAndLogin(app);
    for (const headers of [
      { origin: 'https://evil.example' },
      {},
      { referer: 'https://evil.example/page' },
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sessions/revoke-others',
        headers: { cookie: user.cookie, ...headers },
      });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().error.code).toBe('CSRF_REJECTED');
    }
  });

  it('accepts the server’s own origin with the cookie, and bearer requests from anywhere', async () => {
    const user = await registerAndLogin(app);
    const own = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sessions/revoke-others',
      headers: { cookie: user.cookie, origin: 'http://localhost:80', host: 'localhost:80' },
    });
    expect(own.statusCode).toBe(200);
    const bearer = await injectAs(app, user, {
      method: 'POST',
      url: '/api/v1/auth/sessions/revoke-others',
      headers: { origin: 'https://evil.example' },
    });
    expect(bearer.statusCode).toBe(200);
    // Reads with the cookie need no origin.
    const read = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: user.cookie },
    });
    expect(read.statusCode).toBe(200);
  });
});

describe('secrets at rest', () => {
  it('never stores the token, the password or the cookie value in the database', async () => {
    const user = await registerAndLogin(app);
    await injectAs(app, user, { method: 'GET', url: '/api/v1/auth/sessions' });
    const dump = await queryRows<{ t: string }>(
      ctx.db.db,
      sql`select (select coalesce(json_agg(s)::text, '') from user_sessions s) ||
                 (select coalesce(json_agg(u)::text, '') from users u) ||
                 (select coalesce(json_agg(a)::text, '') from audit_events a) as t`,
    );
    const text = dump[0]!.t;
    expect(text).not.toContain(user.token);
    expect(text).not.toContain(user.password);
    expect(text).toContain(user.sessionId);
  });

  it('records audit events for the auth operations', async () => {
    const user = await registerAndLogin(app);
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'wrong wrong wrong' },
    });
    await injectAs(app, user, { method: 'POST', url: '/api/v1/auth/logout' });
    const rows = await queryRows<{ operation: string; outcome: string }>(
      ctx.db.db,
      sql`select operation, outcome::text from audit_events where user_id = ${user.userId} order by created_at, operation`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { operation: 'auth.register', outcome: 'succeeded' },
        { operation: 'auth.login', outcome: 'succeeded' },
        { operation: 'auth.login', outcome: 'failed' },
        { operation: 'auth.logout', outcome: 'succeeded' },
      ]),
    );
  });
});

describe('login throttling', () => {
  it('backs off after repeated failures with 429 and Retry-After, then recovers', async () => {
    const user = await registerAndLogin(app);
    const attempt = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password },
        remoteAddress: '203.0.113.7',
      });
    const free = ctx.config.loginThrottle.freeAttempts;
    for (let i = 0; i < free; i += 1) {
      expect((await attempt('wrong password!')).statusCode).toBe(401);
    }
    const blocked = await attempt(GOOD_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another IP is not held back by this one's failures on the account (below its own limit).
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: GOOD_PASSWORD },
      remoteAddress: '198.51.100.9',
    });
    expect(elsewhere.statusCode).toBe(200);
    ctx.clock.advance(Number(blocked.headers['retry-after']) * 1000 + 10);
    expect((await attempt(GOOD_PASSWORD)).statusCode).toBe(200);
  });
});
