import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { api, unwrap } from '../../api/client';
import { Button, ErrorNotice, Loading } from '../../ui';
import { routerKeys, useRouterContext } from './context';
import { PasswordForm } from './wifi/PasswordForm';
import { RadioCard } from './wifi/RadioCard';
import { SsidForm } from './wifi/SsidForm';

/** Wi-Fi of the router's radio: read from the router itself (this server keeps none of it). */
export default function Wifi() {
  const { routerId, isOwner } = useRouterContext();
  const noteId = useId();
  const wifi = useQuery({
    queryKey: routerKeys.wifi(routerId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/routers/{routerId}/wifi', { params: { path: { routerId } } })),
  });
  const lockedBy = isOwner ? undefined : noteId;
  return (
    <>
      <h2>Wi-Fi</h2>
      {isOwner ? null : (
        <p id={noteId} className="notice warn">
          Only the router’s owner can change Wi-Fi settings. Any member can switch Wi-Fi on when it
          is off.
        </p>
      )}
      {wifi.isPending ? <Loading label="Asking the router for its Wi-Fi settings…" /> : null}
      {wifi.isError ? (
        <>
          <ErrorNotice error={wifi.error} title="The router’s Wi-Fi settings could not be read." />
          <Button busy={wifi.isFetching} onClick={() => void wifi.refetch()}>
            Ask the router again
          </Button>
        </>
      ) : null}
      {wifi.data ? (
        <>
          <RadioCard status={wifi.data} lockedBy={lockedBy} />
          <SsidForm current={wifi.data.ssid} lockedBy={lockedBy} />
          <PasswordForm lockedBy={lockedBy} />
        </>
      ) : null}
    </>
  );
}
