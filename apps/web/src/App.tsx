import { hashKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useRef, useState } from 'react';
import { Brand } from './components/Brand.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { NotAvailable } from './components/NotAvailable.tsx';
import { PageSkeleton } from './components/PageSkeleton.tsx';
import { ErrorState } from './components/states.tsx';
import { LOGIN_PATH, loginHref, ROLE_LABELS, safeNext } from './data/auth.ts';
import { canUsePage } from './data/pageAccess.ts';
import { setMoneyCurrency } from './format.ts';
import { type Viewer, ViewerContext } from './hooks/useViewer.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { loadRoute, preloadOtherRoutes, routeComponent, startRoute } from './routeLoader.ts';
import { Link } from './router/Link.tsx';
import { navigate, useLocation } from './router/location.ts';
import { matchRoute, ROUTES } from './routes.ts';
import type { Api } from './trpc.ts';

/**
 * Who is signed in decides what renders: the sign-in page when the server requires sign-in and
 * nobody is (or the session has expired), else the dashboard with the pages the viewer's role can use.
 */
export function App({ api }: { api: Api }) {
  const { pathname, search } = useLocation();
  const me = useQuery(api.auth.me.queryOptions());
  const viewer = me.data?.viewer ?? null;
  const signInNeeded = me.data !== undefined && viewer === null;

  useEffect(() => {
    // Keep the address honest: /login while signing in (remembering the page), the page after.
    if (signInNeeded && pathname !== LOGIN_PATH) navigate(loginHref(pathname, search), { replace: true });
    if (viewer && pathname === LOGIN_PATH) navigate(safeNext(search.get('next')), { replace: true });
  }, [signInNeeded, viewer, pathname, search]);

  if (me.isError && !me.data)
    return (
      <main id="main" className="login-shell">
        <ErrorState
          title="The Retain server could not be reached"
          error={me.error}
          retry={() => void me.refetch()}
        />
      </main>
    );
  if (signInNeeded) return <LoginPage returning={search.has('next')} />;
  if (!viewer || pathname === LOGIN_PATH)
    return (
      <main id="main" className="login-shell">
        <PageSkeleton />
      </main>
    );
  return (
    <ViewerContext.Provider value={viewer}>
      <Shell api={api} viewer={viewer} authRequired={me.data?.authRequired ?? true} />
    </ViewerContext.Provider>
  );
}

