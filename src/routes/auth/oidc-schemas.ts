import { Type } from 'typebox';
import { ERROR_CODES, type ErrorCode } from '../../errors.js';
import { Envelope } from '../../http/envelope.js';

const tags = ['auth'];

/** Every code an OpenID sign-in's redirect may carry as `?error=`. */
const OIDC_ERRORS = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => c.startsWith('OIDC_'));

export const OidcStartQuerySchema = Type.Object(
  {
    returnTo: Type.Optional(
      Type.String({
        maxLength: 2048,
        description:
          "where the browser goes after the sign-in: a path on this server ('/…') or a URL on PUBLIC_URL, FRONTEND_URL or a CORS origin; anything else is replaced by FRONTEND_URL (else '/')",
      }),
    ),
  },
  { $id: 'OidcStartQuery' },
);

function redirect(description: string) {
  return {
    type: 'null',
    description,
    headers: {
      Location: { type: 'string', description: 'where the browser goes next' },
    },
  } as const;
}

/** GET /auth/oidc/start */
export const OidcStartRoute = {
  operationId: 'startOidcSignIn',
  tags,
  summary: 'Sign in with the OpenID provider: redirects the browser to it',
  description:
    "A top-level browser navigation, not an API call. Answers 302 to the provider's authorization endpoint (code flow with PKCE S256, state and nonce) and sets a 10-minute HttpOnly cookie binding the sign-in to this browser. When the sign-in cannot start (no provider configured, provider unreachable), 302 to the return target with `?error=<code>` (see x-error-codes).",
  querystring: OidcStartQuerySchema,
  'x-error-codes': ['OIDC_NOT_CONFIGURED', 'OIDC_PROVIDER_UNAVAILABLE', 'OIDC_PROVIDER_ERROR'],
  response: {
    302: redirect(
      "To the provider's authorization endpoint; or to the return target with `?error=<code>`.",
    ),
  },
};

/** GET /auth/oidc/callback */
export const OidcCallbackRoute = {
  operationId: 'completeOidcSignIn',
  tags,
  summary: 'Where the OpenID provider sends the browser back; signs in and redirects',
  description:
    "Register `PUBLIC_URL/api/v1/auth/oidc/callback` at the provider. Single-use: the sign-in started in this browser (its cookie) in the last 10 minutes, exchanged once. On success the session cookie is set, as by POST /auth/login, and the answer is 302 to the return target given at the start. Every failure is 302 to that target (or FRONTEND_URL, else '/') with `?error=<code>` (see x-error-codes), never an error page.",
  querystring: Type.Object({}, { additionalProperties: true, $id: 'OidcCallbackQuery' }),
  'x-error-codes': OIDC_ERRORS,
  response: {
    302: redirect('To the return target; with `?error=<code>` when nobody was signed in.'),
  },
};

const SignInMethodSchema = Type.Object(
  {
    id: Type.Union([Type.Literal('password'), Type.Literal('oidc')]),
    name: Type.Optional(Type.String({ description: 'the provider shown to users (OpenID only)' })),
    startUrl: Type.Optional(
      Type.String({ description: 'where a "Sign in with …" button navigates (OpenID only)' }),
    ),
  },
  { $id: 'SignInMethod' },
);

/** GET /auth/providers */
export const ProvidersRoute = {
  operationId: 'listSignInMethods',
  tags,
  summary: 'The sign-in methods this server offers',
  description:
    'Public. `password` always; `oidc` when an OpenID provider is configured, with its name and the URL a sign-in button opens (append `?returnTo=`).',
  response: {
    200: Envelope(Type.Array(SignInMethodSchema), 'The sign-in methods, password first.'),
  },
};
