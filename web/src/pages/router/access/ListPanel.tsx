import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Empty, ErrorNotice, Loading, Notice } from '../../../ui';
import { useRouterContext } from '../context';
import { AddEntry } from './AddEntry';
import { listEntries, listKeys, type ListName } from './api';
import { EntryTable } from './EntryTable';
import { RatesCard } from './RatesCard';

const ABOUT: Record<ListName, string> = {
  whitelist: 'In whitelist mode, only these addresses may use the network.',
  blacklist: 'In blacklist mode, these addresses are kept off the network.',
};

/** One list: its entries (paged), the form that adds one, and its rates. */
export function ListPanel({ list }: { list: ListName }) {
  const { routerId } = useRouterContext();
  const [message, setMessage] = useState<string | null>(null);
  const entries = useInfiniteQuery({
    queryKey: listKeys.entries(routerId, list),
    queryFn: ({ pageParam }) => listEntries(routerId, list, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <p className="muted small">{ABOUT[list]}</p>
      <section aria-labelledby={`${list}-entries`}>
        <h4 id={`${list}-entries`}>Addresses on the {list}</h4>
        {message ? <Notice>{message}</Notice> : null}
        {entries.isPending ? <Loading label={`Loading the ${list}…`} /> : null}
        <ErrorNotice error={entries.error} />
        {entries.isSuccess && items.length === 0 ? (
          <Empty>
            <p>The {list} is empty.</p>
          </Empty>
        ) : null}
        {items.length > 0 ? <EntryTable list={list} entries={items} onDone={setMessage} /> : null}
        {entries.hasNextPage ? (
          <Button
            className="more"
            busy={entries.isFetchingNextPage}
            onClick={() => void entries.fetchNextPage()}
          >
            Show more addresses
          </Button>
        ) : null}
      </section>
      <AddEntry list={list} onDone={setMessage} />
      <RatesCard list={list} />
    </>
  );
}