function Shell({ api, viewer, authRequired }: { api: Api; viewer: Viewer; authRequired: boolean }) {
  const { pathname, search } = useLocation();
  const queryClient = useQueryClient();
  const route = matchRoute(pathname);
  const allowed = route ? canUsePage(viewer.role, route.path) : false;
  const Page = route && allowed ? routeComponent(route) : null;
  const first = useRef(true);
  const main = useRef<HTMLElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);
  const sidebar = useRef<HTMLElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  // Money is written in the data's currency, which the server knows; pages wait for it (one cached call).
  const info = useQuery(api.info.get.queryOptions());
  const currency = info.data?.currency.code ?? null;
  setMoneyCurrency(currency);
  // Firings and recoveries this viewer has not seen: the count beside Alerts.
  const unread = useQuery({
    ...api.alerts.unread.queryOptions(),
    enabled: canUsePage(viewer.role, '/alerts'),
    refetchInterval: 60_000,
  });
  const unreadCount = unread.data?.count ?? 0;

  useEffect(() => {
    document.title = route ? `${route.title} · Retain` : 'Not found · Retain';
    // On a phone the menu covers the page: following a link closes it.
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      preloadOtherRoutes();
      return;
    }
    // After a page switch, keyboard and screen-reader users start at the new page, not the old link.
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route]);

  useEffect(() => {
    if (!menuOpen) return;
    // An open menu closes with Escape (the focus goes back to its button) or a tap beside it.
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!sidebar.current?.contains(event.target as Node)) setMenuOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [menuOpen]);

  const routes = ROUTES.filter((r) => canUsePage(viewer.role, r.path));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="sidebar" ref={sidebar}>
        <div className="sidebar-top">
          <Brand href="/" />
          <button
            type="button"
            className="menu-button"
            ref={menuButton}
            aria-expanded={menuOpen}
            aria-controls="site-menu"
            onClick={() => setMenuOpen((open) => !open)}
            data-testid="menu-button"
          >
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path
                d={menuOpen ? 'M5 5l10 10M15 5L5 15' : 'M3 5h14M3 10h14M3 15h14'}
                stroke="currentColor"
                strokeWidth="2"
                strokeLinecap="round"
              />
            </svg>
            Menu
          </button>
        </div>
        <div id="site-menu" className={`site-menu${menuOpen ? ' open' : ''}`} data-testid="site-menu">
          <nav aria-label="Pages">
            <ul>
              {routes.map((r) => (
                <li key={r.path}>
                  <Link
                    href={r.path}
                    aria-current={r === route ? 'page' : undefined}
                    onClick={() => setMenuOpen(false)}
                    onMouseEnter={() => startRoute(api, queryClient, r.path, new URLSearchParams())}
                    onFocus={() => void loadRoute(r).catch(() => undefined)}
                  >
                    {r.label}
                    {r.path === '/alerts' && unreadCount > 0 ? (
                      <span className="nav-badge" data-testid="alerts-unread">
                        {unreadCount}
                        <span className="visually-hidden"> unread</span>
                      </span>
                    ) : null}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <ViewerCard api={api} viewer={viewer} authRequired={authRequired} />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="content" data-route={route?.path ?? 'none'}>
        {viewer.demo ? (
          <p className="demo-banner no-print" data-testid="demo-banner">
            <strong>Demo mode</strong> — no sign-in, everyone on this machine is admin.
          </p>
        ) : null}
        <ErrorBoundary resetKey={pathname}>
          <Suspense fallback={<PageSkeleton />}>
            {info.isPending ? (
              <PageSkeleton />
            ) : Page ? (
              <Page key={`${route?.path}:${currency}`} />
            ) : route ? (
              <NotAvailable route={route} role={viewer.role} />
            ) : (
              <section>
                <h1>Page not found</h1>
                <p>
                  There is no page at <code>{pathname}</code>
                  {search.size > 0 ? ' with these parameters' : ''}. <Link href="/">Go to the overview</Link>.
                </p>
              </section>
            )}
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}

/** Who is signed in, with their role, and the way out. */
function ViewerCard({ api, viewer, authRequired }: { api: Api; viewer: Viewer; authRequired: boolean }) {
  const queryClient = useQueryClient();
  const logout = useMutation(api.auth.logout.mutationOptions());
  const signOut = () =>
    logout.mutate(undefined, {
      onSuccess: () => {
        const me = api.auth.me.queryKey();
        navigate(LOGIN_PATH);
        // Nothing fetched for this user may be shown to the next one.
        queryClient.removeQueries({ predicate: (q) => q.queryHash !== hashKey(me) });
        queryClient.setQueryData(me, { viewer: null, authRequired });
      },
    });
  return (
    <div className="viewer" data-testid="viewer">
      <p>
        <span className="visually-hidden">Signed in as </span>
        <strong data-testid="viewer-name">{viewer.username}</strong>
        <br />
        <span className="role-badge" data-testid="viewer-role">
          {ROLE_LABELS[viewer.role]}
        </span>
      </p>
      {viewer.demo ? null : (
        <button type="button" onClick={signOut} disabled={logout.isPending} data-testid="sign-out">
          {logout.isPending ? 'Signing out…' : 'Sign out'}
        </button>
      )}
      {logout.isError ? (
        <p role="alert" className="form-error">
          Could not sign out. Try again.
        </p>
      ) : null}
    </div>
  );
}
