import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useRef } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { PageSkeleton } from './components/PageSkeleton.tsx';
import { loadRoute, preloadOtherRoutes, routeComponent, startRoute } from './routeLoader.ts';
import { Link } from './router/Link.tsx';
import { useLocation } from './router/location.ts';
import { matchRoute, ROUTES } from './routes.ts';
import type { Api } from './trpc.ts';

export function App({ api }: { api: Api }) {
  const { pathname, search } = useLocation();
  const queryClient = useQueryClient();
  const route = matchRoute(pathname);
  const Page = route ? routeComponent(route) : null;
  const first = useRef(true);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = route ? `${route.title} · Retain` : 'Not found · Retain';
    if (first.current) {
      first.current = false;
      preloadOtherRoutes();
      return;
    }
    // After a page switch, keyboard and screen-reader users start at the new page, not the old link.
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="sidebar">
        <Link href="/" className="brand" aria-label="Retain, overview">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path
              d="M4 18c4 0 6-12 16-12"
              fill="none"
              stroke="currentColor"
              strokeWidth="2.6"
              strokeLinecap="round"
            />
            <circle cx="20" cy="6" r="2.4" fill="currentColor" />
          </svg>
          Retain
        </Link>
        <nav aria-label="Pages">
          <ul>
            {ROUTES.map((r) => (
              <li key={r.path}>
                <Link
                  href={r.path}
                  aria-current={r === route ? 'page' : undefined}
                  onMouseEnter={() => startRoute(api, queryClient, r.path, new URLSearchParams())}
                  onFocus={() => void loadRoute(r).catch(() => undefined)}
                >
                  {r.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="content" data-route={route?.path ?? 'none'}>
        <ErrorBoundary resetKey={pathname}>
          <Suspense fallback={<PageSkeleton />}>
            {Page ? (
              <Page key={route?.path} />
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
