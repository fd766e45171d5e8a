import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { OperationsService } from '../../services/operations.service.js';
import { authed, caller } from '../common.js';
import { GetOperationRoute, ListOperationsRoute } from './schemas.js';

export interface OperationRoutesOptions {
  operations: OperationsService;
}

/** /api/v1/operations/{id} and /api/v1/routers/{routerId}/operations: long operations to watch. */
export default async function operationRoutes(
  fastify: FastifyInstance,
  options: OperationRoutesOptions,
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { operations } = options;

  app.get('/operations/:operationId', authed(GetOperationRoute), async (request, reply) => {
    const { auth } = caller(request);
    return ok(request, reply, await operations.get(auth, request.params.operationId));
  });

  app.get('/routers/:routerId/operations', authed(ListOperationsRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await operations.list(auth, routerId, request.query));
  });
}
