import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { type ErrorCode, ERROR_CODES } from '../errors.js';

/** Node's errors for bytes its HTTP parser refuses, as `clientError` passes them. */
interface ConnectionError extends Error {
  code?: string;
}

const MALFORMED = {
  code: 'MALFORMED_REQUEST',
  message: 'The request is not valid HTTP/1.1 (request line, headers or framing)',
} as const;

/** The answer to each kind of parser error (by Node's code); any other is MALFORMED. */
const ANSWERS: Record<string, { code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'REQUEST_TIMEOUT',
    message: 'The request was not received in time',
  },
  // llhttp cannot tell an unknown method from a garbled request line, and no
  // target was read, so there is no resource whose Allow list a 405 could give.
  HPE_INVALID_METHOD: {
    code: 'MALFORMED_REQUEST',
    message: 'The request line has an unknown method',
  },
};

/** The envelope of an error answered before any request object exists. */
function envelope(code: ErrorCode, message: string): string {
  return JSON.stringify({
    success: false,
    data: null,
    error: { code, message, details: null },
    metadata: { requestId: randomUUID(), timestamp: new Date().toISOString(), executionTime: 0 },
  });
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the bytes (a bad
 * Content-Length, Transfer-Encoding with Content-Length, an unknown method,
 * headers over the limit) or the request timed out, so no route, hook or error
 * handler runs. Fastify's default writes its own JSON body; this writes the
 * envelope, closes the connection (its framing cannot be trusted any more) and
 * logs at debug: these are clients' mistakes, not ours.
 */
export function clientErrorHandler(log: FastifyBaseLogger) {
  return (err: ConnectionError, socket: Socket): void => {
    // A reset connection is already gone: nothing to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) {
      return;
    }
    const { code, message } = (err.code ? ANSWERS[err.code] : undefined) ?? MALFORMED;
    const status = ERROR_CODES[code];
    log.debug({ err: { code: err.code, message: err.message }, status }, 'client error');
    // As Node's own handler: never write into a response already under way on this
    // socket (a keep-alive request whose answer has started), it would corrupt it.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const body = envelope(code, message);
    const head =
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      'Cache-Control: no-store\r\n\r\n';
    // Destroyed once written: HTTP sockets are half-open, end() alone would linger.
    socket.end(head + body, () => socket.destroy());
  };
}
