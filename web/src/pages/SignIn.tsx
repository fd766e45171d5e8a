import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiError, unwrap } from '../api/client';
import { useSessionChanged } from '../app/session';
import { Button, ErrorNotice, Field } from '../ui';
import { TwoFactorStep } from './TwoFactorStep';

/**
 * Where an OpenID sign-in starts: the provider's start URL, coming back to this
 * page (which, signed in, goes on to `next`, the page the person was headed for).
 */
function oidcStartHref(startUrl: string): string {
  const next = new URLSearchParams(window.location.search).get('next');
  const returnTo = next ? `/signin?next=${encodeURIComponent(next)}` : '/signin';
  return `${startUrl}?returnTo=${encodeURIComponent(returnTo)}`;
}

function ProviderButtons() {
  const providers = useQuery({
    queryKey: ['sign-in-methods'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/providers')),
    staleTime: Infinity,
  });
  const external = (providers.data ?? []).filter((m) => m.id === 'oidc' && m.startUrl);
  if (external.length === 0) {
    return null;
  }
  return (
    <div className="stack">
      {external.map((m) => (
        <a key={m.startUrl} className="button" href={oidcStartHref(m.startUrl!)}>
          Sign in with {m.name}
        </a>
      ))}
      <p className="muted small">or with your email and password:</p>
    </div>
  );
}

export function SignIn() {
  const params = new URLSearchParams(window.location.search);
  const returnedError = params.get('error');
  const [challenge, setChallenge] = useState<string | null>(
    params.get('twoFactor') === 'required' ? '' : null,
  );
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const changed = useSessionChanged();
  const login = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/auth/login', { body: { email: email.trim(), password } })),
    onSuccess: async (result) => {
      if ('twoFactorRequired' in result) {
        setChallenge(result.challengeToken);
        return;
      }
      await changed();
    },
  });
  if (challenge !== null) {
    return (
      <TwoFactorStep
        challengeToken={challenge || undefined}
        onRestart={() => {
          setChallenge(null);
          setPassword('');
          window.history.replaceState(null, '', '/signin');
        }}
      />
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <div className="card">
      <h1>Sign in to NetPilot</h1>
      {returnedError ? <ErrorNotice error={new ApiError(0, returnedError, '')} /> : null}
      <ProviderButtons />
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorNotice error={login.error} />
        <Button type="submit" variant="primary" busy={login.isPending}>
          Sign in
        </Button>
      </form>
      <p className="muted small">
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </div>
  );
}
