import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { Badge, ErrorNotice, Loading } from '../../ui';
import { RouterContext, routerKeys } from './context';

const Devices = lazy(() => import('./Devices'));
const Access = lazy(() => import('./Access'));
const Wifi = lazy(() => import('./Wifi'));
const Usage = lazy(() => import('./Usage'));
const Activity = lazy(() => import('./Activity'));
const Members = lazy(() => import('./Members'));

const SECTIONS = [
  { path: '/', label: 'Devices' },
  { path: '/access', label: 'Access control' },
  { path: '/wifi', label: 'Wi-Fi' },
  { path: '/usage', label: 'Usage' },
  { path: '/activity', label: 'Activity' },
  { path: '/members', label: 'Members' },
];

function Tab({ path, children }: { path: string; children: ReactNode }) {
  const [location] = useLocation();
  return (
    <Link href={path} aria-current={location === path ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** One router: its name and the caller's role, its sections as tabs, and the section shown. */
export default function RouterPages({ routerId }: { routerId: string }) {
  const router = useQuery({
    queryKey: routerKeys.router(routerId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/routers/{routerId}', { params: { path: { routerId } } })),
  });
  if (router.isPending) {
    return <Loading label="Loading the router…" />;
  }
  if (router.isError) {
    return (
      <>
        <h1>Router</h1>
        <ErrorNotice error={router.error} />
        <Link href="~/">Back to your routers</Link>
      </>
    );
  }
  const value = { routerId, router: router.data, isOwner: router.data.role === 'owner' };
  return (
    <RouterContext.Provider value={value}>
      <div className="page-header">
        <h1>
          {router.data.name}{' '}
          <Badge tone={value.isOwner ? 'accent' : undefined}>{router.data.role}</Badge>
        </h1>
      </div>
      <nav aria-label="Router sections" className="tabs">
        {SECTIONS.map((s) => (
          <Tab key={s.path} path={s.path}>
            {s.label}
          </Tab>
        ))}
      </nav>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/">
            <Devices />
          </Route>
          <Route path="/access">
            <Access />
          </Route>
          <Route path="/wifi">
            <Wifi />
          </Route>
          <Route path="/usage">
            <Usage />
          </Route>
          <Route path="/activity">
            <Activity />
          </Route>
          <Route path="/members">
            <Members />
          </Route>
        </Switch>
      </Suspense>
    </RouterContext.Provider>
  );
}
