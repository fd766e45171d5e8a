import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Envelope, ok } from '../../http/envelope.js';
import { requireAuth } from '../../plugins/auth.plugin.js';
import type { AuthServices } from '../../services/auth/index.js';
import { authed, clientInfo, errorResponses as errors, security } from '../common.js';
import {
  ChangePasswordBodySchema,
  CredentialsBodySchema,
  LoginResultSchema,
  MeSchema,
  RevokedSchema,
  SessionParamsSchema,
  SessionSchema,
  UserSchema,
} from './schemas.js';

export interface AuthRoutesOptions {
  auth: AuthServices;
  cookieName: string;
  cookieSecure: boolean;
}

const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

/** /api/v1/auth: registration, login and the user's sessions (SPEC §5). */
export default async function authRoutes(fastify: FastifyInstance, options: AuthRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { auth } = options;

  const setCookie = (reply: FastifyReply, token: string, expires: Date) =>
    reply.setCookie(options.cookieName, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.cookieSecure,
      path: '/',
      expires,
    });
  // The device cookie outlives sessions and logouts: it names this browser, not a login.
  const deviceCookieName = `${options.cookieName}_device`;
  const setDeviceCookie = (reply: FastifyReply, value: string) =>
    reply.setCookie(deviceCookieName, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.cookieSecure,
      path: '/',
      maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
    });
  const clearCookie = (reply: FastifyReply) =>
    reply.clearCookie(options.cookieName, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.cookieSecure,
      path: '/',
    });

  app.post(
    '/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        description:
          'Limited per client address (429 RATE_LIMITED with Retry-After); 503 BUSY with Retry-After when too much password work is queued.',
        body: CredentialsBodySchema,
        response: { 201: Envelope(UserSchema), ...errors(400, 409, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const user = await auth.registration.register(
        request.body.email,
        request.body.password,
        clientInfo(request),
      );
      return reply.status(201).send(ok(request, reply, user));
    },
  );

  app.post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in; answers a bearer token and sets the session cookie',
        description:
          'Also sets a device cookie: later logins from this browser are throttled by its own counter only, so guesses from elsewhere cannot lock its user out. 429 with Retry-After while backing off; 503 BUSY with Retry-After when too much password work is queued.',
        body: CredentialsBodySchema,
        response: { 200: Envelope(LoginResultSchema), ...errors(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      const result = await auth.login.login(
        request.body.email,
        request.body.password,
        clientInfo(request),
        request.cookies[deviceCookieName],
      );
      setCookie(reply, result.token, result.absoluteExpiresAt);
      setDeviceCookie(reply, result.deviceCookie);
      return ok(request, reply, {
        user: result.user,
        session: result.session,
        token: result.token,
      });
    },
  );

  app.post(
    '/logout',
    {
      config: authed,
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        security,
        response: {
          200: Envelope(Type.Object({ loggedOut: Type.Literal(true) })),
          ...errors(401, 403),
        },
      },
    },
    async (request, reply) => {
      await auth.sessions.logout(requireAuth(request), clientInfo(request));
      clearCookie(reply);
      return ok(request, reply, { loggedOut: true as const });
    },
  );

  app.get(
    '/me',
    {
      config: authed,
      schema: {
        tags: ['auth'],
        summary: 'The current user and session',
        security,
        response: { 200: Envelope(MeSchema), ...errors(401) },
      },
    },
    async (request, reply) => ok(request, reply, await auth.sessions.me(requireAuth(request))),
  );

  app.get(
    '/sessions',
    {
      config: authed,
      schema: {
        tags: ['auth'],
        summary: "The user's active sessions",
        security,
        response: { 200: Envelope(Type.Array(SessionSchema)), ...errors(401) },
      },
    },
    async (request, reply) => ok(request, reply, await auth.sessions.list(requireAuth(request))),
  );

  app.delete(
    '/sessions/:sessionId',
    {
      config: authed,
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of the user’s sessions',
        security,
        params: SessionParamsSchema,
        response: { 200: Envelope(RevokedSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const caller = requireAuth(request);
      await auth.sessions.revoke(caller, request.params.sessionId, clientInfo(request));
      if (request.params.sessionId === caller.sessionId) {
        clearCookie(reply);
      }
      return ok(request, reply, { revoked: 1 });
    },
  );

  app.post(
    '/sessions/revoke-others',
    {
      config: authed,
      schema: {
        tags: ['auth'],
        summary: 'Revoke every session but the current one',
        security,
        response: { 200: Envelope(RevokedSchema), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const revoked = await auth.sessions.revokeOthers(requireAuth(request), clientInfo(request));
      return ok(request, reply, { revoked });
    },
  );

  app.post(
    '/password',
    {
      config: authed,
      schema: {
        tags: ['auth'],
        summary: 'Change the password; every other session is revoked',
        description:
          'The current-password check is throttled like logins (per account and per session): 429 TOO_MANY_ATTEMPTS with Retry-After.',
        security,
        body: ChangePasswordBodySchema,
        response: { 200: Envelope(RevokedSchema), ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const revoked = await auth.passwordChange.change(
        requireAuth(request),
        request.body.currentPassword,
        request.body.newPassword,
        clientInfo(request),
      );
      return ok(request, reply, { revoked });
    },
  );
}
