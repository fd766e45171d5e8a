import { Type } from 'typebox';
import type { ListName } from '../../../clients/commands-server.types.js';
import { Envelope } from '../../../http/envelope.js';
import {
  BODY_ERRORS,
  CHANGE_ERRORS,
  errorResponses as errors,
  Nullable,
  OWNER_CHANGE_ERRORS,
  ROUTER_CALL_ERRORS,
  ROUTER_CHANGE_ERRORS,
  ROUTER_ROUTE_ERRORS,
} from '../../common.js';
import { RouterQuerySchema, tags } from './shared.js';

const title = (list: ListName) => `${list[0]!.toUpperCase()}${list.slice(1)}`;
const Ip = Type.String({ maxLength: 64, description: 'IPv4 dotted quad' });

const ScannedSchema = Type.Object(
  {
    ip: Type.String(),
    mac: Type.String(),
    hostname: Type.String({ description: '"Unknown" when the device gave none' }),
    vendor: Type.String({ description: '"Unknown" when not known' }),
  },
  { $id: 'CompatScannedDevice' },
);

/** GET /api/network/scan */
export const ScanRoute = {
  operationId: 'compatScan',
  tags,
  summary:
    'Scans the router (as POST /api/v1/routers/{routerId}/scan; any member): the devices that have an address',
  description:
    'A GET that writes (the device inventory): it must come from this server or an allowed origin, else 403 CSRF_REJECTED. An empty network is 200 [].',
  querystring: RouterQuerySchema,
  response: {
    200: Envelope(Type.Array(ScannedSchema), 'The devices found, by address.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...CHANGE_ERRORS, 'RATE_LIMITED', ...ROUTER_CHANGE_ERRORS),
  },
};

export const AddBodySchema = Type.Object(
  {
    ip: Ip,
    name: Type.Optional(Type.String({ maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, $id: 'CompatListAddRequest' },
);

const EntrySchema = Type.Object(
  {
    id: Type.String({ description: 'the address: unique in the list, and the key of an edit' }),
    ip: Type.String(),
    device_name: Type.String({ description: 'the name given, else "Unknown Device"' }),
    mac_address: Nullable(Type.String({ description: 'of the known device with this address' })),
    description: Nullable(Type.String()),
    reason: Nullable(
      Type.String({ description: 'the description again (the edit form reads it)' }),
    ),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'CompatListEntry' },
);

const EntryResultSchema = Type.Object(
  { ip: Type.String(), changed: Type.Boolean(), message: Type.String() },
  { $id: 'CompatListChange' },
);

/** POST /api/{list}/add */
export const addRoute = (list: ListName) => ({
  operationId: `compatAdd${title(list)}Entry`,
  tags,
  summary: `Adds an address to the ${list} (as POST /api/v1/routers/{routerId}/${list}; any member)`,
  querystring: RouterQuerySchema,
  body: AddBodySchema,
  response: {
    200: Envelope(EntryResultSchema, `The address is in the ${list}.`),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, ...ROUTER_CHANGE_ERRORS),
  },
});

/** GET /api/{list}/devices */
export const entriesRoute = (list: ListName) => ({
  operationId: `compatList${title(list)}Entries`,
  tags,
  summary: `The ${list} of this router, every entry (any member)`,
  querystring: RouterQuerySchema,
  response: {
    200: Envelope(
      Type.Object({ devices: Type.Array(EntrySchema) }, { $id: `Compat${title(list)}Entries` }),
      `The ${list} entries, by address.`,
    ),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
});

export const RemoveBodySchema = Type.Object(
  { ip: Ip },
  { additionalProperties: false, $id: 'CompatListRemoveRequest' },
);

/** POST /api/{list}/remove */
export const removeRoute = (list: ListName) => ({
  operationId: `compatRemove${title(list)}Entry`,
  tags,
  summary: `Removes an address from the ${list} (as DELETE /api/v1/routers/{routerId}/${list}/{ip}; any member)`,
  querystring: RouterQuerySchema,
  body: RemoveBodySchema,
  response: {
    200: Envelope(EntryResultSchema, `The address is not in the ${list}.`),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, ...ROUTER_CHANGE_ERRORS),
  },
});

export const EditParamsSchema = Type.Object({ id: Ip }, { $id: 'CompatBlacklistEditParams' });

export const EditBodySchema = Type.Object(
  {
    device_name: Type.Optional(Type.String({ maxLength: 100, description: 'empty: clear' })),
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'empty: clear' })),
  },
  { additionalProperties: false, minProperties: 1, $id: 'CompatBlacklistEditRequest' },
);

