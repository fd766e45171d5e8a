import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { normalizeStoredEmails } from '../../src/db/migrate.js';
import { ACCOUNT_MAX_DELAY_MS } from '../../src/services/throttle/login-throttle.js';
import { RedisThrottleStore } from '../../src/services/throttle/redis-store.js';
import {
  createTestContext,
  GOOD_PASSWORD,
  injectAs,
  login,
  registerAndLogin,
  uniqueEmail,
  type TestContext,
} from '../helpers/build-app.js';
import { cookiePair, requestFrom } from '../helpers/bound-http.js';
import { metricValue } from '../helpers/metrics-scrape.js';

/**
 * Online-guessing defences (docs/security.md): attempts are reserved before
 * argon2 so concurrency cannot outrun the count; device cookies keep a user's
 * own browser out of the account-wide rule; the current-password check of a
 * password change is throttled too. argon2 work is counted through /metrics.
 */

const DEVICE_COOKIE = 'netpilot_session_device';
const REDIS_URL = process.env.TEST_REDIS_URL;

/**
 * With TEST_REDIS_URL (CI's PostgreSQL run) every test here runs on the Redis
 * store, under a prefix of its own so that runs never share counters; keys
 * expire with their window. Otherwise on the in-memory store.
 */
function contextOptions(config: Record<string, string> = {}) {
  return {
    config,
    ...(REDIS_URL
      ? { throttleStore: new RedisThrottleStore(REDIS_URL, `netpilot-test:${randomUUID()}:`) }
      : {}),
  };
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) {
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
}

const verifications = (ctx: TestContext) =>
  metricValue(ctx.app, 'password_hash_operations_total', { operation: 'verify' });

describe('concurrent guesses', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(contextOptions());
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('200 simultaneous logins for one account from one address: only the free attempts reach argon2', async () => {
    const user = await registerAndLogin(ctx.app);
    const free = ctx.config.loginThrottle.freeAttempts;
    const before = await verifications(ctx);
    ctx.clock.freeze();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: i === 199 ? GOOD_PASSWORD : `wrong guess ${i}` },
          remoteAddress: '203.0.113.50',
        }),
      ),
    );
    ctx.clock.unfreeze();
    const reached = (await verifications(ctx)) - before;
    const counts = tally(answers.map((a) => a.statusCode));
    // The time is frozen, so no backoff step passes during the burst: exactly the
    // free attempts reach argon2 (reservation is atomic: none in flight beyond them).
    expect(reached).toBe(free);
    expect((counts[401] ?? 0) + (counts[200] ?? 0)).toBe(free);
    expect(counts[429]).toBe(200 - free);
    const throttled = answers.find((a) => a.statusCode === 429)!;
    expect(throttled.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('counts one budget for every spelling of an email (İ, ß, full-width letters)', async () => {
    const tag = uniqueEmail('x').split('@')[0]!;
    // The same account, spelled as the user might type it: normalised once, everywhere.
    const spellings = [
      `İnj-${tag}@Example.com`,
      `i\u0307nj-${tag}@example.com`,
      `İNJ-${tag}@EXAMPLE.COM`,
      `  İnj-${tag}@example.com `,
      `İnj-${tag}@ｅｘａｍｐｌｅ.ｃｏｍ`,
    ];
    await registerAndLogin(ctx.app, spellings[0]);
    for (const email of spellings) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'not the right one' },
        remoteAddress: '203.0.113.51',
      });
      expect(res.statusCode, email).toBe(401);
    }
    const blocked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: spellings[1], password: GOOD_PASSWORD },
      remoteAddress: '203.0.113.51',
    });
    expect(blocked.statusCode).toBe(429);
  });

  it('stores emails normalised: İ, ẞ and full-width letters find one account; ß stays ß', async () => {
    const tag = uniqueEmail('n').split('@')[0]!;
    const reg = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: `ＳＴＲＡẞＥ-${tag}@Example.COM`, password: GOOD_PASSWORD },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    expect(reg.json().data.email).toBe(`straße-${tag}@example.com`);
    await login(ctx.app, `STRAẞE-${tag}@example.com`);
    await login(ctx.app, `straße-${tag}@ＥＸＡＭＰＬＥ.com`);
    // "ss" is another address: JavaScript does not fold ß to ss, and neither do we.
    const other = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `strasse-${tag}@example.com`, password: GOOD_PASSWORD },
    });
    expect(other.statusCode).toBe(401);
    const dup = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: `STRAßE-${tag}@example.com`, password: GOOD_PASSWORD },
    });
    expect(dup.json().error?.code).toBe('EMAIL_TAKEN');
    const rows = await queryRows<{ email: string }>(
      ctx.db.db,
      sql`select email from users where email like ${`%${tag}%`}`,
    );
    expect(rows.map((r) => r.email)).toEqual([`straße-${tag}@example.com`]);
  });
});

