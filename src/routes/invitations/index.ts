import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { InvitationsService } from '../../services/invitations.service.js';
import { authed, caller, type TypeBoxApp } from '../common.js';
import {
  AcceptInvitationRoute,
  DeclineInvitationRoute,
  InviteRoute,
  ListReceivedRoute,
  ListSentRoute,
  RevokeInvitationRoute,
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
  ownerRoutes(app, options.invitations);
  inviteeRoutes(app, options.invitations);
}

/** The owner's side: invite, list the open invitations, revoke one. */
function ownerRoutes(app: TypeBoxApp, invitations: InvitationsService) {
  app.post('/routers/:routerId/invitations', authed(InviteRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    const { email } = request.body;
    const { invitation, created } = await invitations.invite(auth, client, routerId, email);
    return reply.status(created ? 201 : 200).send(ok(request, reply, invitation));
  });

  app.get('/routers/:routerId/invitations', authed(ListSentRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await invitations.listForRouter(auth, routerId, request.query));
  });

  app.delete(
    '/routers/:routerId/invitations/:invitationId',
    authed(RevokeInvitationRoute),
    async (request, reply) => {
      const { auth, client, routerId } = caller(request);
      const { invitationId } = request.params;
      return ok(request, reply, await invitations.revoke(auth, client, routerId, invitationId));
    },
  );
}

/** The invitee's side: their invitations, accept or decline. */
function inviteeRoutes(app: TypeBoxApp, invitations: InvitationsService) {
  app.get('/invitations', authed(ListReceivedRoute), async (request, reply) => {
    const { auth } = caller(request);
    return ok(request, reply, await invitations.listReceived(auth, request.query));
  });

  app.post(
    '/invitations/:invitationId/accept',
    authed(AcceptInvitationRoute),
    async (request, reply) => {
      const { auth, client } = caller(request);
      const { invitationId } = request.params;
      return ok(request, reply, await invitations.accept(auth, client, invitationId));
    },
  );

  app.post(
    '/invitations/:invitationId/decline',
    authed(DeclineInvitationRoute),
    async (request, reply) => {
      const { auth, client } = caller(request);
      const { invitationId } = request.params;
      return ok(request, reply, await invitations.decline(auth, client, invitationId));
    },
  );
}
