import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { Page, PAGINATION_NOTE, PageQuerySchema } from '../../http/page.js';
import { BODY_ERRORS, CHANGE_ERRORS, errorResponses as errors, Nullable } from '../common.js';

// Bounds are generous on purpose: the service applies the real password policy
// and names the field; the schema only stops absurd input early (a 1 MB password).
export const CredentialsBodySchema = Type.Object(
  {
    email: Type.String({
      minLength: 3,
      maxLength: 254,
      // Surrounding white space is allowed here and trimmed by the service.
      pattern: '^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$',
    }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false, $id: 'Credentials' },
);

export const ChangePasswordBodySchema = Type.Object(
  {
    currentPassword: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description:
          'required when the account has a password; an account created by an OpenID sign-in sets its first one without it',
      }),
    ),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false, $id: 'ChangePasswordRequest' },
);

export const SessionParamsSchema = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

export const SessionRefSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SessionRef' },
);

export const LoginResultSchema = Type.Object(
  {
    user: UserSchema,
    session: SessionRefSchema,
    token: Type.String({ description: 'bearer token; also set as an HttpOnly cookie' }),
  },
  { $id: 'LoginResult' },
);

const ProfileUserSchema = Type.Object(
  {
    ...UserSchema.properties,
    displayName: Nullable(
      Type.String({ description: 'shown name; from the provider or set by the user' }),
    ),
    pictureUrl: Nullable(Type.String({ format: 'uri', description: 'https URL of an avatar' })),
  },
  { $id: 'UserProfile' },
);

const LinkedProviderSchema = Type.Object(
  {
    id: Type.Literal('oidc'),
    name: Type.String({ description: 'the provider, as shown to users' }),
    email: Type.String({ description: "the provider's verified email when it was linked" }),
    linkedAt: Type.String({ format: 'date-time' }),
  },
  {
    $id: 'LinkedProvider',
    description:
      "an OpenID identity of the account; the provider's subject identifier is not shown",
  },
);

export const MeSchema = Type.Object(
  {
    user: ProfileUserSchema,
    session: SessionRefSchema,
    hasPassword: Type.Boolean({
      description: 'false for an account made by an OpenID sign-in until a password is set',
    }),
    providers: Type.Array(LinkedProviderSchema),
  },
  { $id: 'Me' },
);

export const UpdateMeBodySchema = Type.Object(
  {
    displayName: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 400,
          description: '1–100 characters after trimming; null clears it',
        }),
      ),
    ),
    pictureUrl: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 2048,
          description: 'an https:// URL; null clears it',
        }),
      ),
    ),
  },
  { additionalProperties: false, $id: 'UpdateMeRequest' },
);

export const SessionSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    current: Type.Boolean(),
    method: Type.Union([Type.Literal('password'), Type.Literal('oidc')], {
      description: 'how the user signed in: email and password, or an OpenID provider',
    }),
    twoFactor: Type.Boolean({ description: 'a second factor was checked at sign-in' }),
  },
  { $id: 'Session' },
);

export const RevokedSchema = Type.Object(
  { revoked: Type.Integer({ minimum: 0, description: 'how many sessions were revoked' }) },
  { $id: 'RevokedSessions' },
);

/** The login answer of a user with two-factor authentication on (see two-factor.schemas.ts). */
export const TwoFactorChallengeSchema = Type.Object(
  {
    twoFactorRequired: Type.Literal(true),
    challengeToken: Type.String({
      description: 'single use; send it to POST /api/v1/auth/2fa/verify with a code',
    }),
    expiresAt: Type.String({ format: 'date-time', description: 'five minutes after the login' }),
  },
  { $id: 'TwoFactorChallenge' },
);

const LoggedOutSchema = Type.Object({ loggedOut: Type.Literal(true) }, { $id: 'LoggedOut' });

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it.
const tags = ['auth'];

/** POST /auth/register */
export const RegisterRoute = {
  operationId: 'register',
  tags,
  summary: 'Create an account',
  description:
    'Limited per client address (429 RATE_LIMITED with Retry-After); 503 BUSY with Retry-After when too much password work is queued.',
  body: CredentialsBodySchema,
  response: {
    201: Envelope(UserSchema, 'The account is created; log in next.'),
    ...errors('VALIDATION_FAILED', ...BODY_ERRORS, 'EMAIL_TAKEN', 'RATE_LIMITED', 'BUSY'),
  },
};

