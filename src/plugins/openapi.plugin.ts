import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { ERROR_CODES, ERROR_DESCRIPTIONS, type ErrorCode } from '../errors.js';
import { ErrorEnvelopeSchema } from '../http/envelope.js';
import { errorCodesOf, errorResponses } from '../routes/common.js';
import { isIdempotentRoute } from './idempotency.plugin.js';

/** The catalogue of every error code: its status and what it means (also docs/errors.md). */
export function errorCatalogue(): Record<ErrorCode, { status: number; description: string }> {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  return Object.fromEntries(
    codes.map((code) => [
      code,
      { status: ERROR_CODES[code], description: ERROR_DESCRIPTIONS[code] },
    ]),
  ) as Record<ErrorCode, { status: number; description: string }>;
}

/**
 * Schemas with an `$id` become components named by it (@fastify/swagger's
 * default is `def-N`, which code generators turn into meaningless type names).
 */
function componentName(json: { $id?: unknown }, _base: unknown, _fragment: unknown, i: number) {
  return typeof json.$id === 'string' ? json.$id : `def-${i}`;
}

/** Marks a named request body or error envelope so that `finishDocument` makes it a component. */
const COMPONENT_NAME = 'x-component-name';

type Json = Record<string, unknown>;

/**
 * An error status of `errorResponses` as @fastify/swagger reads it: the envelope
 * schema itself (the `content` form the server uses is passed through without
 * naming its schemas), marked to become the ErrorEnvelope component.
 */
function documentedError(entry: Json): Json {
  const { description, content } = entry as { description: string; content: Record<string, Json> };
  const { $id, ...envelope } = ErrorEnvelopeSchema as typeof ErrorEnvelopeSchema & { $id: string };
  return {
    ...envelope,
    description,
    examples: [content['application/json']?.example],
    [COMPONENT_NAME]: $id,
  };
}

/**
 * Per route, before the document is built: the operation lists the error codes
 * of its responses (`x-error-codes`), and a request body with an `$id` is marked
 * with its name for `finishDocument` (@fastify/swagger inlines a body's root schema; its
 * `$id` is lost).
 */
function describeRoute({
  schema,
  url,
  route,
}: {
  schema?: FastifySchema;
  url: string;
  route: Route;
}) {
  if (!schema) {
    return { schema: {}, url };
  }
  const routeSchema = schema as FastifySchema & { body?: Json & { $id?: string } };
  const idempotent = isIdempotentRoute(route);
  const response = idempotent
    ? withIdempotencyErrors((routeSchema.response ?? {}) as Record<string, Json>)
    : ((routeSchema.response ?? {}) as Record<string, Json>);
  // A redirect route declares the codes its Location may carry (`?error=`) itself.
  const declared = ((routeSchema as Json)['x-error-codes'] ?? []) as ErrorCode[];
  const codes = [...new Set([...declared, ...errorCodesOf(response)])];
  const documented = Object.entries(response).map(([status, entry]): [string, Json] => [
    status,
    entry['x-error-codes'] ? documentedError(entry) : entry,
  ]);
  const body = routeSchema.body;
  return {
    url,
    schema: {
      ...routeSchema,
      'x-error-codes': codes,
      ...(idempotent ? { [IDEMPOTENT]: true } : {}),
      response: Object.fromEntries(documented),
      ...(body?.$id ? { body: { ...body, [COMPONENT_NAME]: body.$id } } : {}),
    },
  };
}

/** What describeRoute reads of a route: which routes take an Idempotency-Key. */
interface Route {
  method: string | string[];
  url: string;
  config?: { auth?: boolean; idempotency?: false };
}

/** Marks an operation that takes the shared Idempotency-Key header parameter. */
const IDEMPOTENT = 'x-idempotent';

/** The shared header parameter of every POST that takes an Idempotency-Key. */
const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Optional; 1-255 printable ASCII characters (else 400 VALIDATION_FAILED), kept 24 h per user. A retry with the same key, route and body answers the first answer again (same status and body, with the header `Idempotent-Replayed: true`) without running again; the same key with another route or body is 422 IDEMPOTENCY_KEY_REUSED; while the first request runs, 409 IDEMPOTENCY_KEY_IN_FLIGHT. Only successes and client errors are kept (not 401, 408, 409, 429, nor any 5xx: a retry of a failed router call runs again). Not on login, register (no user yet), logout, the password change or the two-factor changes (their bodies and answers hold secrets).',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
};

