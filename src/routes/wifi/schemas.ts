import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import {
  CHANGE_ERRORS,
  errorResponses as errors,
  ROUTER_CALL_ERRORS,
  ROUTER_CHANGE_ERRORS,
  ROUTER_ROUTE_ERRORS,
  OWNER_CHANGE_ERRORS,
} from '../common.js';

export const WifiParamsSchema = Type.Object({
  routerId: Type.String({
    pattern: ROUTER_ID_PATTERN,
    description: "The router's agent id: 1-128 of [A-Za-z0-9_.-]",
  }),
});

// Only bounds here: the service applies the real rules (bytes, printable, shell-safe)
// and says which one failed.
export const SsidBodySchema = Type.Object(
  {
    ssid: Type.String({
      maxLength: 128,
      description: '1-32 bytes (UTF-8) of printable characters; no single quote or backslash',
    }),
  },
  { additionalProperties: false, $id: 'SsidRequest' },
);

export const PasswordBodySchema = Type.Object(
  {
    password: Type.String({
      maxLength: 256,
      description:
        'WPA2 passphrase: 8-63 printable ASCII characters; no single quote or backslash. Never stored or logged.',
    }),
  },
  { additionalProperties: false, $id: 'WifiPasswordRequest' },
);

const wifiStatusFields = {
  enabled: Type.Boolean(),
  ssid: Type.String({ description: '"Unknown" when the router could not read it' }),
  encryption: Type.String({
    description: 'e.g. psk2; "Unknown" when the router could not read it',
  }),
};

export const WifiStatusSchema = Type.Object(wifiStatusFields, { $id: 'WifiStatus' });

export const WifiChangeSchema = Type.Object(
  {
    ...wifiStatusFields,
    message: Type.String({
      description: "the router's own sentence about the change, for display",
    }),
  },
  {
    $id: 'WifiChange',
    description:
      'The Wi-Fi status read from the router right after the change (never the password), and what the router said.',
  },
);

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it.
const tags = ['wifi'];

/** GET /routers/{routerId}/wifi */
export const WifiStatusRoute = {
  operationId: 'getWifiStatus',
  tags,
  summary: 'Wi-Fi status from the router (any member)',
  params: WifiParamsSchema,
  response: {
    200: Envelope(WifiStatusSchema, 'Wi-Fi status as the router reports it.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
};

/** PUT /routers/{routerId}/wifi/ssid */
export const SetSsidRoute = {
  operationId: 'setWifiSsid',
  tags,
  summary: 'Change the SSID (owner only)',
  params: WifiParamsSchema,
  body: SsidBodySchema,
  response: {
    200: Envelope(WifiChangeSchema, 'The router applied the change; its Wi-Fi status now.'),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
};

/** PUT /routers/{routerId}/wifi/password */
export const SetPasswordRoute = {
  operationId: 'setWifiPassword',
  tags,
  summary: 'Change the Wi-Fi password (owner only); never stored, logged or audited',
  params: WifiParamsSchema,
  body: PasswordBodySchema,
  response: {
    200: Envelope(WifiChangeSchema, 'The router applied the change; its Wi-Fi status now.'),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
};

/** POST /routers/{routerId}/wifi/enable */
export const EnableWifiRoute = {
  operationId: 'enableWifi',
  tags,
  summary: 'Switch Wi-Fi on (any member); a success when it already is',
  params: WifiParamsSchema,
  response: {
    200: Envelope(WifiChangeSchema, 'Wi-Fi is on; its status now.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...CHANGE_ERRORS, ...ROUTER_CHANGE_ERRORS),
  },
};

/** POST /routers/{routerId}/wifi/disable */
export const DisableWifiRoute = {
  operationId: 'disableWifi',
  tags,
  summary:
    'Switch Wi-Fi off (owner only). Routers cannot do this remotely yet: 501 NOT_SUPPORTED_BY_ROUTER',
  params: WifiParamsSchema,
  response: {
    200: Envelope(WifiChangeSchema, 'Wi-Fi is off; its status now.'),
    ...errors(
      ...ROUTER_ROUTE_ERRORS,
      ...CHANGE_ERRORS,
      'FORBIDDEN',
      'NOT_SUPPORTED_BY_ROUTER',
      ...ROUTER_CHANGE_ERRORS,
    ),
  },
};
