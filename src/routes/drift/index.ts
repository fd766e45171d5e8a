import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { DriftService } from '../../services/drift.service.js';
import { authed, caller } from '../common.js';
import { DriftRoute } from './schemas.js';

export interface DriftRoutesOptions {
  drift: DriftService;
}

/** GET /api/v1/routers/:routerId/drift: the database and the router side by side (#13). */
export default async function driftRoutes(fastify: FastifyInstance, options: DriftRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/:routerId/drift', authed(DriftRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await options.drift.drift(auth, routerId));
  });
}
