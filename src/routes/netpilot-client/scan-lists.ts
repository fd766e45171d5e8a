import type { ListName } from '../../clients/commands-server.types.js';
import { ok } from '../../http/envelope.js';
import { assertAllowedOrigin } from '../../plugins/auth.plugin.js';
import type { AccessListEntry } from '../../services/access-lists.service.js';
import type { AuthContext } from '../../services/auth-context.js';
import type { Services } from '../../services/index.js';
import { PAGE_MAX_LIMIT, type Page, type PageQuery } from '../../services/pagination.js';
import { authed, caller, type TypeBoxApp } from '../common.js';
import { LIST_NAMES } from '../lists/schemas.js';
import { addRoute, EditRoute, entriesRoute, removeRoute, ScanRoute } from './schemas/network.js';

/** Every page of a paginated service read. */
async function everyPage<T>(read: (query: PageQuery) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit: PAGE_MAX_LIMIT, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

/** An entry as the client's lists read it, `id` its address. */
function clientEntry(entry: AccessListEntry, macs: Map<string, string>) {
  return {
    id: entry.ip,
    ip: entry.ip,
    device_name: entry.name ?? 'Unknown Device',
    mac_address: entry.deviceId === null ? null : (macs.get(entry.deviceId) ?? null),
    description: entry.description,
    reason: entry.description,
    created_at: entry.createdAt,
  };
}

/** The MAC of each known device of the router, by device id, when some entry needs one. */
async function macsOf(
  services: Services,
  auth: AuthContext,
  routerId: string,
  entries: AccessListEntry[],
): Promise<Map<string, string>> {
  if (!entries.some((e) => e.deviceId !== null)) {
    return new Map();
  }
  const known = await everyPage((q) => services.devices.list(auth, routerId, q));
  return new Map(known.map((d) => [d.id, d.mac]));
}

/** The client's scan, its whitelist and blacklist entries. */
export function scanListRoutes(app: TypeBoxApp, services: Services, allowed: ReadonlySet<string>) {
  const { devices, lists } = services;

  app.get('/api/network/scan', authed(ScanRoute), async (request, reply) => {
    // A read that writes (the inventory): no cross-site page may trigger it.
    assertAllowedOrigin(request, allowed, { evenForReads: true });
    const { auth, client } = caller(request);
    const result = await devices.scan(auth, client, request.query.routerId);
    const found = result.devices.flatMap((d) =>
      d.ip === null
        ? []
        : [
            {
              ip: d.ip,
              mac: d.mac,
              hostname: d.hostname ?? 'Unknown',
              vendor: d.vendor ?? 'Unknown',
            },
          ],
    );
    return ok(request, reply, found);
  });

  for (const list of LIST_NAMES) {
    app.post(`/api/${list}/add`, authed(addRoute(list)), async (request, reply) => {
      const { auth, client } = caller(request);
      const added = await lists.addEntry(auth, client, request.query.routerId, list, request.body);
      const message = `${added.entry.ip} is in the ${list}`;
      return ok(request, reply, { ip: added.entry.ip, changed: added.changed, message });
    });

    app.get(`/api/${list}/devices`, authed(entriesRoute(list)), async (request, reply) => {
      const { auth } = caller(request);
      const { routerId } = request.query;
      const entries = await everyPage((q) => lists.listEntries(auth, routerId, list, q));
      const macs = await macsOf(services, auth, routerId, entries);
      return ok(request, reply, { devices: entries.map((e) => clientEntry(e, macs)) });
    });

    app.post(`/api/${list}/remove`, authed(removeRoute(list)), async (request, reply) => {
      const { auth, client } = caller(request);
      const { routerId } = request.query;
      const removed = await lists.removeEntry(auth, client, routerId, list, request.body.ip);
      const message = `${removed.ip} is not in the ${list}`;
      return ok(request, reply, { ip: removed.ip, changed: removed.changed, message });
    });
  }

  editRoute(app, services);
}

/** C29: the blacklist edit form, keyed by the entry's address (the `id` of its list). */
function editRoute(app: TypeBoxApp, services: Services) {
  const list: ListName = 'blacklist';
  const orNull = (v: string | undefined) =>
    v === undefined ? undefined : v.trim() === '' ? null : v;
  app.put(`/api/${list}/:id`, authed(EditRoute), async (request, reply) => {
    const { auth } = caller(request);
    const { device_name: name, reason } = request.body;
    const changes = {
      ...(name === undefined ? {} : { name: orNull(name) }),
      ...(reason === undefined ? {} : { description: orNull(reason) }),
    };
    const { routerId } = request.query;
    const entry = await services.lists.updateEntry(
      auth,
      routerId,
      list,
      request.params.id,
      changes,
    );
    return ok(request, reply, clientEntry(entry, await macsOf(services, auth, routerId, [entry])));
  });
}
