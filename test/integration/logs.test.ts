import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import {
  createTestContext,
  injectAs,
  login,
  registerAndLogin,
  type TestContext,
} from '../helpers/build-app.js';
import { createRouterFor } from '../helpers/factories.js';

let ctx: TestContext;
const lines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  ctx = await createTestContext({ logger: createLogger('trace', sink) });
});
afterAll(async () => {
  await ctx.close();
});

describe('logs', () => {
  it('are JSON with the request id, and never hold a password, token or cookie', async () => {
    const user = await registerAndLogin(ctx.app);
    await createRouterFor(ctx.db.db, user.userId);
    const again = await login(ctx.app, user.email);
    await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: again.cookie },
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'a wrong password here' },
    });
    await injectAs(ctx.app, user, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: user.password, newPassword: 'the next long passphrase' },
    });
    await injectAs(ctx.app, user, {
      method: 'POST',
      url: `/api/v1/auth/logout?token=${user.token}`,
    });
    await ctx.app.services.commandsSessions.drain();

    expect(lines.length).toBeGreaterThan(10);
    const text = lines.join('');
    for (const secret of [
      user.password,
      'a wrong password here',
      'the next long passphrase',
      user.token,
      again.token,
      again.cookie,
    ]) {
      expect(text).not.toContain(secret);
    }
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLines = parsed.filter((l) => l.msg === 'incoming request');
    expect(requestLines.length).toBeGreaterThan(5);
    for (const l of requestLines) {
      expect(l.reqId).toBeTypeOf('string');
    }
  });
});
