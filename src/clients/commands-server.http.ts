import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';
import { CommandsServerError, type CommandsServerFailure } from './commands-server.errors.js';
import {
  classifyTransport,
  errorCode,
  interpretAnswer,
  isRetryableConnectionError,
  readText,
  transportError,
  type AnswerContext,
} from './commands-server.response.js';
import { messageObject } from './commands-server.schemas.js';
import type { CommandsServerIds } from './commands-server.types.js';

/** Outcome reported to {@link CommandsServerHttpOptions.onCall}. */
export type CommandsServerCallOutcome = 'success' | CommandsServerFailure;

export interface CommandsServerHttpOptions {
  /** Base URL of the Commands-Server, e.g. `http://127.0.0.1:5000` (a path prefix is kept). */
  baseUrl: string;
  /** Deadline of one call (connect, headers and body together), in ms. */
  timeoutMs: number;
  /** Deadline of the slow calls (network scan, session start), in ms. */
  scanTimeoutMs: number;
  /** Keep-alive pool size per origin; default 64. */
  connections?: number;
  /** Debug gets one line per attempt, warn one per failed call; never a body. */
  logger?: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Metrics hook, called once per call (after any retry). */
  onCall?: (e: {
    operation: string;
    outcome: CommandsServerCallOutcome;
    durationMs: number;
  }) => void;
}

/** One call, described by the client method that makes it. @internal */
export interface RequestSpec<T> extends AnswerContext<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL; dynamic segments already passed through `encodePathSegment`. */
  path: string;
  ids: CommandsServerIds | null;
  query?: Record<string, string>;
  /** JSON body fields. POST always sends a body; DELETE only when this is set. */
  body?: Record<string, unknown>;
  /** Use `scanTimeoutMs` instead of `timeoutMs`. */
  slow?: boolean;
}

const DEFAULT_CONNECTIONS = 64;
const MAX_CONNECT_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 50;

/** The parts of a request that do not change between attempts. */
interface PreparedRequest {
  /** Base path + path, as logged. */
  path: string;
  /** `path` plus the query string, as sent. */
  target: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Where an attempt stands: its number, when it started, and the call's deadline. */
interface Attempt {
  number: number;
  started: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Puts the ids in the query and in the JSON body. Start reads the body before anything
 * else and rejects a non-JSON one with an HTML 400/415, so every POST sends JSON, `{}`
 * at least; the ids go in it too (refresh reads sessionId from the body only, contract #9).
 */
function prepare(basePath: string, spec: RequestSpec<unknown>): PreparedRequest {
  const path = basePath + spec.path;
  const query = new URLSearchParams(spec.query);
  if (spec.ids !== null) {
    query.set('sessionId', spec.ids.sessionId);
    query.set('routerId', spec.ids.routerId);
  }
  const search = query.size > 0 ? `?${query.toString()}` : '';
  const sendsBody = spec.method === 'POST' || spec.body !== undefined;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (sendsBody) {
    headers['content-type'] = 'application/json';
  }
  const body = sendsBody ? JSON.stringify({ ...spec.body, ...spec.ids }) : undefined;
  return { path, target: path + search, headers, body };
}

/**
 * Shared transport to the Commands-Server: one keep-alive undici Agent, the only code
 * that knows its URLs, envelope and failure modes. Construct once per process.
 */
export class CommandsServerHttp {
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly scanTimeoutMs: number;
  private readonly logger: CommandsServerHttpOptions['logger'];
  private readonly onCall: CommandsServerHttpOptions['onCall'];

  /** @throws TypeError or RangeError when an option is unusable (a configuration mistake). */
  constructor(options: CommandsServerHttpOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`Commands-Server baseUrl must be http(s), got ${url.protocol}`);
    }
    for (const key of ['timeoutMs', 'scanTimeoutMs'] as const) {
      if (!Number.isFinite(options[key]) || options[key] <= 0) {
        throw new RangeError(`Commands-Server ${key} must be a positive number of milliseconds`);
      }
    }
    const connections = options.connections ?? DEFAULT_CONNECTIONS;
    if (!Number.isSafeInteger(connections) || connections < 1) {
      throw new RangeError('Commands-Server connections must be a positive integer');
    }
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.scanTimeoutMs = options.scanTimeoutMs;
    this.logger = options.logger;
    this.onCall = options.onCall;
    this.agent = new Agent({
      connections,
      connect: { timeout: Math.min(MAX_CONNECT_TIMEOUT_MS, options.timeoutMs) },
      // Backstops only: every request carries its own deadline below.
      headersTimeout: Math.max(options.timeoutMs, options.scanTimeoutMs),
      bodyTimeout: Math.max(options.timeoutMs, options.scanTimeoutMs),
    });
  }

