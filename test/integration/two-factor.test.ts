import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  registerAndLogin,
  type LoggedInUser,
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
beforeEach(() => {
  // Codes are computed for the server's clock; frozen, a test never straddles a step.
  ctx.clock.unfreeze();
  ctx.clock.freeze();
});

const STEP_MS = 30_000;

/** The code an authenticator app shows at the server's time, `steps` steps away. */
function codeAt(secret: string, steps = 0): Promise<string> {
  const epoch = Math.floor(ctx.clock.now().getTime() / 1000) + steps * 30;
  return generate({ secret, epoch });
}

function post(user: { token: string } | null, url: string, payload: object) {
  const options = { method: 'POST' as const, url: `/api/v1/auth${url}`, payload };
  return user ? injectAs(app, user, options) : app.inject(options);
}

async function enrolled(): Promise<LoggedInUser & { secret: string; recoveryCodes: string[] }> {
  const user = await registerAndLogin(app);
  const setup = await post(user, '/2fa/setup', {});
  expect(setup.statusCode).toBe(200);
  const { secret } = setup.json().data as { secret: string };
  const enable = await post(user, '/2fa/enable', { code: await codeAt(secret) });
  expect(enable.statusCode).toBe(200);
  // The enabling code's step is spent: the tests' codes (±2 steps) come from later steps.
  ctx.clock.advance(3 * STEP_MS);
  return { ...user, secret, recoveryCodes: enable.json().data.recoveryCodes };
}

async function passwordLogin(user: { email: string; password: string }) {
  const res = await post(null, '/login', { email: user.email, password: user.password });
  expect(res.statusCode).toBe(200);
  return res;
}

async function challengeFor(user: { email: string; password: string }): Promise<string> {
  const data = (await passwordLogin(user)).json().data;
  expect(data).toMatchObject({ twoFactorRequired: true });
  return data.challengeToken as string;
}

async function sessionCount(userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ctx.db.db,
    sql`select count(*)::int as n from user_sessions where user_id = ${userId}`,
  );
  return row!.n;
}

async function operations(userId: string) {
  return queryRows<{ operation: string; outcome: string; error_code: string | null }>(
    ctx.db.db,
    sql`select operation, outcome, error_code from audit_events where user_id = ${userId} order by created_at, id`,
  );
}

describe('enrolment', () => {
  it('sets up with a QR code, refuses a wrong first code, and enables with a right one', async () => {
    const user = await registerAndLogin(app);
    const setup = await post(user, '/2fa/setup', {});
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUri, qrCodeDataUrl } = setup.json().data;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/NetPilot:.+\?secret=[A-Z2-7]+&issuer=NetPilot/);
    expect(otpauthUri).toContain(encodeURIComponent(user.email));
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);

    const wrong = await post(user, '/2fa/enable', { code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('TWO_FACTOR_CODE_INVALID');
    const status = await injectAs(app, user, { method: 'GET', url: '/api/v1/auth/2fa' });
    expect(status.json().data).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    // Not yet on: a login still opens a session at once.
    expect((await passwordLogin(user)).json().data.token).toEqual(expect.any(String));

    const enable = await post(user, '/2fa/enable', { code: await codeAt(secret) });
    expect(enable.statusCode).toBe(200);
    const codes = enable.json().data.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    }
    const after = await injectAs(app, user, { method: 'GET', url: '/api/v1/auth/2fa' });
    expect(after.json().data).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    const again = await post(user, '/2fa/setup', {});
    expect(again.json().error.code).toBe('TWO_FACTOR_ALREADY_ENABLED');
    const ops = (await operations(user.userId)).map((o) => `${o.operation}:${o.outcome}`);
    expect(ops).toEqual(
      expect.arrayContaining([
        'auth.2fa_setup:succeeded',
        'auth.2fa_enable:failed',
        'auth.2fa_enable:succeeded',
      ]),
    );
  });

  it('needs the password again, or a sign-in in the last 10 minutes, to set up', async () => {
    const user = await registerAndLogin(app);
    ctx.clock.advance(11 * 60_000);
    const bare = await post(user, '/2fa/setup', {});
    expect(bare.statusCode).toBe(401);
    expect(bare.json().error.code).toBe('REAUTHENTICATION_REQUIRED');
    const wrong = await post(user, '/2fa/setup', { password: 'not the password at all' });
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    const right = await post(user, '/2fa/setup', { password: user.password });
    expect(right.statusCode).toBe(200);
  });

  it('enable without setup is 409 TWO_FACTOR_NOT_ENABLED; malformed codes are 400', async () => {
    const user = await registerAndLogin(app);
    const res = await post(user, '/2fa/enable', { code: '123456' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('TWO_FACTOR_NOT_ENABLED');
    for (const code of ['12345', '1234567', 'abcdef', ' 123456']) {
      expect((await post(user, '/2fa/enable', { code })).statusCode).toBe(400);
    }
  });
});

