/**
 * OS notifications for the verification status: a background re-check that
 * changed an address's items raises one notification; clicking it brings the window
 * back. Changes from a run the admin started are already on screen and raise none.
 * (Browser mode shows the same changes as toasts from the `verification:changes` event.)
 */
import { Notification } from 'electron';
import type { VerificationChange } from '../../src-preload/contract';
import type { VerificationService } from '../verification/verification-service';

export interface VerificationNotificationOptions {
  /** Bring the app window to the front (notification clicked). */
  readonly focus: () => void;
}

export function notificationFor(change: VerificationChange): { title: string; body: string } | null {
  if (change.trigger !== 'scheduled') return null;
  const title = change.overall === 'verified' ? `${change.address} is verified` : `${change.address}: verification changed`;
  return { title, body: change.summary };
}

/** Subscribes to the service; returns the unsubscribe function. */
export function showVerificationNotifications(verification: Pick<VerificationService, 'onChange'>, options: VerificationNotificationOptions): () => void {
  if (!Notification.isSupported()) return () => undefined;
  return verification.onChange((change) => {
    const shown = notificationFor(change);
    if (shown === null) return;
    const notification = new Notification({ title: shown.title, body: shown.body });
    notification.on('click', options.focus);
    notification.show();
  });
}
