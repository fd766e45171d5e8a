import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { errorResponses as errors, Nullable, ROUTER_ROUTE_ERRORS } from '../common.js';
import { RouterParamsSchema } from '../routers/schemas.js';

const Timestamp = Type.String({ format: 'date-time' });

const OperationStateSchema = Type.Union(
  [Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')],
  { description: 'running, then succeeded or failed' },
);

export const OperationErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'the error code the synchronous call answers' }),
    message: Type.String(),
    status: Type.Integer({ description: 'the HTTP status the synchronous call answers' }),
    details: Type.Unknown({
      description:
        "the error's details, as the synchronous call answers them (e.g. upstreamMessage: what the router said); null when none",
    }),
  },
  { $id: 'OperationError' },
);

export const OperationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.String({ description: 'what it does, e.g. network.scan' }),
    routerId: Type.String({ description: "the router agent's id" }),
    state: OperationStateSchema,
    startedAt: Timestamp,
    finishedAt: Nullable(Timestamp),
    elapsedMs: Type.Integer({ minimum: 0, description: 'until now while running' }),
    result: Type.Unknown({
      description:
        'when succeeded, exactly what the synchronous call answers (network.scan: a ScanResult); else null',
    }),
    error: Nullable(OperationErrorSchema),
  },
  { $id: 'Operation' },
);

export const OperationParamsSchema = Type.Object({
  operationId: Type.String({ format: 'uuid' }),
});

export const ListOperationsQuerySchema = Type.Object({
  // Query strings are coerced to the schema's types (see queryCoercingValidator).
  state: Type.Optional(OperationStateSchema),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 500, default: 100, description: '1 to 500, default 100' }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'nextCursor of the previous page',
    }),
  ),
});

export const OperationsPageSchema = Type.Object(
  {
    items: Type.Array(OperationSchema),
    nextCursor: Nullable(
      Type.String({ description: 'pass as `cursor` for the next (older) page; null on the last' }),
    ),
  },
  { $id: 'OperationsPage' },
);

/** GET /operations/{operationId} */
export const GetOperationRoute = {
  operationId: 'getOperation',
  tags: ['devices'],
  summary: 'The state of a long operation (a scan started with `Prefer: respond-async`)',
  description:
    'Poll until `state` is no longer `running`. Visible to the members of its router, for a day after it finished.',
  params: OperationParamsSchema,
  response: {
    200: Envelope(OperationSchema, 'The operation, with its result or error once finished.'),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'OPERATION_NOT_FOUND'),
  },
};

/** GET /routers/{routerId}/operations */
export const ListOperationsRoute = {
  operationId: 'listOperations',
  tags: ['devices'],
  summary: "The router's long operations, newest first",
  description: 'Filter with `state` (e.g. `running`); page with `limit` and `cursor`.',
  params: RouterParamsSchema,
  querystring: ListOperationsQuerySchema,
  response: {
    200: Envelope(OperationsPageSchema, 'One page of operations, newest first.'),
    ...errors(...ROUTER_ROUTE_ERRORS),
  },
};
