import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/build-app.js';

/**
 * Requests that go wrong before any route runs: the wrong content type. Every
 * answer must still be the envelope with a stable code.
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

describe('a body that is not JSON', () => {
  it.each([
    ['text/plain', '{"email":"a@b.co","password":"correct horse battery staple"}'],
    ['text/plain; charset=utf-8', 'email=a@b.co'],
    ['application/octet-stream', 'x'],
  ])(
    'sent as %s to POST /api/v1/auth/login answers 415 UNSUPPORTED_MEDIA_TYPE',
    async (type, body) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': type },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(415);
      expect(res.json()).toMatchObject({
        success: false,
        data: null,
        error: { code: 'UNSUPPORTED_MEDIA_TYPE' },
      });
    },
  );
});
