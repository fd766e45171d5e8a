import { Nullable } from '../common.js';
import { Type, type Static } from 'typebox';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';

/** The two lists; each gets its own static paths so none collides with /devices, /blocked… */
export const LIST_NAMES = ['whitelist', 'blacklist'] as const;

const RouterId = Type.String({
  pattern: ROUTER_ID_PATTERN,
  description: "The router's agent id: 1-128 of [A-Za-z0-9_.-]",
});
// Only a bound here: the service checks the address itself, so that IPv6, leading zeros
// or a quote get a message that says why.
const Ip = Type.String({
  maxLength: 64,
  description: 'IPv4 dotted quad, e.g. 192.168.1.10 (the router accepts IPv4 only)',
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 500 });
const Mbps = Type.Number({ description: 'Mbps, a finite number from 1 to 1000' });

export const ListParamsSchema = Type.Object({ routerId: RouterId });
export type ListParams = Static<typeof ListParamsSchema>;

export const EntryParamsSchema = Type.Object({ routerId: RouterId, ip: Ip });
export type EntryParams = Static<typeof EntryParamsSchema>;

export const AddEntryBodySchema = Type.Object(
  { ip: Ip, name: Type.Optional(Name), description: Type.Optional(Description) },
  { additionalProperties: false },
);
export type AddEntryBody = Static<typeof AddEntryBodySchema>;

export const UpdateEntryBodySchema = Type.Object(
  {
    name: Type.Optional(Type.Union([Name, Type.Null()], { description: 'null clears it' })),
    description: Type.Optional(
      Type.Union([Description, Type.Null()], { description: 'null clears it' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateEntryBody = Static<typeof UpdateEntryBodySchema>;

export const ModeBodySchema = Type.Object(
  { active: Type.Boolean() },
  { additionalProperties: false },
);
export type ModeBody = Static<typeof ModeBodySchema>;

export const RatesBodySchema = Type.Object(
  { limitedMbps: Type.Optional(Mbps), fullMbps: Type.Optional(Mbps) },
  { additionalProperties: false, minProperties: 1, description: 'at least one of the two' },
);
export type RatesBody = Static<typeof RatesBodySchema>;

export const EntrySchema = Type.Object({
  ip: Type.String(),
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  deviceId: Nullable(Type.String({ format: 'uuid', description: 'the known device with this IP' })),
  addedBy: Nullable(Type.String({ format: 'uuid', description: 'user id' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const RemovedSchema = Type.Object({
  ip: Type.String(),
  removedFromDatabase: Type.Boolean({
    description: 'false when only the router had it (the router is asked in any case)',
  }),
});

const ActiveMode = Type.Union([
  Type.Literal('none'),
  Type.Literal('whitelist'),
  Type.Literal('blacklist'),
]);

export const ModeSchema = Type.Object({
  list: Type.String(),
  active: Type.Boolean({ description: "whether this list's mode is the active one" }),
  activeMode: ActiveMode,
});

export const RatesSchema = Type.Object({
  list: Type.String(),
  limitedMbps: Type.Number(),
  fullMbps: Type.Number(),
});

export const DriftSchema = Type.Object({
  list: Type.String(),
  onlyInDatabase: Type.Array(Type.String()),
  onlyOnRouter: Type.Array(Type.String(), {
    description: "exactly as the router's state file holds them",
  }),
});
