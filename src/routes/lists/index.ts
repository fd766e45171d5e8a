import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ListName } from '../../clients/commands-server.types.js';
import { ok } from '../../http/envelope.js';
import type { AccessListsService } from '../../services/access-lists.service.js';
import type { ListSettingsService } from '../../services/list-settings.service.js';
import { authed, caller, type TypeBoxApp } from '../common.js';
import {
  addEntryRoute,
  getModeRoute,
  getRatesRoute,
  LIST_NAMES,
  listEntriesRoute,
  removeEntryRoute,
  setModeRoute,
  setRatesRoute,
  updateEntryRoute,
} from './schemas.js';

export interface ListRoutesOptions {
  lists: AccessListsService;
  settings: ListSettingsService;
}

/**
 * /api/v1/routers/:routerId/{whitelist,blacklist}: one implementation for both
 * lists, registered as explicit static paths per list (SPEC §5).
 */
export default async function listRoutes(fastify: FastifyInstance, options: ListRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  for (const list of LIST_NAMES) {
    entryRoutes(app, options.lists, list);
    settingsRoutes(app, options.settings, list);
  }
}

/** The addresses of one list. */
function entryRoutes(app: TypeBoxApp, lists: AccessListsService, list: ListName) {
  const base = `/:routerId/${list}`;

  app.get(base, authed(listEntriesRoute(list)), async (request, reply) => {
    const { auth, routerId } = caller(request);
    return ok(request, reply, await lists.listEntries(auth, routerId, list, request.query));
  });

  app.post(base, authed(addEntryRoute(list)), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    const { entry, created, changed } = await lists.addEntry(
      auth,
      client,
      routerId,
      list,
      request.body,
    );
    return reply.status(created ? 201 : 200).send(ok(request, reply, { ...entry, changed }));
  });

  app.patch(`${base}/:ip`, authed(updateEntryRoute(list)), async (request, reply) => {
    const { auth, routerId } = caller(request);
    const { ip } = request.params;
    return ok(request, reply, await lists.updateEntry(auth, routerId, list, ip, request.body));
  });

  app.delete(`${base}/:ip`, authed(removeEntryRoute(list)), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    const { ip } = request.params;
    return ok(request, reply, await lists.removeEntry(auth, client, routerId, list, ip));
  });
}

/** The mode and rates of one list. */
function settingsRoutes(app: TypeBoxApp, settings: ListSettingsService, list: ListName) {
  const base = `/:routerId/${list}`;

  app.get(`${base}/mode`, authed(getModeRoute(list)), async (request, reply) => {
    const { auth, routerId } = caller(request);
    const { source } = request.query;
    return ok(request, reply, await settings.getMode(auth, routerId, list, source));
  });

  app.put(`${base}/mode`, authed(setModeRoute(list)), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    const { active } = request.body;
    return ok(request, reply, await settings.setMode(auth, client, routerId, list, active));
  });

  app.get(`${base}/rates`, authed(getRatesRoute(list)), async (request, reply) => {
    const { auth, routerId } = caller(request);
    const { source } = request.query;
    return ok(request, reply, await settings.getRates(auth, routerId, list, source));
  });

  app.put(`${base}/rates`, authed(setRatesRoute(list)), async (request, reply) => {
    const { auth, client, routerId } = caller(request);
    return ok(request, reply, await settings.setRates(auth, client, routerId, list, request.body));
  });
}
