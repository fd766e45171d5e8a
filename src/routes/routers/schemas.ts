import { Type, type Static } from 'typebox';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';

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
export type RouterParams = Static<typeof RouterParamsSchema>;

export const MemberParamsSchema = Type.Object({
  routerId: RouterIdSchema,
  userId: Type.String({ format: 'uuid' }),
});
export type MemberParams = Static<typeof MemberParamsSchema>;

export const AddRouterBodySchema = Type.Object(
  { routerId: RouterIdSchema, name: NameInput },
  { additionalProperties: false },
);
export type AddRouterBody = Static<typeof AddRouterBodySchema>;

export const RenameRouterBodySchema = Type.Object(
  { name: NameInput },
  { additionalProperties: false },
);
export type RenameRouterBody = Static<typeof RenameRouterBodySchema>;

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
export type ActivityQuery = Static<typeof ActivityQuerySchema>;

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
