import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import {
  Badge,
  Button,
  ConfirmDialog,
  ErrorNotice,
  formatRelative,
  Loading,
  Notice,
} from '../../ui';
import { describeUserAgent } from './userAgent';

export const SESSIONS_KEY = ['account', 'sessions'] as const;

const signedInAt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function SessionItem({
  session,
  onRevoke,
}: {
  session: Schemas['Session'];
  onRevoke: (session: Schemas['Session']) => void;
}) {
  const device = describeUserAgent(session.userAgent);
  const since = signedInAt.format(new Date(session.createdAt));
  return (
    <li className="session">
      <div className="grow">
        <p>
          <strong>{device}</strong> {session.current ? <Badge tone="ok">This device</Badge> : null}
        </p>
        <p className="muted small">
          {session.ip ?? 'Unknown address'} · last seen {formatRelative(session.lastSeenAt)} ·
          signed in {since} with {session.method === 'oidc' ? 'a provider' : 'a password'}
          {session.twoFactor ? ' and a second factor' : ''}
        </p>
      </div>
      {session.current ? null : (
        <Button
          size="small"
          variant="danger"
          aria-label={`Revoke the session of ${device} signed in ${since}`}
          onClick={() => onRevoke(session)}
        >
          Revoke
        </Button>
      )}
    </li>
  );
}

function useSessionMutations(onDone: () => void) {
  const client = useQueryClient();
  const settled = () => client.invalidateQueries({ queryKey: SESSIONS_KEY });
  const revoke = useMutation({
    mutationFn: (sessionId: string) =>
      unwrap(api.DELETE('/api/v1/auth/sessions/{sessionId}', { params: { path: { sessionId } } })),
    onSuccess: onDone,
    onSettled: settled,
  });
  const revokeOthers = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/sessions/revoke-others')),
    onSuccess: onDone,
    onSettled: settled,
  });
  return { revoke, revokeOthers };
}

/** Where the account is signed in; end any other session, or all of them at once. */
export function Sessions() {
  const [revoking, setRevoking] = useState<Schemas['Session'] | 'others' | null>(null);
  const sessions = useQuery({
    queryKey: SESSIONS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/auth/sessions', { params: { query: { limit: 500 } } })),
  });
  const { revoke, revokeOthers } = useSessionMutations(() => setRevoking(null));
  const error = revoke.error ?? revokeOthers.error;
  const items = sessions.data?.items ?? [];
  const others = items.filter((s) => !s.current).length;
  const ask = (what: Schemas['Session'] | 'others') => {
    revoke.reset();
    revokeOthers.reset();
    setRevoking(what);
  };
  return (
    <section className="card" aria-labelledby="account-sessions">
      <h2 id="account-sessions">Sessions</h2>
      <p className="muted small">Everywhere you are signed in. Revoke what you do not recognise.</p>
      {sessions.isPending ? <Loading label="Loading your sessions…" /> : null}
      <ErrorNotice error={sessions.error} />
      {revoking ? null : <ErrorNotice error={error} />}
      {revokeOthers.isSuccess ? (
        <Notice>
          <p>
            Signed out everywhere else ({revokeOthers.data.revoked} session
            {revokeOthers.data.revoked === 1 ? '' : 's'}).
          </p>
        </Notice>
      ) : null}
      <ul className="plain-list sessions">
        {items.map((s) => (
          <SessionItem key={s.id} session={s} onRevoke={ask} />
        ))}
      </ul>
      {others > 0 ? (
        <Button variant="danger" onClick={() => ask('others')}>
          Sign out everywhere else
        </Button>
      ) : null}
      <ConfirmDialog
        open={revoking !== null}
        title={
          revoking === 'others'
            ? `Sign out ${others} other session${others === 1 ? '' : 's'}?`
            : `Revoke the session of ${describeUserAgent(revoking?.userAgent ?? null)}?`
        }
        confirmLabel={revoking === 'others' ? 'Sign out everywhere else' : 'Revoke session'}
        danger
        busy={revoke.isPending || revokeOthers.isPending}
        onConfirm={() =>
          revoking === 'others' ? revokeOthers.mutate() : revoking && revoke.mutate(revoking.id)
        }
        onCancel={() => setRevoking(null)}
      >
        <p>
          {revoking === 'others'
            ? 'Every browser and app but this one is signed out at its next step.'
            : `That browser is signed out at its next step${revoking?.ip ? ` (${revoking.ip})` : ''}.`}
        </p>
        <ErrorNotice error={error} />
      </ConfirmDialog>
    </section>
  );
}
