import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/build-app.js';
import { createTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Who may read /metrics (METRICS_TOKEN, production) and whether /docs and
 * /openapi.json are served (DOCS_ENABLED). One database serves every app here.
 */

const TOKEN = 'metrics-token-0123456789abcdef-0123456789';

// Production apps get their database from the test; this URL is never opened.
const PRODUCTION = {
  NODE_ENV: 'production',
  COOKIE_SECURE: 'true',
  DEVICE_COOKIE_SECRET: 'd'.repeat(32),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  DATABASE_URL: 'postgres://not-opened.invalid/netpilot',
};

let db: TestDb;
const contexts: TestContext[] = [];

async function appWith(config: Record<string, string>) {
  const ctx = await createTestContext({ db, config });
  contexts.push(ctx);
  return ctx.app;
}

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  for (const ctx of contexts) {
    await ctx.close();
  }
  await db?.destroy();
});

function expectUnauthorized(res: { statusCode: number; body: string; headers: object }) {
  expect(res.statusCode, res.body).toBe(401);
  expect(JSON.parse(res.body)).toMatchObject({
    success: false,
    data: null,
    error: { code: 'UNAUTHENTICATED' },
  });
  expect(res.headers).toMatchObject({ 'www-authenticate': 'Bearer realm="metrics"' });
  expect(res.body).not.toContain(TOKEN);
}

describe('/metrics with METRICS_TOKEN', () => {
  for (const [where, extra] of [
    ['in production', PRODUCTION],
    ['outside production', {}],
  ] as const) {
    it(`${where}: answers 401 in the envelope without the token or with a wrong one`, async () => {
      const app = await appWith({ ...extra, METRICS_TOKEN: TOKEN });
      for (const authorization of [
        undefined,
        '',
        TOKEN,
        `Basic ${TOKEN}`,
        `Bearer ${TOKEN.slice(0, -1)}x`,
        `Bearer ${TOKEN}x`,
        'Bearer short',
        `Bearer ${TOKEN} extra`,
      ]) {
        const res = await app.inject({
          method: 'GET',
          url: '/metrics',
          headers: authorization === undefined ? {} : { authorization },
        });
        expectUnauthorized(res);
      }
    });

    it(`${where}: answers the Prometheus text with Authorization: Bearer <METRICS_TOKEN>`, async () => {
      const app = await appWith({ ...extra, METRICS_TOKEN: TOKEN });
      const res = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.body).toContain('http_requests_total');
    });
  }
});

describe('/metrics without METRICS_TOKEN', () => {
  it('in production: 404 in the envelope, and not in the OpenAPI document', async () => {
    const app = await appWith(PRODUCTION);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    const doc = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(doc.json().paths)).not.toContain('/metrics');
  });

  it('outside production: open', async () => {
    const app = await appWith({});
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
  });
});

describe('DOCS_ENABLED', () => {
  it('serves /docs and /openapi.json by default, in production too', async () => {
    const app = await appWith(PRODUCTION);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('DOCS_ENABLED=false: /docs and /openapi.json answer 404 in the envelope; the API stays', async () => {
    const app = await appWith({ DOCS_ENABLED: 'false' });
    for (const url of ['/docs', '/docs/', '/docs/json', '/openapi.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    }
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.com', password: 'not the password at all' },
    });
    expect(login.statusCode).toBe(401);
  });
});
