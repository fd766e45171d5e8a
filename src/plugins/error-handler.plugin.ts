import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { describeDbError, isDatabaseUnavailable } from '../db/errors.js';
import { AppError, type ErrorCode, ERROR_CODES, type FieldProblem } from '../errors.js';
import { failure } from '../http/envelope.js';

/** Fastify's own client errors, mapped to our stable codes. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than 64 KiB',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', message: 'The body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'VALIDATION_FAILED',
    message: 'Content-Length does not match the body',
  },
};

/**
 * Longest path parameter the router accepts. Fastify's default (100) is below
 * the 128 characters a routerId may have (SPEC §6), and it would answer a
 * valid id with a bare 414. Longer segments get the envelope's 400 below.
 */
export const MAX_PATH_PARAM_LENGTH = 1024;

/**
 * Errors Fastify raises while routing, before any hook or the error handler
 * runs (a malformed percent-escape in the path, an over-long path parameter).
 * Without this they are answered in Fastify's own format, not the envelope.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  void reply.header('x-request-id', request.id);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return send(
      request,
      reply,
      'VALIDATION_FAILED',
      `A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`,
      null,
    );
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return send(request, reply, 'VALIDATION_FAILED', 'The URL path is not validly encoded', null);
  }
  request.log.error({ err: { code: error.code, message: error.message } }, 'routing failed');
  return send(request, reply, 'INTERNAL_ERROR', 'Internal server error', null);
}

/** Fastify constructor options that keep routing errors in the envelope: spread them into Fastify({...}). */
export const routingErrorOptions = {
  frameworkErrors: answerFrameworkError,
  routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
} as const;

function fieldOf(instancePath: string, missing: unknown): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (typeof missing === 'string') {
    return path ? `${path}.${missing}` : missing;
  }
  return path;
}

function validationProblems(error: FastifyError): FieldProblem[] {
  const context = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown> | undefined;
    const field = fieldOf(v.instancePath, params?.missingProperty ?? params?.additionalProperty);
    return {
      field: field ? `${context}.${field}` : context,
      message: v.message ?? 'is invalid',
    };
  });
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details: unknown,
) {
  return reply
    .status(ERROR_CODES[code])
    .type('application/json; charset=utf-8')
    .send(failure(request, reply, { code, message, details }));
}

/** Our own errors keep their code and status; 5xx ones (isReportable) are logged as errors. */
function answerAppError(error: AppError, request: FastifyRequest, reply: FastifyReply) {
  if (error.isReportable) {
    request.log.error(
      { err: { code: error.code, message: error.message, details: error.details } },
      'request failed',
    );
  } else {
    request.log.info({ code: error.code }, 'request rejected');
  }
  if (error.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  }
  return send(request, reply, error.code, error.message, error.details);
}

/** Schema failures: 400 VALIDATION_FAILED naming every field. */
function answerValidationError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const fields = validationProblems(error);
  return send(
    request,
    reply,
    'VALIDATION_FAILED',
    fields.map((f) => `${f.field} ${f.message}`).join('; '),
    { fields },
  );
}

/** Anything unexpected: logged with what is safe to log, answered as a bare 500. */
function answerUnexpectedError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // Never log the raw error of a failed query: Drizzle puts the parameters in its message.
  request.log.error(
    {
      err: {
        type: error.name,
        ...describeDbError(error),
        stack: error.message.startsWith('Failed query') ? undefined : error.stack,
      },
    },
    'unhandled error',
  );
  return send(request, reply, 'INTERNAL_ERROR', 'Internal server error', null);
}

/**
 * The one error handler: our AppErrors keep their code and status; schema
 * failures become 400 VALIDATION_FAILED naming the field; a database that cannot
 * be reached or does not answer in time is 503; anything else is logged and answered as a generic 500
 * that shows no internals.
 */
function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    return answerAppError(error, request, reply);
  }
  if (error.validation) {
    return answerValidationError(error, request, reply);
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) {
    return send(request, reply, known.code, known.message, null);
  }
  if (isDatabaseUnavailable(error)) {
    request.log.error({ db: describeDbError(error) }, 'database unavailable');
    return send(
      request,
      reply,
      'DATABASE_UNAVAILABLE',
      'The database is unavailable; try again shortly',
      null,
    );
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    // Another client error raised by Fastify itself (e.g. a bad header).
    return send(request, reply, 'VALIDATION_FAILED', 'The request is invalid', null);
  }
  return answerUnexpectedError(error, request, reply);
}

/** Installs the error handler and a not-found handler that answers in the envelope. */
async function errorHandlerPlugin(app: FastifyInstance) {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    send(
      request,
      reply,
      'NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}`,
      null,
    ),
  );
}

export default fp(errorHandlerPlugin, { name: 'error-handler', fastify: '5.x' });
