import { Type } from 'typebox';
import { Envelope } from '../../../http/envelope.js';
import {
  errorResponses as errors,
  OWNER_CHANGE_ERRORS,
  ROUTER_CALL_ERRORS,
  ROUTER_ROUTE_ERRORS,
} from '../../common.js';
import { RouterId, RouterQuerySchema, tags } from './shared.js';

const Period = Type.Union([Type.Literal('current'), Type.Literal('week'), Type.Literal('month')]);

const UsageFields = {
  mac: Type.String({ description: 'lower-case, colon-separated' }),
  ip: Type.String(),
  download: Type.Number({ description: 'MiB (labelled "MB" as before)' }),
  upload: Type.Number({ description: 'MiB' }),
  connections: Type.Number(),
  unit: Type.Literal('MB'),
};

const UsageSchema = Type.Object(UsageFields, { $id: 'CompatUsage' });

/** GET /api/monitor/{current,last-week,last-month} */
export const usageRoute = (path: string, period: string) => ({
  operationId: `compatUsage${path
    .split('-')
    .map((p) => `${p[0]!.toUpperCase()}${p.slice(1)}`)
    .join('')}`,
  tags,
  summary: `Traffic per device, period ${period} (as GET …/usage?period=${period}; any member)`,
  querystring: RouterQuerySchema,
  response: {
    200: Envelope(Type.Array(UsageSchema), 'Heaviest first.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
});

export const DeviceUsageParamsSchema = Type.Object(
  { mac: Type.String({ maxLength: 64 }) },
  { $id: 'CompatDeviceUsageParams' },
);

export const DeviceUsageQuerySchema = Type.Object(
  { routerId: RouterId, period: Type.Optional(Period) },
  { $id: 'CompatDeviceUsageQuery' },
);

/** GET /api/monitor/device/{mac} */
export const DeviceUsageRoute = {
  operationId: 'compatDeviceUsage',
  tags,
  summary:
    "One device's traffic (as GET …/usage/{mac}; any member); a MAC the router does not know is 502",
  params: DeviceUsageParamsSchema,
  querystring: DeviceUsageQuerySchema,
  response: {
    200: Envelope(
      Type.Object(
        {
          ...UsageFields,
          period: Period,
          timestamp: Type.String({ description: "the Commands-Server's local time" }),
        },
        { $id: 'CompatDeviceUsage' },
      ),
      "The device's traffic.",
    ),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
};

/** GET /api/settings/wifi-name */
export const GetWifiNameRoute = {
  operationId: 'compatGetWifiName',
  tags,
  summary: "The router's SSID (as GET …/wifi; any member)",
  querystring: RouterQuerySchema,
  response: {
    200: Envelope(
      Type.Object({ wifi_name: Type.String(), ssid: Type.String() }, { $id: 'CompatWifiName' }),
      'The SSID, twice.',
    ),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
};

export const SetWifiNameBodySchema = Type.Object(
  {
    router_id: RouterId,
    wifi_name: Type.String({ maxLength: 256, description: '1-32 bytes, printable' }),
  },
  { additionalProperties: false, $id: 'CompatSetWifiNameRequest' },
);

/** POST /api/settings/wifi-name */
export const SetWifiNameRoute = {
  operationId: 'compatSetWifiName',
  tags,
  summary: 'Sets the SSID (owner only; as PUT …/wifi/ssid)',
  body: SetWifiNameBodySchema,
  response: {
    200: Envelope(
      Type.Object(
        { wifi_name: Type.String(), message: Type.String() },
        { $id: 'CompatWifiNameSet' },
      ),
      'The SSID read back from the router.',
    ),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
};

export const SetWifiPasswordBodySchema = Type.Object(
  {
    password: Type.String({ maxLength: 256, description: '8-63 printable ASCII characters' }),
    router_id: Type.Optional(RouterId),
  },
  { additionalProperties: false, $id: 'CompatSetWifiPasswordRequest' },
);

/** POST /api/settings/wifi-password */
export const SetWifiPasswordRoute = {
  operationId: 'compatSetWifiPassword',
  tags,
  summary:
    "Sets the Wi-Fi password (owner only; as PUT …/wifi/password); without router_id, the caller's current router",
  body: SetWifiPasswordBodySchema,
  response: {
    200: Envelope(
      Type.String({ description: "the router's sentence" }),
      'The password is changed.',
    ),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
};
