/**
 * How an operation reads to clients (OperationsService): its view, its error as
 * the synchronous call would answer it (its list pages through pagination.ts).
 */
import type { OperationError } from '../db/schema/index.js';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { OperationState } from '../repositories/operations.repository.js';

/** An operation as clients see it. */
export interface OperationView {
  id: string;
  kind: string;
  /** The router's external id. */
  routerId: string;
  state: OperationState;
  startedAt: string;
  finishedAt: string | null;
  elapsedMs: number;
  result: unknown;
  error: Required<OperationError> | null;
}

export function interrupted(): Required<OperationError> {
  const code = 'OPERATION_INTERRUPTED';
  const message = 'The server running this operation stopped before it finished';
  return { code, message, status: ERROR_CODES[code], details: null };
}

/**
 * The `{code, message, status, details}` the synchronous call answers for this
 * error (details: what the router said of a refused command, say).
 */
export function describeError(err: unknown): Required<OperationError> {
  if (err instanceof AppError) {
    return { code: err.code, message: err.message, status: err.statusCode, details: err.details };
  }
  if (isDatabaseUnavailable(err)) {
    const code = 'DATABASE_UNAVAILABLE';
    const message = 'The database is unavailable; try again shortly';
    return { code, message, status: 503, details: null };
  }
  return { code: 'INTERNAL_ERROR', message: 'Internal server error', status: 500, details: null };
}

/** An operation's error as clients read it: details always present (null when none). */
export function errorView(error: OperationError): Required<OperationError> {
  return { ...error, details: error.details ?? null };
}

export function errorOf(error: OperationError | null): AppError {
  const e = error ?? interrupted();
  const code = (e.code in ERROR_CODES ? e.code : 'INTERNAL_ERROR') as ErrorCode;
  return new AppError(code, e.message, { details: e.details ?? null });
}
