import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { errorResponses as errors } from '../common.js';
import { RouterIdSchema, RouterParamsSchema, RouterSchema } from '../routers/schemas.js';

const Timestamp = Type.String({ format: 'date-time' });
const InvitationId = Type.String({ format: 'uuid' });

export const InvitationParamsSchema = Type.Object({ invitationId: InvitationId });

export const RouterInvitationParamsSchema = Type.Object({
  routerId: RouterIdSchema,
  invitationId: InvitationId,
});

// The service normalises the address (trim, NFKC, lower case) and checks its
// shape; the schema only stops absurd input early.
export const InviteBodySchema = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }) },
  { additionalProperties: false },
);

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

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it. The owner's side is documented with the routers.

/** POST /routers/{routerId}/invitations */
export const InviteRoute = {
  tags: ['routers'],
  summary: 'Invite an email address to join the router (owner only)',
  description:
    'The answer never depends on whether an account exists for the address, or is already a member. 201 with a new invitation; 200 with the open one for that address, renewed (new expiry).',
  params: RouterParamsSchema,
  body: InviteBodySchema,
  response: {
    200: Envelope(SentInvitationSchema),
    201: Envelope(SentInvitationSchema),
    ...errors(400, 401, 403, 404),
  },
};

/** GET /routers/{routerId}/invitations */
export const ListSentRoute = {
  tags: ['routers'],
  summary: "The router's open invitations, oldest first (owner only)",
  params: RouterParamsSchema,
  response: {
    200: Envelope(Type.Array(SentInvitationSchema)),
    ...errors(400, 401, 403, 404),
  },
};

/** DELETE /routers/{routerId}/invitations/{invitationId} */
export const RevokeInvitationRoute = {
  tags: ['routers'],
  summary: 'Revoke an open invitation (owner only)',
  params: RouterInvitationParamsSchema,
  response: { 200: Envelope(RevokedInvitationSchema), ...errors(400, 401, 403, 404) },
};

/** GET /invitations */
export const ListReceivedRoute = {
  tags: ['invitations'],
  summary: "The caller's open invitations, matched by their account's email",
  response: { 200: Envelope(Type.Array(ReceivedInvitationSchema)), ...errors(401) },
};

/** POST /invitations/{invitationId}/accept */
export const AcceptInvitationRoute = {
  tags: ['invitations'],
  summary: 'Accept an invitation: the caller becomes a member of the router',
  description:
    'Answers the router as the caller now sees it; a caller who already belongs keeps their membership.',
  params: InvitationParamsSchema,
  response: { 200: Envelope(RouterSchema), ...errors(400, 401, 403, 404) },
};

/** POST /invitations/{invitationId}/decline */
export const DeclineInvitationRoute = {
  tags: ['invitations'],
  summary: 'Decline an invitation',
  params: InvitationParamsSchema,
  response: { 200: Envelope(DeclinedInvitationSchema), ...errors(400, 401, 403, 404) },
};
