import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../../api/client';
import { describeError } from '../../../api/errors';
import { Badge, Button, Field } from '../../../ui';
import { routerKeys, useRouterContext } from '../context';
import { deviceLabel, type Device } from './queries';

function problemOf(error: unknown): string | null {
  if (!error) {
    return null;
  }
  const text = describeError(error);
  const field = text.fields[0]?.message;
  return [text.sentence, field ?? text.details].filter(Boolean).join(' ');
}

/** The in-place editor: Enter saves, Escape cancels; an empty name clears it. */
function RenameForm({ device, onClose }: { device: Device; onClose: () => void }) {
  const { routerId } = useRouterContext();
  const client = useQueryClient();
  const [draft, setDraft] = useState(device.name ?? '');
  const rename = useMutation({
    mutationFn: (name: string | null) =>
      unwrap(
        api.PATCH('/api/v1/routers/{routerId}/devices/{deviceId}', {
          params: { path: { routerId, deviceId: device.id } },
          body: { name },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: routerKeys.devices(routerId) });
      onClose();
    },
  });
  const save = (event: FormEvent) => {
    event.preventDefault();
    const name = draft.trim();
    rename.mutate(name === '' ? null : name);
  };
  return (
    <form className="rename-form" onSubmit={save} noValidate>
      <Field
        label={`New name for ${deviceLabel(device)}`}
        hint="Leave it empty to clear the name."
        value={draft}
        maxLength={100}
        autoFocus
        problem={problemOf(rename.error)}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <div className="row">
        <Button type="submit" size="small" variant="primary" busy={rename.isPending}>
          Save
        </Button>
        <Button size="small" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** A device's name with its Rename button, or the editor in its place. */
export function RenameCell({ device, isNew }: { device: Device; isNew: boolean }) {
  const [editing, setEditing] = useState(false);
  const cell = useRef<HTMLDivElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    // Back to the Rename button once the editor closes, so the keyboard stays here.
    if (wasEditing.current && !editing) {
      cell.current?.querySelector('button')?.focus();
    }
    wasEditing.current = editing;
  }, [editing]);
  if (editing) {
    return <RenameForm device={device} onClose={() => setEditing(false)} />;
  }
  return (
    <div className="name-cell" ref={cell}>
      <span className="wrap">
        {device.name ?? <span className="muted">No name</span>}
        {isNew ? (
          <>
            {' '}
            <Badge tone="accent">New</Badge>
          </>
        ) : null}
      </span>
      <Button
        variant="link"
        size="small"
        aria-label={`Rename ${deviceLabel(device)}`}
        onClick={() => setEditing(true)}
      >
        Rename
      </Button>
    </div>
  );
}
