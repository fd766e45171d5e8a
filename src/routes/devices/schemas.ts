import { Nullable } from '../common.js';
import { Type, type Static } from 'typebox';
import { RouterIdSchema } from '../routers/schemas.js';

const Timestamp = Type.String({ format: 'date-time' });
export const DeviceParamsSchema = Type.Object({
  routerId: RouterIdSchema,
  deviceId: Type.String({ format: 'uuid' }),
});
export type DeviceParams = Static<typeof DeviceParamsSchema>;

export const RenameDeviceBodySchema = Type.Object(
  {
    name: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], {
      description: '1 to 100 characters after trimming; null clears the name',
    }),
  },
  { additionalProperties: false },
);
export type RenameDeviceBody = Static<typeof RenameDeviceBodySchema>;

// Only a bound here: the service checks the address itself, so that IPv6, leading
// zeros, white space or a quote get a message that says why.
export const IpBodySchema = Type.Object(
  {
    ip: Type.String({
      maxLength: 64,
      description: 'IPv4 dotted quad, e.g. 192.168.1.10 (the router accepts IPv4 only)',
    }),
  },
  { additionalProperties: false },
);
export type IpBody = Static<typeof IpBodySchema>;

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

export const DeviceSchema = Type.Object({
  ...deviceFields,
  online: Type.Boolean({ description: 'seen by the latest scan' }),
  blocked: Type.Boolean(),
  whitelisted: Type.Boolean(),
  blacklisted: Type.Boolean(),
});

export const ScanResultSchema = Type.Object({
  scannedAt: Timestamp,
  devices: Type.Array(
    Type.Object({
      ...deviceFields,
      new: Type.Boolean({ description: 'first seen by this scan' }),
    }),
  ),
});

export const BlockedDeviceSchema = Type.Object({
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
});

export const BlockResultSchema = Type.Object({
  ...BlockedDeviceSchema.properties,
  warning: Nullable(
    Type.String({
      description:
        'set when the router blocked another MAC than the inventory knows at this IP (its lookup matches IPs by substring)',
    }),
  ),
});

export const UnblockResultSchema = Type.Object({
  ip: Type.String(),
  removed: Type.Boolean({ description: 'whether a block recorded here was deleted' }),
});
