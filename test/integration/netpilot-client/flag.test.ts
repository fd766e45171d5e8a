import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, registerAndLogin, type TestContext } from '../../helpers/build-app.js';
import { COMPAT_TAG } from '../../../src/routes/netpilot-client/index.js';
import { CLIENT_ORIGIN, clientCompatConfig } from '../../helpers/netpilot-client.js';
import { createTestDb, type TestDb } from '../../helpers/test-db.js';

/** The client's paths, one per call group of the contract. */
const PATHS = [
  ['GET', '/login'],
  ['GET', '/me'],
  ['POST', '/logout'],
  ['GET', '/api/settings/router-id'],
  ['POST', '/api/session/start'],
  ['POST', '/api/2fa/setup/start'],
  ['POST', '/api/2fa/verify'],
  ['GET', '/api/network/scan?routerId=r1'],
  ['GET', '/api/whitelist/devices?routerId=r1'],
  ['POST', '/api/blacklist/mode?routerId=r1'],
  ['GET', '/api/monitor/current?routerId=r1'],
  ['GET', '/api/settings/wifi-name?routerId=r1'],
] as const;

/** Two apps on one database: the compatibility routes off (the default) and on. */
let db: TestDb;
let off: TestContext;
let on: TestContext;

beforeAll(async () => {
  db = await createTestDb();
  off = await createTestContext({
    db,
    config: { CORS_ORIGINS: CLIENT_ORIGIN, CONSOLE_DIR: 'off' },
  });
  on = await createTestContext({ db, config: clientCompatConfig() });
});
afterAll(async () => {
  await off.close();
  await on.close();
  await db.destroy();
});

async function tagsOf(ctx: TestContext) {
  const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    tags: { name: string }[];
    paths: Record<string, unknown>;
  }>();
  return { tags: doc.tags.map((t) => t.name), paths: Object.keys(doc.paths) };
}

describe('NETPILOT_CLIENT_COMPAT', () => {
  it('unset: none of the client paths exist (404, even signed in) and the document has no such tag', async () => {
    const user = await registerAndLogin(off.app);
    for (const [method, url] of PATHS) {
      const res = await off.app.inject({
        method,
        url,
        headers: { cookie: user.cookie, origin: CLIENT_ORIGIN, 'content-type': 'application/json' },
        payload: method === 'POST' ? '{}' : undefined,
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const { tags, paths } = await tagsOf(off);
    expect(tags).not.toContain(COMPAT_TAG.name);
    expect(paths).not.toContain('/me');
  });

  it('set: the routes answer and the document lists them under their own tag', async () => {
    expect((await on.app.inject({ method: 'GET', url: '/me' })).statusCode).toBe(401);
    const { tags, paths } = await tagsOf(on);
    expect(tags).toContain(COMPAT_TAG.name);
    expect(paths).toEqual(expect.arrayContaining(['/login', '/me', '/api/network/scan']));
  });
});
