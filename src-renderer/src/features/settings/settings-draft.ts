import type { AppError, Settings } from '../../../../src-preload/contract';

/** The settings form as typed: strings, turned into a `settings:update` patch on save. */
export interface SettingsDraft {
  readonly theme: Settings['theme'];
  readonly dnsServers: string;
  readonly ehloName: string;
  readonly smtpTimeoutSeconds: string;
  readonly rotationReminderDays: string;
}

export type SettingsField = keyof SettingsDraft;
export type SettingsErrors = Partial<Record<SettingsField, string>>;

export function settingsDraftOf(settings: Settings): SettingsDraft {
  return {
    theme: settings.theme,
    dnsServers: settings.dnsServers.join('\n'),
    ehloName: settings.ehloName ?? '',
    smtpTimeoutSeconds: String(settings.smtpTimeoutSeconds),
    rotationReminderDays: settings.rotationReminderDays === null ? '' : String(settings.rotationReminderDays),
  };
}

export type SettingsParse = { readonly ok: true; readonly patch: Partial<Settings> } | { readonly ok: false; readonly errors: SettingsErrors };

/** Only "is it a number at all" is checked here; ranges and formats are main's call. */
export function settingsPatchOf(draft: SettingsDraft): SettingsParse {
  const errors: SettingsErrors = {};
  const timeout = draft.smtpTimeoutSeconds.trim();
  if (!/^\d{1,6}$/u.test(timeout)) errors.smtpTimeoutSeconds = 'Enter the timeout as a whole number of seconds, such as 30.';
  const reminder = draft.rotationReminderDays.trim();
  if (reminder !== '' && !/^\d{1,6}$/u.test(reminder)) {
    errors.rotationReminderDays = 'Enter a whole number of days, such as 90, or leave it empty for no reminders.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const ehlo = draft.ehloName.trim();
  return {
    ok: true,
    patch: {
      theme: draft.theme,
      dnsServers: draft.dnsServers
        .split(/\r?\n/u)
        .map((line) => line.trim())
        .filter((line) => line !== ''),
      ehloName: ehlo === '' ? null : ehlo,
      smtpTimeoutSeconds: Number(timeout),
      rotationReminderDays: reminder === '' ? null : Number(reminder),
    },
  };
}

const fields: ReadonlySet<string> = new Set<SettingsField>(['theme', 'dnsServers', 'ehloName', 'smtpTimeoutSeconds', 'rotationReminderDays']);

/** Main's `details.issues` (paths like `patch.dnsServers.1`) mapped onto the form fields. */
export function settingsErrorsOf(error: AppError): SettingsErrors {
  const errors: SettingsErrors = {};
  const issues = error.details?.['issues'];
  if (!Array.isArray(issues)) return errors;
  for (const issue of issues as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const name = path.split('.').find((s) => fields.has(s));
    if (name === undefined) continue;
    const segments = path.split('.');
    const line = segments[segments.indexOf(name) + 1];
    const field = name as SettingsField;
    errors[field] ??= field === 'dnsServers' && line !== undefined && /^\d+$/u.test(line) ? `Line ${Number(line) + 1}: ${message}` : message;
  }
  return errors;
}
