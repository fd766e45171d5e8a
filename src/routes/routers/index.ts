import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Envelope, ok } from '../../http/envelope.js';
import { requireAuth } from '../../plugins/auth.plugin.js';
import type { ActivityService } from '../../services/activity.service.js';
import type { RouterMembersService } from '../../services/router-members.service.js';
import type { RoutersService } from '../../services/routers.service.js';
import { authed, clientInfo, errorResponses as errors, security } from '../common.js';
import {
  ActivityPageSchema,
  ActivityQuerySchema,
  AddRouterBodySchema,
  MemberParamsSchema,
  MemberSchema,
  RemovedMemberSchema,
  RemovedRouterSchema,
  RenameRouterBodySchema,
  RouterParamsSchema,
  RouterSchema,
} from './schemas.js';

export interface RouterRoutesOptions {
  routers: RoutersService;
  members: RouterMembersService;
  activity: ActivityService;
}

// Every Commands-Server failure class the add can answer (SPEC §6).
const COMMANDS_SERVER_ERRORS = [502, 503, 504] as const;

/**
 * /api/v1/routers: the caller's routers, their members and activity (SPEC §5). A
 * router the caller is not a member of answers 404 ROUTER_NOT_FOUND on every route.
 */
export default async function routerRoutes(fastify: FastifyInstance, options: RouterRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { routers, members, activity } = options;

  app.get(
    '/',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'The routers the caller is a member of',
        security,
        response: { 200: Envelope(Type.Array(RouterSchema)), ...errors(401) },
      },
    },
    async (request, reply) => ok(request, reply, await routers.list(requireAuth(request))),
  );

  app.post(
    '/',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'Add a router; the first user to add it owns it',
        description:
          'A cheap read through the Commands-Server proves the router answers before anything is stored. 201 when added, 200 when the caller already had it; 409 ROUTER_ALREADY_CLAIMED when another user owns it.',
        security,
        body: AddRouterBodySchema,
        response: {
          200: Envelope(RouterSchema),
          201: Envelope(RouterSchema),
          ...errors(400, 401, 403, 409, ...COMMANDS_SERVER_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { router, created } = await routers.add(
        requireAuth(request),
        clientInfo(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(ok(request, reply, router));
    },
  );

  app.get(
    '/:routerId',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'One router of the caller',
        security,
        params: RouterParamsSchema,
        response: { 200: Envelope(RouterSchema), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      ok(request, reply, await routers.get(requireAuth(request), request.params.routerId)),
  );

  app.patch(
    '/:routerId',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'Rename a router (owner only)',
        security,
        params: RouterParamsSchema,
        body: RenameRouterBodySchema,
        response: { 200: Envelope(RouterSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const router = await routers.rename(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        request.body.name,
      );
      return ok(request, reply, router);
    },
  );

  app.delete(
    '/:routerId',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'The owner deletes the router and all its data; a member leaves it',
        description: 'Nothing is sent to the router.',
        security,
        params: RouterParamsSchema,
        response: { 200: Envelope(RemovedRouterSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await routers.remove(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
      );
      return ok(request, reply, result);
    },
  );

  app.get(
    '/:routerId/members',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'The members of a router, owner first',
        security,
        params: RouterParamsSchema,
        response: { 200: Envelope(Type.Array(MemberSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      ok(request, reply, await members.list(requireAuth(request), request.params.routerId)),
  );

  app.delete(
    '/:routerId/members/:userId',
    {
      config: authed,
      schema: {
        tags: ['routers'],
        summary: 'Remove a member (owner only; the owner cannot remove themself)',
        security,
        params: MemberParamsSchema,
        response: { 200: Envelope(RemovedMemberSchema), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await members.remove(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        request.params.userId,
      );
      return ok(request, reply, result);
    },
  );

  app.get(
    '/:routerId/activity',
    {
      config: authed,
      schema: {
        tags: ['usage'],
        summary: "The router's audit events, newest first, paginated",
        security,
        params: RouterParamsSchema,
        querystring: ActivityQuerySchema,
        response: { 200: Envelope(ActivityPageSchema), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { limit, before } = request.query;
      const page = await activity.list(requireAuth(request), request.params.routerId, {
        ...(limit === undefined ? {} : { limit: Number(limit) }),
        ...(before === undefined ? {} : { before }),
      });
      return ok(request, reply, page);
    },
  );
}
