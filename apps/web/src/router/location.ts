import { useCallback, useMemo, useSyncExternalStore } from 'react';

/*
 * A router of a few lines on the History API. The URL is the single source of the view's state:
 * the path picks the page, the search parameters hold its filters and selections, so a copied link
 * reproduces what the sender saw and Back undoes a filter change.
 */

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => `${window.location.pathname}${window.location.search}`;

export interface NavigateOptions {
  /** Replace the history entry instead of adding one (for typing, sliders, defaults). */
  replace?: boolean;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
}

export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot, snapshot);
  return useMemo(() => {
    const url = new URL(current, 'http://local');
    return { pathname: url.pathname, search: url.searchParams };
  }, [current]);
}

export type SearchPatch = Record<string, string | readonly string[] | null | undefined>;

/** The current page's search parameters and a setter that merges a patch into them. */
export function useSearchParams(): [
  URLSearchParams,
  (patch: SearchPatch, options?: NavigateOptions) => void,
] {
  const { pathname, search } = useLocation();
  const update = useCallback(
    (patch: SearchPatch, options?: NavigateOptions) => {
      navigate(`${pathname}${withPatch(search, patch)}`, options);
    },
    [pathname, search],
  );
  return [search, update];
}

/** `?a=1&b=2` with the patch applied: null/undefined/'' removes a key, an array sets it repeatedly. */
export function withPatch(search: URLSearchParams, patch: SearchPatch): string {
  const next = new URLSearchParams(search);
  for (const [key, value] of Object.entries(patch)) {
    next.delete(key);
    if (value === null || value === undefined || value === '') continue;
    if (typeof value === 'string') next.set(key, value);
    else for (const v of value) next.append(key, v);
  }
  next.sort();
  const text = next.toString();
  return text ? `?${text}` : '';
}
