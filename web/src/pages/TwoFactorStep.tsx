import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { useSessionChanged } from '../app/session';
import { Button, ErrorNotice, Field } from '../ui';

/**
 * The second step of a sign-in with two-factor authentication on: a code from the
 * authenticator app, or one of the recovery codes. Without a challenge token the
 * server reads the challenge from its cookie (an OpenID sign-in).
 */
export function TwoFactorStep({
  challengeToken,
  onRestart,
}: {
  challengeToken: string | undefined;
  onRestart: () => void;
}) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState('');
  const changed = useSessionChanged();
  const verify = useMutation({
    mutationFn: () => {
      const entered = value.trim();
      const body = useRecovery ? { recoveryCode: entered } : { code: entered.replace(/\s/g, '') };
      return unwrap(
        api.POST('/api/v1/auth/2fa/verify', {
          body: challengeToken ? { ...body, challengeToken } : body,
        }),
      );
    },
    onSuccess: async () => {
      window.history.replaceState(null, '', window.location.pathname);
      await changed();
    },
  });
  const expired =
    verify.error instanceof ApiError && verify.error.code === 'TWO_FACTOR_CHALLENGE_INVALID';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <div className="card">
      <h1>Two-factor authentication</h1>
      <form onSubmit={submit} noValidate>
        {useRecovery ? (
          <Field
            label="Recovery code"
            autoComplete="off"
            hint="One of the codes you saved when you turned on two-factor authentication."
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        ) : (
          <Field
            label="Authentication code"
            inputMode="numeric"
            autoComplete="one-time-code"
            hint="The six digits your authenticator app shows now."
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
        <ErrorNotice error={verify.error} />
        <div className="row">
          {expired ? (
            <Button variant="primary" onClick={onRestart}>
              Sign in again
            </Button>
          ) : (
            <Button type="submit" variant="primary" busy={verify.isPending}>
              Verify
            </Button>
          )}
          <Button
            variant="link"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setValue('');
            }}
          >
            {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
          </Button>
        </div>
      </form>
    </div>
  );
}
