import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The OpenAPI document is generated from the route schemas, so it cannot drift
 * from what the server validates. Served at /openapi.json, with Swagger UI at /docs.
 */
async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'NetPilot Auth/DB Server',
        version: '0.1.0',
        description:
          'Users, sessions, router membership and router operations. Every answer uses the envelope {success, data, error, metadata}.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'netpilot_session' },
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
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(openapiPlugin, { name: 'openapi', fastify: '5.x' });
