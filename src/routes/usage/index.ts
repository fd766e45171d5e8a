import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Envelope, ok } from '../../http/envelope.js';
import { requireAuth } from '../../plugins/auth.plugin.js';
import type { UsageService } from '../../services/usage.service.js';
import { authed, errorResponses as errors, security, ROUTER_CALL_ERRORS } from '../common.js';
import {
  DeviceUsageParamsSchema,
  DeviceUsageSchema,
  RouterUsageSchema,
  UsageParamsSchema,
  UsageQuerySchema,
} from './schemas.js';

export interface UsageRoutesOptions {
  usage: UsageService;
}

const tags = ['usage'];

/** /api/v1/routers/:routerId/usage: per-device traffic from the router, in MiB (SPEC §5). */
export default async function usageRoutes(fastify: FastifyInstance, options: UsageRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { usage } = options;

  app.get(
    '/:routerId/usage',
    {
      config: authed,
      schema: {
        tags,
        summary: 'Traffic per device for a period, in MiB (any member)',
        security,
        params: UsageParamsSchema,
        querystring: UsageQuerySchema,
        response: {
          200: Envelope(RouterUsageSchema),
          ...errors(400, 401, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const period = request.query.period ?? 'current';
      return ok(request, reply, await usage.routerUsage(auth, request.params.routerId, period));
    },
  );

  app.get(
    '/:routerId/usage/:mac',
    {
      config: authed,
      schema: {
        tags,
        summary:
          "One device's traffic for a period, in MiB (any member); a device unknown to the router or under the period's threshold is a 502 ROUTER_COMMAND_FAILED, as the router reports it",
        security,
        params: DeviceUsageParamsSchema,
        querystring: UsageQuerySchema,
        response: {
          200: Envelope(DeviceUsageSchema),
          ...errors(400, 401, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { routerId, mac } = request.params;
      const period = request.query.period ?? 'current';
      return ok(request, reply, await usage.deviceUsage(auth, routerId, mac, period));
    },
  );
}
