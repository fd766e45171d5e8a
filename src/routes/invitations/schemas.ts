import { Type, type Static } from 'typebox';
import { RouterIdSchema } from '../routers/schemas.js';

const Timestamp = Type.String({ format: 'date-time' });
const InvitationId = Type.String({ format: 'uuid' });

export const InvitationParamsSchema = Type.Object({ invitationId: InvitationId });
export type InvitationParams = Static<typeof InvitationParamsSchema>;

export const RouterInvitationParamsSchema = Type.Object({
  routerId: RouterIdSchema,
  invitationId: InvitationId,
});
export type RouterInvitationParams = Static<typeof RouterInvitationParamsSchema>;

// The service normalises the address (trim, NFKC, lower case) and checks its
// shape; the schema only stops absurd input early.
export const InviteBodySchema = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }) },
  { additionalProperties: false },
);
export type InviteBody = Static<typeof InviteBodySchema>;

export const SentInvitationSchema = Type.Object({
  id: InvitationId,
  email: Type.String({
    description: 'the invited address, normalised (trimmed, NFKC, lower case)',
  }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});

export const ReceivedInvitationSchema = Type.Object({
  id: InvitationId,
  router: Type.Object({ routerId: Type.String(), name: Type.String() }),
  invitedBy: Type.Object({ email: Type.String() }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});

export const RevokedInvitationSchema = Type.Object({ revoked: Type.Literal(true) });
export const DeclinedInvitationSchema = Type.Object({ declined: Type.Literal(true) });
