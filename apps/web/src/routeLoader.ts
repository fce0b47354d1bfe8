import type { QueryClient } from '@tanstack/react-query';
import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import { matchRoute, ROUTES, type RouteDef } from './routes.ts';
import type { Api } from './trpc.ts';

const modules = new Map<string, ReturnType<RouteDef['load']>>();
const components = new Map<string, LazyExoticComponent<ComponentType>>();

/** The page module of a route, downloaded once and shared by prefetching and rendering. */
export function loadRoute(route: RouteDef): ReturnType<RouteDef['load']> {
  let pending = modules.get(route.path);
  if (!pending) {
    pending = route.load();
    pending.catch(() => modules.delete(route.path));
    modules.set(route.path, pending);
  }
  return pending;
}

export function routeComponent(route: RouteDef): LazyExoticComponent<ComponentType> {
  let component = components.get(route.path);
  if (!component) {
    component = lazy(() => loadRoute(route));
    components.set(route.path, component);
  }
  return component;
}

/** Starts a route's code and its data at the same time. */
export function startRoute(
  api: Api,
  queryClient: QueryClient,
  pathname: string,
  search: URLSearchParams,
): void {
  const route = matchRoute(pathname);
  if (!route) return;
  void loadRoute(route).catch(() => undefined);
  route.prefetch?.(api, queryClient, search);
}

/** Once the first page is up, fetch the other pages' code while the browser is idle. */
export function preloadOtherRoutes(): void {
  const idle = window.requestIdleCallback ?? ((cb: () => void) => window.setTimeout(cb, 1500));
  idle(() => {
    for (const route of ROUTES) void loadRoute(route).catch(() => undefined);
  });
}
