import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { CommandsServerError } from '../../src/clients/commands-server.errors.js';
import {
  classifyTransport,
  errorCode,
  interpretAnswer,
  isRetryableConnectionError,
  MAX_BODY_BYTES,
  readText,
  redact,
  scrub,
  transportError,
  type AnswerContext,
} from '../../src/clients/commands-server.response.js';
import { sentence } from '../../src/clients/commands-server.schemas.js';

/**
 * The transport's pure helpers, for the failure classes that real sockets make hard to
 * provoke on demand (HTTP parser errors, happy-eyeballs AggregateErrors, huge bodies).
 */

const coded = (code: string) => Object.assign(new Error(code), { code });
const ctx: AnswerContext<string> = { operation: 'wifi.enable', validate: sentence };

function thrownBy(run: () => unknown): CommandsServerError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(CommandsServerError);
    return err as CommandsServerError;
  }
  throw new Error('expected a CommandsServerError');
}

describe('errorCode', () => {
  it('reads the code of an error, of the first error of an AggregateError, else nothing', () => {
    expect(errorCode(coded('ECONNRESET'))).toBe('ECONNRESET');
    expect(errorCode(new AggregateError([coded('ECONNREFUSED'), coded('EHOSTUNREACH')]))).toBe(
      'ECONNREFUSED',
    );
    expect(errorCode(new AggregateError([]))).toBeUndefined();
    expect(errorCode(new Error('no code'))).toBeUndefined();
    expect(errorCode('ECONNRESET')).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
  });
});

describe('classifyTransport and isRetryableConnectionError', () => {
  it.each([
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', false],
    ['UND_ERR_BODY_TIMEOUT', 'timeout', false],
    ['HPE_INVALID_CONSTANT', 'bad_response', false],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'bad_response', false],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'bad_response', false],
    ['UND_ERR_INFO', 'bad_response', false],
    ['ECONNREFUSED', 'unavailable', true],
    ['ECONNRESET', 'unavailable', true],
    ['EPIPE', 'unavailable', true],
    ['UND_ERR_SOCKET', 'unavailable', true],
    ['ENOTFOUND', 'unavailable', false],
    ['UND_ERR_CONNECT_TIMEOUT', 'unavailable', false],
  ])('%s → %s (GET retried: %s)', (code, failure, retryable) => {
    expect(classifyTransport(coded(code))).toBe(failure);
    expect(isRetryableConnectionError(coded(code))).toBe(retryable);
  });

  it('treats an error without a code as unavailable, not retryable', () => {
    expect(classifyTransport(new Error('?'))).toBe('unavailable');
    expect(isRetryableConnectionError(new Error('?'))).toBe(false);
  });
});

describe('transportError', () => {
  it('says what happened, with the low-level code when there is one, and keeps the cause', () => {
    const cause = coded('HPE_INVALID_CONSTANT');
    const bad = transportError('network.scan', 'bad_response', 200, cause, 1_000);
    expect(bad.message).toContain('malformed HTTP answer to "network.scan" (HPE_INVALID_CONSTANT)');
    expect(bad.upstreamStatus).toBe(200);
    expect(bad.cause).toBe(cause);
    expect(transportError('x', 'bad_response', null, new Error(), 1).message).toContain(
      '(protocol error)',
    );
    expect(transportError('x', 'unavailable', null, new Error(), 1).message).toContain(
      '(connection error)',
    );
    expect(transportError('x', 'unavailable', null, coded('ECONNREFUSED'), 1).message).toContain(
      '(ECONNREFUSED)',
    );
    expect(transportError('x', 'timeout', null, undefined, 250).message).toContain('within 250 ms');
  });
});

describe('redact and scrub', () => {
  it('replaces every occurrence of each non-empty secret', () => {
    expect(redact('a pw b pw', ['pw', ''])).toBe('a [REDACTED] b [REDACTED]');
    expect(redact('nothing', [])).toBe('nothing');
  });

  it('bounds a scrubbed message to 1,000 characters', () => {
    expect(scrub('x'.repeat(1_000), [])).toBe('x'.repeat(1_000));
    expect(scrub('x'.repeat(1_001), [])).toBe(`${'x'.repeat(1_000)}…`);
  });
});

describe('readText', () => {
  const bodyOf = (chunks: Buffer[]) => Readable.from(chunks) as Dispatcher.ResponseData['body'];

  it('reads a body as UTF-8 across chunks', async () => {
    const euro = Buffer.from('€');
    const text = await readText(bodyOf([euro.subarray(0, 1), euro.subarray(1)]));
    expect(text).toBe('€');
  });

  it('gives null, and discards the body, beyond MAX_BODY_BYTES', async () => {
    const body = bodyOf([Buffer.alloc(MAX_BODY_BYTES), Buffer.alloc(1)]);
    await expect(readText(body)).resolves.toBeNull();
    expect(body.destroyed).toBe(true);
  });
});

describe('interpretAnswer', () => {
  const envelope = (body: object) => JSON.stringify(body);

  it('reports a body that was too large as bad_response', () => {
    const err = thrownBy(() => interpretAnswer(ctx, 200, null));
    expect(err.failure).toBe('bad_response');
    expect(err.message).toContain(`larger than ${MAX_BODY_BYTES} bytes`);
  });

  it('keeps an error envelope whose message is not a string, without the message', () => {
    const text = envelope({ success: false, data: null, error: { code: 'COMMAND_FAILED' } });
    const err = thrownBy(() => interpretAnswer(ctx, 500, text));
    expect(err.details).toEqual({
      operation: 'wifi.enable',
      upstreamStatus: 500,
      upstreamCode: 'COMMAND_FAILED',
      upstreamMessage: null,
    });
  });

  it('accepts any 2xx only when asked (session start)', () => {
    const text = envelope({ success: true, data: 'ok', error: null });
    expect(interpretAnswer({ ...ctx, acceptAny2xx: true }, 201, text)).toBe('ok');
    expect(thrownBy(() => interpretAnswer(ctx, 201, text)).failure).toBe('bad_response');
  });

  it('lets an error that is not a shape error through unchanged', () => {
    const bug = new RangeError('validator bug');
    const broken: AnswerContext<never> = {
      operation: 'x',
      validate: () => {
        throw bug;
      },
    };
    const text = envelope({ success: true, data: 'ok', error: null });
    expect(() => interpretAnswer(broken, 200, text)).toThrow(bug);
  });
});
