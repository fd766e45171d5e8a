import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../../api/client';
import { failureTitle } from '../failure';
import { Button, ErrorNotice, Field, Notice } from '../../../ui';
import { SSID_RULE, ssidProblem } from './rules';
import { useWifiChange } from './useWifiChange';

const setSsid = (routerId: string, ssid: string) =>
  unwrap(
    api.PUT('/api/v1/routers/{routerId}/wifi/ssid', {
      params: { path: { routerId } },
      body: { ssid },
    }),
  );

/** The network name (owner only). */
export function SsidForm({ current, lockedBy }: { current: string; lockedBy?: string }) {
  const [ssid, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = useWifiChange(setSsid);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wrong = ssidProblem(ssid);
    setProblem(wrong);
    if (!wrong) {
      change.mutate(ssid, { onSuccess: () => setValue('') });
    }
  };
  return (
    <section aria-labelledby="wifi-ssid" className="card">
      <h3 id="wifi-ssid">Network name</h3>
      <p>
        Now: <strong>{current}</strong>
      </p>
      <form onSubmit={submit} noValidate>
        <fieldset disabled={!!lockedBy} aria-describedby={lockedBy} className="plain-fieldset">
          <legend className="visually-hidden">Change the network name</legend>
          <Field
            label="New network name (SSID)"
            hint={SSID_RULE}
            autoComplete="off"
            value={ssid}
            problem={problem}
            onChange={(e) => setValue(e.target.value)}
          />
          <p className="muted small">
            Devices connected to the old name lose the connection and must join the new one.
          </p>
          <Button
            type="submit"
            variant="primary"
            busy={change.isPending}
            aria-describedby={lockedBy}
          >
            Change network name
          </Button>
        </fieldset>
      </form>
      <ErrorNotice
        error={change.error}
        title={failureTitle(change.error, 'The network name was not changed.')}
      />
      {change.isSuccess ? (
        <Notice>
          The network is now called <strong>{change.data.ssid}</strong>. The router said: “
          {change.data.message}”
        </Notice>
      ) : null}
    </section>
  );
}
