/**
 * How an operation reads to clients (OperationsService): its view, its error as
 * the synchronous call would answer it, and the opaque cursor of its list.
 */
import type { OperationError } from '../db/schema/index.js';
import { AppError, ERROR_CODES, ValidationError, type ErrorCode } from '../errors.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import type {
  OperationRow,
  OperationState,
  OperationsPageKey,
} from '../repositories/operations.repository.js';

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

// Opaque to clients: base64url of the last item's start and id (the keyset).
export function encodeCursor(row: OperationRow): string {
  return Buffer.from(`${row.startedAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): OperationsPageKey {
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const startedAt = new Date(at);
  if (Number.isNaN(startedAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new ValidationError({
      field: 'querystring.cursor',
      message: 'is not a cursor from a previous page (use nextCursor as it was answered)',
    });
  }
  return { startedAt, id };
}
