import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { ActivityService } from '../../services/activity.service.js';
import type { RouterMembersService } from '../../services/router-members.service.js';
import type { RoutersService } from '../../services/routers.service.js';
import { authed, caller, type TypeBoxApp } from '../common.js';
import {
  ActivityRoute,
  AddRouterRoute,
  GetRouterRoute,
  ListMembersRoute,
  ListRoutersRoute,
  RemoveMemberRoute,
  RemoveRouterRoute,
  RenameRouterRoute,
} from './schemas.js';

export interface RouterRoutesOptions {
  routers: RoutersService;
  members: RouterMembersService;
  activity: ActivityService;
}

/**
 * /api/v1/routers: the caller's routers, their members and activity (SPEC §5). A
 * router the caller is not a member of answers 404 ROUTER_NOT_FOUND on every route.
 */
export default async function routerRoutes(fastify: FastifyInstance, options: RouterRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  routersRoutes(app, options.routers);
  membersAndActivityRoutes(app, options.members, options.activity);
}

/** The caller's routers themselves: list, add, read, rename, delete or leave. */
function routersRoutes(app: TypeBoxApp, routers: RoutersService) {
  // '' rather than '/': the path is /api/v1/routers, without a trailing slash.
  app.get('', authed(ListRoutersRoute), async (request, reply) => {
    const { auth } = caller(request);
    return ok(request, reply, await routers.list(auth, request.query));
  });

  app.post('', authed(AddRouterRoute), async (request, reply) => {
    const { auth, client } = caller(request);
    const { router, created } = await routers.add(auth, client, request.body);
    return reply.status(created ? 201 : 200).send(ok(request, reply, router));
  });

  app.get('/:routerId', authed(GetRouterRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await routers.get(auth, routerId));
  });

  app.patch('/:routerId', authed(RenameRouterRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await routers.rename(auth, client, routerId, request.body.name));
  });

  app.delete('/:routerId', authed(RemoveRouterRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await routers.remove(auth, client, routerId));
  });
}

/** Who else uses a router, and what was done to it. */
function membersAndActivityRoutes(
  app: TypeBoxApp,
  members: RouterMembersService,
  activity: ActivityService,
) {
  app.get('/:routerId/members', authed(ListMembersRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await members.list(auth, routerId, request.query));
  });

  app.delete('/:routerId/members/:userId', authed(RemoveMemberRoute), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    const { userId } = request.params;
    return ok(request, reply, await members.remove(auth, client, routerId, userId));
  });

  app.get('/:routerId/activity', authed(ActivityRoute), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await activity.list(auth, routerId, request.query));
  });
}
