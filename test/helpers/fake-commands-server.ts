import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A per-test stand-in for the Commands-Server: a real `node:http` server on port 0.
 * Tests register canned answers per `METHOD path` and inspect what was received;
 * anything unregistered answers 500 and is recorded in `unexpected`, so a test can
 * assert that no stray call happened.
 */

/** One canned answer. */
export interface FakeResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as the body with `content-type: application/json`. */
  json?: unknown;
  /** Raw body (used when `json` is absent); content type from `headers`, else text/html. */
  body?: string;
  /** Hold the answer this long, in ms. */
  delayMs?: number;
  /** Destroy the socket without answering (after `delayMs`, if any). */
  drop?: boolean;
}

/** What the fake received. */
export interface RecordedRequest {
  method: string;
  /** Raw path, without the query, exactly as sent (percent-encoding kept). */
  path: string;
  /** Query parameters; the last value wins for a repeated name. */
  query: Record<string, string>;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON when the body was JSON, else undefined. */
  body: unknown;
  /** True when no route was registered for it. */
  unexpected: boolean;
}

export interface FakeCommandsServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests that matched no registered route (they were answered 500). */
  readonly unexpected: RecordedRequest[];
  /**
   * Registers answers for `"METHOD /path"`. Requests take them in order; the last one
   * keeps answering. Re-registering a route replaces its answers.
   */
  on(route: string, ...responses: FakeResponse[]): void;
  /** Requests received on one `"METHOD /path"`. */
  requestsTo(route: string): RecordedRequest[];
  /** Stops listening and destroys every socket, including held (delayed) ones. */
  close(): Promise<void>;
}

/** The success envelope exactly as the Commands-Server builds it (contract §2.1). */
export function okEnvelope(data: unknown): FakeResponse {
  return {
    status: 200,
    json: {
      data,
      error: null,
      metadata: { executionTime: 0.01, routerId: null, sessionId: null, timestamp: nowLocal() },
      success: true,
    },
  };
}

/** The error envelope: `details` is always null upstream (contract §2.1). */
export function errorEnvelope(status: number, code: string, message: string): FakeResponse {
  return {
    status,
    json: {
      data: null,
      error: { code, details: null, message },
      metadata: { executionTime: 0.0001, routerId: null, sessionId: null, timestamp: nowLocal() },
      success: false,
    },
  };
}

/** A Werkzeug-style HTML error page (contract §2.3). */
export function htmlPage(status: number, title = 'Internal Server Error'): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>The server encountered an internal error.</p>\n`,
  };
}

function nowLocal(): string {
  return new Date().toISOString().replace('Z', '');
}

/** Starts a fake on 127.0.0.1, port 0. Close it in `afterEach`. */
export async function startFakeCommandsServer(): Promise<FakeCommandsServer> {
  const routes = new Map<string, FakeResponse[]>();
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const answer = (res: ServerResponse, response: FakeResponse): void => {
    if (res.destroyed || res.writableEnded) {
      return;
    }
    if (response.drop === true) {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...response.headers };
    let payload = '';
    if (response.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(response.json);
    } else if (response.body !== undefined) {
      headers['content-type'] ??= 'text/html; charset=utf-8';
      payload = response.body;
    }
    res.writeHead(response.status ?? 200, headers);
    res.end(payload);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rawBody: string): void => {
    const target = req.url ?? '/';
    const queryIndex = target.indexOf('?');
    const path = queryIndex === -1 ? target : target.slice(0, queryIndex);
    const rawQuery = queryIndex === -1 ? '' : target.slice(queryIndex + 1);
    const method = req.method ?? 'GET';
    const key = `${method} ${path}`;
    const queue = routes.get(key);
    const recorded: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(new URLSearchParams(rawQuery)),
      rawQuery,
      headers: req.headers,
      rawBody,
      body: parseJson(req.headers['content-type'], rawBody),
      unexpected: queue === undefined,
    };
    requests.push(recorded);
    if (queue === undefined) {
      unexpected.push(recorded);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake Commands-Server: no route registered for ${key}`);
      return;
    }
    const response = (queue.length > 1 ? queue.shift() : queue[0]) ?? {};
    const delay = response.delayMs ?? 0;
    if (delay <= 0) {
      answer(res, response);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(res, response);
    }, delay);
    timers.add(timer);
  };

  const server = createServer({ keepAliveTimeout: 1_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    on(route, ...responses) {
      if (responses.length === 0) {
        throw new Error(`fake.on(${route}) needs at least one response`);
      }
      routes.set(route, [...responses]);
    },
    requestsTo(route) {
      return requests.filter((r) => `${r.method} ${r.path}` === route);
    },
    async close() {
      if (!server.listening) {
        return;
      }
      for (const timer of timers) {
        clearTimeout(timer);
      }
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function parseJson(contentType: string | undefined, raw: string): unknown {
  if (contentType?.includes('json') !== true || raw === '') {
    return undefined;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
