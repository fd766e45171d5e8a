import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import {
  Button,
  ConfirmDialog,
  Empty,
  ErrorNotice,
  Field,
  formatDateTime,
  Loading,
  Notice,
} from '../../../ui';
import { routerKeys, useRouterContext } from '../context';

const LIMIT = 500;

/** The router's open invitations: under the members' key, so a change refreshes both. */
export const invitationsKey = (routerId: string) =>
  [...routerKeys.members(routerId), 'invitations'] as const;

interface Sent {
  invitation: Schemas['Invitation'];
  renewed: boolean;
}

function InviteForm() {
  const { routerId } = useRouterContext();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const invite = useMutation({
    mutationFn: async (address: string): Promise<Sent> => {
      const call = api.POST('/api/v1/routers/{routerId}/invitations', {
        params: { path: { routerId } },
        body: { email: address },
      });
      const invitation = await unwrap(call);
      return { invitation, renewed: (await call).response.status === 200 };
    },
    onSuccess: () => setEmail(''),
    onSettled: () => client.invalidateQueries({ queryKey: invitationsKey(routerId) }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate(email.trim());
  };
  const sent = invite.data;
  return (
    <form onSubmit={submit} noValidate>
      <div className="row">
        <Field
          className="grow"
          label="Email address to invite"
          type="email"
          autoComplete="off"
          hint="They sign in (or sign up) with this address and accept on their routers page. No email is sent: tell them yourself."
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <ErrorNotice error={invite.error} />
      {sent && !invite.isPending ? (
        <Notice>
          <p>
            {sent.renewed ? 'The open invitation for ' : 'Invitation sent to '}
            <strong>{sent.invitation.email}</strong>
            {sent.renewed ? ' is renewed' : ''}: it is open until{' '}
            {formatDateTime(sent.invitation.expiresAt)}.
          </p>
        </Notice>
      ) : null}
      <Button type="submit" variant="primary" busy={invite.isPending}>
        Invite
      </Button>
    </form>
  );
}

function SentList() {
  const { routerId } = useRouterContext();
  const client = useQueryClient();
  const [revoking, setRevoking] = useState<Schemas['Invitation'] | null>(null);
  const sent = useQuery({
    queryKey: invitationsKey(routerId),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/routers/{routerId}/invitations', {
          params: { path: { routerId }, query: { limit: LIMIT } },
        }),
      ),
  });
  const revoke = useMutation({
    mutationFn: (invitationId: string) =>
      unwrap(
        api.DELETE('/api/v1/routers/{routerId}/invitations/{invitationId}', {
          params: { path: { routerId, invitationId } },
        }),
      ),
    onSuccess: () => setRevoking(null),
    onSettled: () => client.invalidateQueries({ queryKey: invitationsKey(routerId) }),
  });
  if (sent.isPending) {
    return <Loading label="Loading the open invitations…" />;
  }
  if (sent.isError) {
    return <ErrorNotice error={sent.error} />;
  }
  if (sent.data.items.length === 0) {
    return (
      <Empty>
        <p>No invitation is open.</p>
      </Empty>
    );
  }
  return (
    <>
      {revoking ? null : <ErrorNotice error={revoke.error} />}
      <ul className="plain-list stack">
        {sent.data.items.map((inv) => (
          <li key={inv.id} className="row invitation">
            <span className="grow break">
              <strong>{inv.email}</strong>
              <span className="muted small"> · open until {formatDateTime(inv.expiresAt)}</span>
            </span>
            <Button
              size="small"
              variant="danger"
              aria-label={`Revoke the invitation for ${inv.email}`}
              onClick={() => {
                revoke.reset();
                setRevoking(inv);
              }}
            >
              Revoke
            </Button>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke the invitation for ${revoking?.email ?? ''}?`}
        confirmLabel="Revoke invitation"
        danger
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onCancel={() => setRevoking(null)}
      >
        <p>They will no longer be able to accept it. You can invite them again later.</p>
        <ErrorNotice error={revoke.error} />
      </ConfirmDialog>
    </>
  );
}

/** The owner's side: invite someone by email, and the invitations still open. */
export function Invitations() {
  return (
    <>
      <section className="card" aria-labelledby="invite-member">
        <h3 id="invite-member">Invite someone</h3>
        <InviteForm />
      </section>
      <section className="card" aria-labelledby="open-invitations">
        <h3 id="open-invitations">Open invitations</h3>
        <SentList />
      </section>
    </>
  );
}
