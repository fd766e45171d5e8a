/**
 * Helpers to read PostgreSQL errors through Drizzle's wrapping. Drizzle wraps a
 * driver error in DrizzleQueryError (whose message includes the query PARAMETERS,
 * so it must never be logged as is); the SQLSTATE lives on a `cause`.
 */

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
  cause?: unknown;
}

function* causes(err: unknown): Generator<PgLikeError> {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth += 1) {
    yield current;
    current = (current as PgLikeError).cause;
  }
}

/** The SQLSTATE (e.g. 23505) or socket code (ECONNREFUSED) found on the error or its causes. */
export function dbErrorCode(err: unknown): string | null {
  for (const e of causes(err)) {
    if (typeof e.code === 'string') {
      return e.code;
    }
  }
  return null;
}

/** The constraint named by a constraint violation, if any. */
export function violatedConstraint(err: unknown): string | null {
  for (const e of causes(err)) {
    if (typeof e.constraint === 'string') {
      return e.constraint;
    }
    // PGlite reports the constraint only in the message.
    if (typeof e.message === 'string') {
      const m = /constraint "([^"]+)"/.exec(e.message);
      if (m?.[1]) {
        return m[1];
      }
    }
  }
  return null;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (dbErrorCode(err) !== '23505') {
    return false;
  }
  return constraint === undefined || violatedConstraint(err) === constraint;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** True when the error means the database could not be reached, not that the query was wrong. */
export function isConnectionError(err: unknown): boolean {
  for (const e of causes(err)) {
    const code = e.code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) {
      return true;
    }
    if (typeof e.message === 'string') {
      const msg = e.message;
      if (
        msg.includes('timeout exceeded when trying to connect') ||
        msg.includes('Connection terminated') ||
        msg.includes('Client has encountered a connection error') ||
        msg.includes('Cannot use a pool after calling end') ||
        // node-postgres' query_timeout: the database did not answer at all.
        msg.includes('Query read timeout')
      ) {
        return true;
      }
    }
  }
  return false;
}

const TIMEOUT_CODES = new Set([
  '57014', // query_canceled: statement_timeout fired (a lock held elsewhere, an overloaded server)
  '55P03', // lock_not_available: lock_timeout fired
]);

/**
 * True when the database could not serve the query: unreachable, or alive but
 * unable to answer within its timeouts. Either way the request may succeed if
 * retried shortly, so it is answered 503 DATABASE_UNAVAILABLE, not 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return isConnectionError(err) || TIMEOUT_CODES.has(dbErrorCode(err) ?? '');
}

/** A loggable summary that never includes query parameters (they may hold hashes or secrets). */
export function describeDbError(err: unknown): { code: string | null; message: string } {
  const list = [...causes(err)];
  const innermost = list[list.length - 1];
  const message =
    innermost && typeof innermost.message === 'string' && innermost !== err
      ? innermost.message
      : err instanceof Error && !err.message.startsWith('Failed query')
        ? err.message
        : 'database error';
  return { code: dbErrorCode(err), message };
}
