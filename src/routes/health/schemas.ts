import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';

const LivenessSchema = Type.Object({ status: Type.Literal('ok') });

const ReadinessSchema = Type.Object({
  database: Type.Literal('ok'),
  commandsServer: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
});

// The endpoints: what each answers, and how the OpenAPI document describes it.
const tags = ['operations'];

/** GET /health */
export const HealthRoute = {
  tags,
  summary: 'Liveness: the process answers; checks no dependency',
  response: { 200: Envelope(LivenessSchema) },
};

/** GET /ready */
export const ReadyRoute = {
  tags,
  summary: 'Readiness: the database answers; the Commands-Server is reported, not required',
  response: { 200: Envelope(ReadinessSchema) },
};
