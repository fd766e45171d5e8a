import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import { useMe } from '../../../app/session';
import {
  Badge,
  Button,
  ConfirmDialog,
  Empty,
  ErrorNotice,
  formatDateTime,
  Loading,
} from '../../../ui';
import { routerKeys, useRouterContext } from '../context';

const LIMIT = 500;

function MemberRow({
  member: m,
  isMe,
  canRemove,
  onRemove,
}: {
  member: Schemas['Member'];
  isMe: boolean;
  canRemove: boolean;
  onRemove: () => void;
}) {
  return (
    <tr>
      <td className="break">
        {m.email}
        {isMe ? <span className="muted small"> (you)</span> : null}
      </td>
      <td>
        <Badge tone={m.role === 'owner' ? 'accent' : undefined}>{m.role}</Badge>
      </td>
      <td>{formatDateTime(m.joinedAt)}</td>
      {canRemove ? (
        <td>
          {m.role === 'owner' ? null : (
            <Button
              size="small"
              variant="danger"
              aria-label={`Remove ${m.email}`}
              onClick={onRemove}
            >
              Remove
            </Button>
          )}
        </td>
      ) : null}
    </tr>
  );
}

function useRemoveMember(routerId: string, onDone: () => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.DELETE('/api/v1/routers/{routerId}/members/{userId}', {
          params: { path: { routerId, userId } },
        }),
      ),
    onSuccess: onDone,
    onSettled: () => client.invalidateQueries({ queryKey: routerKeys.members(routerId) }),
  });
}

/** The router's members, owner first; the owner may remove the others (after a question). */
export function MemberList() {
  const { routerId, isOwner } = useRouterContext();
  const me = useMe();
  const [removing, setRemoving] = useState<Schemas['Member'] | null>(null);
  const members = useQuery({
    queryKey: routerKeys.members(routerId),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/routers/{routerId}/members', {
          params: { path: { routerId }, query: { limit: LIMIT } },
        }),
      ),
  });
  const remove = useRemoveMember(routerId, () => setRemoving(null));
  if (members.isPending) {
    return <Loading label="Loading the members…" />;
  }
  if (members.isError) {
    return <ErrorNotice error={members.error} />;
  }
  const items = members.data.items;
  if (items.length === 0) {
    return (
      <Empty>
        <p>This router has no members.</p>
      </Empty>
    );
  }
  const myId = me.data?.user.id;
  return (
    <section aria-label="Members of this router" className="stack member-list">
      {removing ? null : <ErrorNotice error={remove.error} />}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              {isOwner ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <MemberRow
                key={m.userId}
                member={m}
                isMe={m.userId === myId}
                canRemove={isOwner}
                onRemove={() => {
                  remove.reset();
                  setRemoving(m);
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      {members.data.nextCursor ? <p className="muted small">Showing the first {LIMIT}.</p> : null}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.email ?? ''}?`}
        confirmLabel="Remove member"
        danger
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing.userId)}
        onCancel={() => setRemoving(null)}
      >
        <p>They lose access to this router at once. To let them back in, invite them again.</p>
        <ErrorNotice error={remove.error} />
      </ConfirmDialog>
    </section>
  );
}
