/**
 * The HTTP side: reads each request, logs it, applies faults and base latency, runs the
 * middleware and the matched handler, and writes Flask-shaped responses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { HandlerContext, SimCore } from './core.js';
import { envelopeBody, fail, ok, type SimResponse } from './envelope.js';
import { HtmlError, htmlPage, redirectPage } from './html.js';
import { verifySessionAndRouter } from './middleware.js';
import { sessionKey } from './python.js';
import { SimRequest } from './request.js';
import { ADMIN_PREFIX, handleAdmin, type AdminTarget } from './routes/admin.js';
import { ROUTES } from './routes/index.js';
import { matchRoute } from './routing.js';
import type { FaultKind, RecordedCall } from './types.js';

const COMMON_HEADERS = {
  Server: 'Werkzeug/3.1.3 Python/3.11.2',
  // flask-cors with its defaults (§5.6).
  'Access-Control-Allow-Origin': '*',
};

/** A body that announces JSON and is not: the start of an envelope, cut short. */
const TRUNCATED_JSON = '{"data":[{"ip":"192.168.1.2","mac":"02:';

interface Outcome {
  response: SimResponse;
  sessionId: unknown;
  routerId: unknown;
  /** performance.now() when the handler (or the middleware, if it rejected) started. */
  startedAt: number;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class RequestPipeline {
  /** Responses held open by 'timeout' faults, released on close. */
  readonly held = new Set<ServerResponse>();

  constructor(
    private readonly core: SimCore,
    private readonly calls: RecordedCall[],
    private readonly admin: AdminTarget,
    private readonly fallbackHost: string,
  ) {}

  /** The `node:http` request listener. */
  listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch(() => {
      this.write(res, htmlPage(500), null, null, performance.now());
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const sreq = new SimRequest(req, body, this.fallbackHost);
    if (this.core.options.enableAdminRoutes && sreq.path.startsWith(ADMIN_PREFIX)) {
      this.write(res, handleAdmin(sreq, this.admin), null, null, performance.now());
      return;
    }
    const ids = sreq.peekIds();
    const call: RecordedCall = {
      method: sreq.method,
      path: sreq.rawPath,
      query: sreq.queryRecord(),
      body: sreq.bodyForLog(),
      sessionId: ids.sessionId,
      routerId: ids.routerId,
      status: 0,
      at: this.core.options.now(),
    };
    this.calls.push(call);
    const excess = this.calls.length - this.core.options.maxRecordedCalls;
    if (excess > 0) {
      this.calls.splice(0, excess);
    }
    const fault = this.core.faults.pick({
      method: sreq.method,
      path: sreq.rawPath,
      routerId: ids.routerId,
    });
    if (fault !== undefined) {
      const answered = await this.applyFault(fault, req, res, ids);
      if (answered !== undefined) {
        call.status = answered;
        return;
      }
    }
    const isHealth = sreq.path === '/health' && ['GET', 'HEAD'].includes(sreq.method);
    if (this.core.options.latencyMs > 0 && !isHealth) {
      await delay(this.core.options.latencyMs);
    }
    const outcome = await this.process(sreq);
    call.status = this.write(
      res,
      outcome.response,
      outcome.sessionId,
      outcome.routerId,
      outcome.startedAt,
    );
  }

  /** Returns the status answered, 0 when nothing was answered, undefined to go on normally. */
  private async applyFault(
    fault: FaultKind,
    req: IncomingMessage,
    res: ServerResponse,
    ids: { sessionId: unknown; routerId: unknown },
  ): Promise<number | undefined> {
    const started = performance.now();
    switch (fault.kind) {
      case 'latency':
        await delay(fault.ms);
        return undefined;
      case 'restart':
        this.core.sessions.clear();
        return undefined;
      case 'timeout':
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return 0;
      case 'drop':
        req.socket.destroy();
        return 0;
      case 'error':
        return this.write(
          res,
          fail(fault.status, fault.code, fault.message),
          ids.sessionId,
          ids.routerId,
          started,
        );
      case 'html500':
        return this.write(res, htmlPage(500), null, null, started);
      case 'invalidJson':
        return this.write(
          res,
          {
            kind: 'raw',
            status: 200,
            headers: { 'Content-Type': 'application/json' },
            body: TRUNCATED_JSON,
          },
          null,
          null,
          started,
        );
      case 'badShape':
        return this.write(res, ok(42), ids.sessionId, ids.routerId, started);
    }
  }

  private async process(sreq: SimRequest): Promise<Outcome> {
    const match = matchRoute(ROUTES, sreq);
    const endpoint = match.kind === 'route' || match.kind === 'options' ? match.route : undefined;
    const outcome: Outcome = {
      response: htmlPage(500),
      sessionId: null,
      routerId: null,
      startedAt: performance.now(),
    };
    try {
      const verdict = verifySessionAndRouter(sreq, endpoint, this.core.sessions);
      outcome.sessionId = verdict.sessionId;
      outcome.routerId = verdict.routerId;
      if (!verdict.pass) {
        outcome.response = verdict.response;
        return outcome;
      }
      switch (match.kind) {
        case 'notFound':
          outcome.response = htmlPage(404);
          break;
        case 'methodNotAllowed':
          outcome.response = htmlPage(405, { Allow: match.allow.join(', ') });
          break;
        case 'redirect':
          outcome.response = redirectPage(match.location);
          break;
        case 'options':
          outcome.response = {
            kind: 'raw',
            status: 200,
            headers: { 'Content-Type': 'text/html; charset=utf-8', Allow: match.allow.join(', ') },
            body: '',
          };
          break;
        case 'route':
          outcome.startedAt = performance.now();
          outcome.response = await match.route.handler(
            this.context(sreq, match.params, verdict.sessionId, verdict.routerId),
          );
          break;
      }
    } catch (error) {
      outcome.response =
        error instanceof HtmlError ? htmlPage(error.status, error.headers) : htmlPage(500);
    }
    return outcome;
  }

  private context(
    req: SimRequest,
    params: Record<string, string>,
    sessionId: unknown,
    routerId: unknown,
  ): HandlerContext {
    const core = this.core;
    return {
      req,
      params,
      sessionId,
      routerId,
      core,
      connect: () => {
        const router = core.routers.connect(routerId);
        const key = sessionKey(sessionId);
        if (key !== undefined) {
          core.sessions.touch(key);
        }
        return router;
      },
    };
  }

  /** Writes the response unless the socket is gone; returns the status. */
  private write(
    res: ServerResponse,
    response: SimResponse,
    sessionId: unknown,
    routerId: unknown,
    startedAt: number,
  ): number {
    if (res.headersSent || res.destroyed) {
      return 0;
    }
    if (response.kind === 'raw') {
      const length =
        response.status === 204 ? {} : { 'Content-Length': Buffer.byteLength(response.body) };
      res.writeHead(response.status, { ...COMMON_HEADERS, ...length, ...response.headers });
      res.end(response.body);
      return response.status;
    }
    const body = envelopeBody(response.error === null, response.data, response.error, {
      sessionId,
      routerId,
      timestamp: this.core.options.now(),
      executionTime: (performance.now() - startedAt) / 1000,
    });
    res.writeHead(response.status, {
      ...COMMON_HEADERS,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
    return response.status;
  }
}
