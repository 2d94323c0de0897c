/**
 * The checklist form as typed: strings, turned into the `checks:run-checklist` input on
 * Run. Formats are the main process's call (one set of rules for the UI, the CLI and the
 * bridge); this file only splits lists and maps main's answers back onto the fields.
 */
import type { AddressView, AppError, PlatformId } from '../../../../src-preload/contract';
import type { CheckInputField } from '../../../../src-preload/contract/checks-schemas';
import { forwardingAddress } from '../../../../src-preload/contract/platform-vocabulary';
import type { RouteId } from '../../../../src-preload/contract/route-ids';
import type { ChecklistRequest } from './checklist-run';

export interface ChecklistDraft {
  readonly domain: string;
  readonly platform: PlatformId;
  /** '' = the platform's default route (main picks it, as for a saved address without one). */
  readonly route: RouteId | '';
  /** The selectors the admin's own mail service (the relay) signs with. */
  readonly relaySelectors: string;
  /** The SPF include of the relay's mail service (spf.protection.outlook.com). */
  readonly relayInclude: string;
  readonly sendingIp: string;
  readonly smtpHost: string;
  readonly heloName: string;
  readonly forwardingAddress: string;
  readonly dnsServers: string;
}

export type ChecklistField = keyof ChecklistDraft;
export type ChecklistErrors = Partial<Record<ChecklistField, string>>;

/** `platform` '' = not chosen: the run uses the first platform of `platforms:list`. */
export const emptyChecklistDraft: ChecklistDraft = {
  domain: '',
  platform: '',
  route: '',
  relaySelectors: '',
  relayInclude: '',
  sendingIp: '',
  smtpHost: '',
  heloName: '',
  forwardingAddress: '',
  dnsServers: '',
};

/** Every field a checklist item may ask for is a field of this form (the item's button focuses it). */
export const inputFieldOf = {
  relaySelectors: 'relaySelectors',
  sendingIp: 'sendingIp',
  heloName: 'heloName',
  forwardingAddress: 'forwardingAddress',
  smtpHost: 'smtpHost',
} as const satisfies Record<CheckInputField, ChecklistField>;

/** Commas, spaces or line breaks separate entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export type DraftAddress = Pick<AddressView, 'address' | 'platform' | 'route' | 'selectors' | 'host' | 'platformSubdomain'>;

export interface DraftAddressFacts {
  /** The platform's forwarding target pattern (`support@{subdomain}.zendesk.com`). */
  readonly forwardingPattern?: string | undefined;
  /** The SPF include of the address's mail-service preset. */
  readonly relayInclude?: string | undefined;
}

/**
 * What a saved address says about its checklist: its domain, platform and route, the
 * relay's selectors, the SMTP host and the forwarding target. Shown so the admin sees
 * what was checked and can change it; the run itself asks main for the address's own
 * checklist, which also knows what a received message proved.
 */
export function draftFromAddress(address: DraftAddress, current: ChecklistDraft, facts: DraftAddressFacts = {}): ChecklistDraft {
  const at = address.address.lastIndexOf('@');
  const pattern = facts.forwardingPattern;
  return {
    ...current,
    domain: at < 0 ? current.domain : address.address.slice(at + 1),
    platform: address.platform,
    route: address.route ?? '',
    relaySelectors: address.selectors.join(', '),
    relayInclude: facts.relayInclude ?? '',
    sendingIp: '',
    smtpHost: address.host,
    heloName: '',
    forwardingAddress: pattern === undefined || address.platformSubdomain === null ? '' : forwardingAddress(pattern, address.platformSubdomain),
    // A saved address is checked with the servers in Settings: an empty field says so.
    dnsServers: '',
  };
}

export type ChecklistParse = { readonly ok: true; readonly request: ChecklistRequest } | { readonly ok: false; readonly errors: ChecklistErrors };

export function requestOf(draft: ChecklistDraft, defaultPlatform: PlatformId): ChecklistParse {
  const domain = draft.domain.trim();
  if (domain === '') return { ok: false, errors: { domain: 'Enter the domain to check.' } };
  const text = (value: string) => {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const include = text(draft.relayInclude);
  const ip = text(draft.sendingIp);
  const host = text(draft.smtpHost);
  const helo = text(draft.heloName);
  const forwarding = text(draft.forwardingAddress);
  return {
    ok: true,
    request: {
      domain,
      platform: draft.platform === '' ? defaultPlatform : draft.platform,
      ...(draft.route === '' ? {} : { route: draft.route }),
      relaySelectors: splitList(draft.relaySelectors),
      ...(include === undefined ? {} : { relayInclude: include }),
      ...(ip === undefined ? {} : { sendingIp: ip }),
      ...(host === undefined ? {} : { smtpHost: host }),
      // Typed by the admin, not read from a server's greeting.
      ...(helo === undefined ? {} : { heloName: helo, heloSource: 'user' as const }),
      ...(forwarding === undefined ? {} : { forwardingAddress: forwarding }),
      dnsServers: splitList(draft.dnsServers),
    },
  };
}

const fields: ReadonlySet<string> = new Set<ChecklistField>(Object.keys(emptyChecklistDraft) as ChecklistField[]);

/** Main's `details.issues` (paths like `relaySelectors.1`) mapped onto the form fields. */
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
