import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/build-app.js';

let ctx: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext();
  app = ctx.app;
});

afterAll(async () => {
  await ctx.close();
});

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('the envelope and the error handler', () => {
  it('answers /health with the envelope, a request id and security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ success: true, data: { status: 'ok' }, error: null });
    expect(body.metadata.requestId).toBe(res.headers['x-request-id']);
    expect(body.metadata.timestamp).toMatch(ISO_UTC);
    expect(typeof body.metadata.executionTime).toBe('number');
    expect(body.metadata.executionTime).toBeLessThan(5);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('keeps a sane caller request id and replaces a hostile one', async () => {
    const kept = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.json().metadata.requestId).toBe('abc-123');
    const replaced = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'x\ny'.repeat(40) },
    });
    expect(replaced.json().metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports readiness: database required, Commands-Server only reported', async () => {
    const up = await app.inject({ method: 'GET', url: '/ready' });
    expect(up.statusCode).toBe(200);
    expect(up.json().data).toEqual({ database: 'ok', commandsServer: 'ok' });
    const fault = ctx.sim.faults.inject({ match: { path: '/health' }, fault: { kind: 'drop' } });
    const csDown = await app.inject({ method: 'GET', url: '/ready' });
    ctx.sim.faults.remove(fault);
    expect(csDown.statusCode).toBe(200);
    expect(csDown.json().data).toEqual({ database: 'ok', commandsServer: 'unavailable' });
  });

  it('answers unknown routes with 404 in the envelope', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, data: null, error: { code: 'NOT_FOUND' } });
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toBe('3.0.3');
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });
});