/** PUT /api/blacklist/{id} */
export const EditRoute = {
  operationId: 'compatEditBlacklistEntry',
  tags,
  summary:
    'Renames or re-describes a blacklist entry, keyed by its address (as PATCH /api/v1/routers/{routerId}/blacklist/{ip}; any member)',
  params: EditParamsSchema,
  querystring: RouterQuerySchema,
  body: EditBodySchema,
  response: {
    200: Envelope(EntrySchema, 'The entry with its new details.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, 'ENTRY_NOT_FOUND'),
  },
};

const ModeSchema = Type.Object(
  {
    active: Type.Boolean({ description: "this list's mode is the active one" }),
    activeMode: Type.Union([
      Type.Literal('none'),
      Type.Literal('whitelist'),
      Type.Literal('blacklist'),
    ]),
  },
  { $id: 'CompatListMode' },
);

/** GET /api/{list}/mode */
export const getModeRoute = (list: ListName) => ({
  operationId: `compatGet${title(list)}Mode`,
  tags,
  summary: `Whether ${list} mode is active, as saved here (any member)`,
  querystring: RouterQuerySchema,
  response: {
    200: Envelope(ModeSchema, `Whether ${list} mode is active.`),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
});

/** POST (on) and DELETE (off) /api/{list}/mode */
export const setModeRoute = (list: ListName, active: boolean) => ({
  operationId: `compat${active ? 'Activate' : 'Deactivate'}${title(list)}Mode`,
  tags,
  summary: active
    ? `Activates ${list} mode, replacing the other (owner only; as PUT …/${list}/mode {active: true})`
    : `Deactivates ${list} mode; nothing to do when it is not active (owner only; as PUT …/${list}/mode {active: false})`,
  querystring: RouterQuerySchema,
  response: {
    200: Envelope(
      Type.Object(
        { ...ModeSchema.properties, changed: Type.Boolean() },
        { $id: `Compat${title(list)}Mode${active ? 'On' : 'Off'}` },
      ),
      'The mode after the change.',
    ),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
});

/** GET /api/{list}/limit-rate */
export const getRateRoute = (list: ListName) => ({
  operationId: `compatGet${title(list)}LimitRate`,
  tags,
  summary: `The ${list} limited rate in Mbps, a bare number (any member)`,
  querystring: RouterQuerySchema,
  response: {
    200: Envelope(Type.Number({ description: 'Mbps' }), `The ${list} limited rate in Mbps.`),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
});

export const RateBodySchema = Type.Object(
  { rate: Type.Number({ description: 'Mbps, a finite number from 1 to 1000' }) },
  { additionalProperties: false, $id: 'CompatRateRequest' },
);

/** POST /api/{list}/limit-rate */
export const setRateRoute = (list: ListName) => ({
  operationId: `compatSet${title(list)}LimitRate`,
  tags,
  summary: `Sets the ${list} limited rate (owner only; as PUT …/${list}/rates {limitedMbps})`,
  querystring: RouterQuerySchema,
  body: RateBodySchema,
  response: {
    200: Envelope(
      Type.Object({ rate_mbps: Type.Number() }, { $id: `Compat${title(list)}RateSet` }),
      'The limited rate now applied.',
    ),
    ...errors(...OWNER_CHANGE_ERRORS),
  },
});
