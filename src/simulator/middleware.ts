/**
 * `verify_session_and_router`, the Commands-Server's global before-request hook
 * (§2.2 steps 1–5). It runs before routing errors are raised, so an unknown path
 * without ids gets 400 and without a session gets 401, not 404.
 */
import type { RouteDef } from './core.js';
import { fail, type SimResponse } from './envelope.js';
import { HtmlError } from './html.js';
import { isTruthy, sessionKey } from './python.js';
import { isPlainObject, nonEmpty, type SimRequest } from './request.js';
import type { SessionTable } from './sessions.js';

export type MiddlewareResult =
  | { pass: true; sessionId: unknown; routerId: unknown }
  | { pass: false; response: SimResponse; sessionId: unknown; routerId: unknown };

/**
 * @param endpoint the rule the request matched (including its automatic OPTIONS form),
 *   undefined for unknown paths and wrong methods.
 */
export function verifySessionAndRouter(
  req: SimRequest,
  endpoint: RouteDef | undefined,
  sessions: SessionTable,
): MiddlewareResult {
  // Step 1: only the health endpoint is exempt; no ids are read, metadata stays null.
  if (endpoint?.guard === 'exempt') {
    return { pass: true, sessionId: null, routerId: null };
  }
  // Step 2: the query wins when non-empty; the body is read only when an id is missing
  // from the query and the content type is JSON.
  let sessionId: unknown = nonEmpty(req.query.get('sessionId'));
  let routerId: unknown = nonEmpty(req.query.get('routerId'));
  if ((sessionId === undefined || routerId === undefined) && req.isJson) {
    const body = req.parseJson();
    // Step 3: malformed JSON → Flask's HTML 400; `.get` on an array, scalar or null → 500.
    if (body.kind === 'invalid') {
      throw new HtmlError(400);
    }
    if (!isPlainObject(body.value)) {
      throw new HtmlError(500);
    }
    sessionId ??= body.value.sessionId;
    routerId ??= body.value.routerId;
  }
  // Python truthiness: 0, false, "" and friends count as missing.
  if (!isTruthy(sessionId) || !isTruthy(routerId)) {
    return {
      pass: false,
      response: fail(400, 'BAD_REQUEST', 'sessionId and routerId are required'),
      sessionId: null,
      routerId: null,
    };
  }
  // Step 4: start only needs the ids.
  if (endpoint?.guard === 'ids-only') {
    return { pass: true, sessionId, routerId };
  }
  // Step 5: only the sessionId is checked; any routerId goes with any active session.
  const key = sessionKey(sessionId);
  if (key === undefined) {
    // `x in dict` with a list or dict id raises TypeError: unhashable type.
    throw new HtmlError(500);
  }
  if (!sessions.has(key)) {
    return {
      pass: false,
      response: fail(401, 'SESSION_INVALID', 'Session is not active or has expired'),
      sessionId,
      routerId,
    };
  }
  return { pass: true, sessionId, routerId };
}
