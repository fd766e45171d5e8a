/**
 * One table of stable error codes. Codes never change once published; messages may.
 * Each code carries the HTTP status it is answered with.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  /** Bytes Node's HTTP parser refused: no route ran. */
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  /** A wrong, reused or out-of-window authenticator code, or an unknown or spent recovery code. */
  TWO_FACTOR_CODE_INVALID: 401,
  TWO_FACTOR_CHALLENGE_INVALID: 401,
  REAUTHENTICATION_REQUIRED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  NOT_FOUND: 404,
  ROUTER_NOT_FOUND: 404,
  /** A router id that no connected router has (claiming a mistyped id, say). */
  ROUTER_UNKNOWN: 404,
  DEVICE_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  ENTRY_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  INVITATION_NOT_FOUND: 404,
  OPERATION_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  EMAIL_TAKEN: 409,
  ROUTER_ALREADY_CLAIMED: 409,
  CONFLICT: 409,
  TWO_FACTOR_ALREADY_ENABLED: 409,
  TWO_FACTOR_NOT_ENABLED: 409,
  /** The first request with this Idempotency-Key is still running. */
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** An Idempotency-Key sent again with another request. */
  IDEMPOTENCY_KEY_REUSED: 422,
  TOO_MANY_ATTEMPTS: 429,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  /** The router applied a change but saving it failed: database and router may differ. */
  PERSISTENCE_FAILED: 500,
  /** The router has no way to do this yet (the Commands-Server answers 501). */
  NOT_SUPPORTED_BY_ROUTER: 501,
  ROUTER_COMMAND_FAILED: 502,
  COMMANDS_SERVER_BAD_RESPONSE: 502,
  COMMANDS_SERVER_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  /** The server instance running an operation stopped before it finished (it crashed). */
  OPERATION_INTERRUPTED: 503,
  /** Too much password work queued (a flood of logins or registrations): retry shortly. */
  BUSY: 503,
  ROUTER_TIMEOUT: 504,
  /** OpenID sign-in failures: sent as `?error=` of the sign-in's redirect, never as an answer body. */
  OIDC_STATE_INVALID: 400,
  OIDC_BROWSER_MISMATCH: 400,
  OIDC_FLOW_EXPIRED: 400,
  OIDC_FLOW_USED: 400,
  OIDC_ACCESS_DENIED: 401,
  OIDC_EMAIL_UNVERIFIED: 403,
  OIDC_ACCOUNT_DISABLED: 403,
  OIDC_NOT_CONFIGURED: 404,
  OIDC_PROVIDER_ERROR: 502,
  OIDC_PROVIDER_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * What each code means, one line for a client author: served in the OpenAPI
 * document (`x-error-codes`) and rendered into docs/errors.md by
 * `npm run docs:errors`. A new code does not compile until it is described here.
 */
