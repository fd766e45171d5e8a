import { Type } from 'typebox';
import type { ListName } from '../../clients/commands-server.types.js';
import { Envelope } from '../../http/envelope.js';
import { Page, PAGINATION_NOTE, PageQuerySchema } from '../../http/page.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import {
  BODY_ERRORS,
  CHANGE_ERRORS,
  errorResponses as errors,
  Nullable,
  ROUTER_CALL_ERRORS,
  ROUTER_CHANGE_ERRORS,
  ROUTER_ROUTE_ERRORS,
  OWNER_CHANGE_ERRORS,
} from '../common.js';

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
  { additionalProperties: false, $id: 'AddListEntryRequest' },
);

export const UpdateEntryBodySchema = Type.Object(
  {
    name: Type.Optional(Type.Union([Name, Type.Null()], { description: 'null clears it' })),
    description: Type.Optional(
      Type.Union([Description, Type.Null()], { description: 'null clears it' }),
    ),
  },
  { additionalProperties: false, minProperties: 1, $id: 'UpdateListEntryRequest' },
);

export const ModeBodySchema = Type.Object(
  { active: Type.Boolean() },
  { additionalProperties: false, $id: 'ModeRequest' },
);

export const RatesBodySchema = Type.Object(
  { limitedMbps: Type.Optional(Mbps), fullMbps: Type.Optional(Mbps) },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'at least one of the two; the limited rate may not exceed the full rate (a rate not given is the stored one): else 400 VALIDATION_FAILED with details.limitedMbps and details.fullMbps',
    $id: 'RatesRequest',
  },
);