describe('signing in with two-factor authentication on', () => {
  it('answers a challenge instead of a session; a right code opens it, marked as 2FA', async () => {
    const user = await enrolled();
    const before = await sessionCount(user.userId);
    const res = await passwordLogin(user);
    const data = res.json().data;
    expect(data).toEqual({
      twoFactorRequired: true,
      challengeToken: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(new Date(data.expiresAt).getTime() - ctx.clock.now().getTime()).toBe(5 * 60_000);
    expect(String(res.headers['set-cookie'])).not.toMatch(/(^|, )netpilot_session=/);
    expect(await sessionCount(user.userId)).toBe(before);

    const wrong = await post(null, '/2fa/verify', {
      challengeToken: data.challengeToken,
      code: '000000',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('TWO_FACTOR_CODE_INVALID');
    expect(await sessionCount(user.userId)).toBe(before);

    const ok = await post(null, '/2fa/verify', {
      challengeToken: data.challengeToken,
      code: await codeAt(user.secret),
    });
    expect(ok.statusCode).toBe(200);
    const signedIn = ok.json().data;
    expect(signedIn.user.id).toBe(user.userId);
    const sessions = await injectAs(app, signedIn, { method: 'GET', url: '/api/v1/auth/sessions' });
    expect(sessions.statusCode).toBe(200);
    const list = JSON.stringify(sessions.json().data.items);
    expect(list).toContain(`"id":"${signedIn.session.id}"`);
    expect(JSON.parse(list)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: signedIn.session.id, method: 'password', twoFactor: true }),
      ]),
    );
    expect(String(ok.headers['set-cookie'])).toMatch(/netpilot_session=/);
  });

  it('refuses a replayed code, accepts the previous and next step, and nothing further', async () => {
    const user = await enrolled();
    const verify = async (code: string) =>
      post(null, '/2fa/verify', { challengeToken: await challengeFor(user), code });
    expect((await verify(await codeAt(user.secret, -2))).statusCode).toBe(401);
    expect((await verify(await codeAt(user.secret, 2))).statusCode).toBe(401);
    expect((await verify(await codeAt(user.secret, -1))).statusCode).toBe(200);
    const current = await codeAt(user.secret);
    expect((await verify(current)).statusCode).toBe(200);
    const replay = await verify(current);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TWO_FACTOR_CODE_INVALID');
    expect((await verify(await codeAt(user.secret, 1))).statusCode).toBe(200);
  });

  it('lets the same code through once when two requests race', async () => {
    const user = await enrolled();
    const code = await codeAt(user.secret);
    const [a, b] = await Promise.all([challengeFor(user), challengeFor(user)]);
    const answers = await Promise.all([
      post(null, '/2fa/verify', { challengeToken: a, code }),
      post(null, '/2fa/verify', { challengeToken: b, code }),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('accepts each recovery code once and only once, and audits its use', async () => {
    const user = await enrolled();
    const recoveryCode = user.recoveryCodes[3]!.toUpperCase().replace('-', ' ');
    const first = await post(null, '/2fa/verify', {
      challengeToken: await challengeFor(user),
      recoveryCode,
    });
    expect(first.statusCode).toBe(200);
    const second = await post(null, '/2fa/verify', {
      challengeToken: await challengeFor(user),
      recoveryCode: user.recoveryCodes[3],
    });
    expect(second.statusCode).toBe(401);
    const status = await injectAs(app, user, { method: 'GET', url: '/api/v1/auth/2fa' });
    expect(status.json().data.recoveryCodesLeft).toBe(9);
    const ops = (await operations(user.userId)).map((o) => `${o.operation}:${o.outcome}`);
    expect(ops).toContain('auth.2fa_recovery_code_used:succeeded');
    expect(ops).toContain('auth.2fa_verify:failed');
  });

  it('expires a challenge after 5 minutes and never lets one be used twice', async () => {
    const user = await enrolled();
    const stale = await challengeFor(user);
    ctx.clock.advance(5 * 60_000 + 1);
    const late = await post(null, '/2fa/verify', {
      challengeToken: stale,
      code: await codeAt(user.secret),
    });
    expect(late.statusCode).toBe(401);
    expect(late.json().error.code).toBe('TWO_FACTOR_CHALLENGE_INVALID');

    const token = await challengeFor(user);
    expect(
      (await post(null, '/2fa/verify', { challengeToken: token, code: await codeAt(user.secret) }))
        .statusCode,
    ).toBe(200);
    ctx.clock.advance(STEP_MS);
    const reuse = await post(null, '/2fa/verify', {
      challengeToken: token,
      code: await codeAt(user.secret),
    });
    expect(reuse.json().error.code).toBe('TWO_FACTOR_CHALLENGE_INVALID');
    const forged = await post(null, '/2fa/verify', {
      challengeToken: 'x'.repeat(43),
      code: '123456',
    });
    expect(forged.json().error.code).toBe('TWO_FACTOR_CHALLENGE_INVALID');
    const neither = await post(null, '/2fa/verify', { challengeToken: token });
    expect(neither.statusCode).toBe(400);
  });

  it('deletes expired challenges in the sweeper, an hour after they expire', async () => {
    const user = await enrolled();
    await challengeFor(user);
    const count = async () => {
      const [row] = await queryRows<{ n: number }>(
        ctx.db.db,
        sql`select count(*)::int as n from login_challenges where user_id = ${user.userId}`,
      );
      return row!.n;
    };
    expect(await count()).toBe(1);
    ctx.clock.advance(5 * 60_000 + 30 * 60_000);
    await app.services.sweeper.sweep();
    expect(await count()).toBe(1);
    ctx.clock.advance(31 * 60_000);
    await app.services.sweeper.sweep();
    expect(await count()).toBe(0);
  });

  it('spends a challenge after 5 wrong codes and throttles the account, whatever the password', async () => {
    const user = await enrolled();
    const first = await challengeFor(user);
    for (let i = 0; i < 5; i += 1) {
      const res = await post(null, '/2fa/verify', { challengeToken: first, code: '000000' });
      expect(res.json().error.code).toBe('TWO_FACTOR_CODE_INVALID');
    }
    const spent = await post(null, '/2fa/verify', {
      challengeToken: first,
      code: await codeAt(user.secret),
    });
    expect(spent.json().error.code).toBe('TWO_FACTOR_CHALLENGE_INVALID');

    // A right password opens a new challenge but buys no fresh guesses: the
    // account's second-factor counter (10 free) carries over.
    const second = await challengeFor(user);
    for (let i = 0; i < 5; i += 1) {
      const res = await post(null, '/2fa/verify', { challengeToken: second, code: '000000' });
      expect(res.json().error.code).toBe('TWO_FACTOR_CODE_INVALID');
    }
    const limited = await post(null, '/2fa/verify', {
      challengeToken: await challengeFor(user),
      code: await codeAt(user.secret),
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('recovery codes and disabling', () => {
  it('replaces the recovery codes: the old ones stop working', async () => {
    const user = await enrolled();
    const res = await post(user, '/2fa/recovery-codes', { code: await codeAt(user.secret) });
    expect(res.statusCode).toBe(200);
    const fresh = res.json().data.recoveryCodes as string[];
    expect(fresh.some((c) => user.recoveryCodes.includes(c))).toBe(false);
    const old = await post(null, '/2fa/verify', {
      challengeToken: await challengeFor(user),
      recoveryCode: user.recoveryCodes[0],
    });
    expect(old.statusCode).toBe(401);
    const now = await post(null, '/2fa/verify', {
      challengeToken: await challengeFor(user),
      recoveryCode: fresh[0],
    });
    expect(now.statusCode).toBe(200);
  });

  it('disables with the password and a code; then a login opens a session at once', async () => {
    const user = await enrolled();
    const noPassword = await post(user, '/2fa/disable', { code: await codeAt(user.secret) });
    expect(noPassword.json().error.code).toBe('REAUTHENTICATION_REQUIRED');
    const wrongPassword = await post(user, '/2fa/disable', {
      code: await codeAt(user.secret),
      password: 'wrong wrong wrong',
    });
    expect(wrongPassword.json().error.code).toBe('INVALID_CREDENTIALS');
    const both = await post(user, '/2fa/disable', {
      code: '123456',
      recoveryCode: 'abcde-fghjk',
      password: user.password,
    });
    expect(both.statusCode).toBe(400);
    const wrongCode = await post(user, '/2fa/disable', { code: '000000', password: user.password });
    expect(wrongCode.json().error.code).toBe('TWO_FACTOR_CODE_INVALID');
    const status = await injectAs(app, user, { method: 'GET', url: '/api/v1/auth/2fa' });
    expect(status.json().data.enabled).toBe(true);

    const off = await post(user, '/2fa/disable', {
      recoveryCode: user.recoveryCodes[0],
      password: user.password,
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().data).toEqual({ enabled: false });
    expect((await passwordLogin(user)).json().data.token).toEqual(expect.any(String));
    const again = await post(user, '/2fa/disable', { code: '123456', password: user.password });
    expect(again.json().error.code).toBe('TWO_FACTOR_NOT_ENABLED');
    const ops = (await operations(user.userId)).map((o) => `${o.operation}:${o.outcome}`);
    expect(ops).toContain('auth.2fa_disable:succeeded');
    const [left] = await queryRows<{ n: number }>(
      ctx.db.db,
      sql`select (select count(*) from user_two_factor where user_id = ${user.userId}) + (select count(*) from user_recovery_codes where user_id = ${user.userId}) as n`,
    );
    expect(Number(left!.n)).toBe(0);
  });
});

describe('secrets at rest', () => {
  it('keeps nothing of a 2FA change sent with an Idempotency-Key (its answer is a secret)', async () => {
    const user = await registerAndLogin(app);
    const headers = { 'idempotency-key': 'enrol-1' };
    const setup = await injectAs(app, user, {
      method: 'POST',
      url: '/api/v1/auth/2fa/setup',
      payload: {},
      headers,
    });
    const { secret } = setup.json().data as { secret: string };
    const enable = await injectAs(app, user, {
      method: 'POST',
      url: '/api/v1/auth/2fa/enable',
      payload: { code: await codeAt(secret) },
      headers,
    });
    expect(enable.statusCode).toBe(200);
    expect(enable.headers['idempotent-replayed']).toBeUndefined();
    const [row] = await queryRows<{ n: number }>(
      ctx.db.db,
      sql`select count(*)::int as n from idempotency_keys where user_id = ${user.userId}`,
    );
    expect(row!.n).toBe(0);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ref = { $ref: '#/components/parameters/IdempotencyKey' };
    for (const path of ['setup', 'enable', 'disable', 'recovery-codes']) {
      expect(doc.paths[`/api/v1/auth/2fa/${path}`].post.parameters ?? []).not.toContainEqual(ref);
    }
  });

  it('keeps no TOTP secret or recovery code in plain form anywhere in the database', async () => {
    const user = await enrolled();
    const tables = await queryRows<{ table_name: string }>(
      ctx.db.db,
      sql`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toContain('user_two_factor');
    let dump = '';
    for (const { table_name } of tables) {
      const [row] = await queryRows<{ t: string | null }>(
        ctx.db.db,
        sql`select json_agg(x)::text as t from ${sql.identifier(table_name)} x`,
      );
      dump += row?.t ?? '';
    }
    expect(dump).toContain(user.userId);
    const forms = (s: string) => [
      s,
      s.toLowerCase(),
      Buffer.from(s).toString('base64'),
      Buffer.from(s).toString('hex'),
    ];
    for (const needle of forms(user.secret)) {
      expect(dump).not.toContain(needle);
    }
    for (const code of user.recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace('-', ''));
    }
  });
});
