import type { FastifyReply, FastifyRequest } from 'fastify';

interface AuthCookiesOptions {
  /** Name of the session cookie; the device cookie is named after it. */
  cookieName: string;
  cookieSecure: boolean;
}

const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

/**
 * The cookies the auth routes set: the session cookie (the bearer token, for
 * browsers), the device cookie and the two-factor challenge cookie. The device cookie outlives sessions and
 * logouts: it names this browser, not a login.
 */
export function authCookies(options: AuthCookiesOptions) {
  const { cookieName } = options;
  const deviceCookieName = `${cookieName}_device`;
  const challengeCookieName = `${cookieName}_2fa`;
  const attributes = {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.cookieSecure,
    path: '/',
  } as const;
  return {
    setSession: (reply: FastifyReply, token: string, expires: Date) =>
      reply.setCookie(cookieName, token, { ...attributes, expires }),
    clearSession: (reply: FastifyReply) => reply.clearCookie(cookieName, attributes),
    device: (request: FastifyRequest): string | undefined => request.cookies[deviceCookieName],
    setDevice: (reply: FastifyReply, value: string) =>
      reply.setCookie(deviceCookieName, value, {
        ...attributes,
        maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
      }),
    /** The two-factor challenge of a sign-in that ends in a redirect (OpenID), until verified. */
    challenge: (request: FastifyRequest): string | undefined =>
      request.cookies[challengeCookieName],
    setChallenge: (reply: FastifyReply, token: string, expires: Date) =>
      reply.setCookie(challengeCookieName, token, { ...attributes, expires }),
    clearChallenge: (reply: FastifyReply) => reply.clearCookie(challengeCookieName, attributes),
  };
}

export type AuthCookies = ReturnType<typeof authCookies>;
