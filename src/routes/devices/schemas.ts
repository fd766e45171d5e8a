import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { Page, PAGINATION_NOTE, pageQueryProperties, PageQuerySchema } from '../../http/page.js';
import { DEVICE_SORTS } from '../../services/devices.service.js';
import {
  BODY_ERRORS,
  CHANGE_ERRORS,
  errorResponses as errors,
  Nullable,
  ROUTER_CHANGE_ERRORS,
  ROUTER_ROUTE_ERRORS,
} from '../common.js';
import { OperationSchema } from '../operations/schemas.js';
import { RouterIdSchema, RouterParamsSchema } from '../routers/schemas.js';

const Timestamp = Type.String({ format: 'date-time' });
export const DeviceParamsSchema = Type.Object({
  routerId: RouterIdSchema,
  deviceId: Type.String({ format: 'uuid' }),
});

export const RenameDeviceBodySchema = Type.Object(
  {
    name: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], {
      description: '1 to 100 characters after trimming; null clears the name',
    }),
  },
  { additionalProperties: false, $id: 'RenameDeviceRequest' },
);

// Only a bound here: the service checks the address itself, so that IPv6, leading
// zeros, white space or a quote get a message that says why.
export const IpBodySchema = Type.Object(
  {
    ip: Type.String({
      maxLength: 64,
      description: 'IPv4 dotted quad, e.g. 192.168.1.10 (the router accepts IPv4 only)',
    }),
  },
  { additionalProperties: false, $id: 'DeviceAddress' },
);

export const BlockBodySchema = Type.Object(
  {
    ip: IpBodySchema.properties.ip,
    force: Type.Optional(
      Type.Boolean({
        description:
          'block even when the last scan found no device at this IP (else 404 DEVICE_NOT_FOUND)',
      }),
    ),
  },
  { additionalProperties: false, $id: 'BlockRequest' },
);

const deviceFields = {
  id: Type.String({ format: 'uuid' }),
  mac: Type.String({ description: 'lower-case, colon-separated' }),
  ip: Nullable(Type.String()),
  hostname: Nullable(Type.String({ description: 'from DHCP; null when the router does not know' })),
  vendor: Nullable(Type.String({ description: 'last known MAC vendor; null when never resolved' })),
  name: Nullable(Type.String({ description: 'user-given name' })),
  firstSeen: Timestamp,
  lastSeen: Timestamp,
};

export const DeviceSchema = Type.Object(
  {
    ...deviceFields,
    online: Type.Boolean({ description: 'seen by the latest scan' }),
    blocked: Type.Boolean(),
    whitelisted: Type.Boolean(),
    blacklisted: Type.Boolean(),
  },
  { $id: 'Device' },
);

