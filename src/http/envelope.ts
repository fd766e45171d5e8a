import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { exampleOf } from './schema-example.js';

/** `{requestId, timestamp, executionTime}`: timestamp ISO-8601 UTC with Z, executionTime in seconds. */
export function metadata(request: FastifyRequest, reply: FastifyReply) {
  return {
    requestId: request.id,
    timestamp: new Date().toISOString(),
    executionTime: Math.round(reply.elapsedTime * 1000) / 1_000_000,
  };
}

/** Builds the NetPilot success envelope around a route's data. */
export function ok<T>(request: FastifyRequest, reply: FastifyReply, data: T) {
  return { success: true as const, data, error: null, metadata: metadata(request, reply) };
}

export interface ErrorBody {
  code: string;
  message: string;
  details: unknown;
}

export function failure(request: FastifyRequest, reply: FastifyReply, error: ErrorBody) {
  return { success: false as const, data: null, error, metadata: metadata(request, reply) };
}

export const MetadataSchema = Type.Object(
  {
    requestId: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    executionTime: Type.Number({ description: 'seconds' }),
  },
  { $id: 'Metadata' },
);

/**
 * Response schema of a success envelope whose `data` follows `data`; `description`
 * says what the answer is (the OpenAPI response's description), and the example
 * shows a whole answer, `error: null` included.
 */
export function Envelope<T extends TSchema>(data: T, description: string) {
  const schema = Type.Object({
    success: Type.Literal(true),
    data,
    error: Type.Null(),
    metadata: MetadataSchema,
  });
  return Type.Object(schema.properties, { description, examples: [exampleOf(schema)] });
}

export const ErrorBodySchema = Type.Object(
  {
    code: Type.String({
      description: 'stable UPPER_SNAKE code: see x-error-codes or docs/errors.md',
    }),
    message: Type.String({ description: 'for people; may change' }),
    details: Type.Unknown({
      description: 'per code, e.g. {fields} for VALIDATION_FAILED; else null',
    }),
  },
  { $id: 'ErrorBody' },
);

export const ErrorEnvelopeSchema = Type.Object(
  {
    success: Type.Literal(false),
    data: Type.Null(),
    error: ErrorBodySchema,
    metadata: MetadataSchema,
  },
  { $id: 'ErrorEnvelope' },
);
