import { STATUS_CODES } from 'node:http';
import { isIP } from 'node:net';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { Type, type TSchema } from 'typebox';
import { ERROR_CODES, ERROR_DESCRIPTIONS, type ErrorCode } from '../errors.js';
import { ErrorEnvelopeSchema } from '../http/envelope.js';
import { requireAuth } from '../plugins/auth.plugin.js';
import type { AuthContext, ClientInfo } from '../services/auth-context.js';

/** The app as route plugins see it: `fastify.withTypeProvider<TypeBoxTypeProvider>()`. */
export type TypeBoxApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** OpenAPI security requirement of authenticated routes: bearer token or session cookie. */
const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** An error status's entry in a route's `response`: its codes, described, in the error envelope. */
interface ErrorResponse {
  description: string;
  content: { 'application/json': { schema: typeof ErrorEnvelopeSchema; example: unknown } };
  /** Lifted onto the operation by the OpenAPI plugin (see `errorCodesOf`). */
  'x-error-codes': ErrorCode[];
}

function errorExample(code: ErrorCode) {
  return {
    success: false,
    data: null,
    error: { code, message: ERROR_DESCRIPTIONS[code], details: null },
    metadata: {
      requestId: 'req-5f2b9c',
      timestamp: '2026-01-15T09:30:00.000Z',
      executionTime: 0.0042,
    },
  };
}

/**
 * Response entries for the error codes a route can answer, one per status, each
 * described by its codes (from ERROR_DESCRIPTIONS) and answered in the error
 * envelope. Codes any route may answer (INTERNAL_ERROR, DATABASE_UNAVAILABLE,
 * routing errors) are in the document's catalogue, not repeated per route.
 */
export function errorResponses(...codes: readonly ErrorCode[]): Record<number, ErrorResponse> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const entries = [...byStatus].map(([status, list]): [number, ErrorResponse] => [
    status,
    {
      description: `${STATUS_CODES[status]}. ${list.map((c) => `${c}: ${ERROR_DESCRIPTIONS[c]}`).join(' ')}`,
      content: {
        'application/json': { schema: ErrorEnvelopeSchema, example: errorExample(list[0]!) },
      },
      'x-error-codes': list,
    },
  ]);
  return Object.fromEntries(entries);
}

/** The error codes of a route schema's `response`, for the operation's `x-error-codes`. */
export function errorCodesOf(response: Record<string, unknown> | undefined): ErrorCode[] {
  return Object.values(response ?? {}).flatMap(
    (entry) => (entry as Partial<ErrorResponse>)['x-error-codes'] ?? [],
  );
}

/** Any route under /routers/{routerId}: a malformed id, no session, or not a member. */
export const ROUTER_ROUTE_ERRORS = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'ROUTER_NOT_FOUND',
] as const;

/** An unsafe method (POST, PUT, PATCH, DELETE) through a session cookie from another origin. */
export const CHANGE_ERRORS = ['CSRF_REJECTED'] as const;

/** A route with a JSON body: one that is not JSON, too large, or of another type. */
export const BODY_ERRORS = [
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;

/**
 * What a call to the router can add to a route's own codes: no router with this id
 * is connected (404), it refused or answered nonsense (502), could not be reached
 * (503), or took too long (504).
 */
export const ROUTER_CALL_ERRORS = [
  'ROUTER_UNKNOWN',
  'ROUTER_COMMAND_FAILED',
  'COMMANDS_SERVER_BAD_RESPONSE',
  'COMMANDS_SERVER_UNAVAILABLE',
  'ROUTER_TIMEOUT',
] as const;

/** A change the router applies and this server then saves: it may fail after the router changed (500). */
export const ROUTER_CHANGE_ERRORS = [...ROUTER_CALL_ERRORS, 'PERSISTENCE_FAILED'] as const;

/** An owner-only change through the router, with a JSON body: everything such a route can answer. */
export const OWNER_CHANGE_ERRORS = [
  ...ROUTER_ROUTE_ERRORS,
  ...BODY_ERRORS,
  ...CHANGE_ERRORS,
  'FORBIDDEN',
  ...ROUTER_CHANGE_ERRORS,
] as const;

/** A schema that also admits null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * The options of a route only an authenticated caller may use, around its
 * schema: the auth plugin enforces `config.auth`, and the OpenAPI document
 * shows the same requirement, so the two cannot disagree.
 */
export function authed<S extends FastifySchema>(schema: S) {
  return { config: { auth: true } as const, schema: { ...schema, security } };
}

/**
 * An authenticated POST that ignores `Idempotency-Key`: logout (a replay could not clear
 * the cookie again) and the password change (its body holds passwords: not even a hash
 * of it may be stored).
 */
export function withoutIdempotency<T extends { config: { auth: true } }>(options: T) {
  return { ...options, config: { ...options.config, idempotency: false as const } };
}

/** Recorded when not even the socket has an address (it closed): the unspecified address. */
const UNKNOWN_IP = '0.0.0.0';

/** `address` without an IPv6 zone id (fe80::1%eth0), which PostgreSQL's inet refuses; null if not an IP. */
function asIp(address: string | undefined): string | null {
  const bare = address?.split('%')[0];
  return bare && isIP(bare) !== 0 ? bare : null;
}

/**
 * The client's address, for audit and session rows (inet columns) and the login
 * throttle. Behind trusted proxies request.ip is an X-Forwarded-For entry, which
 * a client can fill with anything: one that is not an IP would fail the insert
 * (a 500), so the address of the socket itself (the nearest proxy) is used.
 */
export function clientIp(request: FastifyRequest): string {
  return asIp(request.ip) ?? asIp(request.socket.remoteAddress) ?? UNKNOWN_IP;
}

/** Where a request comes from, for audit events and session listings. */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return {
    ip: clientIp(request),
    userAgent: typeof ua === 'string' ? ua : null,
    requestId: request.id,
  };
}

/** Who calls an `authed` route, and from where. */
interface Caller {
  auth: AuthContext;
  client: ClientInfo;
}

/** `{ routerId }`, typed as the route's params schema has it, when its path names a router. */
type RouterOf<Params> = Params extends { routerId: infer Id } ? { routerId: Id } : unknown;

/**
 * What a handler of an `authed` route passes to its service: the caller, where
 * the request comes from and, on routes under /routers/:routerId, the router.
 * `const { auth, client, routerId } = caller(request)`.
 */
export function caller<R extends FastifyRequest>(request: R): Caller & RouterOf<R['params']>;
export function caller(request: FastifyRequest): Caller & { routerId?: string } {
  // Validated against the route's params schema before the handler runs.
  const params = request.params as { routerId?: string } | undefined;
  return { auth: requireAuth(request), client: clientInfo(request), routerId: params?.routerId };
}
