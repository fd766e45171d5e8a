import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { WifiService } from '../../services/wifi.service.js';
import { authed, caller } from '../common.js';
import {
  DisableWifiRoute,
  EnableWifiRoute,
  SetPasswordRoute,
  SetSsidRoute,
  WifiStatusRoute,
} from './schemas.js';

export interface WifiRoutesOptions {
  wifi: WifiService;
}

/** /api/v1/routers/:routerId/wifi: Wi-Fi of radio 0; nothing is stored (SPEC §5). */
export default async function wifiRoutes(fastify: FastifyInstance, options: WifiRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { wifi } = options;

  app.get('/:routerId/wifi', authed(WifiStatusRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await wifi.status(auth, routerId));
  });

  app.put('/:routerId/wifi/ssid', authed(SetSsidRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await wifi.setSsid(auth, client, routerId, request.body.ssid));
  });

  app.put('/:routerId/wifi/password', authed(SetPasswordRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    const { password } = request.body;
    return ok(request, reply, await wifi.setPassword(auth, client, routerId, password));
  });

  app.post('/:routerId/wifi/enable', authed(EnableWifiRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await wifi.enable(auth, client, routerId));
  });

  app.post('/:routerId/wifi/disable', authed(DisableWifiRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await wifi.disable(auth, client, routerId));
  });
}