/** A route's responses with the error codes an Idempotency-Key adds, merged per status. */
function withIdempotencyErrors(response: Record<string, Json>): Record<string, Json> {
  const codes = [
    ...errorCodesOf(response),
    'VALIDATION_FAILED',
    'IDEMPOTENCY_KEY_IN_FLIGHT',
    'IDEMPOTENCY_KEY_REUSED',
  ] as const;
  const answers = Object.entries(response).filter(([, entry]) => !entry['x-error-codes']);
  return {
    ...Object.fromEntries(answers),
    ...(errorResponses(...codes) as unknown as Record<string, Json>),
  };
}

interface Operation {
  parameters?: Json[];
  [IDEMPOTENT]?: boolean;
  requestBody?: { content?: Record<string, Json> };
  responses?: Record<string, { content?: Record<string, Json> }>;
}

/**
 * The last touches to the document: each marked request body moves into
 * components.schemas and is referenced there; the catalogue of error codes is
 * added as `x-error-codes`. A hoisted schema leaves its description (the response's) behind.
 */
const finishDocument: SwaggerTransformObject = (documentObject) => {
  if (!('openapiObject' in documentObject)) {
    return documentObject.swaggerObject;
  }
  const doc = documentObject.openapiObject as unknown as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Json>; parameters?: Record<string, Json> };
  };
  doc.components.parameters = { IdempotencyKey: IDEMPOTENCY_KEY_PARAMETER };
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      if (operation[IDEMPOTENT]) {
        delete operation[IDEMPOTENT];
        operation.parameters = [
          ...(operation.parameters ?? []),
          { $ref: '#/components/parameters/IdempotencyKey' },
        ];
      }
      const bodies = [operation.requestBody, ...Object.values(operation.responses ?? {})];
      for (const media of bodies.flatMap((b) => Object.values(b?.content ?? {}))) {
        const { [COMPONENT_NAME]: name, description: _, ...schema } = media.schema as Json;
        if (typeof name === 'string') {
          doc.components.schemas[name] = schema;
          media.schema = { $ref: `#/components/schemas/${name}` };
        }
      }
    }
  }
  return { ...documentObject.openapiObject, 'x-error-codes': errorCatalogue() };
};

export interface OpenApiPluginOptions {
  /** Tags of optional route plugins, listed only when those routes are served. */
  extraTags?: { name: string; description: string }[];
}

/**
 * The OpenAPI document is generated from the route schemas, so it cannot drift
 * from what the server validates. Served at /openapi.json, with Swagger UI at
 * /docs. Register it before the routes (and the metrics plugin): it documents
 * the routes added after it.
 */
async function openapiPlugin(app: FastifyInstance, options: OpenApiPluginOptions = {}) {
  await app.register(swagger, {
    refResolver: { buildLocalReference: componentName },
    transform: describeRoute,
    transformObject: finishDocument,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'NetPilot Auth/DB Server',
        version: '0.1.0',
        description:
          'Users, sessions, router membership and router operations. Every answer uses the envelope {success, data, error, metadata} (but /metrics). Each operation lists the error codes it answers in `x-error-codes`; `x-error-codes` at the top level explains every code, including those any route may answer (INTERNAL_ERROR, DATABASE_UNAVAILABLE, NOT_FOUND, METHOD_NOT_ALLOWED, MALFORMED_REQUEST, REQUEST_TIMEOUT, HEADERS_TOO_LARGE).',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'netpilot_session' },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'METRICS_TOKEN, for GET /metrics only',
          },
        },
      },
      tags: [
        { name: 'operations', description: 'health, readiness, metrics' },
        { name: 'auth', description: 'registration, login and sessions' },
        { name: 'routers', description: 'routers, their members and invitations' },
        { name: 'invitations', description: "the caller's invitations to join routers" },
        { name: 'devices', description: 'scan and device inventory' },
        { name: 'lists', description: 'blocking, whitelist and blacklist' },
        { name: 'wifi', description: 'Wi-Fi settings' },
        { name: 'usage', description: 'usage and activity' },
        ...(options.extraTags ?? []),
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(openapiPlugin, { name: 'openapi', fastify: '5.x' });
