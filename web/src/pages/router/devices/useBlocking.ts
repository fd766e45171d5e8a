import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { routerKeys } from '../context';
import { deviceLabel, type Device } from './queries';

/** What the last block or unblock came to, shown above the table. */
export type BlockOutcome =
  | { kind: 'done'; text: string; warning: string | null }
  | { kind: 'failed'; title: string; error: unknown };

/**
 * Blocking (after a confirmation) and unblocking a device by its IP. The router
 * is the authority: its refusal is shown with its own words, and the table is
 * read again after every attempt so it never shows a block that did not happen.
 */
export function useBlocking(routerId: string) {
  const client = useQueryClient();
  const [target, setTarget] = useState<Device | null>(null);
  const [outcome, setOutcome] = useState<BlockOutcome | null>(null);
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: routerKeys.devices(routerId) });
    await client.invalidateQueries({ queryKey: routerKeys.lists(routerId) });
  };
  const block = useMutation({
    mutationFn: (device: Device) =>
      unwrap(
        api.POST('/api/v1/routers/{routerId}/block', {
          params: { path: { routerId } },
          body: { ip: device.ip! },
        }),
      ),
    onSuccess: (result, device) => {
      const label = deviceLabel(device);
      setTarget(null);
      setOutcome({
        kind: 'done',
        text: result.changed
          ? `${label} is blocked: it has no network access until you unblock it.`
          : `${label} was already blocked.`,
        warning: result.warning,
      });
    },
    onSettled: refresh,
  });
  const unblock = useMutation({
    mutationFn: (device: Device) =>
      unwrap(
        api.POST('/api/v1/routers/{routerId}/unblock', {
          params: { path: { routerId } },
          body: { ip: device.ip! },
        }),
      ),
    onMutate: () => setOutcome(null),
    onSuccess: (result, device) => {
      const label = deviceLabel(device);
      setOutcome({
        kind: 'done',
        text: result.changed
          ? `${label} is unblocked and back on the network.`
          : `The router had no block for ${label}; it is not blocked.`,
        warning: null,
      });
    },
    onError: (error, device) =>
      setOutcome({ kind: 'failed', title: `${deviceLabel(device)} was not unblocked.`, error }),
    onSettled: refresh,
  });
  return {
    target,
    outcome,
    block,
    unblock,
    askBlock: (device: Device) => {
      block.reset();
      setOutcome(null);
      setTarget(device);
    },
    cancelBlock: () => {
      block.reset();
      setTarget(null);
    },
  };
}
