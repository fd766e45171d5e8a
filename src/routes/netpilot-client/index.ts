import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/index.js';
import { authCookies } from '../auth/cookies.js';
import { modeRateRoutes } from './modes-rates.js';
import { monitorWifiRoutes } from './monitor-wifi.js';
import { routerSessionRoutes } from './router-session.js';
import { scanListRoutes } from './scan-lists.js';
import { signInRoutes } from './sign-in.js';
import { twoFactorRoutes } from './two-factor.js';

export { COMPAT_TAG } from './schemas/shared.js';

export interface NetpilotClientOptions {
  services: Services;
  cookieName: string;
  cookieSecure: boolean;
  /** Where sign-ins land (the client); null: '/'. */
  frontendUrl: string | null;
  /** CORS_ORIGINS: also the CSRF allow-list of the routes that read the cookie themselves. */
  allowedOrigins: readonly string[];
}

/**
 * NetPilot's existing web client, unchanged (issue #16, NETPILOT_CLIENT_COMPAT):
 * its calls at its own paths, each mapped onto the services the /api/v1 routes
 * use. Only shapes are mapped here; authentication, membership, validation, the
 * operation runner, audit and errors are the services'.
 */
export default async function netpilotClientRoutes(
  fastify: FastifyInstance,
  options: NetpilotClientOptions,
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const cookies = authCookies(options);
  signInRoutes(app, options, cookies);
  twoFactorRoutes(app, options.services.auth, cookies);
  routerSessionRoutes(app, options.services);
  scanListRoutes(app, options.services, new Set(options.allowedOrigins));
  modeRateRoutes(app, options.services);
  monitorWifiRoutes(app, options.services);
}
