import { createContext, useContext } from 'react';
import type { Schemas } from '../../api/client';

export interface RouterContextValue {
  routerId: string;
  router: Schemas['Router'];
  isOwner: boolean;
}

export const RouterContext = createContext<RouterContextValue | null>(null);

/** The router whose pages these are (inside RouterPages only). */
export function useRouterContext(): RouterContextValue {
  const value = useContext(RouterContext);
  if (!value) {
    throw new Error('useRouterContext outside RouterPages');
  }
  return value;
}

/** Query keys of one router's data, so a mutation invalidates exactly what it changed. */
export const routerKeys = {
  router: (id: string) => ['router', id] as const,
  devices: (id: string) => ['router', id, 'devices'] as const,
  lists: (id: string) => ['router', id, 'lists'] as const,
  drift: (id: string) => ['router', id, 'drift'] as const,
  wifi: (id: string) => ['router', id, 'wifi'] as const,
  usage: (id: string) => ['router', id, 'usage'] as const,
  activity: (id: string) => ['router', id, 'activity'] as const,
  members: (id: string) => ['router', id, 'members'] as const,
};
