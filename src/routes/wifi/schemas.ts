import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import { errorResponses as errors, ROUTER_CALL_ERRORS } from '../common.js';

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
  { additionalProperties: false },
);

export const PasswordBodySchema = Type.Object(
  {
    password: Type.String({
      maxLength: 256,
      description:
        'WPA2 passphrase: 8-63 printable ASCII characters; no single quote or backslash. Never stored or logged.',
    }),
  },
  { additionalProperties: false },
);

export const WifiStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  ssid: Type.String({ description: '"Unknown" when the router could not read it' }),
  encryption: Type.String({
    description: 'e.g. psk2; "Unknown" when the router could not read it',
  }),
});

export const WifiChangeSchema = Type.Object({
  message: Type.String({ description: "the router's own sentence, for display" }),
});

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it.
const tags = ['wifi'];

/** GET /routers/{routerId}/wifi */
export const WifiStatusRoute = {
  tags,
  summary: 'Wi-Fi status from the router (any member)',
  params: WifiParamsSchema,
  response: {
    200: Envelope(WifiStatusSchema),
    ...errors(400, 401, 404, ...ROUTER_CALL_ERRORS),
  },
};

/** PUT /routers/{routerId}/wifi/ssid */
export const SetSsidRoute = {
  tags,
  summary: 'Change the SSID (owner only)',
  params: WifiParamsSchema,
  body: SsidBodySchema,
  response: {
    200: Envelope(WifiChangeSchema),
    ...errors(400, 401, 403, 404, 413, 415, ...ROUTER_CALL_ERRORS),
  },
};

/** PUT /routers/{routerId}/wifi/password */
export const SetPasswordRoute = {
  tags,
  summary: 'Change the Wi-Fi password (owner only); never stored, logged or audited',
  params: WifiParamsSchema,
  body: PasswordBodySchema,
  response: {
    200: Envelope(WifiChangeSchema),
    ...errors(400, 401, 403, 404, 413, 415, ...ROUTER_CALL_ERRORS),
  },
};

/** POST /routers/{routerId}/wifi/enable */
export const EnableWifiRoute = {
  tags,
  summary: 'Switch Wi-Fi on (any member); a success when it already is',
  params: WifiParamsSchema,
  response: {
    200: Envelope(WifiChangeSchema),
    ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
  },
};
