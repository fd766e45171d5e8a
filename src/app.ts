import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { CommandsServerHttp } from './clients/commands-server.http.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { DbHandle } from './db/client.js';
import { clientErrorHandler } from './http/client-error.js';
import { queryCoercingValidator } from './http/query-validator.js';
import { acceptEmptyJsonBody } from './http/json-body.js';
import { createLogger, genReqId } from './logger.js';
import { Metrics } from './metrics.js';
import authPlugin from './plugins/auth.plugin.js';
import consolePlugin from './plugins/console.plugin.js';
import errorHandler, { routingErrorOptions } from './plugins/error-handler.plugin.js';
import idempotencyPlugin from './plugins/idempotency.plugin.js';
import metricsPlugin from './plugins/metrics.plugin.js';
import openapi from './plugins/openapi.plugin.js';
import securityHeaders from './plugins/security-headers.plugin.js';
import authRoutes from './routes/auth/index.js';
import deviceRoutes from './routes/devices/index.js';
import driftRoutes from './routes/drift/index.js';
import healthRoutes from './routes/health/index.js';
import invitationRoutes from './routes/invitations/index.js';
import routerRoutes from './routes/routers/index.js';
import listRoutes from './routes/lists/index.js';
import operationRoutes from './routes/operations/index.js';
import usageRoutes from './routes/usage/index.js';
import wifiRoutes from './routes/wifi/index.js';
import netpilotClientRoutes, { COMPAT_TAG } from './routes/netpilot-client/index.js';
import { createServices, type Services } from './services/index.js';
import type { ThrottleStore } from './services/throttle/store.js';
import { fastifyTrustProxy } from './trust-proxy.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Readonly<Config>;
  db: DbHandle;
  commandsServer: CommandsServerHttp;
  clock?: Clock;
  /** A pino logger to use instead of the configured one (tests capture logs with it). */
  logger?: FastifyBaseLogger;
  /** Overrides the throttle store chosen from REDIS_URL. */
  throttleStore?: ThrottleStore;
  /** Run the session sweeper on its interval (default true; tests drive it by hand). */
  startSweeper?: boolean;
  /** The metrics registry; pass the one the Commands-Server client reports into. */
  metrics?: Metrics;
}

export const BODY_LIMIT_BYTES = 64 * 1024;

/** argon2 work and its queue: what a login flood costs, and what was shed. */
function registerPasswordMetrics(metrics: Metrics, services: Services): void {
  const { passwords, passwordWork } = services;
  metrics.registerCounter({
    name: 'password_hash_operations_total',
    help: 'argon2 computations, by operation (hash: a new password; verify: a password checked).',
    labelNames: ['operation'],
    collect: () => [
      { labels: { operation: 'hash' }, value: passwords.counts.hash },
      { labels: { operation: 'verify' }, value: passwords.counts.verify },
    ],
  });
  metrics.registerGauge({
    name: 'password_work_queue_waiting',
    help: 'Password checks and hashes waiting for an argon2 slot.',
    collect: () => passwordWork.waitingCount,
  });
  metrics.registerCounter({
    name: 'password_work_queue_rejected_total',
    help: 'Password work refused with 503 BUSY because the queue was full.',
    collect: () => passwordWork.rejected,
  });
}

