import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { Page, PAGINATION_NOTE, PageQuerySchema } from '../../http/page.js';
import {
  BODY_ERRORS,
  CHANGE_ERRORS,
  errorResponses as errors,
  ROUTER_ROUTE_ERRORS,
} from '../common.js';
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
  { additionalProperties: false, $id: 'InviteRequest' },
);

export const SentInvitationSchema = Type.Object(
  {
    id: InvitationId,
    email: Type.String({
      description: 'the invited address, normalised (trimmed, NFKC, lower case)',
    }),
    createdAt: Timestamp,
    expiresAt: Timestamp,
  },
  { $id: 'Invitation' },
);

export const ReceivedInvitationSchema = Type.Object(
  {
    id: InvitationId,
    router: Type.Object({ routerId: Type.String(), name: Type.String() }),
    invitedBy: Type.Object({ email: Type.String() }),
    createdAt: Timestamp,
    expiresAt: Timestamp,
  },
  { $id: 'ReceivedInvitation' },
);

export const RevokedInvitationSchema = Type.Object(
  { revoked: Type.Literal(true) },
  { $id: 'RevokedInvitation' },
);
export const DeclinedInvitationSchema = Type.Object(
  { declined: Type.Literal(true) },
  { $id: 'DeclinedInvitation' },
);

// The endpoints: what each validates and answers, and how the OpenAPI document
// describes it. The owner's side is documented with the routers.

/** POST /routers/{routerId}/invitations */
export const InviteRoute = {
  operationId: 'inviteMember',
  tags: ['routers'],
  summary: 'Invite an email address to join the router (owner only)',
  description:
    'The answer never depends on whether an account exists for the address, or is already a member. 201 with a new invitation; 200 with the open one for that address, renewed (new expiry).',
  params: RouterParamsSchema,
  body: InviteBodySchema,
  response: {
    200: Envelope(SentInvitationSchema, 'The open invitation for this address, renewed.'),
    201: Envelope(SentInvitationSchema, 'A new invitation.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...BODY_ERRORS, ...CHANGE_ERRORS, 'FORBIDDEN'),
  },
};

/** GET /routers/{routerId}/invitations */
export const ListSentRoute = {
  operationId: 'listRouterInvitations',
  tags: ['routers'],
  summary: "The router's open invitations, oldest first (owner only)",
  description: PAGINATION_NOTE,
  params: RouterParamsSchema,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(
      Page(SentInvitationSchema, 'SentInvitationPage'),
      "One page of the router's open invitations, oldest first.",
    ),
    ...errors(...ROUTER_ROUTE_ERRORS, 'FORBIDDEN'),
  },
};

/** DELETE /routers/{routerId}/invitations/{invitationId} */
export const RevokeInvitationRoute = {
  operationId: 'revokeInvitation',
  tags: ['routers'],
  summary: 'Revoke an open invitation (owner only)',
  params: RouterInvitationParamsSchema,
  response: {
    200: Envelope(RevokedInvitationSchema, 'The invitation is revoked.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...CHANGE_ERRORS, 'FORBIDDEN', 'INVITATION_NOT_FOUND'),
  },
};

/** GET /invitations */
export const ListReceivedRoute = {
  operationId: 'listMyInvitations',
  tags: ['invitations'],
  summary: "The caller's open invitations, matched by their account's email",
  description: `Oldest first. ${PAGINATION_NOTE}`,
  querystring: PageQuerySchema,
  response: {
    200: Envelope(
      Page(ReceivedInvitationSchema, 'ReceivedInvitationPage'),
      "One page of the caller's open invitations, oldest first.",
    ),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED'),
  },
};

/** POST /invitations/{invitationId}/accept */
export const AcceptInvitationRoute = {
  operationId: 'acceptInvitation',
  tags: ['invitations'],
  summary: 'Accept an invitation: the caller becomes a member of the router',
  description:
    'Answers the router as the caller now sees it; a caller who already belongs keeps their membership.',
  params: InvitationParamsSchema,
  response: {
    200: Envelope(RouterSchema, 'The router the caller now belongs to.'),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', ...CHANGE_ERRORS, 'INVITATION_NOT_FOUND'),
  },
};

/** POST /invitations/{invitationId}/decline */
export const DeclineInvitationRoute = {
  operationId: 'declineInvitation',
  tags: ['invitations'],
  summary: 'Decline an invitation',
  params: InvitationParamsSchema,
  response: {
    200: Envelope(DeclinedInvitationSchema, 'The invitation is declined.'),
    ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', ...CHANGE_ERRORS, 'INVITATION_NOT_FOUND'),
  },
};
