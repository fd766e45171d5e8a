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
  error: OperationError | null;
}

export function interrupted(): OperationError {
  const code = 'OPERATION_INTERRUPTED';
  const message = 'The server running this operation stopped before it finished';
  return { code, message, status: ERROR_CODES[code] };
}

/** The `{code, message, status}` the synchronous call answers for this error. */
export function describeError(err: unknown): OperationError {
  if (err instanceof AppError) {
    return { code: err.code, message: err.message, status: err.statusCode };
  }
  if (isDatabaseUnavailable(err)) {
    const code = 'DATABASE_UNAVAILABLE';
    return { code, message: 'The database is unavailable; try again shortly', status: 503 };
  }
  return { code: 'INTERNAL_ERROR', message: 'Internal server error', status: 500 };
}

export function errorOf(error: OperationError | null): AppError {
  const e = error ?? interrupted();
  const code = (e.code in ERROR_CODES ? e.code : 'INTERNAL_ERROR') as ErrorCode;
  return new AppError(code, e.message);
}
