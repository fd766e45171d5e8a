import { ok } from '../../http/envelope.js';
import type { AuthServices } from '../../services/auth/index.js';
import { ReturnTargets } from '../../services/auth/return-to.js';
import { clientInfo, type TypeBoxApp } from '../common.js';
import type { AuthCookies } from './cookies.js';
import { OidcCallbackRoute, OidcStartRoute, ProvidersRoute } from './oidc-schemas.js';

const START_PATH = '/api/v1/auth/oidc/start';

/** The query's single values (a repeated parameter is dropped: the provider sends each once). */
function singleValues(query: unknown): Record<string, string> {
  const entries = Object.entries((query ?? {}) as Record<string, unknown>);
  return Object.fromEntries(entries.filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Sign-in with an OpenID provider (issue #14): two browser redirects and the
 * list of sign-in methods. Thin like every route: the service decides, and
 * answers a `kind` the route turns into cookies and a Location.
 */
export function oidcRoutes(app: TypeBoxApp, authService: AuthServices, cookies: AuthCookies) {
  app.get('/providers', { schema: ProvidersRoute }, async (request, reply) => {
    const oidc = authService.providers;
    const methods = [
      { id: 'password' as const },
      ...(oidc ? [{ id: 'oidc' as const, name: oidc.name, startUrl: START_PATH }] : []),
    ];
    return ok(request, reply, methods);
  });

  app.get('/oidc/start', { schema: OidcStartRoute }, async (request, reply) => {
    const started = await authService.oidc.start(request.query.returnTo, clientInfo(request));
    if (started.kind === 'failed') {
      return reply.redirect(ReturnTargets.withError(started.returnTo, started.code), 302);
    }
    cookies.setOidcBinding(reply, started.browserBinding);
    return reply.redirect(started.location, 302);
  });

  app.get('/oidc/callback', { schema: OidcCallbackRoute }, async (request, reply) => {
    const outcome = await authService.oidc.complete(
      { query: singleValues(request.query), browserBinding: cookies.oidcBinding(request) },
      clientInfo(request),
    );
    cookies.clearOidcBinding(reply);
    switch (outcome.kind) {
      case 'signedIn': {
        const { token, absoluteExpiresAt } = outcome.signedIn;
        cookies.setSession(reply, token, absoluteExpiresAt);
        return reply.redirect(outcome.returnTo, 302);
      }
      case 'twoFactorRequired': {
        // The page at returnTo asks for the code and posts it to /auth/2fa/verify,
        // which reads the challenge from this HttpOnly cookie.
        const { challengeToken, expiresAt } = outcome.challenge;
        cookies.setChallenge(reply, challengeToken, new Date(expiresAt));
        return reply.redirect(
          ReturnTargets.withParam(outcome.returnTo, 'twoFactor', 'required'),
          302,
        );
      }
      case 'failed':
        return reply.redirect(ReturnTargets.withError(outcome.returnTo, outcome.code), 302);
    }
  });
}
