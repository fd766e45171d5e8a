import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { Page, PAGINATION_NOTE, PageQuerySchema } from '../../http/page.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import {
  BODY_ERRORS,
  CHANGE_ERRORS,
  errorResponses as errors,
  ROUTER_CALL_ERRORS,
  ROUTER_ROUTE_ERRORS,
} from '../common.js';

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
  { additionalProperties: false, $id: 'AddRouterRequest' },
);

export const RenameRouterBodySchema = Type.Object(
  { name: NameInput },
  { additionalProperties: false, $id: 'RenameRouterRequest' },
);

export const RouterSchema = Type.Object(
  {
    routerId: Type.String(),
    name: Type.String(),
    role: Role,
    createdAt: Timestamp,
    lastScanAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'Router' },
);

export const RemovedRouterSchema = Type.Object(
  {
    result: Type.Union([Type.Literal('deleted'), Type.Literal('left')], {
      description: 'deleted: the owner deleted the router and its data; left: a member left it',
    }),
  },
  { $id: 'RemovedRouter' },
);

export const MemberSchema = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    email: Type.String(),
    role: Role,
    joinedAt: Timestamp,
  },
  { $id: 'Member' },
);

export const RemovedMemberSchema = Type.Object(
  { removed: Type.Literal(true) },
  { $id: 'RemovedMember' },
);

export const ActivityEventSchema = Type.Object(
  {
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
    result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description:
        'What a succeeded operation did, in short: `{ found, new }` of a scan, ' +
        '`{ activeMode, switchedOff }` of a mode change, `{ mac }` of a block; else null.',
    }),
    actor: Type.Union([
      Type.Object({
        userId: Type.String({ format: 'uuid' }),
        email: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ]),
    durationMs: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Timestamp,
  },
  { $id: 'ActivityEvent' },
);

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it.

/** GET /routers */
export const ListRoutersRoute = {
  operationId: 'listRouters',
  tags: ['routers'],
  summary: 'The routers the caller is a member of',
  description: `In the order the caller joined them. ${PAGINATION_NOTE}`,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(
      Page(RouterSchema, 'RouterPage'),
      "One page of the caller's routers, with the caller's role.",
    ),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED'),
  },
};

/** POST /routers */
export const AddRouterRoute = {
  operationId: 'addRouter',
  tags: ['routers'],
  summary: 'Add a router; the first user to add it owns it',
  description:
    'A cheap read through the Commands-Server proves the router answers before anything is stored. 201 when added, 200 when the caller already had it; 409 ROUTER_ALREADY_CLAIMED when another user owns it; 404 ROUTER_UNKNOWN when no connected router has this id.',
  body: AddRouterBodySchema,
  response: {
    200: Envelope(RouterSchema, 'The caller already had this router.'),
    201: Envelope(RouterSchema, 'The router is added; the caller owns it.'),
    // Every Commands-Server failure class the add can answer (SPEC §6); nothing is stored.
    ...errors(
      'VALIDATION_FAILED',
      ...BODY_ERRORS,
      'UNAUTHENTICATED',
      ...CHANGE_ERRORS,
      'ROUTER_ALREADY_CLAIMED',
      ...ROUTER_CALL_ERRORS,
    ),
  },
};

/** GET /routers/{routerId} */
export const GetRouterRoute = {
  operationId: 'getRouter',
  tags: ['routers'],
  summary: 'One router of the caller',
  params: RouterParamsSchema,
  response: {
    200: Envelope(RouterSchema, 'The router, with the caller’s role.'),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
};

/** PATCH /routers/{routerId} */
export const RenameRouterRoute = {
  operationId: 'renameRouter',
  tags: ['routers'],
  summary: 'Rename a router (owner only)',
  params: RouterParamsSchema,
  body: RenameRouterBodySchema,
  response: {
    200: Envelope(RouterSchema, 'The router with its new name.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, 'FORBIDDEN'),
  },
};

/** DELETE /routers/{routerId} */
export const RemoveRouterRoute = {
  operationId: 'removeRouter',
  tags: ['routers'],
  summary: 'The owner deletes the router and all its data; a member leaves it',
  description: 'Nothing is sent to the router.',
  params: RouterParamsSchema,
  response: {
    200: Envelope(RemovedRouterSchema, 'The router is deleted (owner) or left (member).'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...CHANGE_ERRORS),
  },
};

/** GET /routers/{routerId}/members */
export const ListMembersRoute = {
  operationId: 'listMembers',
  tags: ['routers'],
  summary: 'The members of a router, owner first',
  description: `The owner, then members in the order they joined. ${PAGINATION_NOTE}`,
  params: RouterParamsSchema,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(
      Page(MemberSchema, 'MemberPage'),
      "One page of the router's members, owner first.",
    ),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
};

/** DELETE /routers/{routerId}/members/{userId} */
export const RemoveMemberRoute = {
  operationId: 'removeMember',
  tags: ['routers'],
  summary: 'Remove a member (owner only; the owner cannot remove themself)',
  params: MemberParamsSchema,
  response: {
    200: Envelope(RemovedMemberSchema, 'The member is removed.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...CHANGE_ERRORS, 'FORBIDDEN', 'USER_NOT_FOUND', 'CONFLICT'),
  },
};

/** GET /routers/{routerId}/activity */
export const ActivityRoute = {
  operationId: 'listActivity',
  tags: ['usage'],
  summary: "The router's audit events, newest first, paginated",
  params: RouterParamsSchema,
  description: PAGINATION_NOTE,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(
      Page(ActivityEventSchema, 'ActivityPage'),
      'One page of audit events, newest first.',
    ),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
};
