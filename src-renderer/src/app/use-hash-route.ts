import { useSyncExternalStore } from 'react';
import { defaultRoute, parseRoute, type RouteId } from './routes';

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
