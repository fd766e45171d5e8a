import { lazy, Suspense, useEffect } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { ErrorNotice, Loading } from '../ui';
import { Layout } from './Layout';
import { useMe } from './session';
import { SignIn } from '../pages/SignIn';
import { SignUp } from '../pages/SignUp';

// The first page a visitor sees (sign-in) ships alone; the rest loads on demand.
const Routers = lazy(() => import('../pages/Routers'));
const RouterPages = lazy(() => import('../pages/router/RouterPages'));
const Account = lazy(() => import('../pages/Account'));

function SignedIn() {
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/">
            <Routers />
          </Route>
          <Route path="/routers/:routerId" nest>
            {(params) => <RouterPages routerId={decodeURIComponent(params.routerId)} />}
          </Route>
          <Route path="/account">
            <Account />
          </Route>
          <Route path="/signin">
            <AfterSignIn />
          </Route>
          <Route path="/signup">
            <Redirect to="/" />
          </Route>
          <Route>
            <NotFound />
          </Route>
        </Switch>
      </Suspense>
    </Layout>
  );
}

/** Signed in while on /signin (an OpenID return, say): go where the person was going. */
function AfterSignIn() {
  const next = new URLSearchParams(window.location.search).get('next');
  return <Redirect to={next?.startsWith('/') && !next.startsWith('//') ? next : '/'} replace />;
}

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/">Go to your routers</a>.
      </p>
    </>
  );
}

function SignedOut() {
  const [location, navigate] = useLocation();
  const onAuthPage = location === '/signin' || location === '/signup';
  useEffect(() => {
    if (!onAuthPage) {
      const next = location === '/' ? '' : `?next=${encodeURIComponent(location)}`;
      navigate(`/signin${next}`, { replace: true });
    }
  }, [onAuthPage, location, navigate]);
  return (
    <main id="main" className="narrow">
      <Switch>
        <Route path="/signup">
          <SignUp />
        </Route>
        <Route>
          <SignIn />
        </Route>
      </Switch>
    </main>
  );
}

export function App() {
  const me = useMe();
  if (me.isPending) {
    return (
      <main id="main" className="narrow">
        <Loading />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main id="main" className="narrow">
        <h1>NetPilot</h1>
        <ErrorNotice error={me.error} />
      </main>
    );
  }
  return me.data ? <SignedIn /> : <SignedOut />;
}
