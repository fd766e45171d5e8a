import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../../api/client';
import { failureTitle } from '../failure';
import { Button, ErrorNotice, Field, Notice } from '../../../ui';
import { PASSWORD_RULE, passwordProblem } from './rules';
import { useWifiChange } from './useWifiChange';

const setPassword = (routerId: string, password: string) =>
  unwrap(
    api.PUT('/api/v1/routers/{routerId}/wifi/password', {
      params: { path: { routerId } },
      body: { password },
    }),
  );

/** The WPA2 passphrase (owner only): typed twice, never shown back. */
export function PasswordForm({ lockedBy }: { lockedBy?: string }) {
  const [password, setValue] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<{ password?: string; confirm?: string }>({});
  const change = useWifiChange(setPassword);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wrong = passwordProblem(password);
    const next = {
      password: wrong ?? undefined,
      confirm: !wrong && confirm !== password ? 'The two passwords differ.' : undefined,
    };
    setProblems(next);
    if (!next.password && !next.confirm) {
      change.mutate(password, {
        onSettled: () => {
          setValue('');
          setConfirm('');
        },
      });
    }
  };
  return (
    <section aria-labelledby="wifi-password" className="card">
      <h3 id="wifi-password">Password</h3>
      <p className="muted small">
        The password is never shown: this server does not keep it. Devices must join again with the
        new one.
      </p>
      <form onSubmit={submit} noValidate>
        <fieldset disabled={!!lockedBy} aria-describedby={lockedBy} className="plain-fieldset">
          <legend className="visually-hidden">Change the Wi-Fi password</legend>
          <Field
            label="New Wi-Fi password"
            type="password"
            autoComplete="new-password"
            hint={PASSWORD_RULE}
            value={password}
            problem={problems.password}
            onChange={(e) => setValue(e.target.value)}
          />
          <Field
            label="Confirm the new password"
            hint="Type it again, to be sure of it."
            type="password"
            autoComplete="new-password"
            value={confirm}
            problem={problems.confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
          <Button
            type="submit"
            variant="primary"
            busy={change.isPending}
            aria-describedby={lockedBy}
          >
            Change password
          </Button>
        </fieldset>
      </form>
      <ErrorNotice
        error={change.error}
        title={failureTitle(change.error, 'The password was not changed.')}
      />
      {change.isSuccess ? (
        <Notice>The Wi-Fi password was changed. The router said: “{change.data.message}”</Notice>
      ) : null}
    </section>
  );
}
