import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../../../api/client';
import { routerKeys } from '../context';

/** What a finished scan found: how many devices, and which are new. */
export interface ScanOutcome {
  found: number;
  newIds: ReadonlySet<string>;
}

const POLL_MS = 1000;

function outcomeOf(result: Schemas['ScanResult']): ScanOutcome {
  return {
    found: result.devices.length,
    newIds: new Set(result.devices.filter((d) => d.new).map((d) => d.id)),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the operation every second until it is over: its result, or its error thrown. */
async function awaitOperation(operationId: string): Promise<Schemas['ScanResult']> {
  for (;;) {
    await sleep(POLL_MS);
    const operation = await unwrap(
      api.GET('/api/v1/operations/{operationId}', { params: { path: { operationId } } }),
    );
    if (operation.state === 'succeeded') {
      return operation.result as Schemas['ScanResult'];
    }
    if (operation.state === 'failed') {
      const error = operation.error;
      throw error
        ? new ApiError(error.status, error.code, error.message, error.details)
        : new ApiError(500, 'INTERNAL_ERROR', 'The scan failed without saying why.');
    }
  }
}

/**
 * A scan of the router's network, asked to run in the background (202 and an
 * operation to watch); a server that answers at once (200) is handled too. When it
 * is over, the devices (and the router's last scan time) are read again.
 */
export function useScan(routerId: string) {
  const client = useQueryClient();
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const scan = useMutation({
    mutationFn: async (): Promise<ScanOutcome> => {
      setStartedAt(Date.now());
      const call = api.POST('/api/v1/routers/{routerId}/scan', {
        params: { path: { routerId }, header: { prefer: 'respond-async' } },
      });
      const data = await unwrap<Schemas['ScanResult'] | Schemas['Operation']>(call);
      const { response } = await call;
      if (response.status === 202) {
        const operation = data as Schemas['Operation'];
        return outcomeOf(await awaitOperation(operation.id));
      }
      return outcomeOf(data as Schemas['ScanResult']);
    },
    onSettled: () => client.invalidateQueries({ queryKey: routerKeys.router(routerId) }),
  });
  const elapsed = useElapsedSeconds(scan.isPending ? startedAt : null);
  return { scan, elapsed };
}

/** Whole seconds since `since`, ticking once a second; 0 when not counting. */
function useElapsedSeconds(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) {
      return undefined;
    }
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
}
