import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, unwrap } from '../api/client';
import { useSessionChanged } from '../app/session';
import { Button, ErrorNotice, Field } from '../ui';

/** A new account, then signed in at once (the same email and password). */
export function SignUp() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const changed = useSessionChanged();
  const register = useMutation({
    mutationFn: async () => {
      const credentials = { email: email.trim(), password };
      await unwrap(api.POST('/api/v1/auth/register', { body: credentials }));
      await unwrap(api.POST('/api/v1/auth/login', { body: credentials }));
    },
    onSuccess: changed,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };
  return (
    <div className="card">
      <h1>Create your NetPilot account</h1>
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="Make it hard to guess: a few unrelated words work well."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorNotice error={register.error} />
        <Button type="submit" variant="primary" busy={register.isPending}>
          Create account
        </Button>
      </form>
      <p className="muted small">
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </div>
  );
}
