/**
 * The checklist form as typed: strings, turned into the `checks:run-checklist` input on
 * Run. Formats are the main process's call (one set of rules for the UI, the CLI and the
 * bridge); this file only splits lists and maps main's answers back onto the fields.
 */
import type { AddressView, AppError, PlatformId } from '../../../../src-preload/contract';
import type { ChecklistRequest } from './checklist-run';

export interface ChecklistDraft {
  readonly domain: string;
  readonly platform: PlatformId;
  readonly selectors: string;
  readonly sendingIp: string;
  readonly dnsServers: string;
}

export type ChecklistField = keyof ChecklistDraft;
export type ChecklistErrors = Partial<Record<ChecklistField, string>>;

/** `platform` '' = not chosen: the run uses the first platform of `platforms:list`. */
export const emptyChecklistDraft: ChecklistDraft = { domain: '', platform: '', selectors: '', sendingIp: '', dnsServers: '' };

/** Commas, spaces or line breaks separate entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** What an address says about its domain: the part after @, its platform and selectors. */
export function draftFromAddress(address: Pick<AddressView, 'address' | 'platform' | 'selectors'>, current: ChecklistDraft): ChecklistDraft {
  const at = address.address.lastIndexOf('@');
  return {
    ...current,
    domain: at < 0 ? current.domain : address.address.slice(at + 1),
    platform: address.platform,
    selectors: address.selectors.join(', '),
  };
}

export type ChecklistParse = { readonly ok: true; readonly request: ChecklistRequest } | { readonly ok: false; readonly errors: ChecklistErrors };

export function requestOf(draft: ChecklistDraft, defaultPlatform: PlatformId): ChecklistParse {
  const domain = draft.domain.trim();
  if (domain === '') return { ok: false, errors: { domain: 'Enter the domain to check, such as example.com.' } };
  const ip = draft.sendingIp.trim();
  return {
    ok: true,
    request: {
      domain,
      platform: draft.platform === '' ? defaultPlatform : draft.platform,
      selectors: splitList(draft.selectors),
      ...(ip === '' ? {} : { sendingIp: ip }),
      dnsServers: splitList(draft.dnsServers),
    },
  };
}

const fields: ReadonlySet<string> = new Set<ChecklistField>(['domain', 'platform', 'selectors', 'sendingIp', 'dnsServers']);

/** Main's `details.issues` (paths like `selectors.1`) mapped onto the form fields. */
export function checklistErrorsOf(error: AppError, draft: ChecklistDraft): ChecklistErrors {
  const errors: ChecklistErrors = {};
  const issues = error.details?.['issues'];
  if (!Array.isArray(issues)) return errors;
  for (const issue of issues as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const [name, index] = path.split('.');
    if (name === undefined || !fields.has(name)) continue;
    const field = name as ChecklistField;
    // Name the entry of a list the admin typed, so they know which one to fix.
    const entry = index !== undefined && /^\d+$/u.test(index) ? splitList(draft[field])[Number(index)] : undefined;
    errors[field] ??= entry === undefined ? message : `"${entry}": ${message}`;
  }
  return errors;
}
