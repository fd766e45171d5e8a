import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '../../../api/client';
import { routerKeys, useRouterContext } from '../context';

/** A Wi-Fi change: its answer (the status right after) replaces the shown status. */
export function useWifiChange<T>(
  change: (routerId: string, input: T) => Promise<Schemas['WifiChange']>,
) {
  const { routerId } = useRouterContext();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: T) => change(routerId, input),
    onSuccess: (answer) => {
      const status: Schemas['WifiStatus'] = {
        enabled: answer.enabled,
        ssid: answer.ssid,
        encryption: answer.encryption,
      };
      client.setQueryData(routerKeys.wifi(routerId), status);
    },
    // A failure (a timeout above all) may leave the router changed or not: ask it again.
    onError: async () => {
      await client.invalidateQueries({ queryKey: routerKeys.wifi(routerId) });
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: routerKeys.drift(routerId) });
    },
  });
}
