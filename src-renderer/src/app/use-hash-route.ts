import { useSyncExternalStore } from 'react';
import { defaultRoute, parseRoute, routeQuery, type RouteId } from './routes';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function snapshot(): RouteId {
  return parseRoute(window.location.hash) ?? defaultRoute;
}

/** The current view, kept in the URL hash so a reload stays on the same view. */
export function useHashRoute(): RouteId {
  return useSyncExternalStore(subscribe, snapshot);
}

function querySnapshot(): string {
  return routeQuery(window.location.hash);
}

/** One parameter of the current route (`#/connection-test?address=a-1` → 'a-1'), or null. */
export function useRouteParam(name: string): string | null {
  const query = useSyncExternalStore(subscribe, querySnapshot);
  return new URLSearchParams(query).get(name);
}
