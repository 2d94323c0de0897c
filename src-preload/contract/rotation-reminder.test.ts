import { describe, expect, it } from 'vitest';
import { rotationReminder, rotationRule } from './rotation-reminder';

const now = new Date('2026-02-04T12:00:00.000Z');
const stored = (changedAt: string | null) => ({ stored: true as boolean | null, changedAt });
const base = { rotationReminderDays: null as number | null, secret: stored('2026-01-01T00:00:00.000Z') };

describe('the rotation reminder (addresses view and `address list`)', () => {
  it("uses the address's own reminder over the Settings default and reports it overdue", () => {
    expect(rotationReminder({ ...base, rotationReminderDays: 30 }, 90, now)).toEqual({ kind: 'overdue', everyDays: 30, fromSettings: false, days: 4, dueAt: '2026-01-31T00:00:00.000Z' });
    expect(rotationReminder(base, 90, now)).toEqual({ kind: 'due-in', everyDays: 90, fromSettings: true, days: 56, dueAt: '2026-04-01T00:00:00.000Z' });
  });

  it('is off when neither the address nor Settings set one', () => {
    expect(rotationReminder(base, null, now)).toEqual({ kind: 'off' });
  });

  it('does not count without a stored secret or a known change time', () => {
    expect(rotationReminder({ ...base, secret: { stored: false, changedAt: '2026-01-01T00:00:00.000Z' } }, 90, now)).toEqual({ kind: 'not-counting', everyDays: 90, fromSettings: true });
    expect(rotationReminder({ ...base, secret: { stored: null, changedAt: '2026-01-01T00:00:00.000Z' } }, 90, now)).toEqual({ kind: 'not-counting', everyDays: 90, fromSettings: true });
    expect(rotationReminder({ ...base, secret: stored(null) }, 90, now)).toEqual({ kind: 'not-counting', everyDays: 90, fromSettings: true });
  });

  it('is due at the very moment the period ends: days left round up, days overdue round down', () => {
    const changed = { ...base, secret: stored('2026-01-05T12:00:00.000Z') };
    expect(rotationReminder(changed, 30, now)).toMatchObject({ kind: 'overdue', days: 0 });
    expect(rotationReminder(changed, 30, new Date(now.getTime() - 1))).toMatchObject({ kind: 'due-in', days: 1 });
    expect(rotationReminder(changed, 30, new Date(now.getTime() + 86_400_000))).toMatchObject({ kind: 'overdue', days: 1 });
  });

  it('names the rule and where it comes from', () => {
    expect(rotationRule({ kind: 'not-counting', everyDays: 90, fromSettings: true })).toBe('every 90 days (Settings default)');
    expect(rotationRule({ kind: 'not-counting', everyDays: 30, fromSettings: false })).toBe('every 30 days');
  });
});
