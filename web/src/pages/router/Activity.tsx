import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../app/session';
import { Button, Empty, ErrorNotice, Loading } from '../../ui';
import { ActivityFilters, type Filters } from './activity/ActivityFilters';
import { ActivityItem } from './activity/ActivityItem';
import { kindOf } from './activity/describe';
import { routerKeys, useRouterContext } from './context';

const PAGE = 25;

/** The router's audit trail, newest first, a page at a time, filtered here. */
export default function Activity() {
  const { routerId } = useRouterContext();
  const me = useMe();
  const [filters, setFilters] = useState<Filters>({ failedOnly: false, kind: 'all' });
  const activity = useInfiniteQuery({
    queryKey: routerKeys.activity(routerId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/routers/{routerId}/activity', {
          params: { path: { routerId }, query: { limit: PAGE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const loaded = activity.data?.pages.flatMap((p) => p.items) ?? [];
  const shown = loaded.filter(
    (e) =>
      (!filters.failedOnly || e.outcome === 'failed') &&
      (filters.kind === 'all' || kindOf(e.operation) === filters.kind),
  );
  const filtered = filters.failedOnly || filters.kind !== 'all';
  return (
    <>
      <h2>Activity</h2>
      <p className="muted small">
        Everything done to this router through NetPilot, newest first, and how it ended.
      </p>
      <ActivityFilters value={filters} onChange={setFilters} />
      {activity.isPending ? <Loading label="Loading the activity…" /> : null}
      <ErrorNotice error={activity.error} />
      {activity.isSuccess && loaded.length === 0 ? (
        <Empty>
          <p>Nothing has been done to this router yet.</p>
        </Empty>
      ) : null}
      {loaded.length > 0 ? (
        <p className="muted small" role="status">
          {filtered
            ? `Showing ${shown.length} of the ${loaded.length} events loaded.`
            : `${loaded.length} events loaded.`}
        </p>
      ) : null}
      {loaded.length > 0 && shown.length === 0 ? (
        <Empty>
          <p>No loaded event matches these filters.</p>
          {activity.hasNextPage ? <p>Show older events to look further back.</p> : null}
        </Empty>
      ) : null}
      {shown.length > 0 ? (
        <ol className="plain-list activity-list" aria-label="Activity, newest first">
          {shown.map((event) => (
            <ActivityItem key={event.id} event={event} myId={me.data?.user.id} />
          ))}
        </ol>
      ) : null}
      {activity.hasNextPage ? (
        <Button busy={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
          Show older
        </Button>
      ) : null}
    </>
  );
}
