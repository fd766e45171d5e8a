import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import { prefersRespondAsync } from '../../http/prefer.js';
import type { BlockingService } from '../../services/blocking.service.js';
import type { DevicesService } from '../../services/devices.service.js';
import { authed, caller } from '../common.js';
import {
  BlockRoute,
  ListBlockedRoute,
  ListDevicesRoute,
  RenameDeviceRoute,
  ScanRoute,
  UnblockRoute,
} from './schemas.js';

export interface DeviceRoutesOptions {
  devices: DevicesService;
  blocking: BlockingService;
}

/** /api/v1/routers/{routerId}: scan, device inventory and blocking (SPEC §5). */
export default async function deviceRoutes(fastify: FastifyInstance, options: DeviceRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { devices, blocking } = options;

  app.post('/:routerId/scan', authed(ScanRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    if (!prefersRespondAsync(request.headers.prefer)) {
      return ok(request, reply, await devices.scan(auth, client, routerId));
    }
    const operation = await devices.scanAsync(auth, client, routerId);
    return reply
      .status(202)
      .header('location', `/api/v1/operations/${operation.id}`)
      .header('preference-applied', 'respond-async')
      .send(ok(request, reply, operation));
  });

  app.get('/:routerId/devices', authed(ListDevicesRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await devices.list(auth, routerId, request.query));
  });

  app.patch('/:routerId/devices/:deviceId', authed(RenameDeviceRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    const { deviceId } = request.params;
    const device = await devices.rename(auth, client, routerId, deviceId, request.body.name);
    return ok(request, reply, device);
  });

  app.post('/:routerId/block', authed(BlockRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await blocking.block(auth, client, routerId, request.body));
  });

  app.post('/:routerId/unblock', authed(UnblockRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await blocking.unblock(auth, client, routerId, request.body.ip));
  });

  app.get('/:routerId/blocked', authed(ListBlockedRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await blocking.list(auth, routerId, request.query));
  });
}
