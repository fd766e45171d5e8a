import { ok } from '../../http/envelope.js';
import type { Services } from '../../services/index.js';
import { authed, caller, type TypeBoxApp } from '../common.js';
import {
  GetRouterIdRoute,
  SessionEndRoute,
  SessionStartRoute,
  SetRouterIdRoute,
} from './schemas/session.js';

/** The client's current router and its session calls. */
export function routerSessionRoutes(app: TypeBoxApp, services: Services) {
  const { routerSelection, routers } = services;

  app.get('/api/settings/router-id', authed(GetRouterIdRoute), async (request, reply) => {
    const { auth } = caller(request);
    return ok(request, reply, { routerId: await routerSelection.current(auth) });
  });

  app.post('/api/settings/router-id', authed(SetRouterIdRoute), async (request, reply) => {
    const { auth, client } = caller(request);
    const selected = await routerSelection.select(auth, client, request.body.routerId);
    return ok(request, reply, {
      routerId: selected.routerId,
      added: selected.created,
      message: selected.created ? 'Router added and selected' : 'Router selected',
    });
  });

  app.post('/api/session/start', authed(SessionStartRoute), async (request, reply) => {
    const { auth } = caller(request);
    await routers.get(auth, request.body.routerId);
    return ok(request, reply, {
      session_id: auth.sessionId,
      message: 'Ready: the router session starts with the first router operation',
    });
  });

  app.post('/api/network/session/end', authed(SessionEndRoute), async (request, reply) =>
    ok(request, reply, { message: 'Nothing to end: the router session ends at logout' }),
  );
}
