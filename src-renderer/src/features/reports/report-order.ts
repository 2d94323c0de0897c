/**
 * The reports table in time order: the mailbox gives report messages in the order they
 * arrived, which jumps about in time (a weekly report after a daily one that began later).
 * Oldest period first; a report without a period last, in the order read.
 */
export function byPeriod<T extends { readonly period: { readonly begin: string } | null }>(reports: readonly T[]): T[] {
  const at = (r: T) => (r.period === null ? Number.POSITIVE_INFINITY : Date.parse(r.period.begin));
  // Array.prototype.sort is stable: reports that begin together stay in the order read.
  return [...reports].sort((a, b) => at(a) - at(b));
}
