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

/** Response entries for the error statuses a route can answer, all in the error envelope. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'ErrorEnvelope#' }]));
}

/**
 * The statuses a call to the router can add to a route's own: the router
 * applied a change we could not save (500 PERSISTENCE_FAILED), refused or
 * answered nonsense (502), could not be reached (503), or took too long (504).
 */
export const ROUTER_CALL_ERRORS = [500, 502, 503, 504] as const;

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
