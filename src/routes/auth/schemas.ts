import { Type, type Static } from 'typebox';

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
export type CredentialsBody = Static<typeof CredentialsBodySchema>;

export const ChangePasswordBodySchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBodySchema>;

export const SessionParamsSchema = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });
export type SessionParams = Static<typeof SessionParamsSchema>;

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
