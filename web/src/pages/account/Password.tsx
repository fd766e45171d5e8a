import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import { ME_KEY, useMe } from '../../app/session';
import { Button, ErrorNotice, Field, Notice } from '../../ui';
import { SESSIONS_KEY } from './Sessions';

function isWrongPassword(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'INVALID_CREDENTIALS';
}

function useChangePassword(fields: { current: string; next: string }, onDone: () => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (withCurrent: boolean) =>
      unwrap(
        api.POST('/api/v1/auth/password', {
          body: withCurrent
            ? { currentPassword: fields.current, newPassword: fields.next }
            : { newPassword: fields.next },
        }),
      ),
    onSuccess: async () => {
      onDone();
      await client.invalidateQueries({ queryKey: ME_KEY });
      await client.invalidateQueries({ queryKey: SESSIONS_KEY });
    },
  });
}

/** What came of the change: done (and how many other sessions ended), or why not. */
function Outcome({ change }: { change: ReturnType<typeof useChangePassword> }) {
  if (isWrongPassword(change.error)) {
    return (
      <div className="notice error" role="alert">
        <p>Your current password is not right. Nothing was changed.</p>
      </div>
    );
  }
  if (!change.isSuccess) {
    return <ErrorNotice error={change.error} />;
  }
  const { revoked } = change.data;
  return (
    <Notice>
      <p>
        Your password is {change.variables ? 'changed' : 'set'}.{' '}
        {revoked > 0
          ? `${revoked} other session${revoked === 1 ? ' was' : 's were'} signed out.`
          : ''}
      </p>
    </Notice>
  );
}

/** Change the password (current one re-entered), or set a first one (OpenID accounts). */
export function Password() {
  const me = useMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const hasPassword = me.data?.hasPassword ?? true;
  const change = useChangePassword({ current, next }, () => {
    setCurrent('');
    setNext('');
    setConfirm('');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const differs = next !== confirm;
    setMismatch(differs);
    if (!differs) {
      change.mutate(hasPassword);
    }
  };
  const wrong = isWrongPassword(change.error);
  const title = hasPassword ? 'Password' : 'Set a password';
  return (
    <section className="card" aria-labelledby="account-password">
      <h2 id="account-password">{title}</h2>
      {hasPassword ? null : (
        <p className="muted small">
          You sign in with an external provider. Set a password to sign in with your email too.
        </p>
      )}
      <form onSubmit={submit} noValidate className="narrow-form">
        {hasPassword ? (
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            problem={wrong ? 'This is not your current password.' : null}
            onChange={(e) => setCurrent(e.target.value)}
          />
        ) : null}
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <Field
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          problem={mismatch ? 'The two new passwords are not the same.' : null}
          onChange={(e) => setConfirm(e.target.value)}
        />
        <Outcome change={change} />
        <Button type="submit" variant="primary" busy={change.isPending}>
          {hasPassword ? 'Change password' : 'Set password'}
        </Button>
      </form>
    </section>
  );
}
