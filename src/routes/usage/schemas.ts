import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import { errorResponses as errors, ROUTER_CALL_ERRORS, ROUTER_ROUTE_ERRORS } from '../common.js';

const RouterId = Type.String({
  pattern: ROUTER_ID_PATTERN,
  description: "The router's agent id: 1-128 of [A-Za-z0-9_.-]",
});

export const UsageParamsSchema = Type.Object({ routerId: RouterId });

export const DeviceUsageParamsSchema = Type.Object({
  routerId: RouterId,
  mac: Type.String({
    maxLength: 32,
    description: 'MAC address (aa:bb:cc:dd:ee:ff, aa-bb-…, or aabbccddeeff; any case)',
  }),
});

export const UsageQuerySchema = Type.Object(
  {
    period: Type.Optional(
      Type.Union([Type.Literal('current'), Type.Literal('week'), Type.Literal('month')], {
        default: 'current',
        description: 'current (live), week (last 7 days) or month (this calendar month)',
      }),
    ),
  },
  { additionalProperties: false },
);

const Period = Type.Union([Type.Literal('current'), Type.Literal('week'), Type.Literal('month')]);

const ReportedAt = Type.String({
  format: 'date-time',
  description:
    "when this server received the router's answer: ISO 8601 in UTC, e.g. 2025-01-31T18:04:05.123Z",
});

// The Commands-Server labels these "MB" but divides bytes by 1,048,576: they are MiB.
const trafficFields = {
  mac: Type.String({ description: 'lower-case, colon-separated' }),
  ip: Type.String({ description: 'the first IP seen for this MAC' }),
  downloadMiB: Type.Number({
    description: 'bytes received by the device / 1,048,576 (MiB, not MB), 2 decimals',
  }),
  uploadMiB: Type.Number({
    description: 'bytes sent by the device / 1,048,576 (MiB, not MB), 2 decimals',
  }),
  connections: Type.Integer({ minimum: 0 }),
};

export const RouterUsageSchema = Type.Object(
  {
    period: Period,
    reportedAt: ReportedAt,
    devices: Type.Array(Type.Object(trafficFields, { $id: 'DeviceTraffic' }), {
      description:
        'heaviest first; devices under the period threshold (1 KiB, 1 MiB, 10 MiB) are left out by the router',
    }),
  },
  { $id: 'RouterUsage' },
);

export const DeviceUsageSchema = Type.Object(
  {
    ...trafficFields,
    period: Period,
    reportedAt: ReportedAt,
    commandsServerLocalTime: Type.String({
      description:
        "the Commands-Server's own timestamp: its host's local time, ISO 8601 without a zone, as given; for display only (order by reportedAt)",
    }),
  },
  { $id: 'DeviceUsage' },
);

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it.
const tags = ['usage'];

/** GET /routers/{routerId}/usage */
export const RouterUsageRoute = {
  operationId: 'getRouterUsage',
  tags,
  summary: 'Traffic per device for a period, in MiB (any member)',
  params: UsageParamsSchema,
  querystring: UsageQuerySchema,
  response: {
    200: Envelope(RouterUsageSchema, 'Traffic per device for the period, from the router.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
};

/** GET /routers/{routerId}/usage/{mac} */
export const DeviceUsageRoute = {
  operationId: 'getDeviceUsage',
  tags,
  summary:
    "One device's traffic for a period, in MiB (any member); a device unknown to the router or under the period's threshold is a 502 ROUTER_COMMAND_FAILED, as the router reports it",
  params: DeviceUsageParamsSchema,
  querystring: UsageQuerySchema,
  response: {
    200: Envelope(DeviceUsageSchema, "The device's traffic for the period, from the router."),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
};
