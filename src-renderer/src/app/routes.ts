export const routes = [
  { id: 'addresses', label: 'Addresses' },
  { id: 'connect', label: 'Connect an address' },
  { id: 'connection-test', label: 'Connection test' },
  { id: 'checklist', label: 'Checklist' },
  { id: 'status', label: 'Status' },
  { id: 'm365', label: 'Microsoft 365' },
  { id: 'settings', label: 'Settings' },
  { id: 'about', label: 'About' },
] as const;

export type RouteId = (typeof routes)[number]['id'];

export const defaultRoute: RouteId = 'addresses';

/** `#/connection-test?address=a-1`: a view may take parameters after `?`. */
export function routeHref(id: RouteId, params?: Readonly<Record<string, string>>): string {
  const query = params === undefined ? '' : new URLSearchParams(params).toString();
  return query === '' ? `#/${id}` : `#/${id}?${query}`;
}

/** Goes to a view, as following a link to it would (outside components, so render code never mutates `window`). */
export function openRoute(id: RouteId, params?: Readonly<Record<string, string>>): void {
  window.location.hash = routeHref(id, params);
}

const ROUTE_HASH = /^#\/([a-z0-9-]+)(?:\?([^#]*))?$/u;

/** `#/settings` → 'settings'; anything else (including in-page anchors) → null. */
export function parseRoute(hash: string): RouteId | null {
  const match = ROUTE_HASH.exec(hash);
  if (match === null) return null;
  return routes.find((r) => r.id === match[1])?.id ?? null;
}

/** The parameters after `?` in a route hash ('' when there are none). */
export function routeQuery(hash: string): string {
  return ROUTE_HASH.exec(hash)?.[2] ?? '';
}

export function routeLabel(id: RouteId): string {
  return routes.find((r) => r.id === id)?.label ?? id;
}
