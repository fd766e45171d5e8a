/** Shared helpers for the simulator tests: real HTTP through fetch, no mocks. */
import { request } from 'node:http';
import { expect } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';

export interface Envelope {
  success: boolean;
  data: unknown;
  error: { code: string; message: string; details: null } | null;
  metadata: { sessionId: unknown; routerId: unknown; timestamp: string; executionTime: number };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

export interface CallOptions {
  query?: Record<string, string>;
  /** Serialised as JSON with `application/json` unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Python-isoformat local time without a zone; microseconds only when non-zero. */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<HttpResult> {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    url.searchParams.set(key, value);
  }
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (options.contentType !== undefined) {
    headers['content-type'] = options.contentType;
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    // fetch refuses a body on GET; the real server reads ids from one, so use node:http.
    return rawRequest(url, method, headers, body);
  }
  const res = await fetch(url, {
    method,
    headers,
    body,
    redirect: 'manual',
    signal: options.signal,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function rawRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const withLength = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request(url, { method, headers: withLength }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') {
            responseHeaders.set(key, value);
          }
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function parseEnvelope(result: HttpResult): Envelope {
  expect(result.headers.get('content-type')).toBe('application/json');
  const parsed = JSON.parse(result.text) as Envelope;
  expect(Object.keys(parsed)).toEqual(['data', 'error', 'metadata', 'success']);
  expect(parsed.metadata.timestamp).toMatch(TIMESTAMP);
  expect(typeof parsed.metadata.executionTime).toBe('number');
  expect(parsed.metadata.executionTime).toBeGreaterThanOrEqual(0);
  expect(parsed.metadata.executionTime).toBeLessThan(5);
  return parsed;
}

/** A client bound to one simulator, session and router (ids in the query). */
export function bind(sim: Simulator, sessionId: string, routerId: string) {
  const ids = { sessionId, routerId };
  const send = (method: string, path: string, options: CallOptions = {}) =>
    call(sim.url, method, path, { ...options, query: { ...ids, ...options.query } });
  return {
    send,
    /** Sends and expects an envelope. */
    async env(
      method: string,
      path: string,
      options: CallOptions = {},
    ): Promise<{
      status: number;
      body: Envelope;
    }> {
      const result = await send(method, path, options);
      return { status: result.status, body: parseEnvelope(result) };
    },
    /** Sends, expects 200 success, returns `data`. */
    async data(method: string, path: string, options: CallOptions = {}): Promise<unknown> {
      const result = await send(method, path, options);
      const envelope = parseEnvelope(result);
      expect(envelope.error).toBeNull();
      expect(result.status).toBe(200);
      expect(envelope.success).toBe(true);
      return envelope.data;
    },
    /** Sends, expects a `success:false` envelope with this status and code; returns the message. */
    async failure(
      method: string,
      path: string,
      status: number,
      code: string,
      options: CallOptions = {},
    ): Promise<string> {
      const result = await send(method, path, options);
      expect(result.status).toBe(status);
      const envelope = parseEnvelope(result);
      expect(envelope.success).toBe(false);
      expect(envelope.data).toBeNull();
      expect(envelope.error?.code).toBe(code);
      expect(envelope.error?.details).toBeNull();
      return envelope.error?.message ?? '';
    },
    /** Sends and expects a Werkzeug HTML page with this status. */
    async html(method: string, path: string, status: number, options: CallOptions = {}) {
      const result = await send(method, path, options);
      expect(result.status).toBe(status);
      expect(result.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(result.text).toMatch(/^<!doctype html>/);
      return result;
    },
    start(body: unknown = {}) {
      return call(sim.url, 'POST', '/api/session/start', { query: ids, body });
    },
  };
}

/** Starts a session and asserts it succeeded. */
export async function startSession(sim: Simulator, sessionId: string, routerId: string) {
  const client = bind(sim, sessionId, routerId);
  const result = await client.start();
  expect(result.status).toBe(200);
  return client;
}
