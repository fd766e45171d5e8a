import { Type, type Static } from 'typebox';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';

export const WifiParamsSchema = Type.Object({
  routerId: Type.String({
    pattern: ROUTER_ID_PATTERN,
    description: "The router's agent id: 1-128 of [A-Za-z0-9_.-]",
  }),
});
export type WifiParams = Static<typeof WifiParamsSchema>;

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
export type SsidBody = Static<typeof SsidBodySchema>;

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
export type PasswordBody = Static<typeof PasswordBodySchema>;

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
