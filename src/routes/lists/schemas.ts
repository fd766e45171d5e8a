import { Type } from 'typebox';
import type { ListName } from '../../clients/commands-server.types.js';
import { Envelope } from '../../http/envelope.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import { errorResponses as errors, Nullable, ROUTER_CALL_ERRORS } from '../common.js';

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

export const EntryParamsSchema = Type.Object({ routerId: RouterId, ip: Ip });

export const AddEntryBodySchema = Type.Object(
  { ip: Ip, name: Type.Optional(Name), description: Type.Optional(Description) },
  { additionalProperties: false },
);

export const UpdateEntryBodySchema = Type.Object(
  {
    name: Type.Optional(Type.Union([Name, Type.Null()], { description: 'null clears it' })),
    description: Type.Optional(
      Type.Union([Description, Type.Null()], { description: 'null clears it' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ModeBodySchema = Type.Object(
  { active: Type.Boolean() },
  { additionalProperties: false },
);

export const RatesBodySchema = Type.Object(
  { limitedMbps: Type.Optional(Mbps), fullMbps: Type.Optional(Mbps) },
  { additionalProperties: false, minProperties: 1, description: 'at least one of the two' },
);

export const EntrySchema = Type.Object({
  ip: Type.String(),
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  deviceId: Nullable(Type.String({ format: 'uuid', description: 'the known device with this IP' })),
  addedBy: Nullable(Type.String({ format: 'uuid', description: 'user id' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const AddedEntrySchema = Type.Object({
  ...EntrySchema.properties,
  changed: Type.Boolean({
    description: "false when the router's list had the address already",
  }),
});

export const RemovedSchema = Type.Object({
  ip: Type.String(),
  changed: Type.Boolean({
    description:
      "false when the router's list did not have the address (an entry here is deleted all the same)",
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

export const ModeChangeSchema = Type.Object({
  ...ModeSchema.properties,
  changed: Type.Boolean({
    description: "false when the router's mode already was as asked (or no call was needed)",
  }),
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

// The endpoints of each list: what each validates and answers, and how the
// OpenAPI document describes it.
const tags = ['lists'];

/** GET /routers/{routerId}/{list} */
export const listEntriesRoute = (list: ListName) => ({
  tags,
  summary: `The ${list} entries, from the database (any member)`,
  params: ListParamsSchema,
  response: { 200: Envelope(Type.Array(EntrySchema)), ...errors(400, 401, 404) },
});

/** POST /routers/{routerId}/{list} */
export const addEntryRoute = (list: ListName) => ({
  tags,
  summary: `Add an IPv4 address to the ${list} on the router, then save it (any member); 201 when the entry is new here, 200 when it was already there; \`changed\` says whether the router's list changed`,
  params: ListParamsSchema,
  body: AddEntryBodySchema,
  response: {
    200: Envelope(AddedEntrySchema),
    201: Envelope(AddedEntrySchema),
    ...errors(400, 401, 403, 404, 413, 415, ...ROUTER_CALL_ERRORS),
  },
});

/** PATCH /routers/{routerId}/{list}/{ip} */
export const updateEntryRoute = (list: ListName) => ({
  tags,
  summary: `Rename or re-describe a ${list} entry; database only (any member)`,
  params: EntryParamsSchema,
  body: UpdateEntryBodySchema,
  response: { 200: Envelope(EntrySchema), ...errors(400, 401, 403, 404, 413, 415) },
});

/** DELETE /routers/{routerId}/{list}/{ip} */
export const removeEntryRoute = (list: ListName) => ({
  tags,
  summary: `Remove an address from the ${list} on the router and in the database (any member)`,
  params: EntryParamsSchema,
  response: {
    200: Envelope(RemovedSchema),
    ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
  },
});

/** GET /routers/{routerId}/{list}/drift */
export const driftRoute = (list: ListName) => ({
  tags,
  summary: `Compare the router's ${list} with the database (any member)`,
  params: ListParamsSchema,
  response: { 200: Envelope(DriftSchema), ...errors(400, 401, 404, ...ROUTER_CALL_ERRORS) },
});

/** GET /routers/{routerId}/{list}/mode */
export const getModeRoute = (list: ListName) => ({
  tags,
  summary: `Whether ${list} mode is active, from the database (any member)`,
  params: ListParamsSchema,
  response: { 200: Envelope(ModeSchema), ...errors(400, 401, 404) },
});

/** PUT /routers/{routerId}/{list}/mode */
export const setModeRoute = (list: ListName) => ({
  tags,
  summary: `Activate or deactivate ${list} mode (owner only); activating it replaces the other mode, deactivating it while it is not active changes nothing`,
  params: ListParamsSchema,
  body: ModeBodySchema,
  response: {
    200: Envelope(ModeChangeSchema),
    ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
  },
});

/** GET /routers/{routerId}/{list}/rates */
export const getRatesRoute = (list: ListName) => ({
  tags,
  summary: `The ${list} limited and full rates in Mbps, from the database (any member)`,
  params: ListParamsSchema,
  response: { 200: Envelope(RatesSchema), ...errors(400, 401, 404) },
});

/** PUT /routers/{routerId}/{list}/rates */
export const setRatesRoute = (list: ListName) => ({
  tags,
  summary: `Set the ${list} limited and/or full rate in Mbps (owner only); if the second rate fails, the first stays applied and saved (listed in error.details.applied)`,
  params: ListParamsSchema,
  body: RatesBodySchema,
  response: {
    200: Envelope(RatesSchema),
    ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
  },
});
