import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { Schemas } from '../../../api/client';
import { failureTitle } from '../failure';
import { Button, ErrorNotice, Field, Loading, Notice } from '../../../ui';
import { routerKeys, useRouterContext } from '../context';
import { getRates, listKeys, setRates, type ListName } from './api';

const ABOUT: Record<ListName, string> = {
  whitelist:
    'The router shapes traffic into two speeds: full (unrestricted) and limited. Both rates apply while whitelist mode is on.',
  blacklist:
    'The limited rate applies while blacklist mode is on, with the whitelist’s full rate as the unrestricted speed; the router keeps this full rate but does not apply it.',
};

const HINT = 'Megabits per second (Mbps), 1 to 1000.';

/** A rate as typed: a number from 1 to 1000, else what is wrong with it. */
function parseRate(text: string): number | string {
  const value = Number(text.trim().replace(',', '.'));
  if (text.trim() === '' || !Number.isFinite(value)) {
    return 'Enter a number of Mbps.';
  }
  return value < 1 || value > 1000 ? 'From 1 to 1000 Mbps.' : value;
}

interface RatesFormProps {
  list: ListName;
  saved: Schemas['ListRatesReading'];
  busy: boolean;
  disabled: boolean;
  describedBy?: string;
  onSave: (body: Schemas['RatesRequest']) => void;
}

/** The two rates as typed; sends only the rates that changed. */
function RatesForm({ list, saved, busy, disabled, describedBy, onSave }: RatesFormProps) {
  const [full, setFull] = useState(String(saved.fullMbps));
  const [limited, setLimited] = useState(String(saved.limitedMbps));
  const [problems, setProblems] = useState<{ full?: string; limited?: string }>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const f = parseRate(full);
    const l = parseRate(limited);
    const next: { full?: string; limited?: string } = {};
    if (typeof f === 'string') {
      next.full = f;
    }
    if (typeof l === 'string') {
      next.limited = l;
    }
    if (typeof f === 'number' && typeof l === 'number' && l > f) {
      next.limited = `The limited rate (${l} Mbps) may not exceed the full rate (${f} Mbps).`;
    }
    setProblems(next);
    if (typeof f !== 'number' || typeof l !== 'number' || next.limited) {
      return;
    }
    const body: Schemas['RatesRequest'] = {};
    if (f !== saved.fullMbps) {
      body.fullMbps = f;
    }
    if (l !== saved.limitedMbps) {
      body.limitedMbps = l;
    }
    if (Object.keys(body).length > 0) {
      onSave(body);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <fieldset disabled={disabled} aria-describedby={describedBy} className="plain-fieldset">
        <legend className="visually-hidden">The {list} rates</legend>
        <div className="row">
          <Field
            className="grow"
            label="Full rate (Mbps)"
            hint={HINT}
            inputMode="decimal"
            value={full}
            problem={problems.full}
            onChange={(e) => setFull(e.target.value)}
          />
          <Field
            className="grow"
            label="Limited rate (Mbps)"
            hint={`${HINT} No more than the full rate.`}
            inputMode="decimal"
            value={limited}
            problem={problems.limited}
            onChange={(e) => setLimited(e.target.value)}
          />
        </div>
        <Button type="submit" variant="primary" busy={busy}>
          Save {list} rates
        </Button>
      </fieldset>
    </form>
  );
}

/** The limited and full rates of one list (owner only). */
export function RatesCard({ list }: { list: ListName }) {
  const { routerId, isOwner } = useRouterContext();
  const client = useQueryClient();
  const noteId = useId();
  const rates = useQuery({
    queryKey: listKeys.rates(routerId, list),
    queryFn: () => getRates(routerId, list),
  });
  const save = useMutation({
    mutationFn: (body: Schemas['RatesRequest']) => setRates(routerId, list, body),
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: listKeys.rates(routerId, list) });
      await client.invalidateQueries({ queryKey: routerKeys.drift(routerId) });
    },
  });
  return (
    <section aria-labelledby={`${list}-rates`} className="card">
      <h4 id={`${list}-rates`}>Rates of the {list}</h4>
      <p className="muted small">{ABOUT[list]}</p>
      {rates.isPending ? <Loading label="Loading the rates…" /> : null}
      <ErrorNotice error={rates.error} />
      {rates.data ? (
        <RatesForm
          key={`${rates.data.fullMbps}/${rates.data.limitedMbps}`}
          list={list}
          saved={rates.data}
          busy={save.isPending}
          disabled={!isOwner}
          describedBy={isOwner ? undefined : noteId}
          onSave={(body) => save.mutate(body)}
        />
      ) : null}
      {isOwner ? null : (
        <p id={noteId} className="muted small">
          Only the router’s owner can change the rates.
        </p>
      )}
      <ErrorNotice
        error={save.error}
        title={failureTitle(save.error, 'The rates were not changed.')}
      />
      {save.isSuccess ? (
        <Notice>
          The {list} rates are now {save.data.fullMbps} Mbps full and {save.data.limitedMbps} Mbps
          limited.
        </Notice>
      ) : null}
    </section>
  );
}
