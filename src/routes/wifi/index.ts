import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Envelope, ok } from '../../http/envelope.js';
import { requireAuth } from '../../plugins/auth.plugin.js';
import type { WifiService } from '../../services/wifi.service.js';
import {
  authed,
  clientInfo,
  errorResponses as errors,
  security,
  ROUTER_CALL_ERRORS,
} from '../common.js';
import {
  PasswordBodySchema,
  SsidBodySchema,
  WifiChangeSchema,
  WifiParamsSchema,
  WifiStatusSchema,
} from './schemas.js';

export interface WifiRoutesOptions {
  wifi: WifiService;
}

const tags = ['wifi'];

/** /api/v1/routers/:routerId/wifi: Wi-Fi of radio 0; nothing is stored (SPEC §5). */
export default async function wifiRoutes(fastify: FastifyInstance, options: WifiRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { wifi } = options;

  app.get(
    '/:routerId/wifi',
    {
      config: authed,
      schema: {
        tags,
        summary: 'Wi-Fi status from the router (any member)',
        security,
        params: WifiParamsSchema,
        response: {
          200: Envelope(WifiStatusSchema),
          ...errors(400, 401, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) =>
      ok(request, reply, await wifi.status(requireAuth(request), request.params.routerId)),
  );

  app.put(
    '/:routerId/wifi/ssid',
    {
      config: authed,
      schema: {
        tags,
        summary: 'Change the SSID (owner only)',
        security,
        params: WifiParamsSchema,
        body: SsidBodySchema,
        response: {
          200: Envelope(WifiChangeSchema),
          ...errors(400, 401, 403, 404, 413, 415, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { routerId } = request.params;
      const change = await wifi.setSsid(auth, clientInfo(request), routerId, request.body.ssid);
      return ok(request, reply, change);
    },
  );

  app.put(
    '/:routerId/wifi/password',
    {
      config: authed,
      schema: {
        tags,
        summary: 'Change the Wi-Fi password (owner only); never stored, logged or audited',
        security,
        params: WifiParamsSchema,
        body: PasswordBodySchema,
        response: {
          200: Envelope(WifiChangeSchema),
          ...errors(400, 401, 403, 404, 413, 415, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { routerId } = request.params;
      const change = await wifi.setPassword(
        auth,
        clientInfo(request),
        routerId,
        request.body.password,
      );
      return ok(request, reply, change);
    },
  );

  app.post(
    '/:routerId/wifi/enable',
    {
      config: authed,
      schema: {
        tags,
        summary: 'Switch Wi-Fi on (any member); a success when it already is',
        security,
        params: WifiParamsSchema,
        response: {
          200: Envelope(WifiChangeSchema),
          ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const change = await wifi.enable(auth, clientInfo(request), request.params.routerId);
      return ok(request, reply, change);
    },
  );
}
