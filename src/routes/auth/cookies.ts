import type { FastifyReply, FastifyRequest } from 'fastify';

interface AuthCookiesOptions {
  /** Name of the session cookie; the device cookie is named after it. */
  cookieName: string;
  cookieSecure: boolean;
}

const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;
/** The OpenID flow's cookie lives as long as the flow (10 minutes) and is sent to its routes only. */
const OIDC_COOKIE_MAX_AGE_SECONDS = 10 * 60;
const OIDC_COOKIE_PATH = '/api/v1/auth/oidc';

/**
 * The cookies the auth routes set: the session cookie (the bearer token, for
 * browsers), the device cookie, the two-factor challenge cookie and the OpenID
 * flow's browser binding. The device cookie outlives sessions and logouts: it
 * names this browser, not a login. The binding ties an OpenID sign-in to the
 * browser that started it (SameSite=Lax: the provider's redirect back is a
 * top-level GET, which carries it), so a callback URL planted in another browser
 * signs nobody in there (login CSRF).
 */
export function authCookies(options: AuthCookiesOptions) {
  const { cookieName } = options;
  const deviceCookieName = `${cookieName}_device`;
  const challengeCookieName = `${cookieName}_2fa`;
  const oidcCookieName = `${cookieName}_oidc`;
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
    oidcBinding: (request: FastifyRequest): string | undefined => request.cookies[oidcCookieName],
    setOidcBinding: (reply: FastifyReply, value: string) =>
      reply.setCookie(oidcCookieName, value, {
        ...attributes,
        path: OIDC_COOKIE_PATH,
        maxAge: OIDC_COOKIE_MAX_AGE_SECONDS,
      }),
    clearOidcBinding: (reply: FastifyReply) =>
      reply.clearCookie(oidcCookieName, { ...attributes, path: OIDC_COOKIE_PATH }),
  };
}

export type AuthCookies = ReturnType<typeof authCookies>;
