import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { DbHandle } from './db/client.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, genReqId } from './logger.js';
import errorHandler from './plugins/error-handler.plugin.js';
import openapi from './plugins/openapi.plugin.js';
import securityHeaders from './plugins/security-headers.plugin.js';
import healthRoutes from './routes/health/index.js';

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Readonly<Config>;
  db: DbHandle;
  commandsServer: { health(): Promise<unknown> };
  clock?: Clock;
  /** A pino logger to use instead of the configured one (tests capture logs with it). */
  logger?: FastifyBaseLogger;
}

export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the Fastify app from its dependencies. Never listens: server.ts does. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  void clock;
  const app = Fastify({
    loggerInstance: deps.logger ?? createLogger(config.logLevel),
    genReqId,
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.server.trustProxy,
    requestTimeout: config.server.requestTimeoutMs,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorHandler);
  await app.register(securityHeaders, { hsts: config.isProduction });
  await app.register(openapi);

  await app.register(healthRoutes, {
    pingDatabase: () => deps.db.ping(),
    pingCommandsServer: async () => {
      await deps.commandsServer.health();
    },
  });

  return app;
}
