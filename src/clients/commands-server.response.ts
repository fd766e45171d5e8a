import type { Dispatcher } from 'undici';
import {
  CommandsServerError,
  isUnknownRouterMessage,
  ROUTER_UNKNOWN_MESSAGE,
  type CommandsServerFailure,
} from './commands-server.errors.js';
import { ShapeError, type Validator } from './commands-server.schemas.js';

/**
 * How the transport reads Commands-Server answers and classifies failures. Pure
 * functions, used by `CommandsServerHttp.request` (and {@link redact} by the client,
 * for the Wi-Fi password in a success sentence).
 */

/** What interpreting an answer needs to know about the call. */
export interface AnswerContext<T> {
  operation: string;
  /** Start used to answer 201; every other success is exactly 200 (contract §2.1). */
  acceptAny2xx?: boolean;
  /** Values the client sent that must never be stored in an error. */
  secrets?: readonly string[];
  /** The router the call was for (none for `/health`): an answer may say it is unknown. */
  ids?: { routerId: string } | null;
  validate: Validator<T>;
}

/** Scans of big networks are the largest answers; anything beyond this is not the server. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
const MAX_UPSTREAM_MESSAGE_CHARS = 1_000;

/** Failures before any response that are safe to retry for a GET. */
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const PROTOCOL_CODES = new Set([
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_INFO',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** undici and node put a `code` on their errors; happy-eyeballs wraps them in AggregateError. */
export function errorCode(err: unknown): string | undefined {
  if (!isRecord(err)) {
    return undefined;
  }
  if (typeof err.code === 'string') {
    return err.code;
  }
  if (err instanceof AggregateError) {
    return errorCode(err.errors[0]);
  }
  return undefined;
}

/** Refused or reset before any answer: the GET can safely be sent once more. */
export function isRetryableConnectionError(err: unknown): boolean {
  return RETRYABLE_CODES.has(errorCode(err) ?? '');
}

/** Classifies an error thrown by undici (the caller has already ruled out its own deadline). */
export function classifyTransport(err: unknown): CommandsServerFailure {
  const code = errorCode(err) ?? '';
  if (TIMEOUT_CODES.has(code)) {
    return 'timeout';
  }
  if (code.startsWith('HPE_') || PROTOCOL_CODES.has(code)) {
    return 'bad_response';
  }
  // Refused, reset, closed socket, DNS failure, connect timeout (nothing was sent), or
  // anything unknown: the server could not be used.
  return 'unavailable';
}

/** The error for a failure below HTTP (no usable answer), keeping undici's error as cause. */
export function transportError(
  operation: string,
  failure: CommandsServerFailure,
  status: number | null,
  cause: unknown,
  timeoutMs: number,
): CommandsServerError {
  const code = errorCode(cause);
  const message =
    failure === 'timeout'
      ? `The Commands-Server did not answer "${operation}" within ${timeoutMs} ms; the router's state is unknown.`
      : failure === 'bad_response'
        ? `The Commands-Server sent a malformed HTTP answer to "${operation}" (${code ?? 'protocol error'}).`
        : `The Commands-Server could not be reached for "${operation}" (${code ?? 'connection error'}).`;
  return new CommandsServerError({ failure, operation, upstreamStatus: status, message, cause });
}

/** Reads the whole body as UTF-8, or null (after discarding it) beyond MAX_BODY_BYTES. */
export async function readText(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Replaces every (non-empty) secret the client sent with `[REDACTED]`. */
export function redact(message: string, secrets: readonly string[]): string {
  let result = message;
  for (const secret of secrets) {
    if (secret !== '') {
      result = result.split(secret).join('[REDACTED]');
    }
  }
  return result;
}

/** {@link redact}, then bounds the length. */
export function scrub(message: string, secrets: readonly string[]): string {
  const result = redact(message, secrets);
  return result.length > MAX_UPSTREAM_MESSAGE_CHARS
    ? `${result.slice(0, MAX_UPSTREAM_MESSAGE_CHARS)}…`
    : result;
}

/** The JSON envelope every answer of the contract carries (§2.1). */
interface Envelope {
  success: boolean;
  data?: unknown;
  error?: unknown;
}

function badResponse(ctx: AnswerContext<unknown>, status: number, what: string) {
  return new CommandsServerError({
    failure: 'bad_response',
    operation: ctx.operation,
    upstreamStatus: status,
    message: `The Commands-Server answered "${ctx.operation}" with ${what}.`,
  });
}

/** The envelope of a complete answer, or a bad_response for anything that is not one. */
function readEnvelope(ctx: AnswerContext<unknown>, status: number, text: string | null): Envelope {
  // Werkzeug answers a list path without its trailing slash with a 308; following it
  // would hide a client bug, and redirects are never part of the contract we rely on.
  if (status >= 300 && status < 400) {
    throw badResponse(ctx, status, `a redirect (HTTP ${status}), which the client does not follow`);
  }
  if (text === null) {
    throw badResponse(ctx, status, `a body larger than ${MAX_BODY_BYTES} bytes (HTTP ${status})`);
  }
  if (text.trim() === '') {
    throw badResponse(ctx, status, `an empty body (HTTP ${status})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Uncaught exceptions (list routes with an unreachable router, rebuild-chains...)
    // come back as Werkzeug HTML pages, not as the envelope (contract §2.3).
    const kind = text.trimStart().startsWith('<') ? 'an HTML page' : 'a body that is not JSON';
    throw badResponse(ctx, status, `${kind} (HTTP ${status}) instead of the JSON envelope`);
  }
  if (!isRecord(parsed) || typeof parsed.success !== 'boolean') {
    throw badResponse(ctx, status, `JSON that is not the response envelope (HTTP ${status})`);
  }
  return { success: parsed.success, data: parsed.data, error: parsed.error };
}

/**
 * `success:false` → command_failed with the upstream code and (scrubbed) message, or
 * router_unknown when the answer says the router id is unknown upstream. That
 * error's message names no internal component and keeps no upstream message (it
 * names the port manager): the caller mistyped an id, nothing more to say.
 */
function commandFailed(ctx: AnswerContext<unknown>, status: number, error: unknown) {
  if (!isRecord(error) || typeof error.code !== 'string') {
    return badResponse(ctx, status, `an error envelope without an error code (HTTP ${status})`);
  }
  const upstream =
    typeof error.message === 'string' ? scrub(error.message, ctx.secrets ?? []) : null;
  const routerId = ctx.ids?.routerId;
  const unknown =
    upstream !== null && routerId !== undefined && isUnknownRouterMessage(upstream, routerId);
  return new CommandsServerError({
    failure: unknown ? 'router_unknown' : 'command_failed',
    operation: ctx.operation,
    upstreamStatus: status,
    upstreamCode: error.code,
    upstreamMessage: unknown ? null : upstream,
    message: unknown
      ? ROUTER_UNKNOWN_MESSAGE
      : `The Commands-Server reported that "${ctx.operation}" failed (HTTP ${status}, ${error.code}).`,
  });
}

/**
 * Turns a complete answer into validated `data` or a CommandsServerError:
 * `success:false` → command_failed; anything that is not the envelope, or whose data
 * has the wrong shape → bad_response (with the HTTP status kept).
 */
export function interpretAnswer<T>(ctx: AnswerContext<T>, status: number, text: string | null): T {
  const envelope = readEnvelope(ctx, status, text);
  if (!envelope.success) {
    throw commandFailed(ctx, status, envelope.error);
  }
  const statusOk = ctx.acceptAny2xx === true ? status >= 200 && status < 300 : status === 200;
  if (!statusOk) {
    throw badResponse(ctx, status, `a success envelope with an unexpected HTTP status ${status}`);
  }
  try {
    return ctx.validate(envelope.data);
  } catch (err) {
    if (err instanceof ShapeError) {
      throw badResponse(ctx, status, `data of an unexpected shape: ${err.message}`);
    }
    throw err;
  }
}
