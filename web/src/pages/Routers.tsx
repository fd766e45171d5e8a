import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap, type Schemas } from '../api/client';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Field,
  formatRelative,
  Loading,
  PageHeader,
} from '../ui';

export const ROUTERS_KEY = ['routers'] as const;

function RouterList() {
  const routers = useQuery({
    queryKey: ROUTERS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/routers', { params: { query: { limit: 500 } } })),
  });
  if (routers.isPending) {
    return <Loading label="Loading your routers…" />;
  }
  if (routers.isError) {
    return <ErrorNotice error={routers.error} />;
  }
  if (routers.data.items.length === 0) {
    return (
      <Empty>
        <p>You have no routers yet.</p>
        <p>Add yours below with the id on its label, or accept an invitation.</p>
      </Empty>
    );
  }
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Your routers</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Router id</th>
            <th scope="col">Your role</th>
            <th scope="col">Last scan</th>
          </tr>
        </thead>
        <tbody>
          {routers.data.items.map((r) => (
            <tr key={r.routerId}>
              <td>
                <Link href={`/routers/${encodeURIComponent(r.routerId)}`}>{r.name}</Link>
              </td>
              <td>
                <code>{r.routerId}</code>
              </td>
              <td>
                <Badge tone={r.role === 'owner' ? 'accent' : undefined}>{r.role}</Badge>
              </td>
              <td>{r.lastScanAt ? formatRelative(r.lastScanAt) : 'never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AddRouter() {
  const [routerId, setRouterId] = useState('');
  const [name, setName] = useState('');
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const add = useMutation({
    mutationFn: (body: Schemas['AddRouterRequest']) =>
      unwrap(api.POST('/api/v1/routers', { body })),
    onSuccess: async (router) => {
      await client.invalidateQueries({ queryKey: ROUTERS_KEY });
      navigate(`/routers/${encodeURIComponent(router.routerId)}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ routerId: routerId.trim(), name: name.trim() });
  };
  return (
    <section className="card" aria-labelledby="add-router">
      <h2 id="add-router">Add a router</h2>
      <p className="muted small">
        The router must be connected. The first person to add it becomes its owner; others join by
        invitation.
      </p>
      <form onSubmit={submit} noValidate>
        <div className="row">
          <Field
            className="grow"
            label="Router id"
            hint="Printed on the router’s label."
            required
            value={routerId}
            onChange={(e) => setRouterId(e.target.value)}
          />
          <Field
            className="grow"
            label="Name"
            hint="What you call it, e.g. Home."
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <ErrorNotice error={add.error} />
        <Button type="submit" variant="primary" busy={add.isPending}>
          Add router
        </Button>
      </form>
    </section>
  );
}

function ReceivedInvitations() {
  const client = useQueryClient();
  const invitations = useQuery({
    queryKey: ['invitations', 'received'],
    queryFn: () => unwrap(api.GET('/api/v1/invitations', { params: { query: { limit: 100 } } })),
  });
  const answer = useMutation({
    mutationFn: async ({ id, accept }: { id: string; accept: boolean }): Promise<void> => {
      const params = { path: { invitationId: id } };
      if (accept) {
        await unwrap(api.POST('/api/v1/invitations/{invitationId}/accept', { params }));
      } else {
        await unwrap(api.POST('/api/v1/invitations/{invitationId}/decline', { params }));
      }
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: ['invitations', 'received'] });
      await client.invalidateQueries({ queryKey: ROUTERS_KEY });
    },
  });
  const items = invitations.data?.items ?? [];
  if (items.length === 0 && !invitations.isError && !answer.error) {
    return null;
  }
  return (
    <section className="card" aria-labelledby="invitations-received">
      <h2 id="invitations-received">Invitations for you</h2>
      <ErrorNotice error={invitations.error ?? answer.error} />
      <ul className="stack plain-list">
        {items.map((inv) => (
          <li key={inv.id} className="row">
            <span className="grow">
              <strong>{inv.invitedBy.email}</strong> invites you to{' '}
              <strong>{inv.router.name}</strong>
              <span className="muted small">
                {' '}
                (until {new Date(inv.expiresAt).toLocaleDateString()})
              </span>
            </span>
            <Button
              variant="primary"
              size="small"
              aria-label={`Accept the invitation to ${inv.router.name}`}
              busy={answer.isPending && answer.variables.id === inv.id && answer.variables.accept}
              onClick={() => answer.mutate({ id: inv.id, accept: true })}
            >
              Accept
            </Button>
            <Button
              size="small"
              aria-label={`Decline the invitation to ${inv.router.name}`}
              busy={answer.isPending && answer.variables.id === inv.id && !answer.variables.accept}
              onClick={() => answer.mutate({ id: inv.id, accept: false })}
            >
              Decline
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function Routers() {
  return (
    <>
      <PageHeader title="Your routers" />
      <ReceivedInvitations />
      <RouterList />
      <AddRouter />
    </>
  );
}