describe('emails stored before normalisation', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(contextOptions());
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('are normalised at start by the same function as every lookup, then log in', async () => {
    const tag = uniqueEmail('legacy').split('@')[0]!;
    // Migration 0004 lowered ASCII capitals in SQL; a non-ASCII capital is left for JavaScript.
    const legacy = `Ünal-${tag}@example.com`;
    await registerAndLogin(ctx.app, `placeholder-${tag}@example.com`);
    // As an older version stored it: case and all.
    await ctx.db.db.execute(
      sql`update users set email = ${legacy} where email = ${`placeholder-${tag}@example.com`}`,
    );
    await normalizeStoredEmails(ctx.db.db);
    await normalizeStoredEmails(ctx.db.db); // idempotent
    const rows = await queryRows<{ email: string }>(
      ctx.db.db,
      sql`select email from users where email like ${`%${tag}%`}`,
    );
    expect(rows.map((r) => r.email)).toEqual([`ünal-${tag}@example.com`]);
    await login(ctx.app, `ÜNAL-${tag}@Example.COM`);
  });
});

describe('device cookies', () => {
  let ctx: TestContext;
  let base: string;
  beforeAll(async () => {
    ctx = await createTestContext(contextOptions());
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}/api/v1/auth`;
  });
  afterAll(async () => {
    await ctx.close();
  });

  const attempt = (from: string, email: string, password: string, cookie?: string | null) =>
    requestFrom(from, `${base}/login`, {
      body: { email, password },
      headers: cookie ? { cookie } : {},
    });

  it('a returning user logs in from their own browser while ten addresses hammer the account', async () => {
    const email = uniqueEmail('victim');
    expect(
      (
        await requestFrom('127.0.0.1', `${base}/register`, {
          body: { email, password: GOOD_PASSWORD },
        })
      ).status,
    ).toBe(201);
    const first = await attempt('127.0.0.1', email, GOOD_PASSWORD);
    expect(first.status).toBe(200);
    ctx.clock.freeze();
    const device = cookiePair(first, DEVICE_COOKIE);
    expect(device).toMatch(new RegExp(`^${DEVICE_COOKIE}=.+`));
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly/i);

    // 50 wrong logins from 127.0.0.2 … 127.0.0.11: the account-wide rule is exhausted.
    const statuses: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => attempt(`127.0.0.${i + 2}`, email, `guess ${round}`)),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const slowed = await attempt('127.0.0.1', email, GOOD_PASSWORD);
    expect(slowed.status).toBe(429);

    // The attack goes on, one guess a minute from each address; the victim's own
    // browser always gets in, and without its cookie the wait never passes the cap.
    for (let minute = 0; minute < 8; minute += 1) {
      expect((await attempt('127.0.0.1', email, GOOD_PASSWORD, device)).status).toBe(200);
      ctx.clock.advance(61_000);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => attempt(`127.0.0.${i + 2}`, email, `again ${minute}`)),
      );
      const withoutCookie = await attempt('127.0.0.1', email, GOOD_PASSWORD);
      if (withoutCookie.status === 429) {
        const wait = Number(withoutCookie.headers['retry-after']);
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(ACCOUNT_MAX_DELAY_MS / 1000);
      } else {
        expect(withoutCookie.status).toBe(200);
      }
    }
    ctx.clock.unfreeze();
  });

  it('trusts a device cookie only for the account it was issued to, and never a forged one', async () => {
    const alice = uniqueEmail('alice');
    const bob = uniqueEmail('bob');
    for (const email of [alice, bob]) {
      await requestFrom('127.0.0.1', `${base}/register`, {
        body: { email, password: GOOD_PASSWORD },
      });
    }
    ctx.clock.freeze();
    const aliceDevice = cookiePair(
      await attempt('127.0.0.1', alice, GOOD_PASSWORD),
      DEVICE_COOKIE,
    )!;
    const [, value] = aliceDevice.split('=') as [string, string];
    const forged = `${DEVICE_COOKIE}=${value.slice(0, -2)}${value.endsWith('AA') ? 'AB' : 'AA'}`;
    // Exhaust bob's account-wide rule from elsewhere.
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => attempt(`127.0.0.${i + 20}`, bob, `guess ${round}`)),
      );
    }
    expect((await attempt('127.0.0.1', bob, GOOD_PASSWORD, aliceDevice)).status).toBe(429);
    expect((await attempt('127.0.0.1', bob, GOOD_PASSWORD, forged)).status).toBe(429);
    // One browser, two accounts: bob's login adds his token and keeps alice's.
    ctx.clock.advance(ACCOUNT_MAX_DELAY_MS + 1000);
    const bobLogin = await attempt('127.0.0.1', bob, GOOD_PASSWORD, aliceDevice);
    expect(bobLogin.status).toBe(200);
    const both = cookiePair(bobLogin, DEVICE_COOKIE)!;
    expect(both.split('=')[1]!.split('~')).toHaveLength(2);
    expect((await attempt('127.0.0.1', alice, GOOD_PASSWORD, both)).status).toBe(200);
    ctx.clock.unfreeze();
  });
});

describe('the current password of a password change', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(contextOptions());
  });
  afterAll(async () => {
    await ctx.close();
  });

  const change = (user: { token: string }, currentPassword: string, remoteAddress: string) =>
    injectAs(ctx.app, user, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword, newPassword: 'a brand new household passphrase' },
      remoteAddress,
    });

  it('is throttled per session and per account: 429 with Retry-After, password unchanged', async () => {
    const user = await registerAndLogin(ctx.app);
    const free = ctx.config.loginThrottle.freeAttempts;
    const hashOf = async () =>
      (
        await queryRows<{ password_hash: string }>(
          ctx.db.db,
          sql`select password_hash from users where id = ${user.userId}`,
        )
      )[0]!.password_hash;
    const hashBefore = await hashOf();
    ctx.clock.freeze();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => change(user, `wrong current ${i}`, '203.0.113.60')),
    );
    const counts = tally(answers.map((a) => a.statusCode));
    expect(counts[401]).toBe(free);
    expect(counts[429]).toBe(50 - free);
    const before = await verifications(ctx);
    const right = await change(user, GOOD_PASSWORD, '203.0.113.60');
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await verifications(ctx)).toBe(before);
    expect(await hashOf()).toBe(hashBefore);
    // Another session of the same user, from another address, has its own budget.
    const other = await login(ctx.app, user.email, GOOD_PASSWORD, {});
    expect((await change(other, 'still wrong', '198.51.100.61')).statusCode).toBe(401);
    expect((await change(other, GOOD_PASSWORD, '198.51.100.61')).statusCode).toBe(200);
    ctx.clock.unfreeze();
  });
});

describe('registration', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(contextOptions({ REGISTER_THROTTLE_PER_IP: '3' }));
  });
  afterAll(async () => {
    await ctx.close();
  });

  const userCount = async () =>
    Number(
      (await queryRows<{ n: string }>(ctx.db.db, sql`select count(*)::text as n from users`))[0]!.n,
    );

  it('is limited per address, even when the requests arrive at once', async () => {
    const usersBefore = await userCount();
    const hashesBefore = await metricValue(ctx.app, 'password_hash_operations_total', {
      operation: 'hash',
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/register',
          payload: { email: uniqueEmail('flood'), password: GOOD_PASSWORD },
          remoteAddress: '203.0.113.70',
        }),
      ),
    );
    const counts = tally(answers.map((a) => a.statusCode));
    expect(counts).toEqual({ 201: 3, 429: 17 });
    const limited = answers.find((a) => a.statusCode === 429)!;
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(ctx.config.loginThrottle.registrationWindowMs / 1000);
    expect(await userCount()).toBe(usersBefore + 3);
    const hashes = await metricValue(ctx.app, 'password_hash_operations_total', {
      operation: 'hash',
    });
    // The dummy hash for unknown-email logins may be made once as well.
    expect(hashes - hashesBefore).toBeLessThanOrEqual(4);
    // Another address is not held back.
    const elsewhere = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: uniqueEmail('elsewhere'), password: GOOD_PASSWORD },
      remoteAddress: '198.51.100.70',
    });
    expect(elsewhere.statusCode).toBe(201);
  });
});

describe('the argon2 queue', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(contextOptions({ ARGON2_QUEUE_MAX: '4' }));
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('answers 503 BUSY with Retry-After when full, and a refused registration writes nothing', async () => {
    const emails = Array.from({ length: 30 }, () => uniqueEmail('busy'));
    const answers = await Promise.all(
      emails.map((email, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/register',
          payload: { email, password: GOOD_PASSWORD },
          remoteAddress: `203.0.113.${100 + i}`,
        }),
      ),
    );
    const counts = tally(answers.map((a) => a.statusCode));
    expect(Object.keys(counts).sort()).toEqual(['201', '503']);
    const busy = answers.find((a) => a.statusCode === 503)!;
    expect(busy.json().error.code).toBe('BUSY');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const created = await queryRows<{ email: string }>(
      ctx.db.db,
      sql`select email from users where email like 'busy-%'`,
    );
    const createdEmails = new Set(created.map((r) => r.email));
    emails.forEach((email, i) => {
      expect(createdEmails.has(email), email).toBe(answers[i]!.statusCode === 201);
    });
    expect(await metricValue(ctx.app, 'password_work_queue_rejected_total')).toBe(counts[503]);
  });

  it('keeps room for a returning user during a spray of guesses over many accounts', async () => {
    const user = await registerAndLogin(ctx.app);
    const first = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: GOOD_PASSWORD },
    });
    const device = cookiePair(first, DEVICE_COOKIE)!;
    // Another unknown account from another address each time: no counter backs off.
    const spray = Array.from({ length: 30 }, (_, i) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: uniqueEmail('sprayed'), password: `guess ${i}` },
        remoteAddress: `198.18.0.${i + 1}`,
      }),
    );
    const returning = ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: GOOD_PASSWORD },
      headers: { cookie: device },
    });
    const sprayed = tally((await Promise.all(spray)).map((a) => a.statusCode));
    expect(sprayed[503]).toBeGreaterThan(0);
    expect((await returning).statusCode).toBe(200);
  });
});
