import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { AuthContext } from '../services/auth-context.js';
import type { LoginSessionsService } from '../services/auth/login-sessions.service.js';
import { isRouterId } from '../validation/router-input.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, on routes declared with `config: { auth: true }`. */
    auth: AuthContext | null;
    /** How the caller authenticated: the CSRF check applies to cookies only. */
    authMethod: 'bearer' | 'cookie' | null;
  }
  interface FastifyContextConfig {
    /** The route needs an authenticated caller. */
    auth?: boolean;
  }
}

export interface AuthPluginOptions {
  loginSessions: LoginSessionsService;
  cookieName: string;
  /** Origins allowed for cookie-authenticated state changes, besides the server's own. */
  allowedOrigins: readonly string[];
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) {
    return null;
  }
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? '';
}

function originOf(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    return origin;
  }
  const referer = request.headers.referer;
  if (typeof referer === 'string') {
    try {
      return new URL(referer).origin;
    } catch {
      return null;
    }
  }
  return null;
}

/** The request to this server's own origin, as the browser would name it. */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * The CSRF check of a cookie-authenticated request: a state change (POST, PUT,
 * PATCH, DELETE) must come from this server's own origin or an allowed one, else
 * 403 CSRF_REJECTED. For routes that read the session cookie themselves, and
 * (`evenForReads`) for a GET that changes something.
 */
export function assertAllowedOrigin(
  request: FastifyRequest,
  allowed: ReadonlySet<string>,
  options: { evenForReads?: boolean } = {},
): void {
  if (!options.evenForReads && !UNSAFE_METHODS.has(request.method)) {
    return;
  }
  const origin = originOf(request);
  if (!origin || (origin !== ownOrigin(request) && !allowed.has(origin))) {
    throw new ForbiddenError(
      'CSRF_REJECTED',
      'Cookie-authenticated changes must come from an allowed origin (or use a bearer token)',
    );
  }
}

/**
 * Authenticates routes that declare `config.auth`: a bearer token, or the
 * session cookie. Cookie-authenticated state changes must come from an allowed
 * origin (CSRF); bearer requests need no such check, since browsers never add
 * that header on their own. The origin check is a dozen lines written here rather
 * than a CSRF-token library: with a JSON-only API, SameSite=Lax cookies and a
 * strict check (no Origin and no Referer is refused), tokens would add a round
 * trip every client must implement and close no gap this check leaves.
 */
async function authPlugin(app: FastifyInstance, options: AuthPluginOptions) {
  const allowed = new Set(options.allowedOrigins);
  app.decorateRequest('auth', null);
  app.decorateRequest('authMethod', null);

  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    if (request.routeOptions.config.auth !== true) {
      return;
    }
    const bearer = bearerToken(request);
    const cookie = request.cookies[options.cookieName];
    const token = bearer ?? cookie ?? null;
    if (!token) {
      throw new UnauthorizedError(
        'UNAUTHENTICATED',
        'Log in first: send a bearer token or the session cookie',
      );
    }
    const method = bearer !== null ? 'bearer' : 'cookie';
    if (method === 'cookie') {
      assertAllowedOrigin(request, allowed);
    }
    // Router routes: the membership is read with the session, in one round trip.
    // Parameters are not validated yet (that comes after authentication): a
    // malformed id is not looked up here, the route's validation answers it.
    const params = request.params as Record<string, unknown> | undefined;
    const routerId =
      typeof params?.routerId === 'string' && isRouterId(params.routerId)
        ? params.routerId
        : undefined;
    const auth = await options.loginSessions.authenticate(token, routerId);
    if (!auth) {
      // Expired, revoked or unknown: deliberately the same answer.
      throw new UnauthorizedError('UNAUTHENTICATED', 'The session is not valid; log in again');
    }
    request.auth = auth;
    request.authMethod = method;
  });
}

export default fp(authPlugin, { name: 'auth', fastify: '5.x', dependencies: ['@fastify/cookie'] });

/** The caller of a route declared with `config: { auth: true }`. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) {
    throw new UnauthorizedError();
  }
  return request.auth;
}
