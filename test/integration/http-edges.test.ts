import { connect, createServer, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorHandler } from '../../src/http/client-error.js';
import { createTestContext, type TestContext } from '../helpers/build-app.js';
import { captureLogs } from '../helpers/operation-checks.js';

/**
 * Requests that go wrong before any route runs: the wrong content type, and
 * bytes Node's HTTP parser refuses (answered by Fastify's clientErrorHandler on
 * the raw socket). Every answer must still be the envelope with a stable code.
 */

let ctx: TestContext;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  ctx = await createTestContext();
  app = ctx.app;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `bytes` on a new TCP connection and reads until the server closes it. */
function rawRequest(bytes: string, to = port): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: to });
    let text = '';
    socket.setEncoding('latin1');
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer, got: ${text}`)));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
    socket.write(bytes);
  });
}

function expectEnvelope(res: RawAnswer, status: number, code: string) {
  expect(res.status, `${res.status} ${res.body}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers.connection).toBe('close');
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  const body = JSON.parse(res.body);
  expect(body).toMatchObject({ success: false, data: null, error: { code, details: null } });
  expect(body.metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.metadata.timestamp).toMatch(/Z$/);
}

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

describe('requests the HTTP parser refuses', () => {
  const login =
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n';

  it('a Content-Length that is not a number answers 400 MALFORMED_REQUEST in the envelope', async () => {
    expectEnvelope(
      await rawRequest(`${login}Content-Length: abc\r\n\r\n{}`),
      400,
      'MALFORMED_REQUEST',
    );
  });

  it('Transfer-Encoding together with Content-Length answers 400 MALFORMED_REQUEST', async () => {
    expectEnvelope(
      await rawRequest(`${login}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`),
      400,
      'MALFORMED_REQUEST',
    );
  });

  it('an unknown method (or a garbled request line) answers 400 MALFORMED_REQUEST', async () => {
    expectEnvelope(
      await rawRequest('FROBNICATE /health HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      400,
      'MALFORMED_REQUEST',
    );
    expectEnvelope(await rawRequest('hello there\r\n\r\n'), 400, 'MALFORMED_REQUEST');
  });

  it('headers over the size limit answer 431 HEADERS_TOO_LARGE', async () => {
    const big = 'a'.repeat(20_000);
    expectEnvelope(
      await rawRequest(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${big}\r\n\r\n`),
      431,
      'HEADERS_TOO_LARGE',
    );
  });

  it('still answers well-formed requests on the same server', async () => {
    const res = await rawRequest(
      'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ success: true });
  });
});

describe(clientErrorHandler.name, () => {
  // Node raises ERR_HTTP_REQUEST_TIMEOUT only on its 30 s connection check: the
  // handler gets the same error here, on a real socket, without the wait.
  it('answers a request timeout with 408 REQUEST_TIMEOUT in the envelope', async () => {
    const logs = captureLogs();
    const sut = clientErrorHandler(logs.logger);
    const server = createServer((socket: Socket) => {
      const err = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
      sut(err, socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    try {
      const res = await rawRequest(
        'GET /health HTTP/1.1\r\n',
        typeof address === 'object' && address ? address.port : 0,
      );
      expectEnvelope(res, 408, 'REQUEST_TIMEOUT');
      expect(logs.text()).toContain('ERR_HTTP_REQUEST_TIMEOUT');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