/** The Fastify instance with our server options; no plugin or route yet. */
function createFastify(config: Readonly<Config>, logger: FastifyBaseLogger) {
  const app = Fastify({
    loggerInstance: logger,
    ...routingErrorOptions,
    clientErrorHandler: clientErrorHandler(logger),
    genReqId,
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(config.server.trustProxy),
    requestTimeout: config.server.requestTimeoutMs,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    schemaController: { compilersFactory: { buildValidator: queryCoercingValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // JSON only. Fastify also parses text/plain by default, handing the route a string
  // that its schema then refuses as "body must be object" (400): without that parser
  // a text/plain body is FST_ERR_CTP_INVALID_MEDIA_TYPE, answered 415 like any other.
  app.removeContentTypeParser('text/plain');
  acceptEmptyJsonBody(app);
  return app;
}

/** Builds the services, decorates the app with them, and ties their lifecycle to it. */
function attachServices(app: FastifyInstance, deps: AppDeps, metrics: Metrics): Services {
  const services = createServices({
    config: deps.config,
    db: deps.db,
    commandsServer: deps.commandsServer,
    clock: deps.clock ?? systemClock,
    log: app.log,
    metrics,
    ...(deps.throttleStore ? { throttleStore: deps.throttleStore } : {}),
  });
  app.decorate('services', services);
  app.addHook('onClose', async () => services.close());
  if (deps.startSweeper ?? true) {
    app.addHook('onReady', async () => services.sweeper.start());
  }
  return services;
}

/** The cross-cutting plugins, in the order their hooks must run; before any route. */
async function registerPlugins(
  app: FastifyInstance,
  deps: AppDeps,
  services: Services,
  metrics: Metrics,
): Promise<void> {
  const { config } = deps;
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(errorHandler);
  // Before the metrics plugin and the routes: the document lists the routes added after it.
  if (config.operations.docsEnabled) {
    await app.register(openapi, {
      extraTags: config.operations.netpilotClientCompat ? [COMPAT_TAG] : [],
    });
  }
  await app.register(metricsPlugin, {
    metrics,
    pool: deps.db.pool,
    expose: config.operations.metricsExposed,
    token: config.operations.metricsToken,
  });
  registerPasswordMetrics(metrics, services);
  await app.register(securityHeaders, { hsts: config.isProduction });
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await app.register(cookie);
  await app.register(authPlugin, {
    loginSessions: services.auth.sessions,
    cookieName: config.sessions.cookieName,
    allowedOrigins: config.corsOrigins,
  });
  await app.register(idempotencyPlugin, { idempotency: services.idempotency });
}

/** Every route plugin, with the services it calls. */
async function registerRoutes(app: FastifyInstance, deps: AppDeps, services: Services) {
  const { config, db, commandsServer } = deps;
  await app.register(healthRoutes, {
    pingDatabase: () => db.ping(),
    pingCommandsServer: async () => {
      await commandsServer.health();
    },
  });
  await app.register(authRoutes, {
    prefix: '/api/v1/auth',
    auth: services.auth,
    cookieName: config.sessions.cookieName,
    cookieSecure: config.sessions.cookieSecure,
  });
  await app.register(routerRoutes, {
    prefix: '/api/v1/routers',
    routers: services.routers,
    members: services.members,
    activity: services.activity,
  });
  await app.register(invitationRoutes, { prefix: '/api/v1', invitations: services.invitations });
  await app.register(deviceRoutes, {
    prefix: '/api/v1/routers',
    devices: services.devices,
    blocking: services.blocking,
  });
  await app.register(listRoutes, {
    prefix: '/api/v1/routers',
    lists: services.lists,
    settings: services.listSettings,
  });
  await app.register(driftRoutes, { prefix: '/api/v1/routers', drift: services.drift });
  await app.register(wifiRoutes, { prefix: '/api/v1/routers', wifi: services.wifi });
  await app.register(usageRoutes, { prefix: '/api/v1/routers', usage: services.usage });
  await app.register(operationRoutes, { prefix: '/api/v1', operations: services.operations });
  if (config.operations.netpilotClientCompat) {
    await app.register(netpilotClientRoutes, {
      services,
      cookieName: config.sessions.cookieName,
      cookieSecure: config.sessions.cookieSecure,
      frontendUrl: config.frontendUrl,
      allowedOrigins: config.corsOrigins,
    });
  }
  if (config.operations.consoleDir !== null) {
    await app.register(consolePlugin, { dir: config.operations.consoleDir });
  }
}

/** Builds the Fastify app from its dependencies. Never listens: server.ts does. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createFastify(deps.config, deps.logger ?? createLogger(deps.config.logLevel));
  const metrics = deps.metrics ?? new Metrics();
  const services = attachServices(app, deps, metrics);
  await registerPlugins(app, deps, services, metrics);
  await registerRoutes(app, deps, services);
  return app;
}