  /** `GET /health`: the only route that needs neither ids nor a session. */
  health(): Promise<{ message: string }> {
    return this.request({
      operation: 'health',
      method: 'GET',
      path: '/health',
      ids: null,
      validate: messageObject,
    });
  }

  /** Closes the keep-alive pool after in-flight calls finish. Idempotent. */
  async close(): Promise<void> {
    if (this.agent.closed) {
      return;
    }
    await this.agent.close();
  }

  /**
   * Does every HTTP call: puts the ids in the query and in the JSON body, applies the
   * deadline, retries a GET once after a connection error, and turns every outcome into
   * validated `data` or a {@link CommandsServerError}. Internal to `src/clients`: the
   * client's methods describe each call; nothing else should build a RequestSpec.
   * @internal
   */
  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const started = performance.now();
    const timeoutMs = spec.slow === true ? this.scanTimeoutMs : this.timeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    let outcome: CommandsServerCallOutcome = 'success';
    try {
      return await this.exchange(spec, timeoutMs, deadline.signal);
    } catch (err) {
      const error =
        err instanceof CommandsServerError
          ? err
          : transportError(spec.operation, 'unavailable', null, err, timeoutMs);
      outcome = error.failure;
      this.logger?.warn(
        {
          operation: spec.operation,
          method: spec.method,
          path: this.basePath + spec.path,
          failure: error.failure,
          upstreamStatus: error.upstreamStatus,
          upstreamCode: error.upstreamCode,
          errorCode: errorCode(error.cause),
          durationMs: Math.round(performance.now() - started),
        },
        'Commands-Server call failed',
      );
      throw error;
    } finally {
      clearTimeout(timer);
      this.report(spec.operation, outcome, performance.now() - started);
    }
  }

  private async exchange<T>(
    spec: RequestSpec<T>,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<T> {
    const request = prepare(this.basePath, spec);
    for (let number = 1; ; number += 1) {
      const attempt: Attempt = { number, started: performance.now(), timeoutMs, signal };
      const response = await this.send(spec, request, attempt);
      if (response === null) {
        continue;
      }
      let text: string | null;
      try {
        text = await readText(response.body);
      } catch (err) {
        this.logAttempt(spec, request.path, response.statusCode, attempt.started);
        const failure = signal.aborted ? 'timeout' : classifyTransport(err);
        throw transportError(spec.operation, failure, response.statusCode, err, timeoutMs);
      }
      this.logAttempt(spec, request.path, response.statusCode, attempt.started);
      return interpretAnswer(spec, response.statusCode, text);
    }
  }

  /**
   * One attempt: the response (headers received), or null when the attempt should be
   * made again. Only a GET, only once, only when no response was started: a mutation may
   * have reached the router, and a timeout means the server may still be working.
   */
  private async send(
    spec: RequestSpec<unknown>,
    request: PreparedRequest,
    attempt: Attempt,
  ): Promise<Dispatcher.ResponseData | null> {
    const { signal, timeoutMs } = attempt;
    try {
      // Dispatcher.request with origin + path sends the path verbatim: a URL object
      // would resolve dot segments and undo encodePathSegment.
      return await this.agent.request({
        origin: this.origin,
        path: request.target,
        method: spec.method,
        headers: request.headers,
        body: request.body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      this.logAttempt(spec, request.path, null, attempt.started);
      const retry =
        spec.method === 'GET' && attempt.number === 1 && isRetryableConnectionError(err);
      if (!signal.aborted && retry) {
        await sleep(RETRY_DELAY_MS, undefined, { signal }).catch(() => undefined);
        if (!signal.aborted) {
          return null;
        }
      }
      const failure = signal.aborted ? 'timeout' : classifyTransport(err);
      throw transportError(spec.operation, failure, null, err, timeoutMs);
    }
  }

  private logAttempt(
    spec: RequestSpec<unknown>,
    path: string,
    status: number | null,
    started: number,
  ): void {
    this.logger?.debug(
      {
        method: spec.method,
        path,
        operation: spec.operation,
        status,
        durationMs: Math.round(performance.now() - started),
      },
      'Commands-Server call',
    );
  }

  private report(operation: string, outcome: CommandsServerCallOutcome, durationMs: number): void {
    if (this.onCall === undefined) {
      return;
    }
    try {
      this.onCall({ operation, outcome, durationMs });
    } catch (err) {
      // A broken metrics hook must not turn a router change into a reported failure.
      this.logger?.warn({ operation, errorName: (err as Error).name }, 'onCall hook threw');
    }
  }
}
