import { api, unwrap, type Schemas } from '../../../api/client';
import { failureTitle } from '../failure';
import { Badge, Button, ErrorNotice, Notice } from '../../../ui';
import { useWifiChange } from './useWifiChange';

const switchWifi = (routerId: string, on: boolean) => {
  const params = { params: { path: { routerId } } };
  return on
    ? unwrap(api.POST('/api/v1/routers/{routerId}/wifi/enable', params))
    : unwrap(api.POST('/api/v1/routers/{routerId}/wifi/disable', params));
};

interface RadioCardProps {
  status: Schemas['WifiStatus'];
  /** The id of the note saying why switching off is not allowed (members). */
  lockedBy?: string;
}

/** Whether Wi-Fi is on, and the switch (on: any member; off: the owner). */
export function RadioCard({ status, lockedBy }: RadioCardProps) {
  const change = useWifiChange(switchWifi);
  return (
    <section aria-labelledby="wifi-radio" className="card">
      <h3 id="wifi-radio">Status</h3>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <Badge tone={status.enabled ? 'ok' : 'warn'}>{status.enabled ? 'On' : 'Off'}</Badge>
        </dd>
        <dt>Network name</dt>
        <dd>{status.ssid}</dd>
        <dt>Security</dt>
        <dd>
          <code>{status.encryption}</code>
        </dd>
      </dl>
      {status.enabled ? (
        <Button
          disabled={!!lockedBy}
          aria-describedby={lockedBy}
          busy={change.isPending}
          onClick={() => change.mutate(false)}
        >
          Turn Wi-Fi off
        </Button>
      ) : (
        <Button variant="primary" busy={change.isPending} onClick={() => change.mutate(true)}>
          Turn Wi-Fi on
        </Button>
      )}
      <ErrorNotice
        error={change.error}
        title={failureTitle(
          change.error,
          `Wi-Fi was not switched ${change.variables ? 'on' : 'off'}.`,
        )}
      />
      {change.isSuccess ? (
        <Notice>
          Wi-Fi is {change.data.enabled ? 'on' : 'off'}. The router said: “{change.data.message}”
        </Notice>
      ) : null}
    </section>
  );
}
