import type { QueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';
import { routerKeys } from '../context';

/** The two access lists; the API gives each its own static paths. */
export type ListName = 'whitelist' | 'blacklist';
export type ActiveMode = 'none' | ListName;

export const LIST_TITLES: Record<ListName, string> = {
  whitelist: 'Whitelist',
  blacklist: 'Blacklist',
};

/** Query keys under the router's `lists` key, so one invalidation refreshes them all. */
export const listKeys = {
  entries: (routerId: string, list: ListName) =>
    [...routerKeys.lists(routerId), list, 'entries'] as const,
  rates: (routerId: string, list: ListName) =>
    [...routerKeys.lists(routerId), list, 'rates'] as const,
  mode: (routerId: string) => [...routerKeys.lists(routerId), 'mode'] as const,
  /** The known devices offered by the add form (its own shape: all pages, with an IP). */
  devices: (routerId: string) => [...routerKeys.devices(routerId), 'for-lists'] as const,
};

const path = (routerId: string) => ({ path: { routerId } });
const entryPath = (routerId: string, ip: string) => ({ path: { routerId, ip } });

export function listEntries(
  routerId: string,
  list: ListName,
  cursor?: string,
): Promise<Schemas['ListEntryPage']> {
  const params = { ...path(routerId), query: { limit: 100, cursor } };
  return list === 'whitelist'
    ? unwrap(api.GET('/api/v1/routers/{routerId}/whitelist', { params }))
    : unwrap(api.GET('/api/v1/routers/{routerId}/blacklist', { params }));
}

export function addEntry(
  routerId: string,
  list: ListName,
  body: Schemas['AddListEntryRequest'],
): Promise<Schemas['AddedListEntry']> {
  const params = path(routerId);
  return list === 'whitelist'
    ? unwrap(api.POST('/api/v1/routers/{routerId}/whitelist', { params, body }))
    : unwrap(api.POST('/api/v1/routers/{routerId}/blacklist', { params, body }));
}

export function renameEntry(
  routerId: string,
  list: ListName,
  ip: string,
  name: string | null,
): Promise<Schemas['ListEntry']> {
  const params = entryPath(routerId, ip);
  const body = { name };
  return list === 'whitelist'
    ? unwrap(api.PATCH('/api/v1/routers/{routerId}/whitelist/{ip}', { params, body }))
    : unwrap(api.PATCH('/api/v1/routers/{routerId}/blacklist/{ip}', { params, body }));
}

export function removeEntry(
  routerId: string,
  list: ListName,
  ip: string,
): Promise<Schemas['RemovedListEntry']> {
  const params = entryPath(routerId, ip);
  return list === 'whitelist'
    ? unwrap(api.DELETE('/api/v1/routers/{routerId}/whitelist/{ip}', { params }))
    : unwrap(api.DELETE('/api/v1/routers/{routerId}/blacklist/{ip}', { params }));
}

/** The saved mode (either list's answer names the active one). */
export function getMode(routerId: string): Promise<Schemas['ListMode']> {
  return unwrap(api.GET('/api/v1/routers/{routerId}/whitelist/mode', { params: path(routerId) }));
}

export function setMode(
  routerId: string,
  list: ListName,
  active: boolean,
): Promise<Schemas['ListModeChange']> {
  const params = path(routerId);
  const body = { active };
  return list === 'whitelist'
    ? unwrap(api.PUT('/api/v1/routers/{routerId}/whitelist/mode', { params, body }))
    : unwrap(api.PUT('/api/v1/routers/{routerId}/blacklist/mode', { params, body }));
}

export function getRates(routerId: string, list: ListName): Promise<Schemas['ListRatesReading']> {
  const params = path(routerId);
  return list === 'whitelist'
    ? unwrap(api.GET('/api/v1/routers/{routerId}/whitelist/rates', { params }))
    : unwrap(api.GET('/api/v1/routers/{routerId}/blacklist/rates', { params }));
}

export function setRates(
  routerId: string,
  list: ListName,
  body: Schemas['RatesRequest'],
): Promise<Schemas['ListRates']> {
  const params = path(routerId);
  return list === 'whitelist'
    ? unwrap(api.PUT('/api/v1/routers/{routerId}/whitelist/rates', { params, body }))
    : unwrap(api.PUT('/api/v1/routers/{routerId}/blacklist/rates', { params, body }));
}

/** Every known device with an IP address (all pages), in address order. */
export async function devicesWithIp(routerId: string): Promise<Schemas['Device'][]> {
  const all: Schemas['Device'][] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/api/v1/routers/{routerId}/devices', {
        params: { ...path(routerId), query: { limit: 500, sort: 'ip', cursor } },
      }),
    );
    all.push(...page.items.filter((d) => d.ip !== null));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < 5000);
  return all;
}

export function deviceLabel(device: Schemas['Device']): string {
  const name = device.name ?? device.hostname ?? device.vendor ?? device.mac;
  return `${name} (${device.ip ?? 'no address'})`;
}

export const fetchDrift = (routerId: string) =>
  unwrap(api.GET('/api/v1/routers/{routerId}/drift', { params: { path: { routerId } } }));

/** The drift report as the client types it (the rates' `router: null` reads as optional). */
export type Drift = Awaited<ReturnType<typeof fetchDrift>>;

/** After a list change: the lists, the devices' list flags and the drift report are stale. */
export async function invalidateAccess(client: QueryClient, routerId: string): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: routerKeys.lists(routerId) }),
    client.invalidateQueries({ queryKey: routerKeys.devices(routerId) }),
    client.invalidateQueries({ queryKey: routerKeys.drift(routerId) }),
  ]);
}
