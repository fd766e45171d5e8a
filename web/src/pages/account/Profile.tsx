import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ME_KEY, useMe } from '../../app/session';
import { Button, ErrorNotice, Field, formatDateTime, Notice } from '../../ui';

function DisplayNameForm({ me }: { me: Schemas['Me'] }) {
  const client = useQueryClient();
  const [name, setName] = useState(me.user.displayName ?? '');
  const save = useMutation({
    mutationFn: (displayName: string | null) =>
      unwrap(api.PATCH('/api/v1/auth/me', { body: { displayName } })),
    onSuccess: (updated) => {
      client.setQueryData(ME_KEY, updated);
      setName(updated.user.displayName ?? '');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(name.trim() === '' ? null : name.trim());
  };
  return (
    <form onSubmit={submit} noValidate className="narrow-form">
      <div className="row">
        <Field
          className="grow"
          label="Display name"
          autoComplete="name"
          hint="Shown at the top of the page instead of your email. Leave it empty to use your email."
          maxLength={100}
          value={name}
          onChange={(e) => {
            save.reset();
            setName(e.target.value);
          }}
        />
      </div>
      <ErrorNotice error={save.error} />
      {save.isSuccess ? (
        <Notice>
          <p>Your display name is saved.</p>
        </Notice>
      ) : null}
      <Button type="submit" variant="primary" busy={save.isPending}>
        Save display name
      </Button>
    </form>
  );
}

function Providers({ providers }: { providers: Schemas['Me']['providers'] }) {
  if (providers.length === 0) {
    return <p className="muted small">No external sign-in provider is linked to this account.</p>;
  }
  return (
    <ul className="plain-list stack">
      {providers.map((p) => (
        <li key={`${p.name}:${p.email}`}>
          <strong>{p.name}</strong> as <span className="break">{p.email}</span>
          <span className="muted small"> · linked {formatDateTime(p.linkedAt)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Email (read-only), the display name, and the linked sign-in providers. */
export function Profile() {
  const me = useMe();
  if (!me.data) {
    return null;
  }
  const { user } = me.data;
  return (
    <section className="card" aria-labelledby="account-profile">
      <h2 id="account-profile">Profile</h2>
      <dl className="facts">
        <dt>Email</dt>
        <dd className="break">{user.email}</dd>
        <dt>Account created</dt>
        <dd>{formatDateTime(user.createdAt)}</dd>
      </dl>
      <DisplayNameForm me={me.data} />
      <h3>Linked sign-in providers</h3>
      <Providers providers={me.data.providers} />
    </section>
  );
}
