import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import { useMe } from '../../app/session';
import { Button, ErrorNotice, Field } from '../../ui';

const APP_CODE_HINT = 'The six digits your authenticator app shows now.';

/** New recovery codes (the old ones stop working), confirmed by an app code. */
export function ReplaceRecoveryCodes({ onReplaced }: { onReplaced: (codes: string[]) => void }) {
  const [code, setCode] = useState('');
  const replace = useMutation({
    mutationFn: (value: string) =>
      unwrap(api.POST('/api/v1/auth/2fa/recovery-codes', { body: { code: value } })),
    onSuccess: (result) => {
      setCode('');
      onReplaced(result.recoveryCodes);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    replace.mutate(code.replace(/\s/g, ''));
  };
  return (
    <form onSubmit={submit} noValidate className="sub-form narrow-form">
      <h3>Replace the recovery codes</h3>
      <p className="muted small">
        Lost them, or used some? Get ten new ones; the old ones stop working.
      </p>
      <Field
        label="Code from your app (to replace the codes)"
        inputMode="numeric"
        autoComplete="one-time-code"
        hint={APP_CODE_HINT}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <ErrorNotice error={replace.error} />
      <Button type="submit" busy={replace.isPending}>
        Replace recovery codes
      </Button>
    </form>
  );
}

/** Turning two-factor authentication off: an app or recovery code, and the password. */
export function DisableTwoFactor({ onDisabled }: { onDisabled: () => void }) {
  const me = useMe();
  const hasPassword = me.data?.hasPassword ?? true;
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const disable = useMutation({
    mutationFn: () => {
      const proof = useRecovery ? { recoveryCode: code.trim() } : { code: code.replace(/\s/g, '') };
      return unwrap(
        api.POST('/api/v1/auth/2fa/disable', {
          body: hasPassword ? { ...proof, password } : proof,
        }),
      );
    },
    onSuccess: onDisabled,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    disable.mutate();
  };
  const wrongPassword =
    disable.error instanceof ApiError && disable.error.code === 'INVALID_CREDENTIALS';
  return (
    <form onSubmit={submit} noValidate className="sub-form narrow-form">
      <h3>Turn off two-factor authentication</h3>
      <p className="muted small">Signing in will need only your password again.</p>
      <Field
        label={useRecovery ? 'Recovery code' : 'Code from your app (to turn off)'}
        inputMode={useRecovery ? 'text' : 'numeric'}
        autoComplete="off"
        hint={useRecovery ? 'One of your unused recovery codes.' : APP_CODE_HINT}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <Button
        variant="link"
        onClick={() => {
          setUseRecovery(!useRecovery);
          setCode('');
        }}
      >
        {useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
      </Button>
      {hasPassword ? (
        <Field
          label="Your password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          problem={wrongPassword ? 'This is not your password.' : null}
          onChange={(e) => setPassword(e.target.value)}
        />
      ) : null}
      {wrongPassword ? (
        <div className="notice error" role="alert">
          <p>Your password is not right. Two-factor authentication is still on.</p>
        </div>
      ) : (
        <ErrorNotice error={disable.error} />
      )}
      <Button type="submit" variant="danger" busy={disable.isPending}>
        Turn off two-factor authentication
      </Button>
    </form>
  );
}
