import { Type } from 'typebox';
import { Envelope } from '../../../http/envelope.js';
import {
  BODY_ERRORS,
  CHANGE_ERRORS,
  errorResponses as errors,
  Nullable,
  ROUTER_CALL_ERRORS,
} from '../../common.js';
import { MessageSchema, redirect, RouterId, tags } from './shared.js';

/** GET /login */
export const LoginRoute = {
  operationId: 'compatLogin',
  tags,
  summary: "The client's login button: starts the OpenID sign-in (as GET /api/v1/auth/oidc/start)",
  description:
    'A top-level navigation. 302 to the provider; the sign-in ends at FRONTEND_URL with `?login=success` (plus `&requires_2fa=true&action=verify` when a second factor is asked for), or `?login=error&error=<code>`.',
  'x-error-codes': ['OIDC_NOT_CONFIGURED', 'OIDC_PROVIDER_UNAVAILABLE', 'OIDC_PROVIDER_ERROR'],
  response: {
    302: redirect('To the provider; or to FRONTEND_URL with `?login=error&error=<code>`.'),
  },
};

export const LandingQuerySchema = Type.Object(
  {
    twoFactor: Type.Optional(Type.String({ maxLength: 32 })),
    error: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { $id: 'CompatLoginLandingQuery' },
);

/** GET /login/complete */
export const LandingRoute = {
  operationId: 'compatLoginLanding',
  tags,
  summary:
    "Where a sign-in started at /login returns: translated into the client's query, then to FRONTEND_URL",
  description:
    '`?twoFactor=required` becomes `?login=success&requires_2fa=true&action=verify`, `?error=<code>` becomes `?login=error&error=<code>`, nothing else `?login=success`. It signs nobody in: the client then asks GET /me.',
  querystring: LandingQuerySchema,
  response: { 302: redirect('To FRONTEND_URL (else /) with the query the client reads.') },
};

const MeSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String({ description: 'the display name, else the part of the e-mail before @' }),
    full_name: Nullable(Type.String()),
    picture: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
    requires_2fa: Type.Boolean({ description: 'two-factor authentication is on for the account' }),
    has_2fa_enabled: Type.Boolean(),
    is_2fa_verified: Type.Boolean({
      description:
        'false only while the sign-in waits for its second factor (POST /api/2fa/verify); a session is only ever opened after it',
    }),
    twofa_enforced_at: Nullable(Type.String()),
    last_login: Nullable(Type.String({ format: 'date-time' })),
    is_active: Type.Boolean(),
  },
  {
    $id: 'CompatMe',
    description:
      'Not enveloped: the client stores this object as is. With only a pending second-factor step (its cookie), the account it is for, not yet verified.',
  },
);

/** GET /me */
export const MeRoute = {
  operationId: 'compatMe',
  tags,
  summary: 'The signed-in user, flat (not enveloped), with the three 2FA flags the client reads',
  response: { 200: MeSchema, ...errors('UNAUTHENTICATED') },
};

/** POST /logout */
export const LogoutRoute = {
  operationId: 'compatLogout',
  tags,
  summary:
    'Ends the session (as POST /api/v1/auth/logout) and clears its cookies; 200 also when nobody was signed in',
  response: {
    200: Envelope(
      Type.Object({ loggedOut: Type.Boolean() }, { $id: 'CompatLogout' }),
      'Signed out (loggedOut: false when there was no session).',
    ),
    ...errors(...CHANGE_ERRORS),
  },
};

export const SessionEndBodySchema = Type.Object(
  { routerId: Type.Optional(Type.String({ maxLength: 256 })) },
  { additionalProperties: false, $id: 'CompatSessionEndRequest' },
);

/** POST /api/network/session/end */
export const SessionEndRoute = {
  operationId: 'compatEndSession',
  tags,
  summary: 'Nothing to do: the Commands-Server session ends with the login (POST /logout)',
  body: SessionEndBodySchema,
  response: {
    200: Envelope(MessageSchema, 'Nothing was changed.'),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', ...BODY_ERRORS, ...CHANGE_ERRORS),
  },
};

export const SessionStartBodySchema = Type.Object(
  { routerId: RouterId, restart: Type.Optional(Type.Boolean({ description: 'ignored' })) },
  { additionalProperties: false, $id: 'CompatSessionStartRequest' },
);

/** POST /api/session/start */
export const SessionStartRoute = {
  operationId: 'compatStartSession',
  tags,
  summary:
    "Checks that the caller is a member of the body's router; the Commands-Server session starts with the first router operation",
  body: SessionStartBodySchema,
  response: {
    200: Envelope(
      Type.Object(
        { session_id: Type.String({ description: 'the login session' }), message: Type.String() },
        { $id: 'CompatSessionStart' },
      ),
      'The caller may use this router.',
    ),
    ...errors(
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'ROUTER_NOT_FOUND',
      ...BODY_ERRORS,
      ...CHANGE_ERRORS,
    ),
  },
};

const RouterSelectionSchema = Type.Object(
  { routerId: Type.String() },
  { $id: 'CompatRouterSelection' },
);

/** GET /api/settings/router-id */
export const GetRouterIdRoute = {
  operationId: 'compatGetRouterId',
  tags,
  summary:
    "The caller's current router; 404 when none is selected or the caller is no longer a member of it",
  response: {
    200: Envelope(RouterSelectionSchema, 'The current router.'),
    ...errors('UNAUTHENTICATED', 'ROUTER_NOT_FOUND'),
  },
};

export const SetRouterIdBodySchema = Type.Object(
  { routerId: Type.String({ maxLength: 256, description: "the router's agent id" }) },
  { additionalProperties: false, $id: 'CompatSetRouterIdRequest' },
);

/** POST /api/settings/router-id */
export const SetRouterIdRoute = {
  operationId: 'compatSetRouterId',
  tags,
  summary:
    "Makes a router the caller's current one: one the caller belongs to is selected, any other is added (claimed) as by POST /api/v1/routers first",
  description:
    'Named after its id when added. Nothing is saved when the add fails: 409 ROUTER_ALREADY_CLAIMED (another user owns it), 404 ROUTER_UNKNOWN, 400, 502/503/504 when the router does not answer.',
  body: SetRouterIdBodySchema,
  response: {
    200: Envelope(
      Type.Object(
        { routerId: Type.String(), message: Type.String(), added: Type.Boolean() },
        { $id: 'CompatRouterSelected' },
      ),
      'The current router (added: the caller now owns it).',
    ),
    ...errors(
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      ...BODY_ERRORS,
      ...CHANGE_ERRORS,
      'ROUTER_ALREADY_CLAIMED',
      ...ROUTER_CALL_ERRORS,
    ),
  },
};