export const ERROR_DESCRIPTIONS: { readonly [C in ErrorCode]: string } = {
  VALIDATION_FAILED:
    'A parameter, query or body field is invalid; error.details.fields names each field and why.',
  MALFORMED_JSON: 'The body is not valid JSON.',
  MALFORMED_REQUEST: 'The HTTP request itself could not be parsed; no route ran.',
  UNAUTHENTICATED:
    'No valid session: the bearer token or session cookie is missing, unknown, expired or revoked (or, on /metrics, the METRICS_TOKEN is wrong).',
  INVALID_CREDENTIALS: 'The email or password (or the current password) is incorrect.',
  TWO_FACTOR_CODE_INVALID:
    'The authenticator code is wrong, was already used, or is more than one 30-second step away; or the recovery code is unknown or spent.',
  TWO_FACTOR_CHALLENGE_INVALID:
    'The two-factor sign-in step is unknown, older than 5 minutes, already used, or spent by too many wrong codes: sign in again.',
  REAUTHENTICATION_REQUIRED:
    'This change needs the password re-entered (or, for an account without a password, a sign-in within the last 10 minutes).',
  FORBIDDEN: 'The caller is a member of the router but the operation is for its owner only.',
  CSRF_REJECTED:
    'A change authenticated by the session cookie came from an origin that is not allowed.',
  NOT_FOUND: 'No route answers this method and path.',
  ROUTER_NOT_FOUND: 'The router does not exist or the caller is not a member of it.',
  ROUTER_UNKNOWN:
    "No router with this id is connected: the id is wrong, or the router has never been set up (check the id on the router's label).",
  DEVICE_NOT_FOUND: 'No device with this id (or address) is known on this router.',
  SESSION_NOT_FOUND: 'No active session of the caller has this id.',
  ENTRY_NOT_FOUND: 'The address is not in this list.',
  USER_NOT_FOUND: 'That user is not a member of this router.',
  INVITATION_NOT_FOUND:
    "No open invitation with this id for the caller: unknown, expired, revoked, answered, or someone else's.",
  OPERATION_NOT_FOUND:
    'No operation with this id on a router the caller is a member of: unknown, expired (a day after it finished), or of another router.',
  METHOD_NOT_ALLOWED: 'The path exists but not with this method.',
  REQUEST_TIMEOUT: 'The request was not received in time.',
  EMAIL_TAKEN: 'An account already exists for this email address.',
  ROUTER_ALREADY_CLAIMED: 'Another user already owns this router.',
  CONFLICT:
    'The request contradicts the current state (e.g. the owner removing themself from their router).',
  TWO_FACTOR_ALREADY_ENABLED:
    'Two-factor authentication is already on; disable it first to enrol another authenticator.',
  TWO_FACTOR_NOT_ENABLED:
    'Two-factor authentication is not on (or, for enable, was not set up first with POST /auth/2fa/setup).',
  IDEMPOTENCY_KEY_IN_FLIGHT:
    'The first request with this Idempotency-Key is still running; retry once it has answered (nothing was done twice).',
  PAYLOAD_TOO_LARGE: 'The body is larger than the server accepts (64 KiB).',
  UNSUPPORTED_MEDIA_TYPE: 'The body is not sent as application/json.',
  IDEMPOTENCY_KEY_REUSED:
    'This Idempotency-Key was used in the last 24 hours for another request (other route or body); send a new key for a new request.',
  TOO_MANY_ATTEMPTS: 'Too many failed password attempts; retry after Retry-After seconds.',
  RATE_LIMITED: 'Too many requests of this kind; retry after Retry-After seconds.',
  HEADERS_TOO_LARGE: 'The request headers are too large.',
  INTERNAL_ERROR:
    'An unexpected error on this server; the message is hidden, the request id logged.',
  PERSISTENCE_FAILED:
    'The router applied the change but this server could not save it: the database and the router may differ.',
  NOT_SUPPORTED_BY_ROUTER:
    'The router cannot do this yet (switch Wi-Fi off remotely, report its stored rates); nothing was changed.',
  ROUTER_COMMAND_FAILED: 'The router refused the command or reported a failure.',
  COMMANDS_SERVER_BAD_RESPONSE: 'The Commands-Server answered something this server cannot read.',
  COMMANDS_SERVER_UNAVAILABLE: 'The Commands-Server cannot be reached.',
  DATABASE_UNAVAILABLE: 'The database does not answer.',
  OPERATION_INTERRUPTED:
    'The server running this operation stopped before it finished; what the router did is unknown. Start it again.',
  BUSY: 'Too much password work is queued (a flood of logins or registrations); retry after Retry-After seconds.',
  ROUTER_TIMEOUT: 'The router did not answer in time; the change may or may not have been applied.',
  OIDC_STATE_INVALID:
    "OpenID sign-in (`?error=` of the redirect): the callback's `state` is missing or matches no sign-in started here (tampered or forged).",
  OIDC_BROWSER_MISMATCH:
    'OpenID sign-in (`?error=`): the callback reached a browser other than the one that started the sign-in (its binding cookie is missing or different).',
  OIDC_FLOW_EXPIRED:
    'OpenID sign-in (`?error=`): more than 10 minutes passed between the start and the callback; start again.',
  OIDC_FLOW_USED:
    'OpenID sign-in (`?error=`): this callback was used already (a replay); start again.',
  OIDC_ACCESS_DENIED: 'OpenID sign-in (`?error=`): the user declined at the provider.',
  OIDC_EMAIL_UNVERIFIED:
    'OpenID sign-in (`?error=`): the provider gives no verified email for this account, so no account is created or linked.',
  OIDC_ACCOUNT_DISABLED:
    'OpenID sign-in (`?error=`): the account this identity belongs to is deactivated.',
  OIDC_NOT_CONFIGURED:
    'OpenID sign-in (`?error=`): no OpenID provider is configured on this server (OIDC_ISSUER_URL).',
  OIDC_PROVIDER_ERROR:
    'OpenID sign-in (`?error=`): the provider answered an error or something that failed a check (ID token, state, nonce, PKCE).',
  OIDC_PROVIDER_UNAVAILABLE:
    'OpenID sign-in (`?error=`): the provider could not be reached; try again later.',
};

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  retryAfterSeconds?: number;
}

