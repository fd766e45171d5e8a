import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Schemas } from '../../../api/client';
import { Button, ConfirmDialog, ErrorNotice, formatRelative } from '../../../ui';
import { useRouterContext } from '../context';
import { invalidateAccess, removeEntry, type ListName } from './api';
import { RenameForm } from './RenameForm';

interface EntryTableProps {
  list: ListName;
  entries: Schemas['ListEntry'][];
  /** Called with a sentence saying what was done. */
  onDone: (message: string) => void;
}

function who(entry: Schemas['ListEntry']): string {
  return entry.name ? `${entry.name} (${entry.ip})` : entry.ip;
}

interface EntryRowProps {
  list: ListName;
  entry: Schemas['ListEntry'];
  renaming: boolean;
  onRename: () => void;
  onRenamed: (message: string | null) => void;
  onRemove: () => void;
}

function EntryRow({ list, entry, renaming, onRename, onRenamed, onRemove }: EntryRowProps) {
  return (
    <tr>
      <td>
        <code>{entry.ip}</code>
        {entry.deviceId ? null : <span className="muted small"> (unknown device)</span>}
      </td>
      <td>
        {renaming ? (
          <RenameForm list={list} entry={entry} onClose={onRenamed} />
        ) : (
          (entry.name ?? <span className="muted">no name</span>)
        )}
      </td>
      <td>{formatRelative(entry.createdAt)}</td>
      <td className="actions">
        {renaming ? null : (
          <Button size="small" aria-label={`Rename ${who(entry)}`} onClick={onRename}>
            Rename
          </Button>
        )}
        <Button
          size="small"
          variant="danger"
          aria-label={`Remove ${who(entry)} from the ${list}`}
          onClick={onRemove}
        >
          Remove
        </Button>
      </td>
    </tr>
  );
}

/** The addresses of one list, each with rename and remove. */
export function EntryTable({ list, entries, onDone }: EntryTableProps) {
  const { routerId } = useRouterContext();
  const client = useQueryClient();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Schemas['ListEntry'] | null>(null);
  const remove = useMutation({
    mutationFn: (entry: Schemas['ListEntry']) => removeEntry(routerId, list, entry.ip),
    onSuccess: (answer, entry) => {
      onDone(
        answer.changed
          ? `${who(entry)} is no longer on the ${list}.`
          : `${who(entry)} was removed here; the router’s ${list} did not have it any more.`,
      );
    },
    onSettled: async () => {
      setRemoving(null);
      await invalidateAccess(client, routerId);
    },
  });
  return (
    <>
      <ErrorNotice
        error={remove.error}
        title={remove.variables ? `${who(remove.variables)} was not removed.` : undefined}
      />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">The {list}</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Name</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <EntryRow
                key={entry.ip}
                list={list}
                entry={entry}
                renaming={renaming === entry.ip}
                onRename={() => setRenaming(entry.ip)}
                onRenamed={(message) => {
                  setRenaming(null);
                  if (message) {
                    onDone(message);
                  }
                }}
                onRemove={() => setRemoving(entry)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ? who(removing) : ''} from the ${list}?`}
        confirmLabel="Remove"
        danger
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
        onCancel={() => setRemoving(null)}
      >
        <p>
          The router takes the address off its {list} now
          {list === 'whitelist'
            ? '; in whitelist mode that device can no longer connect.'
            : '; in blacklist mode that device may connect again.'}
        </p>
      </ConfirmDialog>
    </>
  );
}
