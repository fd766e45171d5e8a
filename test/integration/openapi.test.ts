import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { openApiProblems } from '../../scripts/lib/openapi-problems.js';
import { createTestContext, registerAndLogin, type TestContext } from '../helpers/build-app.js';

/**
 * The OpenAPI document is what the web console's client is generated from:
 * every operation named, every response described, every schema a named
 * component, every route's error codes listed and explained.
 */
let ctx: TestContext;
/** The document as parsed JSON: read freely, checked by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- what res.json() gives, typed by no schema
type Json = any;
let doc: Json;

beforeAll(async () => {
  ctx = await createTestContext();
  doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});

afterAll(async () => {
  await ctx.close();
});

const operations = (): [string, Json][] =>
  Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, Json] => [`${method} ${path}`, op]),
  );

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.0', async () => {
    expect(doc.openapi).toBe('3.0.3');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('has an operationId on every operation, a description on every response, x-error-codes on every route, named schemas only, and no trailing slash', () => {
    expect(openApiProblems(doc)).toEqual([]);
    const ids = operations().map(([, op]) => String(op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['listRouters', 'addRouter', 'blockDevice', 'login']),
    );
    expect(JSON.stringify(doc)).not.toMatch(/def-\d+|Default Response/);
  });

  it('finds the problems it is meant to find', () => {
    const bad: Json = structuredClone(doc);
    const list = bad.paths['/api/v1/routers'].get;
    delete list.operationId;
    list.responses['200'].description = 'Default Response';
    delete list['x-error-codes'];
    bad.paths['/api/v1/routers/'] = bad.paths['/api/v1/routers'];
    bad.components.schemas['def-0'] = { type: 'object' };
    expect(openApiProblems(bad)).toEqual(
      expect.arrayContaining([
        'GET /api/v1/routers: no operationId',
        'GET /api/v1/routers 200: no real description',
        'GET /api/v1/routers: no x-error-codes',
        "/api/v1/routers/: ends with '/'",
        'components.schemas.def-0: anonymous (give the schema an $id)',
      ]),
    );
  });

  it('names the bodies of requests and answers as components', () => {
    const schemas = doc.components.schemas;
    for (const name of ['Router', 'Device', 'ListEntry', 'ActivityEvent', 'Session', 'User']) {
      expect(schemas, name).toHaveProperty(name);
    }
    for (const name of ['Member', 'Invitation', 'BlockedDevice', 'ErrorEnvelope', 'Metadata']) {
      expect(schemas, name).toHaveProperty(name);
    }
    const add = doc.paths['/api/v1/routers'].post;
    expect(add.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/AddRouterRequest',
    });
    const answer = add.responses['201'].content['application/json'];
    expect(answer.schema.properties.data).toEqual({ $ref: '#/components/schemas/Router' });
    expect(add.responses['409'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorEnvelope',
    });
    expect(add.responses['409'].description).toContain('ROUTER_ALREADY_CLAIMED');
  });

  it('shows a whole success envelope, error: null included, as the example of every JSON success', () => {
    for (const [where, op] of operations()) {
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 300 || !json) {
          continue;
        }
        expect(json.example, `${where} ${status}`).toMatchObject({ success: true, error: null });
        expect(json.example.metadata.requestId, `${where} ${status}`).toEqual(expect.any(String));
      }
    }
  });

  it('types query integers as integers with their bounds', () => {
    const limit = doc.paths['/api/v1/routers/{routerId}/activity'].get.parameters.find(
      (p: { name: string }) => p.name === 'limit',
    );
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 100 });
  });

  it('gives every list limit and cursor and a named page schema', () => {
    const lists: [string, string][] = [
      ['/api/v1/routers', 'RouterPage'],
      ['/api/v1/routers/{routerId}/devices', 'DevicePage'],
      ['/api/v1/routers/{routerId}/whitelist', 'ListEntryPage'],
      ['/api/v1/routers/{routerId}/blacklist', 'ListEntryPage'],
      ['/api/v1/routers/{routerId}/blocked', 'BlockedDevicePage'],
      ['/api/v1/routers/{routerId}/activity', 'ActivityPage'],
      ['/api/v1/routers/{routerId}/members', 'MemberPage'],
      ['/api/v1/routers/{routerId}/invitations', 'SentInvitationPage'],
      ['/api/v1/invitations', 'ReceivedInvitationPage'],
      ['/api/v1/auth/sessions', 'SessionPage'],
    ];
    for (const [path, page] of lists) {
      const get = doc.paths[path].get;
      const names = get.parameters.map((p: { name: string; in: string }) => `${p.in}.${p.name}`);
      expect(names, path).toEqual(expect.arrayContaining(['query.limit', 'query.cursor']));
      const data = get.responses['200'].content['application/json'].schema.properties.data;
      expect(data, path).toEqual({ $ref: `#/components/schemas/${page}` });
      expect(doc.components.schemas[page].required, path).toEqual(['items', 'nextCursor']);
    }
    const sort = doc.paths['/api/v1/routers/{routerId}/devices'].get.parameters.find(
      (p: { name: string }) => p.name === 'sort',
    );
    expect(JSON.stringify(sort.schema)).toContain('lastSeen');
  });

  it('documents /health, /ready and /metrics (Prometheus text)', () => {
    expect(doc.paths['/health'].get.operationId).toBe('getHealth');
    expect(doc.paths['/ready'].get.responses['503'].description).toContain('DATABASE_UNAVAILABLE');
    const metrics = doc.paths['/metrics'].get;
    expect(metrics.operationId).toBe('getMetrics');
    expect(metrics.responses['200'].content).toHaveProperty('text/plain');
    expect(metrics.description).toContain('METRICS_TOKEN');
  });

  it('explains every error code once, and lists per route only codes it explains', () => {
    const catalogue = doc['x-error-codes'];
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, entry] of Object.entries<Json>(catalogue)) {
      expect(entry.status, code).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES]);
      expect(entry.description.length, code).toBeGreaterThan(10);
    }
    const block = doc.paths['/api/v1/routers/{routerId}/block'].post['x-error-codes'];
    expect(block).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'ROUTER_NOT_FOUND', 'ROUTER_TIMEOUT']),
    );
  });
});

describe('the paths the document names are the ones the server answers', () => {
  it('serves /api/v1/routers without the trailing slash; with it, the path is another route', async () => {
    const user = await registerAndLogin(ctx.app);
    const headers = { authorization: `Bearer ${user.token}` };
    const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/routers', headers });
    expect(list.statusCode, list.body).toBe(200);
    // GET /api/v1/routers/ is GET /api/v1/routers/{routerId} with an empty id.
    const slash = await ctx.app.inject({ method: 'GET', url: '/api/v1/routers/', headers });
    expect(slash.statusCode).toBe(400);
    expect(slash.json()).toMatchObject({ success: false, error: { code: 'VALIDATION_FAILED' } });
    const add = { routerId: 'r-slash', name: 'Slash' };
    const post = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/routers/',
      headers,
      payload: add,
    });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});
