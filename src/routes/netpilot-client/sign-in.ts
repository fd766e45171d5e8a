import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../errors.js';
import { ok } from '../../http/envelope.js';
import { assertAllowedOrigin } from '../../plugins/auth.plugin.js';
import type { UserRow } from '../../repositories/users.repository.js';
import type { AuthContext } from '../../services/auth-context.js';
import { ReturnTargets } from '../../services/auth/return-to.js';
import { clientInfo, type TypeBoxApp } from '../common.js';
import type { AuthCookies } from '../auth/cookies.js';
import type { NetpilotClientOptions } from './index.js';
import { LandingRoute, LoginRoute, LogoutRoute, MeRoute } from './schemas/session.js';

/** Where the OpenID flow started at /login returns (a path here, which ReturnTargets allows). */
const LANDING_PATH = '/login/complete';
/** An error code as our redirects carry it; anything else is not passed on. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The client's landing URL with its query (`login=…`, and the 2FA or error parameters). */
function clientTarget(frontendUrl: string, query: { twoFactor?: string; error?: string }) {
  if (query.error !== undefined) {
    const code = ERROR_CODE.test(query.error) ? query.error : 'OIDC_PROVIDER_ERROR';
    return ReturnTargets.withParam(
      ReturnTargets.withParam(frontendUrl, 'login', 'error'),
      'error',
      code,
    );
  }
  const success = ReturnTargets.withParam(frontendUrl, 'login', 'success');
  if (query.twoFactor !== 'required') {
    return success;
  }
  return ReturnTargets.withParam(
    ReturnTargets.withParam(success, 'requires_2fa', 'true'),
    'action',
    'verify',
  );
}

/** What /me shows of an account. */
type Account = Pick<UserRow, 'id' | 'email' | 'displayName' | 'pictureUrl'>;

/**
 * /me's flat object. `verified`: a session exists; one is only ever opened after
 * every factor the account had on at sign-in (or 2FA was turned on within it).
 * Signed-in and pending users are active (sessions and challenges need it).
 */
function flatUser(user: Account, twoFactorOn: boolean, verified: boolean, signedInAt: Date | null) {
  return {
    id: user.id,
    email: user.email,
    name: user.displayName ?? user.email.split('@')[0] ?? user.email,
    full_name: user.displayName,
    picture: user.pictureUrl,
    avatar_url: user.pictureUrl,
    requires_2fa: twoFactorOn,
    has_2fa_enabled: twoFactorOn,
    is_2fa_verified: twoFactorOn && verified,
    twofa_enforced_at: null,
    last_login: signedInAt?.toISOString() ?? null,
    is_active: true,
  };
}

/** The client's sign-in: /login, the landing, /me, /logout. */
export function signInRoutes(
  app: TypeBoxApp,
  options: NetpilotClientOptions,
  cookies: AuthCookies,
) {
  const { auth } = options.services;
  const frontendUrl = options.frontendUrl ?? '/';
  const allowed = new Set(options.allowedOrigins);

  /** The session of the cookie, if valid. */
  const sessionOf = async (request: FastifyRequest): Promise<AuthContext | null> => {
    const token = request.cookies[options.cookieName];
    return token ? auth.sessions.authenticate(token) : null;
  };

  app.get('/login', { schema: LoginRoute }, async (request, reply) => {
    const started = await auth.oidc.start(LANDING_PATH, clientInfo(request));
    if (started.kind === 'failed') {
      return reply.redirect(clientTarget(frontendUrl, { error: started.code }), 302);
    }
    cookies.setOidcBinding(reply, started.browserBinding);
    return reply.redirect(started.location, 302);
  });

  app.get(LANDING_PATH, { schema: LandingRoute }, async (request, reply) =>
    reply.redirect(clientTarget(frontendUrl, request.query), 302),
  );

  app.get('/me', { schema: MeRoute }, async (request) => {
    const session = await sessionOf(request);
    if (session) {
      const { user } = await auth.profile.me(session);
      const { enabled } = await auth.twoFactor.status(session.userId);
      return flatUser(user, enabled, true, session.signedInAt);
    }
    const challenge = cookies.challenge(request);
    const pending = challenge ? await auth.challenges.pendingUser(challenge) : null;
    if (!pending) {
      throw new UnauthorizedError('UNAUTHENTICATED', 'Log in first');
    }
    return flatUser(pending, true, false, null);
  });

  app.post('/logout', { schema: LogoutRoute }, async (request, reply: FastifyReply) => {
    const session = await sessionOf(request);
    if (session) {
      assertAllowedOrigin(request, allowed);
      await auth.sessions.logout(session, clientInfo(request));
    }
    cookies.clearSession(reply);
    cookies.clearChallenge(reply);
    return ok(request, reply, { loggedOut: session !== null });
  });
}
