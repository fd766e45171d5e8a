import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { Schemas } from '../../../api/client';
import { failureTitle } from '../failure';
import { Button, ErrorNotice, Loading, Notice } from '../../../ui';
import { routerKeys, useRouterContext } from '../context';
import { getMode, listKeys, setMode, type ActiveMode } from './api';

const CHOICES: { value: ActiveMode; label: string }[] = [
  { value: 'none', label: 'No restriction' },
  { value: 'whitelist', label: 'Whitelist: only listed devices may connect' },
  { value: 'blacklist', label: 'Blacklist: listed devices are blocked' },
];

export const MODE_WORDS: Record<ActiveMode, string> = {
  none: 'no restriction',
  whitelist: 'whitelist mode',
  blacklist: 'blacklist mode',
};

/** What the router answered, in words: the mode now, and whether anything changed. */
function outcome(change: Schemas['ListModeChange']): string {
  const now =
    change.activeMode === 'none'
      ? 'No restriction is active: both lists are off.'
      : `${change.activeMode === 'whitelist' ? 'Whitelist' : 'Blacklist'} mode is on; ${
          change.activeMode === 'whitelist' ? 'blacklist' : 'whitelist'
        } mode is off.`;
  return change.changed ? now : `${now} The router already had this mode.`;
}

/** The one active access mode, chosen among three (owner only). */
export function ModeChoice() {
  const { routerId, isOwner } = useRouterContext();
  const client = useQueryClient();
  const noteId = useId();
  const [picked, setPicked] = useState<ActiveMode | null>(null);
  const mode = useQuery({ queryKey: listKeys.mode(routerId), queryFn: () => getMode(routerId) });
  const change = useMutation({
    mutationFn: (wanted: ActiveMode) => {
      const current = mode.data?.activeMode ?? 'none';
      return wanted === 'none'
        ? setMode(routerId, current === 'none' ? 'whitelist' : current, false)
        : setMode(routerId, wanted, true);
    },
    onSuccess: (answer) => {
      client.setQueryData(listKeys.mode(routerId), { ...answer, source: 'database' as const });
      setPicked(null);
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: routerKeys.lists(routerId) });
      await client.invalidateQueries({ queryKey: routerKeys.drift(routerId) });
    },
  });
  if (mode.isPending) {
    return <Loading label="Loading the access mode…" />;
  }
  if (mode.isError) {
    return <ErrorNotice error={mode.error} />;
  }
  const current = mode.data.activeMode;
  const selected = picked ?? current;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(selected);
  };
  return (
    <form onSubmit={submit} className="mode-choice">
      <fieldset disabled={!isOwner} aria-describedby={isOwner ? undefined : noteId}>
        <legend className="legend">Access mode</legend>
        <p className="muted small">
          The router enforces one list at a time: turning one on turns the other off. Now:{' '}
          <strong>{MODE_WORDS[current]}</strong>.
        </p>
        {CHOICES.map((c) => (
          <label key={c.value} className="choice">
            <input
              type="radio"
              name="access-mode"
              value={c.value}
              checked={selected === c.value}
              onChange={() => setPicked(c.value)}
            />
            <span>
              {c.label}
              {c.value === current ? <span className="muted small"> (active)</span> : null}
            </span>
          </label>
        ))}
        {isOwner ? null : (
          <p id={noteId} className="muted small">
            Only the router’s owner can change the access mode.
          </p>
        )}
        <Button
          type="submit"
          variant="primary"
          busy={change.isPending}
          disabled={selected === current}
        >
          Apply mode
        </Button>
      </fieldset>
      <ErrorNotice
        error={change.error}
        title={failureTitle(change.error, 'The mode was not changed.')}
      />
      {change.isSuccess ? <Notice>{outcome(change.data)}</Notice> : null}
    </form>
  );
}