/** Base class of every error this server answers on purpose. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = ERROR_CODES[code];
    this.details = options.details ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** 5xx errors are worth alerting on; 4xx are the client's business. */
  get isReportable(): boolean {
    return this.statusCode >= 500;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(problems: FieldProblem[] | FieldProblem, message?: string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super('VALIDATION_FAILED', message ?? list.map((p) => `${p.field}: ${p.message}`).join('; '), {
      details: { fields: list },
    });
  }
}

export class NotFoundError extends AppError {
  constructor(
    code: Extract<
      ErrorCode,
      | 'NOT_FOUND'
      | 'ROUTER_NOT_FOUND'
      | 'DEVICE_NOT_FOUND'
      | 'SESSION_NOT_FOUND'
      | 'ENTRY_NOT_FOUND'
      | 'USER_NOT_FOUND'
      | 'INVITATION_NOT_FOUND'
      | 'OPERATION_NOT_FOUND'
    >,
    message: string,
  ) {
    super(code, message);
  }
}

export class ConflictError extends AppError {
  constructor(
    code: Extract<
      ErrorCode,
      | 'EMAIL_TAKEN'
      | 'ROUTER_ALREADY_CLAIMED'
      | 'CONFLICT'
      | 'TWO_FACTOR_ALREADY_ENABLED'
      | 'TWO_FACTOR_NOT_ENABLED'
    >,
    message: string,
  ) {
    super(code, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(
    code: Extract<
      ErrorCode,
      | 'UNAUTHENTICATED'
      | 'INVALID_CREDENTIALS'
      | 'TWO_FACTOR_CODE_INVALID'
      | 'TWO_FACTOR_CHALLENGE_INVALID'
      | 'REAUTHENTICATION_REQUIRED'
    > = 'UNAUTHENTICATED',
    message = 'Authentication required',
  ) {
    super(code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code: Extract<ErrorCode, 'FORBIDDEN' | 'CSRF_REJECTED'>, message: string) {
    super(code, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    code: Extract<ErrorCode, 'TOO_MANY_ATTEMPTS' | 'RATE_LIMITED'>,
    message: string,
    retryAfterSeconds: number,
  ) {
    super(code, message, { retryAfterSeconds, details: { retryAfterSeconds } });
  }
}

/** The password-hashing queue is full: answered at once instead of waiting without end. */
export class ServiceBusyError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('BUSY', 'The server is busy; try again shortly', {
      retryAfterSeconds,
      details: { retryAfterSeconds },
    });
  }

  /** Load shedding works as designed: logged as a rejection, not as a failure. */
  override get isReportable(): boolean {
    return false;
  }
}
