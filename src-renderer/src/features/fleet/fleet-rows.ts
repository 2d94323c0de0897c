/**
 * The fleet dashboard's model, pure: one row per saved address (its setup from
 * `addresses:list`, its verification from `verification:status`), the counts by state,
 * the summary per mail server, sorting and filtering. No secret is ever part of a row.
 */
import type { AddressStatus, AddressView } from '../../../../src-preload/contract';
import type { FleetEvent, FleetRun } from '../../../../src-preload/contract/fleet-schemas';
import { addressStanding, addressStandings, type AddressStanding } from '../../../../src-preload/contract/state-labels';

export interface FleetRow {
  readonly id: string;
  readonly address: string;
  /** The address's verdict, as the Status view says it (the contract's addressStanding). */
  readonly state: AddressStanding;
  readonly platform: string;
  readonly environment: string;
  readonly domain: string;
  /** host:port as saved. */
  readonly server: string;
  readonly lastCheckAt: string | null;
  /** Days since the secret was last stored; null = unknown. */
  readonly credentialAgeDays: number | null;
  /** What the platform would refuse, from the last connection test. */
  readonly blockers: readonly string[];
  readonly throttled: boolean;
}

export const SORT_KEYS = ['state', 'address', 'platform', 'environment', 'domain', 'server', 'lastCheckAt', 'credentialAgeDays', 'blockers'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface FleetFilter {
  readonly text: string;
  /** '' = every state. */
  readonly state: string;
}

/** Worst first, so sorting by state puts what needs attention on top. */
const STATE_ORDER: readonly string[] = addressStandings;

export function fleetRows(addresses: readonly AddressView[], statuses: readonly AddressStatus[], now: Date, throttled: ReadonlySet<string> = new Set()): FleetRow[] {
  const byId = new Map(statuses.map((s) => [s.address.id, s] as const));
  return addresses.map((a) => {
    const status = byId.get(a.id);
    const changed = a.secretChangedAt === null ? null : Date.parse(a.secretChangedAt);
    return {
      id: a.id,
      address: a.address,
      // No status yet: nothing has looked at it. The last connection test counts as in the Status view.
      state: status === undefined ? 'never-checked' : addressStanding(status.status, a.lastTest),
      platform: a.platform,
      environment: a.environment,
      domain: a.address.slice(a.address.lastIndexOf('@') + 1).toLowerCase(),
      server: `${a.host.toLowerCase()}:${a.port}`,
      lastCheckAt: status?.lastCheckAt ?? null,
      credentialAgeDays: changed === null || Number.isNaN(changed) ? null : Math.max(0, Math.floor((now.getTime() - changed) / 86_400_000)),
      blockers: (a.lastTest?.blockers ?? []).map((b) => b.code),
      throttled: throttled.has(a.id),
    };
  });
}

export function countByState(rows: readonly FleetRow[]): { readonly state: AddressStanding; readonly count: number }[] {
  return addressStandings.map((state) => ({ state, count: rows.filter((r) => r.state === state).length })).filter((c) => c.count > 0);
}

/** "smtp.office365.com:587: 37 addresses, 2 failing", most addresses first. */
export function serverSummary(rows: readonly FleetRow[]): { readonly server: string; readonly addresses: number; readonly failing: number }[] {
  const servers = new Map<string, { addresses: number; failing: number }>();
  for (const r of rows) {
    const s = servers.get(r.server) ?? { addresses: 0, failing: 0 };
    s.addresses += 1;
    if (r.state === 'failed' || r.state === 'stale') s.failing += 1;
    servers.set(r.server, s);
  }
  return [...servers].map(([server, s]) => ({ server, ...s })).sort((a, b) => b.addresses - a.addresses || a.server.localeCompare(b.server));
}

function compare(a: FleetRow, b: FleetRow, key: SortKey): number {
  switch (key) {
    case 'state':
      return STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state);
    case 'lastCheckAt':
      return (a.lastCheckAt ?? '').localeCompare(b.lastCheckAt ?? '');
    case 'credentialAgeDays':
      return (a.credentialAgeDays ?? -1) - (b.credentialAgeDays ?? -1);
    case 'blockers':
      return a.blockers.length - b.blockers.length;
    default:
      return a[key].localeCompare(b[key]);
  }
}

export function sortRows(rows: readonly FleetRow[], key: SortKey, direction: 'ascending' | 'descending'): FleetRow[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compare(a, b, key) || a.address.localeCompare(b.address));
}

export function filterRows(rows: readonly FleetRow[], filter: FleetFilter): FleetRow[] {
  const text = filter.text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (filter.state === '' || r.state === filter.state) &&
      (text === '' || [r.address, r.platform, r.environment, r.domain, r.server, ...r.blockers].some((v) => v.toLowerCase().includes(text))),
  );
}

/** The selected rows as a file: the same non-secret facts the table shows. */
export function exportRows(rows: readonly FleetRow[], at: Date): string {
  return `${JSON.stringify({ kind: 'relayproof-fleet', exportedAt: at.toISOString(), addresses: rows }, null, 2)}\n`;
}

export interface FleetProgress {
  readonly operationId: string | null;
  readonly running: boolean;
  readonly done: number;
  readonly total: number;
  readonly throttled: readonly string[];
  readonly result: FleetRun | null;
  readonly error: string | null;
}

export const idleProgress: FleetProgress = { operationId: null, running: false, done: 0, total: 0, throttled: [], result: null, error: null };

export type FleetAction =
  | { readonly type: 'start'; readonly operationId: string; readonly total: number }
  | { readonly type: 'event'; readonly operationId: string; readonly event: FleetEvent }
  | { readonly type: 'cancel-requested'; readonly operationId: string }
  | { readonly type: 'finished'; readonly operationId: string; readonly report: FleetRun }
  | { readonly type: 'failed'; readonly operationId: string; readonly error: { readonly message: string } };

/** A run's progress from its streamed events; events of an older run are ignored. */
export function fleetReducer(state: FleetProgress, action: FleetAction): FleetProgress {
  if (action.type === 'start') return { ...idleProgress, operationId: action.operationId, running: true, total: action.total };
  if (action.operationId !== state.operationId) return state;
  switch (action.type) {
    case 'event': {
      const e = action.event;
      if (e.type === 'started') return { ...state, total: e.total };
      if (e.type === 'done') return { ...state, done: e.done, total: e.total };
      if (e.type === 'throttled') return { ...state, throttled: [...new Set([...state.throttled, e.addressId])] };
      return state;
    }
    case 'cancel-requested':
      return state;
    case 'finished':
      return { ...state, running: false, result: action.report, done: action.report.addresses.length, throttled: action.report.addresses.filter((a) => a.throttled).map((a) => a.id) };
    case 'failed':
      return { ...state, running: false, error: action.error.message };
  }
}
