export const routes = [
  { id: 'addresses', label: 'Addresses' },
  { id: 'connect', label: 'Connect address' },
  { id: 'checklist', label: 'Checklist' },
  { id: 'status', label: 'Status' },
  { id: 'm365', label: 'Microsoft 365' },
  { id: 'settings', label: 'Settings' },
  { id: 'about', label: 'About' },
] as const;

export type RouteId = (typeof routes)[number]['id'];

export const defaultRoute: RouteId = 'addresses';

export function routeHref(id: RouteId): string {
  return `#/${id}`;
}

/** `#/settings` → 'settings'; anything else (including in-page anchors) → null. */
export function parseRoute(hash: string): RouteId | null {
  const match = /^#\/([a-z0-9-]+)$/u.exec(hash);
  if (match === null) return null;
  return routes.find((r) => r.id === match[1])?.id ?? null;
}

export function routeLabel(id: RouteId): string {
  return routes.find((r) => r.id === id)?.label ?? id;
}
