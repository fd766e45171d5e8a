import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { errorResponses as errors } from '../common.js';

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
  { additionalProperties: false },
);

export const ChangePasswordBodySchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const SessionParamsSchema = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const SessionRefSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const LoginResultSchema = Type.Object({
  user: UserSchema,
  session: SessionRefSchema,
  token: Type.String({ description: 'bearer token; also set as an HttpOnly cookie' }),
});

export const MeSchema = Type.Object({ user: UserSchema, session: SessionRefSchema });

export const SessionSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  current: Type.Boolean(),
});

export const RevokedSchema = Type.Object({ revoked: Type.Integer({ minimum: 0 }) });

const LoggedOutSchema = Type.Object({ loggedOut: Type.Literal(true) });

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it.
const tags = ['auth'];

/** POST /auth/register */
export const RegisterRoute = {
  tags,
  summary: 'Create an account',
  description:
    'Limited per client address (429 RATE_LIMITED with Retry-After); 503 BUSY with Retry-After when too much password work is queued.',
  body: CredentialsBodySchema,
  response: { 201: Envelope(UserSchema), ...errors(400, 409, 413, 415, 429, 503) },
};

/** POST /auth/login */
export const LoginRoute = {
  tags,
  summary: 'Log in; answers a bearer token and sets the session cookie',
  description:
    'Also sets a device cookie: later logins from this browser are throttled by its own counter only, so guesses from elsewhere cannot lock its user out. 429 with Retry-After while backing off; 503 BUSY with Retry-After when too much password work is queued.',
  body: CredentialsBodySchema,
  response: { 200: Envelope(LoginResultSchema), ...errors(400, 401, 429, 503) },
};

/** POST /auth/logout */
export const LogoutRoute = {
  tags,
  summary: 'End the current session',
  response: { 200: Envelope(LoggedOutSchema), ...errors(401, 403) },
};

/** GET /auth/me */
export const MeRoute = {
  tags,
  summary: 'The current user and session',
  response: { 200: Envelope(MeSchema), ...errors(401) },
};

/** GET /auth/sessions */
export const ListSessionsRoute = {
  tags,
  summary: "The user's active sessions",
  response: { 200: Envelope(Type.Array(SessionSchema)), ...errors(401) },
};

/** DELETE /auth/sessions/{sessionId} */
export const RevokeSessionRoute = {
  tags,
  summary: 'Revoke one of the user’s sessions',
  params: SessionParamsSchema,
  response: { 200: Envelope(RevokedSchema), ...errors(400, 401, 403, 404) },
};

/** POST /auth/sessions/revoke-others */
export const RevokeOthersRoute = {
  tags,
  summary: 'Revoke every session but the current one',
  response: { 200: Envelope(RevokedSchema), ...errors(401, 403) },
};

/** POST /auth/password */
export const ChangePasswordRoute = {
  tags,
  summary: 'Change the password; every other session is revoked',
  description:
    'The current-password check is throttled like logins (per account and per session): 429 TOO_MANY_ATTEMPTS with Retry-After.',
  body: ChangePasswordBodySchema,
  response: { 200: Envelope(RevokedSchema), ...errors(400, 401, 403, 429, 503) },
};
