/**
 * The parts of the Addresses view that are not needed for its first frame, each its own
 * chunk: the dialogs (fetched once the view is idle, or when the pointer or focus reaches
 * what opens them, so one is there by the time it is asked for), and the sections shown
 * only with data (the fleet, the Zuora identities) or below the list (export and import).
 * The first view is the one every launch waits for; this keeps it to the list.
 */
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Loading } from '../../ui/loading';

const loadForm = () => import('./address-form-dialog');
const loadDisconnect = () => import('./disconnect-address-dialog');
const loadRotate = () => import('./rotate-secret-dialog');
const loadMove = () => import('./move-to-production-dialog');
const loadHistory = () => import('./history-dialog');
const loadReminder = () => import('./reminder-dialog');

export const AddressFormDialog = lazy(() => loadForm().then((m) => ({ default: m.AddressFormDialog })));
export const DisconnectAddressDialog = lazy(() => loadDisconnect().then((m) => ({ default: m.DisconnectAddressDialog })));
export const RotateSecretDialog = lazy(() => loadRotate().then((m) => ({ default: m.RotateSecretDialog })));
export const MoveToProductionDialog = lazy(() => loadMove().then((m) => ({ default: m.MoveToProductionDialog })));
export const HistoryDialog = lazy(() => loadHistory().then((m) => ({ default: m.HistoryDialog })));
export const ReminderDialog = lazy(() => loadReminder().then((m) => ({ default: m.ReminderDialog })));

export const FleetDashboard = lazy(() => import('../fleet/fleet-dashboard').then((m) => ({ default: m.FleetDashboard })));
export const IdentitiesSection = lazy(() => import('../ses-identities/identities-section').then((m) => ({ default: m.IdentitiesSection })));
export const ExportImportSection = lazy(() => import('./export-import-section').then((m) => ({ default: m.ExportImportSection })));

/** Starts fetching the Add form (a failed fetch is retried when the form is opened). */
export function preloadAddressForm(): void {
  loadForm().catch(() => undefined);
}

/** Starts fetching every dialog of the view. */
export function preloadAddressDialogs(): void {
  for (const load of [loadForm, loadDisconnect, loadRotate, loadMove, loadHistory, loadReminder]) load().catch(() => undefined);
}

/** Fetches the dialogs once the page has nothing else to do, after the first frame. */
export function usePreloadWhenIdle(preload: () => void): void {
  useEffect(() => {
    if (typeof window.requestIdleCallback === 'function') {
      const handle = window.requestIdleCallback(preload, { timeout: 2_000 });
      return () => window.cancelIdleCallback(handle);
    }
    const timer = window.setTimeout(preload, 200);
    return () => window.clearTimeout(timer);
  }, [preload]);
}

/**
 * Renders a dialog from the first time it is opened on (then it stays, so it can animate
 * closed); until its chunk is there, says so where the view ends.
 */
export function OnceOpened({ open, label, children }: { readonly open: boolean; readonly label: string; readonly children: ReactNode }) {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  if (!opened) return null;
  return <Suspense fallback={<Loading label={label} />}>{children}</Suspense>;
}

/** A section that appears when its chunk is there; the rest of the view does not wait for it. */
export function Deferred({ children }: { readonly children: ReactNode }) {
  return <Suspense fallback={null}>{children}</Suspense>;
}
