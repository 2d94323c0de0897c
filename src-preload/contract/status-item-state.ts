/**
 * Plain functions of a status item (no zod here: the labels of the first view use them,
 * and importing verification-schemas would build all of its schemas).
 */
import type { NeedsInput, StatusItem } from './verification-schemas';

/**
 * What the admin must enter before the item can be decided: its last check (not an older
 * one) was the checklist's needs-input. null when it asks for nothing. The Status view and
 * the report both ask this, so both say "needs input" for the same items.
 */
export function awaitingInput(item: Pick<StatusItem, 'lastError' | 'checkedAt'>): NeedsInput | null {
  const error = item.lastError;
  if (error === null || error.needsInput === undefined || item.checkedAt === null) return null;
  return Date.parse(error.at) === Date.parse(item.checkedAt) ? error.needsInput : null;
}

/** Not verified yet although a check ran after the last reset (it could not decide: resolver fault, mailbox down, input needed). */
export function isUndecided(item: Pick<StatusItem, 'status' | 'checkedAt'>): boolean {
  const s = item.status;
  if (s.state !== 'unverified' || item.checkedAt === null) return false;
  return s.since === null || Date.parse(item.checkedAt) > Date.parse(s.since);
}
