import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';
import { routerKeys } from '../context';

/**
 * The router's known devices by MAC, to name the usage rows (the router reports MACs
 * only). Under the devices key, so a rename invalidates it too. A failure leaves MACs.
 */
export function useDeviceNames(routerId: string): ReadonlyMap<string, Schemas['Device']> {
  const devices = useQuery({
    queryKey: [...routerKeys.devices(routerId), 'by-mac'],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/routers/{routerId}/devices', {
          params: { path: { routerId }, query: { limit: 500 } },
        }),
      ),
    select: (page) => new Map(page.items.map((d) => [d.mac.toLowerCase(), d])),
  });
  return devices.data ?? EMPTY;
}

const EMPTY: ReadonlyMap<string, Schemas['Device']> = new Map();
