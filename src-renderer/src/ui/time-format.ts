/**
 * The one way the renderer writes a time: the admin's locale and time zone, with the zone
 * named, and the exact UTC time for a hover (a `title`) or a report. Every view uses the
 * same options, so a list never mixes 12-hour, 24-hour and ISO times.
 */

/** Spelled out: dateStyle/timeStyle cannot be combined with timeZoneName. */
const LOCAL_OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `4 Feb 2026, 13:00 CET` (or the locale's own order and clock); an unreadable value as given. */
export function formatLocalTime(iso: string, locale?: string, timeZone?: string): string {
  const date = parse(iso);
  if (date === null) return iso;
  return new Intl.DateTimeFormat(locale, { ...LOCAL_OPTIONS, ...(timeZone === undefined ? {} : { timeZone }) }).format(date);
}

/** `2026-02-04 12:00:00 UTC`: the exact instant, the same on every computer (hover, reports). */
export function formatUtcTime(iso: string): string {
  const date = parse(iso);
  if (date === null) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The local time, or `empty` when there is none (a check that never ran). */
export function formatTimeOr(iso: string | null, empty: string, locale?: string, timeZone?: string): string {
  return iso === null ? empty : formatLocalTime(iso, locale, timeZone);
}
