import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import { errorResponses as errors } from '../common.js';

const Timestamp = Type.String({ format: 'date-time' });
const Role = Type.Union([Type.Literal('owner'), Type.Literal('member')]);

// Names: the service trims and applies the real rule (1–100 characters); the
// schema only stops absurd input early.
const NameInput = Type.String({ minLength: 1, maxLength: 200 });

export const RouterIdSchema = Type.String({
  pattern: ROUTER_ID_PATTERN,
  description: "the router agent's id: 1–128 letters, digits, '_', '.' or '-'",
});

export const RouterParamsSchema = Type.Object({ routerId: RouterIdSchema });

export const MemberParamsSchema = Type.Object({
  routerId: RouterIdSchema,
  userId: Type.String({ format: 'uuid' }),
});

export const AddRouterBodySchema = Type.Object(
  { routerId: RouterIdSchema, name: NameInput },
  { additionalProperties: false },
);

export const RenameRouterBodySchema = Type.Object(
  { name: NameInput },
  { additionalProperties: false },
);

export const ActivityQuerySchema = Type.Object({
  // A digit string: ajv does not coerce query strings here (coerceTypes: false).
  limit: Type.Optional(
    Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: '1 to 100, default 50' }),
  ),
  before: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'nextCursor of the previous page',
    }),
  ),
});

export const RouterSchema = Type.Object({
  routerId: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: Timestamp,
  lastScanAt: Type.Union([Timestamp, Type.Null()]),
});

export const RemovedRouterSchema = Type.Object({
  result: Type.Union([Type.Literal('deleted'), Type.Literal('left')], {
    description: 'deleted: the owner deleted the router and its data; left: a member left it',
  }),
});

export const MemberSchema = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Role,
  joinedAt: Timestamp,
});

export const RemovedMemberSchema = Type.Object({ removed: Type.Literal(true) });

export const ActivityPageSchema = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      operation: Type.String(),
      outcome: Type.Union([
        Type.Literal('pending'),
        Type.Literal('succeeded'),
        Type.Literal('failed'),
        Type.Literal('unknown'),
      ]),
      errorCode: Type.Union([Type.String(), Type.Null()]),
      params: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
      actor: Type.Union([
        Type.Object({
          userId: Type.String({ format: 'uuid' }),
          email: Type.Union([Type.String(), Type.Null()]),
        }),
        Type.Null(),
      ]),
      durationMs: Type.Union([Type.Integer(), Type.Null()]),
      createdAt: Timestamp,
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'pass as ?before= for the next, older page; null on the last page',
  }),
});

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it.

// Every Commands-Server failure class the add can answer (SPEC §6).
const COMMANDS_SERVER_ERRORS = [502, 503, 504] as const;

/** GET /routers */
export const ListRoutersRoute = {
  tags: ['routers'],
  summary: 'The routers the caller is a member of',
  response: { 200: Envelope(Type.Array(RouterSchema)), ...errors(401) },
};

/** POST /routers */
export const AddRouterRoute = {
  tags: ['routers'],
  summary: 'Add a router; the first user to add it owns it',
  description:
    'A cheap read through the Commands-Server proves the router answers before anything is stored. 201 when added, 200 when the caller already had it; 409 ROUTER_ALREADY_CLAIMED when another user owns it; 404 ROUTER_UNKNOWN when no connected router has this id.',
  body: AddRouterBodySchema,
  response: {
    200: Envelope(RouterSchema),
    201: Envelope(RouterSchema),
    ...errors(400, 401, 403, 404, 409, ...COMMANDS_SERVER_ERRORS),
  },
};

/** GET /routers/{routerId} */
export const GetRouterRoute = {
  tags: ['routers'],
  summary: 'One router of the caller',
  params: RouterParamsSchema,
  response: { 200: Envelope(RouterSchema), ...errors(400, 401, 404) },
};

/** PATCH /routers/{routerId} */
export const RenameRouterRoute = {
  tags: ['routers'],
  summary: 'Rename a router (owner only)',
  params: RouterParamsSchema,
  body: RenameRouterBodySchema,
  response: { 200: Envelope(RouterSchema), ...errors(400, 401, 403, 404) },
};

/** DELETE /routers/{routerId} */
export const RemoveRouterRoute = {
  tags: ['routers'],
  summary: 'The owner deletes the router and all its data; a member leaves it',
  description: 'Nothing is sent to the router.',
  params: RouterParamsSchema,
  response: { 200: Envelope(RemovedRouterSchema), ...errors(400, 401, 403, 404) },
};

/** GET /routers/{routerId}/members */
export const ListMembersRoute = {
  tags: ['routers'],
  summary: 'The members of a router, owner first',
  params: RouterParamsSchema,
  response: { 200: Envelope(Type.Array(MemberSchema)), ...errors(400, 401, 404) },
};

/** DELETE /routers/{routerId}/members/{userId} */
export const RemoveMemberRoute = {
  tags: ['routers'],
  summary: 'Remove a member (owner only; the owner cannot remove themself)',
  params: MemberParamsSchema,
  response: { 200: Envelope(RemovedMemberSchema), ...errors(400, 401, 403, 404, 409) },
};

/** GET /routers/{routerId}/activity */
export const ActivityRoute = {
  tags: ['usage'],
  summary: "The router's audit events, newest first, paginated",
  params: RouterParamsSchema,
  querystring: ActivityQuerySchema,
  response: { 200: Envelope(ActivityPageSchema), ...errors(400, 401, 404) },
};