export const DeviceListQuerySchema = Type.Object(
  {
    ...pageQueryProperties,
    online: Type.Optional(
      Type.Boolean({
        description: 'true: only devices the latest scan saw; false: only the others',
      }),
    ),
    blocked: Type.Optional(
      Type.Boolean({ description: 'true: only blocked devices; false: only the others' }),
    ),
    q: Type.Optional(
      Type.String({
        maxLength: 100,
        description:
          'case-insensitive text found in the name, hostname, IP or MAC (trimmed; `%` and `_` match themselves)',
      }),
    ),
    sort: Type.Optional(
      Type.Union(
        DEVICE_SORTS.map((s) => Type.Literal(s)),
        {
          default: 'ip',
          description:
            'ip (numeric IPv4 order, devices without an IP last), name (case-insensitive, unnamed last), lastSeen, firstSeen or mac; ties are ordered by MAC',
        },
      ),
    ),
    order: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
        default: 'asc',
        description: 'asc or desc; devices without an IP (sort=ip) or a name (sort=name) stay last',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ScanResultSchema = Type.Object(
  {
    scannedAt: Timestamp,
    devices: Type.Array(
      Type.Object(
        { ...deviceFields, new: Type.Boolean({ description: 'first seen by this scan' }) },
        { $id: 'ScannedDevice' },
      ),
    ),
  },
  { $id: 'ScanResult' },
);

export const BlockedDeviceSchema = Type.Object(
  {
    ip: Type.String(),
    mac: Nullable(
      Type.String({
        description:
          'the MAC the router blocked (its firewall rule is per MAC), else the known device’s with this IP',
      }),
    ),
    blockedBy: Type.Union([
      Type.Object({
        userId: Type.String({ format: 'uuid' }),
        email: Nullable(Type.String()),
      }),
      Type.Null(),
    ]),
    blockedAt: Timestamp,
  },
  { $id: 'BlockedDevice' },
);

export const BlockResultSchema = Type.Object(
  {
    ...BlockedDeviceSchema.properties,
    changed: Type.Boolean({
      description: 'false when the IP was blocked already (the router is not asked again)',
    }),
    warning: Nullable(
      Type.String({
        description:
          'set when the router blocked another MAC than the inventory knows at this IP (its lookup matches IPs by substring)',
      }),
    ),
  },
  { $id: 'BlockResult' },
);

export const UnblockResultSchema = Type.Object(
  {
    ip: Type.String(),
    changed: Type.Boolean({
      description:
        'false when the router had no block rule for this IP (a block recorded here is deleted all the same)',
    }),
  },
  { $id: 'UnblockResult' },
);

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it. Blocking is documented with the lists.

/** POST /routers/{routerId}/scan */
export const ScanRoute = {
  operationId: 'scanDevices',
  tags: ['devices'],
  summary: "Scan the router's network and update the device inventory",
  description:
    'Answers the devices found, each with `new` when first seen. A scan can take minutes: with `Prefer: respond-async` the answer is 202 at once, the operation to watch at `Location: /api/v1/operations/{id}` (`Preference-Applied: respond-async`). A scan requested while one runs on the router joins it (same operation, no second scan). At most one scan per router every SCAN_MIN_INTERVAL_SECONDS, counted from the end of the previous one (429 RATE_LIMITED with Retry-After).',
  params: RouterParamsSchema,
  headers: Type.Object({
    prefer: Type.Optional(
      Type.String({ description: '`respond-async`: answer 202 at once with the operation' }),
    ),
  }),
  response: {
    200: Envelope(ScanResultSchema, 'The scan is done: the devices found, the inventory updated.'),
    202: Envelope(OperationSchema, 'The scan runs (started or joined): watch it at Location.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...CHANGE_ERRORS, 'RATE_LIMITED', ...ROUTER_CHANGE_ERRORS),
  },
};

/** GET /routers/{routerId}/devices */
export const ListDevicesRoute = {
  operationId: 'listDevices',
  tags: ['devices'],
  summary: 'The device inventory with online, blocked and list flags',
  description: `Filtered by \`online\`, \`blocked\` and \`q\`, sorted by \`sort\` and \`order\`. ${PAGINATION_NOTE}`,
  params: RouterParamsSchema,
  querystring: DeviceListQuerySchema,
  response: {
    200: Envelope(
      Page(DeviceSchema, 'DevicePage'),
      "One page of the router's known devices, from the database.",
    ),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
};

/** PATCH /routers/{routerId}/devices/{deviceId} */
export const RenameDeviceRoute = {
  operationId: 'renameDevice',
  tags: ['devices'],
  summary: 'Name a device (null clears the name)',
  params: DeviceParamsSchema,
  body: RenameDeviceBodySchema,
  response: {
    200: Envelope(DeviceSchema, 'The device with its new name.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, 'DEVICE_NOT_FOUND'),
  },
};

/** POST /routers/{routerId}/block */
export const BlockRoute = {
  operationId: 'blockDevice',
  tags: ['lists'],
  summary: 'Block the device with this IP on the router firewall',
  description:
    'An IP the last scan did not find is 404 DEVICE_NOT_FOUND unless `force` is true. Blocking a blocked IP answers `changed: false`.',
  params: RouterParamsSchema,
  body: BlockBodySchema,
  response: {
    200: Envelope(BlockResultSchema, 'The router blocks the device; the block is recorded.'),
    ...errors(
      ...ROUTER_ROUTE_ERRORS,
      ...BODY_ERRORS,
      ...CHANGE_ERRORS,
      'DEVICE_NOT_FOUND',
      ...ROUTER_CHANGE_ERRORS,
    ),
  },
};

/** POST /routers/{routerId}/unblock */
export const UnblockRoute = {
  operationId: 'unblockDevice',
  tags: ['lists'],
  summary: 'Unblock the device with this IP',
  description:
    'The router is asked even when no block is recorded here, since it may hold a rule this server lost; when it has no rule for the IP the answer is `changed: false`.',
  params: RouterParamsSchema,
  body: IpBodySchema,
  response: {
    200: Envelope(UnblockResultSchema, 'The router no longer blocks the address.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, ...ROUTER_CHANGE_ERRORS),
  },
};

/** GET /routers/{routerId}/blocked */
export const ListBlockedRoute = {
  operationId: 'listBlockedDevices',
  tags: ['lists'],
  summary: 'The devices blocked through this server',
  description: `Newest block first. ${PAGINATION_NOTE}`,
  params: RouterParamsSchema,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(
      Page(BlockedDeviceSchema, 'BlockedDevicePage'),
      'One page of the blocks recorded by this server, newest first.',
    ),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
};