export const EntrySchema = Type.Object(
  {
    ip: Type.String(),
    name: Nullable(Type.String()),
    description: Nullable(Type.String()),
    deviceId: Nullable(
      Type.String({ format: 'uuid', description: 'the known device with this IP' }),
    ),
    addedBy: Nullable(Type.String({ format: 'uuid', description: 'user id' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ListEntry' },
);

export const ListEntryPageSchema = Page(EntrySchema, 'ListEntryPage');

export const AddedEntrySchema = Type.Object(
  {
    ...EntrySchema.properties,
    changed: Type.Boolean({
      description: "false when the router's list had the address already",
    }),
  },
  { $id: 'AddedListEntry' },
);

export const RemovedSchema = Type.Object(
  {
    ip: Type.String(),
    changed: Type.Boolean({
      description:
        "false when the router's list did not have the address (an entry here is deleted all the same)",
    }),
  },
  { $id: 'RemovedListEntry' },
);

const ActiveMode = Type.Union([
  Type.Literal('none'),
  Type.Literal('whitelist'),
  Type.Literal('blacklist'),
]);

const Source = Type.Union([Type.Literal('database'), Type.Literal('router')], {
  description: 'where the answer was read: the database, or the router itself',
});

export const SourceQuerySchema = Type.Object(
  {
    source: Type.Optional(
      Type.Union([Type.Literal('database'), Type.Literal('router')], {
        default: 'database',
        description:
          'database (default): what this server saved; router: ask the router (through the Commands-Server) instead, to check for drift',
      }),
    ),
  },
  { additionalProperties: false },
);

const ModeFields = {
  list: Type.String(),
  active: Type.Boolean({ description: "whether this list's mode is the active one" }),
  activeMode: ActiveMode,
};

export const ModeSchema = Type.Object({ ...ModeFields, source: Source }, { $id: 'ListMode' });

export const ModeChangeSchema = Type.Object(
  {
    ...ModeFields,
    changed: Type.Boolean({
      description: "false when the router's mode already was as asked (or no call was needed)",
    }),
  },
  { $id: 'ListModeChange' },
);

const RatesFields = {
  list: Type.String(),
  limitedMbps: Type.Number(),
  fullMbps: Type.Number(),
};

export const RatesSchema = Type.Object(RatesFields, { $id: 'ListRates' });

export const RatesReadingSchema = Type.Object(
  { ...RatesFields, source: Source },
  { $id: 'ListRatesReading' },
);

// The endpoints of each list: what each validates and answers, and how the
// OpenAPI document describes it.
const tags = ['lists'];

/** whitelist → Whitelist, for operation ids (`addWhitelistEntry`). */
const title = (list: ListName) => `${list[0]!.toUpperCase()}${list.slice(1)}`;

/** GET /routers/{routerId}/{list} */
export const listEntriesRoute = (list: ListName) => ({
  operationId: `list${title(list)}Entries`,
  tags,
  summary: `The ${list} entries, from the database (any member)`,
  description: `In address order. ${PAGINATION_NOTE}`,
  params: ListParamsSchema,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(ListEntryPageSchema, `One page of the ${list} entries, in address order.`),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
});

/** POST /routers/{routerId}/{list} */
export const addEntryRoute = (list: ListName) => ({
  operationId: `add${title(list)}Entry`,
  tags,
  summary: `Add an IPv4 address to the ${list} on the router, then save it (any member); 201 when the entry is new here, 200 when it was already there; \`changed\` says whether the router's list changed`,
  params: ListParamsSchema,
  body: AddEntryBodySchema,
  response: {
    200: Envelope(AddedEntrySchema, `The entry was already saved here: the saved entry.`),
    201: Envelope(AddedEntrySchema, `The entry is new here: the address is in the ${list}.`),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, ...ROUTER_CHANGE_ERRORS),
  },
});

/** PATCH /routers/{routerId}/{list}/{ip} */
export const updateEntryRoute = (list: ListName) => ({
  operationId: `update${title(list)}Entry`,
  tags,
  summary: `Rename or re-describe a ${list} entry; database only (any member)`,
  params: EntryParamsSchema,
  body: UpdateEntryBodySchema,
  response: {
    200: Envelope(EntrySchema, 'The entry with its new details.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, 'ENTRY_NOT_FOUND'),
  },
});

/** DELETE /routers/{routerId}/{list}/{ip} */
export const removeEntryRoute = (list: ListName) => ({
  operationId: `remove${title(list)}Entry`,
  tags,
  summary: `Remove an address from the ${list} on the router and in the database (any member)`,
  params: EntryParamsSchema,
  response: {
    200: Envelope(RemovedSchema, `The address is no longer in the ${list}.`),
    ...errors(...ROUTER_ROUTE_ERRORS, ...CHANGE_ERRORS, ...ROUTER_CHANGE_ERRORS),
  },
});

/** GET /routers/{routerId}/{list}/mode */
export const getModeRoute = (list: ListName) => ({
  operationId: `get${title(list)}Mode`,
  tags,
  summary: `Whether ${list} mode is active, from the database or, with ?source=router, from the router's firewall (any member)`,
  params: ListParamsSchema,
  querystring: SourceQuerySchema,
  response: {
    200: Envelope(ModeSchema, `Whether ${list} mode is active, and which mode is.`),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
});

/** PUT /routers/{routerId}/{list}/mode */
export const setModeRoute = (list: ListName) => ({
  operationId: `set${title(list)}Mode`,
  tags,
  summary: `Activate or deactivate ${list} mode (owner only); activating it replaces the other mode, deactivating it while it is not active changes nothing`,
  params: ListParamsSchema,
  body: ModeBodySchema,
  response: {
    200: Envelope(ModeChangeSchema, 'The mode after the change.'),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
});

/** GET /routers/{routerId}/{list}/rates */
export const getRatesRoute = (list: ListName) => ({
  operationId: `get${title(list)}Rates`,
  tags,
  summary: `The ${list} limited and full rates in Mbps, from the database (any member); ?source=router answers 501 NOT_SUPPORTED_BY_ROUTER: the Commands-Server offers no read of the rates`,
  params: ListParamsSchema,
  querystring: SourceQuerySchema,
  response: {
    200: Envelope(RatesReadingSchema, `The ${list} rates in Mbps.`),
    ...errors(...ROUTER_ROUTE_ERRORS, 'NOT_SUPPORTED_BY_ROUTER'),
  },
});

/** PUT /routers/{routerId}/{list}/rates */
export const setRatesRoute = (list: ListName) => ({
  operationId: `set${title(list)}Rates`,
  tags,
  summary: `Set the ${list} limited and/or full rate in Mbps (owner only); if the second rate fails, the first stays applied and saved (listed in error.details.applied)`,
  params: ListParamsSchema,
  body: RatesBodySchema,
  response: {
    200: Envelope(RatesSchema, 'The rates after the change.'),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
});
