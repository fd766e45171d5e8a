import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Button, ErrorNotice, Loading } from '../../../ui';
import { routerKeys, useRouterContext } from '../context';
import { fetchDrift, type Drift } from './api';
import { DriftDetails } from './DriftDetails';

/** How many things differ, in words ("2 differences"). */
function countOf(drift: Drift): number {
  const lists = [drift.lists.whitelist, drift.lists.blacklist].reduce(
    (n, l) => n + l.onlyInDatabase.length + l.onlyOnRouter.length,
    0,
  );
  const blocked = drift.blocked.onlyInDatabase.length + drift.blocked.onlyOnRouter.length;
  return lists + blocked + (drift.mode.inSync ? 0 : 1);
}

/** Whether the router still holds what this server saved; the differences on request. */
export function DriftPanel() {
  const { routerId } = useRouterContext();
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const drift = useQuery({
    queryKey: routerKeys.drift(routerId),
    queryFn: () => fetchDrift(routerId),
  });
  if (drift.isPending) {
    return <Loading label="Comparing the router with what is saved here…" />;
  }
  if (drift.isError) {
    return (
      <div>
        <ErrorNotice
          error={drift.error}
          title="The router could not be compared with what is saved here."
        />
        <Button size="small" busy={drift.isFetching} onClick={() => void drift.refetch()}>
          Compare again
        </Button>
      </div>
    );
  }
  const recheck = (
    <Button
      size="small"
      variant="link"
      busy={drift.isFetching}
      onClick={() => void drift.refetch()}
    >
      Compare again
    </Button>
  );
  if (drift.data.inSync) {
    return (
      <p role="status" className="muted small drift-ok">
        The router and this server agree on the lists, the mode and the blocked devices. {recheck}
      </p>
    );
  }
  const count = countOf(drift.data);
  return (
    <div className="notice warn drift" role="status">
      <p>
        <strong>The router and this server disagree</strong> ({count}{' '}
        {count === 1 ? 'difference' : 'differences'}): someone may have changed the router directly.
        What is shown on this page is what this server saved.
      </p>
      <div className="row">
        <Button
          size="small"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide differences' : 'Show differences'}
        </Button>
        {recheck}
      </div>
      <div id={detailsId} hidden={!open}>
        {open ? <DriftDetails drift={drift.data} /> : null}
      </div>
    </div>
  );
}
