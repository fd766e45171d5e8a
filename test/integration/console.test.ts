import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/plugins/console.plugin.js';
import { createTestContext, type TestContext } from '../helpers/build-app.js';
import { createTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * The web console as the server serves it (a stand-in build in a temporary
 * directory: what is tested is the serving, not Vite's output): '/' and the
 * console's own routes answer index.html with the page CSP and no caching; hashed
 * assets are cached for a year; everything the API owns keeps its enveloped 404.
 */
const INDEX = '<!doctype html><html><head><title>NetPilot</title></head><body></body></html>';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let dir: string;
let db: TestDb;
let built: TestContext;
let missing: TestContext;
let off: TestContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netpilot-console-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
  db = await createTestDb();
  built = await createTestContext({ db, config: { CONSOLE_DIR: dir } });
  missing = await createTestContext({ db, config: { CONSOLE_DIR: join(dir, 'nothing-here') } });
  off = await createTestContext({ db, config: { CONSOLE_DIR: 'off' } });
});
afterAll(async () => {
  await built.close();
  await missing.close();
  await off.close();
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('the web console', () => {
  it("answers index.html at '/' with the page CSP, never cached", async () => {
    const res = await built.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).toBe(INDEX);
  });

  it('answers index.html for a console route a browser opens (a reload on /routers/x)', async () => {
    for (const url of ['/routers/home-1/access', '/account', '/signin?next=%2Faccount']) {
      const res = await built.app.inject({ method: 'GET', url, headers: { accept: HTML } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
    }
  });

  it('leaves unknown API, docs and health paths, and non-browser requests, to the enveloped 404', async () => {
    const cases = [
      { url: '/api/v1/nope', accept: HTML },
      { url: '/api/v2/routers', accept: HTML },
      { url: '/healthz', accept: 'application/json' },
      { url: '/routers/home-1', accept: '*/*' },
      { url: '/not-a-console-page', accept: HTML },
      { url: '/assets/missing-1.js', accept: HTML },
    ];
    for (const { url, accept } of cases) {
      const res = await built.app.inject({ method: 'GET', url, headers: { accept } });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('NOT_FOUND');
      expect(res.headers['content-security-policy'], url).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });

  it('serves hashed assets for a year, and the favicon', async () => {
    const js = await built.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await built.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('keeps the API as it was: JSON answers with the API CSP and no-store', async () => {
    const res = await built.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it('without a build: 503 with a page saying how to build it', async () => {
    const res = await missing.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
  });

  it("with CONSOLE_DIR=off: no console, '/' is the API's 404", async () => {
    const res = await off.app.inject({ method: 'GET', url: '/', headers: { accept: HTML } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('is not in the OpenAPI document', async () => {
    const doc = (await built.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(
      Object.keys(doc.paths).filter(
        (p: string) => !p.startsWith('/api/') && !['/health', '/ready', '/metrics'].includes(p),
      ),
    ).toEqual([]);
  });
});
