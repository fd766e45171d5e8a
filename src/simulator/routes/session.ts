/** The session blueprint, `/api/session` (§1.2.2, §3; rows 7–10). */
import type { RouteDef } from '../core.js';
import { fail, ok } from '../envelope.js';
import { HtmlError } from '../html.js';
import { isTruthy, sessionKey } from '../python.js';
import { readJsonObject } from '../request.js';
import { PortManagerError } from '../routers.js';

function keyOf(sessionId: unknown): string {
  const key = sessionKey(sessionId);
  if (key === undefined) {
    throw new HtmlError(500);
  }
  return key;
}

export const sessionRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/api/session/start',
    guard: 'ids-only',
    handler: (ctx) => {
      // The body is parsed before anything else: it must be JSON, `{}` is enough.
      const body = readJsonObject(ctx.req);
      const restart = isTruthy(body.restart);
      const key = keyOf(ctx.sessionId);
      // (a) No side effect at all: no timer refresh, no router contact, whatever the routerId.
      if (ctx.core.sessions.has(key)) {
        return fail(400, 'SESSION_ALREADY_ACTIVE', 'Session is already active');
      }
      // (b) Marked active before the router is contacted, and never rolled back: a failed
      // start leaves the session active until it idles out (§3).
      ctx.core.sessions.activate(key, ctx.sessionId);
      try {
        const router = ctx.connect();
        if (restart || !router.infrastructureReady) {
          router.setUpInfrastructure();
        }
      } catch (error) {
        if (error instanceof PortManagerError) {
          return fail(500, 'SESSION_SETUP_FAILED', `Session setup failed: ${error.message}`);
        }
        throw error;
      }
      return ok({
        session_id: ctx.sessionId,
        router_reachable: true,
        infrastructure_ready: true,
        message: 'Session established successfully',
      });
    },
  },
  {
    method: 'POST',
    path: '/api/session/end',
    // Not idempotent: a second end is refused by the middleware with 401.
    handler: (ctx) => {
      ctx.core.sessions.end(keyOf(ctx.sessionId));
      return ok({ message: 'Session ended' });
    },
  },
  {
    method: 'POST',
    path: '/api/session/refresh',
    // Reads sessionId from the JSON body only, then calls a method the connection
    // manager does not define: it never succeeds (§1.2.2).
    handler: (ctx) => {
      const body = readJsonObject(ctx.req);
      if (!isTruthy(body.sessionId)) {
        return fail(400, 'MISSING_SESSION_ID', 'sessionId is required in the request body');
      }
      return fail(
        500,
        'SESSION_REFRESH_ERROR',
        "'RouterConnectionManager' object has no attribute 'refresh_session'",
      );
    },
  },
  {
    method: 'GET',
    path: '/api/session/status',
    // Calls get_all_sessions_status, which does not exist: uncaught exception.
    handler: () => {
      throw new HtmlError(500);
    },
  },
];
