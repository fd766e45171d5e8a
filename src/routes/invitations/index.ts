import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Envelope, ok } from '../../http/envelope.js';
import { requireAuth } from '../../plugins/auth.plugin.js';
import type { InvitationsService } from '../../services/invitations.service.js';
import { authed, clientInfo, errorResponses as errors, security } from '../common.js';
import { RouterParamsSchema, RouterSchema } from '../routers/schemas.js';
import {
  DeclinedInvitationSchema,
  InvitationParamsSchema,
  InviteBodySchema,
  ReceivedInvitationSchema,
  RevokedInvitationSchema,
  RouterInvitationParamsSchema,
  SentInvitationSchema,
} from './schemas.js';

export interface InvitationRoutesOptions {
  invitations: InvitationsService;
}

/**
 * Joining a router by invitation, under /api/v1: the owner's side under
 * /routers/{routerId}/invitations (owner only: 403 for members, 404
 * ROUTER_NOT_FOUND for others), the invitee's side under /invitations. An
 * invitation that is not the caller's, unknown, expired, revoked or already
 * answered is 404 INVITATION_NOT_FOUND.
 */
export default async function invitationRoutes(
  fastify: FastifyInstance,
  options: InvitationRoutesOptions,
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { invitations } = options;

  app.post(
    '/routers/:routerId/invitations',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'Invite an email address to join the router (owner only)',
        description:
          'The answer never depends on whether an account exists for the address, or is already a member. 201 with a new invitation; 200 with the open one for that address, renewed (new expiry).',
        security,
        params: RouterParamsSchema,
        body: InviteBodySchema,
        response: {
          200: Envelope(SentInvitationSchema),
          201: Envelope(SentInvitationSchema),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { invitation, created } = await invitations.invite(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        request.body.email,
      );
      return reply.status(created ? 201 : 200).send(ok(request, reply, invitation));
    },
  );

  app.get(
    '/routers/:routerId/invitations',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: "The router's open invitations, oldest first (owner only)",
        security,
        params: RouterParamsSchema,
        response: {
          200: Envelope(Type.Array(SentInvitationSchema)),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      ok(
        request,
        reply,
        await invitations.listForRouter(requireAuth(request), request.params.routerId),
      ),
  );

  app.delete(
    '/routers/:routerId/invitations/:invitationId',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'Revoke an open invitation (owner only)',
        security,
        params: RouterInvitationParamsSchema,
        response: { 200: Envelope(RevokedInvitationSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await invitations.revoke(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        request.params.invitationId,
      );
      return ok(request, reply, result);
    },
  );

  app.get(
    '/invitations',
    {
      config: authed,
      schema: {
        tags: ['invitations'],
        summary: "The caller's open invitations, matched by their account's email",
        security,
        response: { 200: Envelope(Type.Array(ReceivedInvitationSchema)), ...errors(401) },
      },
    },
    async (request, reply) =>
      ok(request, reply, await invitations.listReceived(requireAuth(request))),
  );

  app.post(
    '/invitations/:invitationId/accept',
    {
      config: authed,
      schema: {
        tags: ['invitations'],
        summary: 'Accept an invitation: the caller becomes a member of the router',
        description:
          'Answers the router as the caller now sees it; a caller who already belongs keeps their membership.',
        security,
        params: InvitationParamsSchema,
        response: { 200: Envelope(RouterSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const router = await invitations.accept(
        requireAuth(request),
        clientInfo(request),
        request.params.invitationId,
      );
      return ok(request, reply, router);
    },
  );

  app.post(
    '/invitations/:invitationId/decline',
    {
      config: authed,
      schema: {
        tags: ['invitations'],
        summary: 'Decline an invitation',
        security,
        params: InvitationParamsSchema,
        response: { 200: Envelope(DeclinedInvitationSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await invitations.decline(
        requireAuth(request),
        clientInfo(request),
        request.params.invitationId,
      );
      return ok(request, reply, result);
    },
  );
}
