import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';
import { routerKeys } from '../context';

export type Device = Schemas['Device'];
export type DeviceSort = 'ip' | 'name' | 'lastSeen' | 'firstSeen' | 'mac';
export type SortOrder = 'asc' | 'desc';

/** What the inventory is narrowed and ordered by, all done by the server. */
export interface DeviceQuery {
  q: string;
  online: boolean | undefined;
  blocked: boolean | undefined;
  sort: DeviceSort;
  order: SortOrder;
}

export const DEFAULT_QUERY: DeviceQuery = {
  q: '',
  online: undefined,
  blocked: undefined,
  sort: 'ip',
  order: 'asc',
};

/** The largest page the API answers: a 1,000-device router is two requests. */
const PAGE_LIMIT = 500;

/** Every device matching the query: all pages, following nextCursor. */
async function fetchAllDevices(routerId: string, query: DeviceQuery): Promise<Device[]> {
  const devices: Device[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/api/v1/routers/{routerId}/devices', {
        params: {
          path: { routerId },
          query: {
            limit: PAGE_LIMIT,
            cursor,
            q: query.q.trim() || undefined,
            online: query.online,
            blocked: query.blocked,
            sort: query.sort,
            order: query.order,
          },
        },
      }),
    );
    devices.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return devices;
}

export function useDevices(routerId: string, query: DeviceQuery) {
  return useQuery({
    queryKey: [...routerKeys.devices(routerId), query],
    queryFn: () => fetchAllDevices(routerId, query),
    // Keep the rows on screen while the next search or sort loads.
    placeholderData: keepPreviousData,
  });
}

/** What a person calls a device: its given name, else what the network calls it. */
export function deviceLabel(device: Pick<Device, 'name' | 'hostname' | 'ip' | 'mac'>): string {
  return device.name ?? device.hostname ?? device.ip ?? device.mac;
}
