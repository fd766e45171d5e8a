import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { AuthServices } from '../../services/auth/index.js';
import { authed, caller, clientInfo, withoutIdempotency, type TypeBoxApp } from '../common.js';
import { authCookies, type AuthCookies } from './cookies.js';
import { twoFactorRoutes } from './two-factor.js';
import { oidcRoutes } from './oidc.js';
import {
  ChangePasswordRoute,
  ListSessionsRoute,
  LoginRoute,
  LogoutRoute,
  MeRoute,
  UpdateMeRoute,
  RegisterRoute,
  RevokeOthersRoute,
  RevokeSessionRoute,
} from './schemas.js';

export interface AuthRoutesOptions {
  auth: AuthServices;
  cookieName: string;
  cookieSecure: boolean;
}

/** /api/v1/auth: registration, login (password or OpenID provider) and the user's sessions (SPEC §5). */
export default async function authRoutes(fastify: FastifyInstance, options: AuthRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const cookies = authCookies(options);
  publicRoutes(app, options.auth, cookies);
  signedInRoutes(app, options.auth, cookies);
  twoFactorRoutes(app, options.auth, cookies);
  oidcRoutes(app, options.auth, cookies);
}

/** Registration and login: the routes that need no session. */
function publicRoutes(app: TypeBoxApp, authService: AuthServices, cookies: AuthCookies) {
  app.post('/register', { schema: RegisterRoute }, async (request, reply) => {
    const { email, password } = request.body;
    const user = await authService.registration.register(email, password, clientInfo(request));
    return reply.status(201).send(ok(request, reply, user));
  });

  app.post('/login', { schema: LoginRoute }, async (request, reply) => {
    const { email, password } = request.body;
    const device = cookies.device(request);
    const result = await authService.login.login(email, password, clientInfo(request), device);
    if (result.kind === 'twoFactorRequired') {
      cookies.setDevice(reply, result.deviceCookie);
      return ok(request, reply, result.challenge);
    }
    const { user, session, token, absoluteExpiresAt } = result.signedIn;
    cookies.setSession(reply, token, absoluteExpiresAt);
    cookies.setDevice(reply, result.deviceCookie);
    return ok(request, reply, { user, session, token });
  });
}

/** What a logged-in user does with their session, the others and the password. */
function signedInRoutes(app: TypeBoxApp, authService: AuthServices, cookies: AuthCookies) {
  app.post('/logout', withoutIdempotency(authed(LogoutRoute)), async (request, reply) => {
    const { auth, client } = caller(request);
    await authService.sessions.logout(auth, client);
    cookies.clearSession(reply);
    return ok(request, reply, { loggedOut: true as const });
  });

  app.get('/me', authed(MeRoute), async (request, reply) => {
    const { auth } = caller(request);
    return ok(request, reply, await authService.profile.me(auth));
  });

  app.patch('/me', authed(UpdateMeRoute), async (request, reply) => {
    const { auth } = caller(request);
    return ok(request, reply, await authService.profile.update(auth, request.body));
  });

  app.get('/sessions', authed(ListSessionsRoute), async (request, reply) => {
    const { auth } = caller(request);
    return ok(request, reply, await authService.sessions.list(auth, request.query));
  });

  app.delete('/sessions/:sessionId', authed(RevokeSessionRoute), async (request, reply) => {
    const { auth, client } = caller(request);
    const { sessionId } = request.params;
    await authService.sessions.revoke(auth, sessionId, client);
    if (sessionId === auth.sessionId) {
      cookies.clearSession(reply);
    }
    return ok(request, reply, { revoked: 1 });
  });

  app.post('/sessions/revoke-others', authed(RevokeOthersRoute), async (request, reply) => {
    const { auth, client } = caller(request);
    return ok(request, reply, { revoked: await authService.sessions.revokeOthers(auth, client) });
  });

  app.post('/password', withoutIdempotency(authed(ChangePasswordRoute)), async (request, reply) => {
    const { auth, client } = caller(request);
    const { currentPassword, newPassword } = request.body;
    const revoked = await authService.passwordChange.change(
      auth,
      currentPassword,
      newPassword,
      client,
    );
    return ok(request, reply, { revoked });
  });
}
