import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { errorResponses as errors } from '../common.js';

const LivenessSchema = Type.Object({ status: Type.Literal('ok') }, { $id: 'Liveness' });

const ReadinessSchema = Type.Object(
  {
    database: Type.Literal('ok'),
    commandsServer: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  },
  { $id: 'Readiness' },
);

// The endpoints: what each answers, and how the OpenAPI document describes it.
const tags = ['operations'];

/** GET /health */
export const HealthRoute = {
  operationId: 'getHealth',
  tags,
  summary: 'Liveness: the process answers; checks no dependency',
  response: { 200: Envelope(LivenessSchema, 'The process is alive.') },
};

/** GET /ready */
export const ReadyRoute = {
  operationId: 'getReadiness',
  tags,
  summary: 'Readiness: the database answers; the Commands-Server is reported, not required',
  response: {
    200: Envelope(
      ReadinessSchema,
      'Ready: the database answers; whether the Commands-Server does is reported.',
    ),
    ...errors('DATABASE_UNAVAILABLE'),
  },
};
