import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requestHash, type IdempotencyService } from '../services/idempotency.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The idempotency key this request claimed, until its answer is stored or freed. */
    idempotencyClaim: string | null;
  }
  interface FastifyContextConfig {
    /** `false`: this POST ignores `Idempotency-Key` (its body must never be stored, even hashed). */
    idempotency?: false;
  }
}

export interface IdempotencyPluginOptions {
  idempotency: IdempotencyService;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

/** The routes the header applies to: authenticated POSTs under /api/v1 that did not opt out. */
export function isIdempotentRoute(route: {
  method: string | string[];
  url: string;
  config?: { auth?: boolean; idempotency?: false } | undefined;
}): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return (
    methods.includes('POST') &&
    route.url.startsWith('/api/v1/') &&
    route.config?.auth === true &&
    route.config.idempotency !== false
  );
}

/**
 * `Idempotency-Key` on authenticated POSTs (see IdempotencyService). After
 * authentication and validation (preHandler), the key is claimed, or the stored
 * answer is sent again with `Idempotent-Replayed: true` and the handler never runs.
 * Before the answer leaves (onSend), it is stored, or the key freed when the answer is
 * not kept (a 5xx, 401, 409, 429), so that a retry runs again.
 */
async function idempotencyPlugin(app: FastifyInstance, options: IdempotencyPluginOptions) {
  const { idempotency } = options;
  app.decorateRequest('idempotencyClaim', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = { method: request.method, url: request.routeOptions.url ?? '' };
    if (!request.auth || !isIdempotentRoute({ ...route, config: request.routeOptions.config })) {
      return;
    }
    const key = idempotency.parseKey(request.headers[IDEMPOTENCY_HEADER]);
    if (key === null) {
      return;
    }
    const hash = requestHash(request.method, request.url, request.body);
    const decision = await idempotency.begin(request.auth.userId, key, hash);
    if (decision.kind === 'run') {
      request.idempotencyClaim = decision.id;
      return;
    }
    return reply
      .code(decision.statusCode)
      .header(REPLAYED_HEADER, 'true')
      .type('application/json; charset=utf-8')
      .send(decision.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (claim === null) {
      return payload;
    }
    request.idempotencyClaim = null;
    try {
      // Every API answer is serialized JSON by now; anything else is not kept.
      await (typeof payload === 'string'
        ? idempotency.finish(claim, reply.statusCode, payload)
        : idempotency.abandon(claim));
    } catch (err) {
      // The answer still goes out; the key is freed so that a retry runs again rather
      // than answering 409 until the stale claim is taken over.
      request.log.error({ err }, 'storing the idempotent answer failed');
      await idempotency.abandon(claim).catch(() => undefined);
    }
    return payload;
  });
}

export default fp(idempotencyPlugin, {
  name: 'idempotency',
  fastify: '5.x',
  dependencies: ['auth'],
});
