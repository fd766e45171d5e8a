/**
 * Envelope (§2.1), middleware order (§2.2) and non-envelope answers (§2.3) of the
 * simulator, through real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { bind, call, parseEnvelope, startSession } from './helpers.js';

let sim: Simulator;
let counter = 0;
const nextSession = (): string => `mw-${++counter}`;

beforeAll(async () => {
  sim = await startSimulator();
});

afterAll(async () => {
  await sim.close();
});

describe('envelope', () => {
  it('writes sorted keys, a zone-less timestamp, seconds and a trailing newline', async () => {
    const result = await call(sim.url, 'GET', '/health');
    expect(result.status).toBe(200);
    expect(result.text).toMatch(
      /^\{"data":\{"message":"Server is healthy"\},"error":null,"metadata":\{"executionTime":[0-9.e-]+,"routerId":null,"sessionId":null,"timestamp":"[^"]+"\},"success":true\}\n$/,
    );
    const envelope = parseEnvelope(result);
    expect(envelope.metadata.executionTime).toBeLessThan(1);
    expect(result.headers.get('server')).toMatch(/^Werkzeug\//);
  });

  it('keeps metadata ids null on /health even when ids are sent', async () => {
    const result = await call(sim.url, 'GET', '/health', {
      query: { sessionId: 's', routerId: 'r' },
    });
    expect(parseEnvelope(result).metadata).toMatchObject({ sessionId: null, routerId: null });
  });

  it('answers HEAD and OPTIONS /health without ids (fully exempt)', async () => {
    const head = await call(sim.url, 'HEAD', '/health');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const options = await call(sim.url, 'OPTIONS', '/health');
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('escapes non-ASCII like ensure_ascii', async () => {
    const client = await startSession(sim, nextSession(), 'r-ascii');
    await client.data('POST', '/api/wifi/ssid', { body: { ssid: 'café' } });
    const result = await client.send('GET', '/api/wifi/ssid');
    expect(result.text).toContain('"ssid":"caf\\u00e9"');
  });
});

describe('middleware order', () => {
  it('answers 400 BAD_REQUEST with null ids when an id is missing, even on unknown paths', async () => {
    for (const [method, path] of [
      ['GET', '/api/wifi/status'],
      ['GET', '/no/such/path'],
      ['POST', '/api/router/execute'],
      ['OPTIONS', '/api/wifi/status'],
      ['GET', '/api/whitelist'],
    ] as const) {
      const result = await call(sim.url, method, path, { query: { sessionId: 'only-session' } });
      expect(result.status, `${method} ${path}`).toBe(400);
      const envelope = parseEnvelope(result);
      expect(envelope.error).toEqual({
        code: 'BAD_REQUEST',
        message: 'sessionId and routerId are required',
        details: null,
      });
      expect(envelope.metadata).toMatchObject({ sessionId: null, routerId: null });
    }
  });

  it('treats falsy body ids (0, false, "") as missing', async () => {
    for (const sessionId of [0, false, '', null, []]) {
      const result = await call(sim.url, 'GET', '/api/wifi/status', {
        body: { sessionId, routerId: 'r1' },
      });
      expect(result.status).toBe(400);
    }
  });

  it('answers 401 SESSION_INVALID with the raw ids echoed', async () => {
    const result = await call(sim.url, 'GET', '/api/wifi/status', {
      body: { sessionId: 4242, routerId: 'r-401' },
    });
    expect(result.status).toBe(401);
    const envelope = parseEnvelope(result);
    expect(envelope.error?.code).toBe('SESSION_INVALID');
    expect(envelope.error?.message).toBe('Session is not active or has expired');
    expect(envelope.metadata).toMatchObject({ sessionId: 4242, routerId: 'r-401' });
  });

  it('checks the session before routing: unknown path and redirect get 401 first', async () => {
    const client = bind(sim, 'never-started', 'r1');
    expect((await client.send('GET', '/nope')).status).toBe(401);
    expect((await client.send('GET', '/api/whitelist')).status).toBe(401);
  });

  it('reads ids from the query first, then the JSON body, and allows mixing', async () => {
    const sid = nextSession();
    await startSession(sim, sid, 'r-mix');
    const mixed = await call(sim.url, 'GET', '/api/wifi/status', {
      query: { sessionId: sid },
      body: { routerId: 'r-body', sessionId: 'ignored' },
    });
    expect(parseEnvelope(mixed).metadata).toMatchObject({ sessionId: sid, routerId: 'r-body' });
    // An empty query value does not win.
    const empty = await call(sim.url, 'GET', '/api/wifi/status', {
      query: { sessionId: '', routerId: 'r-q' },
      body: { sessionId: sid },
    });
    expect(empty.status).toBe(200);
    expect(parseEnvelope(empty).metadata).toMatchObject({ sessionId: sid, routerId: 'r-q' });
  });

  it('answers HTML 400 for a malformed JSON body when an id must come from it', async () => {
    const result = await call(sim.url, 'GET', '/api/wifi/status', {
      query: { sessionId: 's' },
      rawBody: '{"routerId": ',
      contentType: 'application/json',
    });
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(result.text).toContain('<title>400 Bad Request</title>');
  });

  it('does not parse the body when both ids are in the query', async () => {
    const sid = nextSession();
    const client = await startSession(sim, sid, 'r-noparse');
    const result = await client.send('GET', '/api/wifi/status', {
      rawBody: 'not json',
      contentType: 'application/json',
    });
    expect(result.status).toBe(200);
  });

  it('answers HTML 500 for a JSON array, scalar or null body', async () => {
    for (const rawBody of ['[1,2]', '"text"', '42', 'null']) {
      const result = await call(sim.url, 'GET', '/api/wifi/status', {
        rawBody,
        contentType: 'application/json',
      });
      expect(result.status, rawBody).toBe(500);
      expect(result.text).toContain('<title>500 Internal Server Error</title>');
    }
  });

  it('answers HTML 500 for an unhashable sessionId (a list or dict)', async () => {
    const result = await call(sim.url, 'GET', '/api/wifi/status', {
      body: { sessionId: { a: 1 }, routerId: 'r1' },
    });
    expect(result.status).toBe(500);
    expect(result.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('accepts application/*+json as JSON', async () => {
    const result = await call(sim.url, 'GET', '/api/wifi/status', {
      rawBody: JSON.stringify({ sessionId: 'x', routerId: 'y' }),
      contentType: 'application/vnd.api+json',
    });
    expect(result.status).toBe(401);
  });
});

describe('routing after the middleware', () => {
  it('answers HTML 404 for unknown and documented-only paths', async () => {
    const client = await startSession(sim, nextSession(), 'r-404');
    for (const path of [
      '/nope',
      '/api/router/execute',
      '/api/network/limit',
      '/api/whitelist/mode/activate',
      '/api/speedtest',
      '/api/monitor/device/',
      '/api/network/scan/',
    ]) {
      const result = await client.html('GET', path, 404);
      expect(result.text).toContain('<title>404 Not Found</title>');
    }
  });

  it('answers HTML 405 with Allow for a wrong method', async () => {
    const client = await startSession(sim, nextSession(), 'r-405');
    const result = await client.html('GET', '/api/network/block', 405);
    expect(result.headers.get('allow')).toBe('OPTIONS, POST');
    const mode = await client.html('PUT', '/api/whitelist/mode', 405);
    expect(mode.headers.get('allow')).toBe('DELETE, OPTIONS, POST');
    await client.html('POST', '/health', 405);
    await client.html('GET', '/api/session/start', 405);
  });

  it('redirects the slash-less list paths with 308, keeping the query', async () => {
    const sid = nextSession();
    const client = await startSession(sim, sid, 'r-308');
    for (const kind of ['whitelist', 'blacklist']) {
      const result = await client.send('GET', `/api/${kind}`, { query: { extra: 'a b' } });
      expect(result.status).toBe(308);
      const location = new URL(result.headers.get('location') ?? '');
      expect(location.pathname).toBe(`/api/${kind}/`);
      expect(location.searchParams.get('sessionId')).toBe(sid);
      expect(location.searchParams.get('routerId')).toBe('r-308');
      expect(location.searchParams.get('extra')).toBe('a b');
      expect(result.text).toContain('Redirecting...');
    }
    // Only for methods the slash rule accepts.
    expect((await client.send('POST', '/api/whitelist')).status).toBe(404);
  });

  it('answers OPTIONS on a known path with the allowed methods', async () => {
    const client = await startSession(sim, nextSession(), 'r-options');
    const result = await client.send('OPTIONS', '/api/whitelist/mode');
    expect(result.status).toBe(200);
    expect(result.headers.get('allow')).toBe('DELETE, OPTIONS, POST');
  });

  it('answers HEAD on a GET route with headers only', async () => {
    const client = await startSession(sim, nextSession(), 'r-head');
    const result = await client.send('HEAD', '/api/wifi/status');
    expect(result.status).toBe(200);
    expect(result.text).toBe('');
  });
});

describe('handlers that read the body', () => {
  it('answer HTML 415 for a non-JSON content type and HTML 400 for malformed JSON', async () => {
    const client = await startSession(sim, nextSession(), 'r-415');
    const form = await client.html('POST', '/api/network/block', 415, {
      rawBody: 'ip=192.168.1.2',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.text).toContain('Unsupported Media Type');
    await client.html('POST', '/api/whitelist/add', 415);
    await client.html('POST', '/api/whitelist/add', 400, {
      rawBody: '{',
      contentType: 'application/json',
    });
    await client.html('POST', '/api/wifi/ssid', 500, {
      rawBody: 'null',
      contentType: 'application/json',
    });
  });

  it('do not apply to handlers without inputs', async () => {
    const client = await startSession(sim, nextSession(), 'r-noinput');
    const result = await client.send('POST', '/api/whitelist/mode', {
      rawBody: 'whatever',
      contentType: 'text/plain',
    });
    expect(result.status).toBe(200);
  });
});

describe('routes that never succeed', () => {
  it('answers HTML 500 on /rebuild-chains and /api/session/status', async () => {
    const client = await startSession(sim, nextSession(), 'r-dead');
    await client.html('POST', '/rebuild-chains', 500);
    await client.html('GET', '/api/session/status', 500);
  });

  it('answers 501 NOT_IMPLEMENTED on wifi disable', async () => {
    const client = await startSession(sim, nextSession(), 'r-501');
    const message = await client.failure('POST', '/api/wifi/disable', 501, 'NOT_IMPLEMENTED');
    expect(message).toBeTruthy();
  });
});

describe('call log', () => {
  it('keeps only the latest maxRecordedCalls calls, oldest dropped first', async () => {
    const small = await startSimulator({ maxRecordedCalls: 3, janitorIntervalMs: 0 });
    try {
      for (const path of ['/health', '/a', '/b', '/c', '/d']) {
        await call(small.url, 'GET', path);
      }
      expect(small.calls.map((c) => c.path)).toEqual(['/b', '/c', '/d']);
    } finally {
      await small.close();
    }
  });

  it('refuses a limit that is not a whole number', async () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      await expect(startSimulator({ maxRecordedCalls: bad })).rejects.toThrow(/maxRecordedCalls/);
    }
  });
});
