import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Envelope, ok } from '../../http/envelope.js';
import { requireAuth } from '../../plugins/auth.plugin.js';
import type { BlockingService } from '../../services/blocking.service.js';
import type { DevicesService } from '../../services/devices.service.js';
import {
  authed,
  clientInfo,
  errorResponses as errors,
  security,
  ROUTER_CALL_ERRORS,
} from '../common.js';
import { RouterParamsSchema } from '../routers/schemas.js';
import {
  BlockResultSchema,
  BlockedDeviceSchema,
  DeviceParamsSchema,
  DeviceSchema,
  IpBodySchema,
  RenameDeviceBodySchema,
  ScanResultSchema,
  UnblockResultSchema,
} from './schemas.js';

export interface DeviceRoutesOptions {
  devices: DevicesService;
  blocking: BlockingService;
}

// A router operation can also fail after the router changed (500 PERSISTENCE_FAILED)
// or at the Commands-Server (502 command failed or bad answer, 503 unreachable, 504 timeout).
/** /api/v1/routers/{routerId}: scan, device inventory and blocking (SPEC §5). */
export default async function deviceRoutes(fastify: FastifyInstance, options: DeviceRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { devices, blocking } = options;

  app.post(
    '/:routerId/scan',
    {
      config: authed,
      schema: {
        tags: ['devices'],
        summary: "Scan the router's network and update the device inventory",
        description:
          'Answers the devices found, each with `new` when first seen. At most one scan per router every SCAN_MIN_INTERVAL_SECONDS (429 RATE_LIMITED with Retry-After).',
        security,
        params: RouterParamsSchema,
        response: {
          200: Envelope(ScanResultSchema),
          ...errors(400, 401, 403, 404, 429, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const result = await devices.scan(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
      );
      return ok(request, reply, result);
    },
  );

  app.get(
    '/:routerId/devices',
    {
      config: authed,
      schema: {
        tags: ['devices'],
        summary: 'The device inventory with online, blocked and list flags',
        security,
        params: RouterParamsSchema,
        response: { 200: Envelope(Type.Array(DeviceSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      ok(request, reply, await devices.list(requireAuth(request), request.params.routerId)),
  );

  app.patch(
    '/:routerId/devices/:deviceId',
    {
      config: authed,
      schema: {
        tags: ['devices'],
        summary: 'Name a device (null clears the name)',
        security,
        params: DeviceParamsSchema,
        body: RenameDeviceBodySchema,
        response: { 200: Envelope(DeviceSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const device = await devices.rename(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        request.params.deviceId,
        request.body.name,
      );
      return ok(request, reply, device);
    },
  );

  app.post(
    '/:routerId/block',
    {
      config: authed,
      schema: {
        tags: ['lists'],
        summary: 'Block the device with this IP on the router firewall',
        security,
        params: RouterParamsSchema,
        body: IpBodySchema,
        response: {
          200: Envelope(BlockResultSchema),
          ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const blocked = await blocking.block(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        request.body.ip,
      );
      return ok(request, reply, blocked);
    },
  );

  app.post(
    '/:routerId/unblock',
    {
      config: authed,
      schema: {
        tags: ['lists'],
        summary: 'Unblock the device with this IP',
        description:
          'The router is asked even when no block is recorded here, since it may hold a rule this server lost; a router without such a rule answers 502 ROUTER_COMMAND_FAILED.',
        security,
        params: RouterParamsSchema,
        body: IpBodySchema,
        response: {
          200: Envelope(UnblockResultSchema),
          ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const result = await blocking.unblock(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        request.body.ip,
      );
      return ok(request, reply, result);
    },
  );

  app.get(
    '/:routerId/blocked',
    {
      config: authed,
      schema: {
        tags: ['lists'],
        summary: 'The devices blocked through this server',
        security,
        params: RouterParamsSchema,
        response: { 200: Envelope(Type.Array(BlockedDeviceSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      ok(request, reply, await blocking.list(requireAuth(request), request.params.routerId)),
  );
}
