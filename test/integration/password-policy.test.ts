import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import {
  createTestContext,
  injectAs,
  login,
  registerAndLogin,
  uniqueEmail,
  type LoggedInUser,
  type TestContext,
} from '../helpers/build-app.js';

/**
 * The password policy through HTTP: a strength estimate (zxcvbn) with a large
 * dictionary refuses guessable passwords at registration and at a password change,
 * with a 400 that says why and how to pick a better one, and writes nothing.
 * @see hardening issue, finding 8
 */

let ctx: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext();
  app = ctx.app;
});
afterAll(async () => {
  await ctx.close();
});

/** Each was accepted before the strength estimate. */
const WEAK = ['password123', 'p@ssw0rd', 'admin123', '00000000', 'qwerty1234', 'aa123456'];
const STRONG = 'violet tractor ponders quietly';

/** The whole users table, to prove a refused request wrote nothing. */
async function usersTable(): Promise<string> {
  const [row] = await queryRows<{ j: string | null }>(
    ctx.db.db,
    sql`select json_agg(u order by u.id)::text as j from users u`,
  );
  return row?.j ?? '[]';
}

/** The user's row and sessions, to prove a refused change wrote nothing. */
async function accountOf(user: LoggedInUser): Promise<string> {
  const [row] = await queryRows<{ j: string }>(
    ctx.db.db,
    sql`select json_build_object(
          'user', (select row_to_json(u) from users u where u.id = ${user.userId}),
          'sessions', (select json_agg(s order by s.id) from user_sessions s
                        where s.user_id = ${user.userId}))::text as j`,
  );
  return row!.j;
}

function register(email: string, password: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password },
  });
}

function changePassword(user: LoggedInUser, newPassword: string) {
  return injectAs(app, user, {
    method: 'POST',
    url: '/api/v1/auth/password',
    payload: { currentPassword: user.password, newPassword },
  });
}

/** A 400 naming the field, saying why and how to do better, with the estimate. */
function expectTooWeak(res: LightMyRequestResponse, field: string, label: string): void {
  expect(res.statusCode, `${label}: ${res.body}`).toBe(400);
  const error = res.json().error;
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toContain(field);
  expect(error.message).toContain('too easy to guess');
  expect(error.message).toContain('passphrase of several unrelated words');
  const [problem] = error.details.fields;
  expect(problem).toMatchObject({ field });
  expect(problem.score).toBeGreaterThanOrEqual(0);
  expect(problem.score).toBeLessThan(3);
  expect(Array.isArray(problem.suggestions)).toBe(true);
}

describe('registration refuses guessable passwords', () => {
  it.each(WEAK)('%s: 400 naming body.password, no user created', async (password) => {
    const before = await usersTable();
    const res = await register(uniqueEmail('weak'), password);
    expectTooWeak(res, 'body.password', password);
    expect(await usersTable()).toBe(before);
  });

  it("refuses a password built on the email's local part, and says so", async () => {
    const email = uniqueEmail('grace.hopper');
    const localPart = email.split('@')[0]!;
    const password = `${localPart}!`;
    const before = await usersTable();
    const res = await register(email, password);
    expectTooWeak(res, 'body.password', password);
    expect(res.json().error.message).toContain('your email address');
    expect(await usersTable()).toBe(before);
    // The same password is fine for someone else: it is the email that makes it guessable.
    expect((await register(uniqueEmail('someone'), password)).statusCode).toBe(201);
  });

  it('refuses the product name as a password', async () => {
    const res = await register(uniqueEmail(), 'NetPilot2024');
    expectTooWeak(res, 'body.password', 'NetPilot2024');
  });

  it('accepts a strong passphrase', async () => {
    const email = uniqueEmail();
    const res = await register(email, STRONG);
    expect(res.statusCode, res.body).toBe(201);
    await login(app, email, STRONG);
  });
});

describe('a password change refuses guessable new passwords', () => {
  it('answers 400 naming body.newPassword and leaves the account and its sessions alone', async () => {
    const user = await registerAndLogin(app);
    const other = await login(app, user.email);
    const before = await accountOf(user);
    const localPart = user.email.split('@')[0]!;
    for (const newPassword of [...WEAK, `${localPart}!`]) {
      expectTooWeak(await changePassword(user, newPassword), 'body.newPassword', newPassword);
    }
    expect(await accountOf(user)).toBe(before);
    await login(app, other.email, user.password);

    const res = await changePassword(user, STRONG);
    expect(res.statusCode, res.body).toBe(200);
    await login(app, user.email, STRONG);
  });
});
