import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { UsageService } from '../../services/usage.service.js';
import { authed, caller } from '../common.js';
import { DeviceUsageRoute, RouterUsageRoute } from './schemas.js';

export interface UsageRoutesOptions {
  usage: UsageService;
}

/** /api/v1/routers/:routerId/usage: per-device traffic from the router, in MiB (SPEC §5). */
export default async function usageRoutes(fastify: FastifyInstance, options: UsageRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { usage } = options;

  app.get('/:routerId/usage', authed(RouterUsageRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    const period = request.query.period ?? 'current';
    return ok(request, reply, await usage.routerUsage(auth, routerId, period));
  });

  app.get('/:routerId/usage/:mac', authed(DeviceUsageRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    const period = request.query.period ?? 'current';
    return ok(request, reply, await usage.deviceUsage(auth, routerId, request.params.mac, period));
  });
}
