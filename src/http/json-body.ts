import type { FastifyInstance } from 'fastify';

/**
 * Reads a JSON request of zero bytes as `{}`.
 *
 * Web clients send `Content-Type: application/json` on every call, also on the
 * POSTs and DELETEs that carry nothing (POST …/scan, POST /auth/logout, DELETE of a
 * list entry). Fastify's JSON parser refuses such a request (FST_ERR_CTP_EMPTY_JSON_BODY),
 * so those calls failed with 400 although nothing was wrong. With `{}`, a route
 * without a body runs, and a route that needs one still answers 400
 * VALIDATION_FAILED from its schema, naming the missing fields.
 *
 * Only zero bytes count as "no body": anything else, white space included, goes to
 * Fastify's own parser (which refuses `__proto__` and `constructor.prototype`), so a
 * body that is not JSON stays 400 MALFORMED_JSON.
 */
export function acceptEmptyJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, {});
      return;
    }
    // Fastify's parser answers through `done`; its type also allows a promise, which it never returns.
    void parseJson(request, body.toString(), done);
  });
}
