import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';

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

export const MetadataSchema = Type.Object({
  requestId: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  executionTime: Type.Number({ description: 'seconds' }),
});

/** Response schema of a success envelope whose `data` follows `data`. */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({
    success: Type.Literal(true),
    data,
    error: Type.Null(),
    metadata: MetadataSchema,
  });
}

export const ErrorEnvelopeSchema = Type.Object(
  {
    success: Type.Literal(false),
    data: Type.Null(),
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Unknown(),
    }),
    metadata: MetadataSchema,
  },
  { $id: 'ErrorEnvelope' },
);