/** POST /auth/login */
export const LoginRoute = {
  operationId: 'login',
  tags,
  summary: 'Log in; answers a bearer token and sets the session cookie',
  description:
    'Also sets a device cookie: later logins from this browser are throttled by its own counter only, so guesses from elsewhere cannot lock its user out. 429 with Retry-After while backing off; 503 BUSY with Retry-After when too much password work is queued.',
  body: CredentialsBodySchema,
  response: {
    200: Envelope(
      Type.Union([LoginResultSchema, TwoFactorChallengeSchema]),
      'Logged in: the user, the new session and its bearer token. With two-factor authentication on, no session yet: a challenge for POST /auth/2fa/verify (`twoFactorRequired: true`).',
    ),
    ...errors(
      'VALIDATION_FAILED',
      ...BODY_ERRORS,
      'INVALID_CREDENTIALS',
      'TOO_MANY_ATTEMPTS',
      'RATE_LIMITED',
      'BUSY',
    ),
  },
};

/** POST /auth/logout */
export const LogoutRoute = {
  operationId: 'logout',
  tags,
  summary: 'End the current session',
  response: {
    200: Envelope(LoggedOutSchema, 'The session is ended and its cookie cleared.'),
    ...errors('UNAUTHENTICATED', ...CHANGE_ERRORS),
  },
};

/** GET /auth/me */
export const MeRoute = {
  operationId: 'getMe',
  tags,
  summary: 'The current user, profile, session and sign-in methods',
  response: {
    200: Envelope(MeSchema, 'The user and the session this request authenticated with.'),
    ...errors('UNAUTHENTICATED'),
  },
};

/** PATCH /auth/me */
export const UpdateMeRoute = {
  operationId: 'updateMe',
  tags,
  summary: 'Change the display name or picture',
  body: UpdateMeBodySchema,
  response: {
    200: Envelope(MeSchema, 'The user after the change, as GET /auth/me shows it.'),
    ...errors('VALIDATION_FAILED', ...BODY_ERRORS, 'UNAUTHENTICATED', ...CHANGE_ERRORS),
  },
};

/** GET /auth/sessions */
export const ListSessionsRoute = {
  operationId: 'listSessions',
  tags,
  summary: "The user's active sessions",
  description: `Most recently used first. ${PAGINATION_NOTE}`,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(
      Page(SessionSchema, 'SessionPage'),
      "One page of the user's active sessions; `current` marks this one.",
    ),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED'),
  },
};

/** DELETE /auth/sessions/{sessionId} */
export const RevokeSessionRoute = {
  operationId: 'revokeSession',
  tags,
  summary: 'Revoke one of the user’s sessions',
  params: SessionParamsSchema,
  response: {
    200: Envelope(RevokedSchema, 'The session is revoked.'),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', ...CHANGE_ERRORS, 'SESSION_NOT_FOUND'),
  },
};

/** POST /auth/sessions/revoke-others */
export const RevokeOthersRoute = {
  operationId: 'revokeOtherSessions',
  tags,
  summary: 'Revoke every session but the current one',
  response: {
    200: Envelope(RevokedSchema, 'The other sessions are revoked; `revoked` counts them.'),
    ...errors('UNAUTHENTICATED', ...CHANGE_ERRORS),
  },
};

/** POST /auth/password */
export const ChangePasswordRoute = {
  operationId: 'changePassword',
  tags,
  summary: 'Change the password; every other session is revoked',
  description:
    'The current-password check is throttled like logins (per account and per session): 429 TOO_MANY_ATTEMPTS with Retry-After.',
  body: ChangePasswordBodySchema,
  response: {
    200: Envelope(
      RevokedSchema,
      'The password is changed; `revoked` counts the other sessions ended.',
    ),
    ...errors(
      'VALIDATION_FAILED',
      ...BODY_ERRORS,
      'UNAUTHENTICATED',
      'INVALID_CREDENTIALS',
      ...CHANGE_ERRORS,
      'TOO_MANY_ATTEMPTS',
      'BUSY',
    ),
  },
};
