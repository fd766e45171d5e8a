import { useEffect, useState } from 'react';
import { DEFAULT_QUERY, type DeviceQuery, type DeviceSort } from './queries';

const SEARCH_DEBOUNCE_MS = 250;

/** The same text once typing pauses for `ms` (what the server is asked). */
function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The search as typed, the filters and the sort; `query` is what the server is
 * asked, its search debounced so typing never waits for an answer.
 */
export function useDeviceQuery() {
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState<Omit<DeviceQuery, 'q'>>(DEFAULT_QUERY);
  const q = useDebounced(search, SEARCH_DEBOUNCE_MS).trim();
  const query: DeviceQuery = { ...filters, q };
  return {
    search,
    setSearch,
    query,
    filtered: q !== '' || filters.online !== undefined || filters.blocked !== undefined,
    setOnline: (online: boolean | undefined) => setFilters((f) => ({ ...f, online })),
    setBlocked: (blocked: boolean | undefined) => setFilters((f) => ({ ...f, blocked })),
    /** The same column again reverses the order; a new one starts ascending (last seen: newest first). */
    sortBy: (sort: DeviceSort) =>
      setFilters((f) => {
        if (f.sort === sort) {
          return { ...f, order: f.order === 'asc' ? 'desc' : 'asc' };
        }
        return { ...f, sort, order: sort === 'lastSeen' ? 'desc' : 'asc' };
      }),
  };
}
