/**
 * The rotation-reminder rule, shared by the addresses view and `relayproof address
 * list`: an address's own reminder, else the Settings default (null there = no
 * reminders), counted from the last time its secret was written to the keychain.
 * Pure, so both sides give the same verdict for the same address and clock.
 */
import type { AddressView } from './addresses-schemas';

const DAY_MS = 86_400_000;

export type RotationReminder =
  | { readonly kind: 'off' }
  /** No secret, or no known change time: nothing to count from. */
  | { readonly kind: 'not-counting'; readonly everyDays: number; readonly fromSettings: boolean }
  /** `days`: whole days left, rounded up (due later today = 1). */
  | { readonly kind: 'due-in'; readonly everyDays: number; readonly fromSettings: boolean; readonly days: number; readonly dueAt: string }
  /** `days`: whole days past the due time, rounded down (due earlier today = 0). */
  | { readonly kind: 'overdue'; readonly everyDays: number; readonly fromSettings: boolean; readonly days: number; readonly dueAt: string };

export function rotationReminder(address: Pick<AddressView, 'rotationReminderDays' | 'secret'>, settingsDays: number | null, now: Date): RotationReminder {
  const own = address.rotationReminderDays;
  const everyDays = own ?? settingsDays;
  if (everyDays === null) return { kind: 'off' };
  const fromSettings = own === null;
  const changedAt = address.secret.stored === true ? address.secret.changedAt : null;
  const changed = changedAt === null ? Number.NaN : Date.parse(changedAt);
  if (Number.isNaN(changed)) return { kind: 'not-counting', everyDays, fromSettings };
  const due = changed + everyDays * DAY_MS;
  const dueAt = new Date(due).toISOString();
  if (now.getTime() >= due) return { kind: 'overdue', everyDays, fromSettings, days: Math.floor((now.getTime() - due) / DAY_MS), dueAt };
  return { kind: 'due-in', everyDays, fromSettings, days: Math.ceil((due - now.getTime()) / DAY_MS), dueAt };
}

/** "every 90 days (Settings default)". */
export function rotationRule(reminder: Exclude<RotationReminder, { kind: 'off' }>): string {
  return `every ${reminder.everyDays} day${reminder.everyDays === 1 ? '' : 's'}${reminder.fromSettings ? ' (Settings default)' : ''}`;
}
