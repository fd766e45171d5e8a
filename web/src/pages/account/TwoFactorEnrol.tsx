import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { useMe } from '../../app/session';
import { Badge, Button, ErrorNotice, Field } from '../../ui';

function codeOf(error: unknown): string | null {
  return error instanceof ApiError ? error.code : null;
}

/** The secret in groups of four, as people type it; apps ignore the spaces. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The password re-entered, when the sign-in is not recent enough for a new secret. */
function PasswordAgain({ setup, onCancel }: { setup: SetupMutation; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setup.mutate(password);
  };
  const wrong = codeOf(setup.error) === 'INVALID_CREDENTIALS';
  return (
    <form onSubmit={submit} noValidate className="narrow-form">
      <p>For this change, enter your password again.</p>
      <Field
        label="Your password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        problem={wrong ? 'This is not your password.' : null}
        onChange={(e) => setPassword(e.target.value)}
      />
      {wrong || codeOf(setup.error) === 'REAUTHENTICATION_REQUIRED' ? null : (
        <ErrorNotice error={setup.error} />
      )}
      <div className="row">
        <Button type="submit" variant="primary" busy={setup.isPending}>
          Continue
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

/** Step 2: scan the QR code (or type the secret), then confirm with a first code. */
function ConfirmEnrolment({
  enrolment,
  onEnabled,
  onCancel,
}: {
  enrolment: Schemas['TwoFactorEnrolment'];
  onEnabled: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const [code, setCode] = useState('');
  const enable = useMutation({
    mutationFn: (value: string) =>
      unwrap(api.POST('/api/v1/auth/2fa/enable', { body: { code: value } })),
    onSuccess: (result) => onEnabled(result.recoveryCodes),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    enable.mutate(code.replace(/\s/g, ''));
  };
  return (
    <div className="enrolment">
      <ol className="steps">
        <li>
          <p>Open your authenticator app and scan this QR code:</p>
          <img
            className="qr-code"
            src={enrolment.qrCodeDataUrl}
            width={200}
            height={200}
            alt="QR code to add NetPilot to your authenticator app"
          />
          <p className="small">
            Cannot scan? Type this secret key into the app (time-based, six digits):
          </p>
          <p>
            <code className="secret">{grouped(enrolment.secret)}</code>
          </p>
        </li>
        <li>
          <form onSubmit={submit} noValidate className="narrow-form">
            <Field
              label="Code from your app"
              inputMode="numeric"
              autoComplete="one-time-code"
              hint="The six digits the app shows now for NetPilot."
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <ErrorNotice error={enable.error} />
            <div className="row">
              <Button type="submit" variant="primary" busy={enable.isPending}>
                Turn on
              </Button>
              <Button onClick={onCancel}>Cancel</Button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

function useSetup(onStarted: (enrolment: Schemas['TwoFactorEnrolment']) => void) {
  return useMutation({
    mutationFn: (password: string | undefined) =>
      unwrap(
        api.POST('/api/v1/auth/2fa/setup', {
          body: password === undefined ? {} : { password },
        }),
      ),
    onSuccess: onStarted,
  });
}
type SetupMutation = ReturnType<typeof useSetup>;

/**
 * Two-factor authentication while it is off: turning it on, from a new secret
 * (after the password, when the server asks for it) to the first code.
 */
export function TwoFactorEnrol({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const me = useMe();
  const [enrolment, setEnrolment] = useState<Schemas['TwoFactorEnrolment'] | null>(null);
  const setup = useSetup(setEnrolment);
  const cancel = () => {
    setEnrolment(null);
    setup.reset();
  };
  const reauth = codeOf(setup.error) === 'REAUTHENTICATION_REQUIRED' && me.data?.hasPassword;
  const askingPassword =
    reauth || (setup.variables !== undefined && (setup.isPending || setup.isError));
  if (enrolment) {
    return (
      <>
        <h3>Set up your authenticator app</h3>
        <ConfirmEnrolment enrolment={enrolment} onEnabled={onEnabled} onCancel={cancel} />
      </>
    );
  }
  if (askingPassword) {
    return <PasswordAgain setup={setup} onCancel={cancel} />;
  }
  return (
    <>
      <p>
        <Badge>Off</Badge> Signing in needs only your password. Turn on two-factor authentication to
        also ask for a code from an authenticator app on your phone.
      </p>
      {codeOf(setup.error) === 'REAUTHENTICATION_REQUIRED' ? (
        <div className="notice error" role="alert">
          <p>For this change, sign out and sign in again, then turn it on within 10 minutes.</p>
        </div>
      ) : (
        <ErrorNotice error={setup.error} />
      )}
      <Button variant="primary" busy={setup.isPending} onClick={() => setup.mutate(undefined)}>
        Turn on two-factor authentication
      </Button>
    </>
  );
}
