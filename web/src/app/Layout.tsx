import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../api/client';
import { Button, ErrorNotice } from '../ui';
import { useMe, useSessionChanged } from './session';

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [location] = useLocation();
  const current =
    href === '/' ? location === '/' || location.startsWith('/routers') : location.startsWith(href);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** The signed-in frame: skip link, banner with navigation and sign-out, one main. */
export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const changed = useSessionChanged();
  const [, navigate] = useLocation();
  const signOut = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout')),
    onSuccess: async () => {
      navigate('/signin', { replace: true });
      await changed();
    },
  });
  const user = me.data?.user;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" /> NetPilot
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink href="/">Routers</NavLink>
            </li>
            <li>
              <NavLink href="/account">Account</NavLink>
            </li>
          </ul>
        </nav>
        <div className="header-user">
          <span className="email">{user?.displayName ?? user?.email}</span>
          <Button size="small" busy={signOut.isPending} onClick={() => signOut.mutate()}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="main">
        <ErrorNotice error={signOut.error} />
        {children}
      </main>
    </>
  );
}
