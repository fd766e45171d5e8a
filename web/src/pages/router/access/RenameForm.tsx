import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Schemas } from '../../../api/client';
import { Button, ErrorNotice, Field } from '../../../ui';
import { routerKeys, useRouterContext } from '../context';
import { renameEntry, type ListName } from './api';

interface RenameFormProps {
  list: ListName;
  entry: Schemas['ListEntry'];
  /** A sentence when the name was saved; null when cancelled. */
  onClose: (message: string | null) => void;
}

/** The name of one entry, edited in place (saved here only: the router keeps addresses). */
export function RenameForm({ list, entry, onClose }: RenameFormProps) {
  const { routerId } = useRouterContext();
  const client = useQueryClient();
  const [name, setName] = useState(entry.name ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const rename = useMutation({
    mutationFn: (value: string | null) => renameEntry(routerId, list, entry.ip, value),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: routerKeys.lists(routerId) });
      onClose(
        saved.name ? `${entry.ip} is now named ${saved.name}.` : `${entry.ip} has no name now.`,
      );
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = name.trim();
    if (value.length > 100) {
      setProblem('At most 100 characters.');
      return;
    }
    setProblem(null);
    rename.mutate(value === '' ? null : value);
  };
  return (
    <form onSubmit={submit} noValidate className="rename-form">
      <Field
        label={`Name for ${entry.ip}`}
        hint="Leave empty to clear the name."
        value={name}
        maxLength={100}
        problem={problem}
        autoFocus
        onChange={(e) => setName(e.target.value)}
      />
      <ErrorNotice error={rename.error} />
      <div className="row">
        <Button type="submit" size="small" variant="primary" busy={rename.isPending}>
          Save name
        </Button>
        <Button size="small" onClick={() => onClose(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
