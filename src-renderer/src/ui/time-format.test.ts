import { describe, expect, it } from 'vitest';
import { formatLocalTime, formatTimeOr, formatUtcTime } from './time-format';

const at = '2026-02-04T12:00:00.000Z';

describe('time format', () => {
  it('writes a time in the given locale and time zone, with the zone named', () => {
    expect(formatLocalTime(at, 'en-GB', 'Europe/Berlin')).toMatch(/4 Feb 2026.*13:00.*(CET|GMT\+1)/u);
    expect(formatLocalTime(at, 'en-US', 'America/New_York')).toMatch(/Feb 4, 2026.*07:00\sAM.*(EST|GMT-5)/u);
  });

  it('uses the same options for every time: one locale gives one clock, never ISO', () => {
    const morning = formatLocalTime('2026-02-04T08:05:00.000Z', 'en-GB', 'UTC');
    const evening = formatLocalTime('2026-02-04T20:05:00.000Z', 'en-GB', 'UTC');
    expect(morning).toMatch(/08:05/u);
    expect(evening).toMatch(/20:05/u);
    for (const text of [morning, evening]) expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/u);
  });

  it('gives the exact UTC instant for a hover or a report, the same in every zone', () => {
    expect(formatUtcTime('2026-02-04T13:00:05.250+01:00')).toBe('2026-02-04 12:00:05 UTC');
  });

  it('leaves an unreadable value as given and says what an absent one means', () => {
    expect(formatLocalTime('not a date')).toBe('not a date');
    expect(formatUtcTime('not a date')).toBe('not a date');
    expect(formatTimeOr(null, 'never')).toBe('never');
    expect(formatTimeOr(at, 'never', 'en-GB', 'UTC')).toMatch(/4 Feb 2026.*12:00/u);
  });
});
