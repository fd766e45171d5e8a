import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { Type } from 'typebox';
import { Envelope, ok } from '../../http/envelope.js';
import { requireAuth } from '../../plugins/auth.plugin.js';
import type { ListName } from '../../clients/commands-server.types.js';
import type { AccessListsService } from '../../services/access-lists.service.js';
import type { ListSettingsService } from '../../services/list-settings.service.js';
import {
  authed,
  clientInfo,
  errorResponses as errors,
  security,
  ROUTER_CALL_ERRORS,
} from '../common.js';
import {
  AddEntryBodySchema,
  DriftSchema,
  EntryParamsSchema,
  EntrySchema,
  LIST_NAMES,
  ListParamsSchema,
  ModeBodySchema,
  ModeSchema,
  RatesBodySchema,
  RatesSchema,
  RemovedSchema,
  UpdateEntryBodySchema,
} from './schemas.js';

export interface ListRoutesOptions {
  lists: AccessListsService;
  settings: ListSettingsService;
}

type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

const tags = ['lists'];

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

function entryRoutes(app: App, lists: AccessListsService, list: ListName) {
  const base = `/:routerId/${list}`;
  app.get(
    base,
    {
      config: authed,
      schema: {
        tags,
        summary: `The ${list} entries, from the database (any member)`,
        security,
        params: ListParamsSchema,
        response: { 200: Envelope(Type.Array(EntrySchema)), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      ok(
        request,
        reply,
        await lists.listEntries(requireAuth(request), request.params.routerId, list),
      ),
  );

  app.post(
    base,
    {
      config: authed,
      schema: {
        tags,
        summary: `Add an IPv4 address to the ${list} on the router, then save it (any member); 201 when new, 200 when it was already there`,
        security,
        params: ListParamsSchema,
        body: AddEntryBodySchema,
        response: {
          200: Envelope(EntrySchema),
          201: Envelope(EntrySchema),
          ...errors(400, 401, 403, 404, 413, 415, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { entry, created } = await lists.addEntry(
        requireAuth(request),
        clientInfo(request),
        request.params.routerId,
        list,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(ok(request, reply, entry));
    },
  );

  app.patch(
    `${base}/:ip`,
    {
      config: authed,
      schema: {
        tags,
        summary: `Rename or re-describe a ${list} entry; database only (any member)`,
        security,
        params: EntryParamsSchema,
        body: UpdateEntryBodySchema,
        response: { 200: Envelope(EntrySchema), ...errors(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      const { routerId, ip } = request.params;
      const entry = await lists.updateEntry(requireAuth(request), routerId, list, ip, request.body);
      return ok(request, reply, entry);
    },
  );

  app.delete(
    `${base}/:ip`,
    {
      config: authed,
      schema: {
        tags,
        summary: `Remove an address from the ${list} on the router and in the database (any member)`,
        security,
        params: EntryParamsSchema,
        response: {
          200: Envelope(RemovedSchema),
          ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { routerId, ip } = request.params;
      const auth = requireAuth(request);
      const removed = await lists.removeEntry(auth, clientInfo(request), routerId, list, ip);
      return ok(request, reply, removed);
    },
  );

  app.get(
    `${base}/drift`,
    {
      config: authed,
      schema: {
        tags,
        summary: `Compare the router's ${list} with the database (any member)`,
        security,
        params: ListParamsSchema,
        response: { 200: Envelope(DriftSchema), ...errors(400, 401, 404, ...ROUTER_CALL_ERRORS) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const drift = await lists.drift(auth, clientInfo(request), request.params.routerId, list);
      return ok(request, reply, drift);
    },
  );
}

function settingsRoutes(app: App, settings: ListSettingsService, list: ListName) {
  const base = `/:routerId/${list}`;
  app.get(
    `${base}/mode`,
    {
      config: authed,
      schema: {
        tags,
        summary: `Whether ${list} mode is active, from the database (any member)`,
        security,
        params: ListParamsSchema,
        response: { 200: Envelope(ModeSchema), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      ok(
        request,
        reply,
        await settings.getMode(requireAuth(request), request.params.routerId, list),
      ),
  );

  app.put(
    `${base}/mode`,
    {
      config: authed,
      schema: {
        tags,
        summary: `Activate or deactivate ${list} mode (owner only); activating it replaces the other mode, deactivating it while it is not active changes nothing`,
        security,
        params: ListParamsSchema,
        body: ModeBodySchema,
        response: {
          200: Envelope(ModeSchema),
          ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { routerId } = request.params;
      const state = await settings.setMode(
        auth,
        clientInfo(request),
        routerId,
        list,
        request.body.active,
      );
      return ok(request, reply, state);
    },
  );

  app.get(
    `${base}/rates`,
    {
      config: authed,
      schema: {
        tags,
        summary: `The ${list} limited and full rates in Mbps, from the database (any member)`,
        security,
        params: ListParamsSchema,
        response: { 200: Envelope(RatesSchema), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) =>
      ok(
        request,
        reply,
        await settings.getRates(requireAuth(request), request.params.routerId, list),
      ),
  );

  app.put(
    `${base}/rates`,
    {
      config: authed,
      schema: {
        tags,
        summary: `Set the ${list} limited and/or full rate in Mbps (owner only); if the second rate fails, the first stays applied and saved (listed in error.details.applied)`,
        security,
        params: ListParamsSchema,
        body: RatesBodySchema,
        response: {
          200: Envelope(RatesSchema),
          ...errors(400, 401, 403, 404, ...ROUTER_CALL_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { routerId } = request.params;
      const rates = await settings.setRates(
        auth,
        clientInfo(request),
        routerId,
        list,
        request.body,
      );
      return ok(request, reply, rates);
    },
  );
}
