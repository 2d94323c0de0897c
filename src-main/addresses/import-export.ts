/**
 * Export and import of non-secret address configuration as versioned JSON
 * (`relayproof-addresses`, version 1). Pure: the handlers do the storing.
 *
 * Import judges every row on its own and says, per bad row, what is wrong in the admin's
 * words; a row that carries anything secret-looking is refused outright. Good rows are
 * checked against the saved addresses and the rows accepted before them (duplicates,
 * platform limits), so a file can never push a platform past its limits.
 */
import { ADDRESS_EXPORT_FORMAT, type AddressExport, type ImportResult } from '../../src-preload/contract/addresses';
import { addressFieldsSchema, type Address, type AddressFields } from '../../src-preload/contract/addresses-schemas';
import type { PlatformId } from '../../src-preload/contract/platform-vocabulary';
import type { Platform } from '../../src-preload/contract/providers';
import { checkNewAddress, type SavedAddress } from './address-check';
import { checkIdentity, sesIdentityExportRowSchema, type SavedIdentity, type SesIdentity, type SesIdentityExportRow, type SesRules } from '../../src-preload/contract/ses-identities';
import { unknownPlatformMessage } from '../providers/platforms';
import { routeOf } from '../checks/route-evaluation';

export const ADDRESS_EXPORT_VERSION = 1;

/** The non-secret fields of an address, without id, timestamps or state. */
export function exportRow(address: Address): AddressFields {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(addressFieldsSchema.shape)) out[key] = (address as Record<string, unknown>)[key];
  return out as AddressFields;
}

/** An identity's fields and what Zuora showed last; never its id or the times Relayproof keeps. */
export function exportIdentityRow(identity: SesIdentity): SesIdentityExportRow {
  return {
    kind: identity.kind,
    value: identity.value,
    environment: identity.environment,
    dkimTokens: [...identity.dkimTokens],
    eligibilityConfirmed: identity.eligibilityConfirmed,
    verification: { state: identity.verification.state, since: identity.verification.since },
  };
}

export function buildExport(addresses: readonly Address[], now: Date, identities: readonly SesIdentity[] = []): AddressExport {
  return {
    format: ADDRESS_EXPORT_FORMAT,
    version: ADDRESS_EXPORT_VERSION,
    exportedAt: now.toISOString(),
    addresses: addresses.map(exportRow),
    ...(identities.length > 0 ? { sesIdentities: identities.map(exportIdentityRow) } : {}),
  };
}

/** Key names that hold a secret (`password`, `smtpPassword`, `api_key`, `clientSecret`, `token` ...). */
const SECRET_KEY = /pass(?:word)?s?$|passwd|secret|api[-_]?key|token|credential|private[-_]?key/iu;

/** The first secret-looking key anywhere in the row (nested objects too), as a path. */
function secretKeyIn(value: unknown, path: string[] = [], depth = 0): string | null {
  if (depth > 8 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) return [...path, key].join('.');
    const nested = secretKeyIn(inner, [...path, key], depth + 1);
    if (nested !== null) return nested;
  }
  return null;
}

const FIELD_LABELS: Record<string, string> = {
  address: 'address',
  platform: 'platform',
  environment: 'environment',
  provider: 'provider',
  host: 'host',
  port: 'port',
  security: 'security',
  username: 'username',
  authKind: 'sign-in method (authKind)',
  selectors: 'DKIM selectors',
  platformSubdomain: 'platform subdomain',
  rotationReminderDays: 'rotation reminder',
  mailbox: 'mailbox',
  forwardingMailbox: 'forwarding check mailbox',
};

/** zod issues in the admin's words: "port: Port must be a whole number ...". */
function describeRowIssues(issues: ReadonlyArray<{ code: string; path: ReadonlyArray<PropertyKey>; message: string; keys?: readonly string[] }>): string {
  const parts = issues.slice(0, 4).map((issue) => {
    if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
      return `${issue.keys.map((k) => `"${k}"`).join(', ')} ${issue.keys.length === 1 ? 'is not a field' : 'are not fields'} of an address export (ids, dates and states are made on import)`;
    }
    const top = String(issue.path[0] ?? '');
    const label = FIELD_LABELS[top] ?? (issue.path.map(String).join('.') || 'row');
    const where = issue.path.length > 1 ? `${label} (${issue.path.slice(1).map(String).join('.')})` : label;
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > 4 ? ` (and ${issues.length - 4} more problems)` : '';
  return parts.join('; ') + more;
}

export type ImportPlan =
  | { readonly ok: true; readonly accepted: ReadonlyArray<{ readonly row: number; readonly fields: AddressFields }>; readonly rejected: ImportResult['rejected'] }
  | { readonly ok: false; readonly message: string; readonly hint: string };

const NOT_AN_EXPORT_HINT = 'Choose a file that Relayproof saved with Export (it starts with "format": "relayproof-addresses").';

/**
 * Why a well-formed row cannot be added next to `known` (null: it can): an unknown
 * platform, a duplicate, a platform's limit. The import plans with it, and checks each
 * row again inside the settings lock, where `known` is the file as it is then.
 */
export function importRowRefusal(fields: AddressFields, known: readonly SavedAddress[], platforms: ReadonlyMap<PlatformId, Platform>): string | null {
  const platform = platforms.get(fields.platform);
  if (platform === undefined) return `platform: ${unknownPlatformMessage(fields.platform, platforms)}`;
  const route = routeOf(platform, fields.route ?? undefined);
  if (!route.ok) return `route: ${route.error.message}`;
  const check = checkNewAddress({ address: fields.address, platform: fields.platform, environment: fields.environment }, known, platform);
  if (check.errors.length === 0) return null;
  const existing = check.errors.some((e) => e.code === 'duplicate') ? 'Skipped, the existing address is kept unchanged: ' : 'Skipped: ';
  return existing + check.errors.map((e) => e.message).join(' ');
}

/**
 * Which rows of `document` to import. `saved` are the addresses already configured
 * (never changed), `platforms` the platform data (limits, system domains).
 */
export function planImport(document: unknown, saved: readonly SavedAddress[], platforms: ReadonlyMap<PlatformId, Platform>): ImportPlan {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { ok: false, message: 'This is not a Relayproof address export: it is not a JSON object.', hint: NOT_AN_EXPORT_HINT };
  }
  const doc = document as Record<string, unknown>;
  if (doc['format'] !== ADDRESS_EXPORT_FORMAT) {
    return { ok: false, message: `This is not a Relayproof address export: its format is ${JSON.stringify(doc['format'] ?? null)}, not "${ADDRESS_EXPORT_FORMAT}".`, hint: NOT_AN_EXPORT_HINT };
  }
  if (doc['version'] !== ADDRESS_EXPORT_VERSION) {
    const newer = typeof doc['version'] === 'number' && doc['version'] > ADDRESS_EXPORT_VERSION;
    return {
      ok: false,
      message: `This export is version ${JSON.stringify(doc['version'] ?? null)}; this Relayproof reads version ${ADDRESS_EXPORT_VERSION}.`,
      hint: newer ? 'It was made by a newer Relayproof: update Relayproof, then import again.' : NOT_AN_EXPORT_HINT,
    };
  }
  const rows = doc['addresses'];
  if (!Array.isArray(rows)) {
    return { ok: false, message: 'This export has no list of addresses ("addresses" is missing or not a list).', hint: NOT_AN_EXPORT_HINT };
  }

  const accepted: Array<{ row: number; fields: AddressFields }> = [];
  const rejected: Array<ImportResult['rejected'][number]> = [];
  // Rows accepted so far count like saved addresses (duplicates inside the file, limits).
  const known: SavedAddress[] = [...saved];
  rows.forEach((raw: unknown, index) => {
    const row = index + 1;
    const shown = raw !== null && typeof raw === 'object' && typeof (raw as { address?: unknown }).address === 'string' ? String((raw as { address: string }).address).slice(0, 320) : null;
    const reject = (reason: string) => rejected.push({ row, address: shown, reason });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      reject('This row is not an address (expected an object with address, platform, host ...).');
      return;
    }
    const secretKey = secretKeyIn(raw);
    if (secretKey !== null) {
      reject(`Relayproof never imports secrets: this row carries "${secretKey}". Remove it from the file; enter the password in Relayproof after importing, and it goes to the OS keychain.`);
      return;
    }
    const parsed = addressFieldsSchema.safeParse(raw);
    if (!parsed.success) {
      reject(describeRowIssues(parsed.error.issues as never));
      return;
    }
    const fields = parsed.data;
    const refused = importRowRefusal(fields, known, platforms);
    if (refused !== null) {
      reject(refused);
      return;
    }
    accepted.push({ row, fields });
    known.push({ id: `import-row-${row}`, address: fields.address, platform: fields.platform, environment: fields.environment });
  });
  return { ok: true, accepted, rejected };
}

// ---------------------------------------------------------------------------
// SES identities (`sesIdentities` of an export)

export interface IdentityImportPlan {
  readonly accepted: ReadonlyArray<{ readonly row: number; readonly entry: Omit<SesIdentity, 'id' | 'createdAt'> }>;
  readonly rejected: ImportResult['rejectedIdentities'];
}

/**
 * Why an identity row cannot be added next to `known` (null: it can): Zuora's limits per
 * tenant and verification group, the same-domain rule, eligibility, the environment. The
 * import plans with it and checks each row again inside the settings lock.
 */
export function identityRowRefusal(entry: Pick<SesIdentity, 'kind' | 'value' | 'environment' | 'dkimTokens' | 'eligibilityConfirmed'>, known: readonly SavedIdentity[], rules: SesRules): string | null {
  const check = checkIdentity(entry, known, rules);
  if (check.problems.length === 0) return null;
  const existing = check.problems.some((p) => p.code === 'duplicate') ? 'Skipped, the existing identity is kept unchanged: ' : 'Skipped: ';
  return existing + check.problems.map((p) => p.message).join(' ');
}

/**
 * Which rows of an export's `sesIdentities` to import, each judged against the saved
 * identities and the rows accepted before it, so a file can never take a Zuora tenant past
 * one domain or three email identities. `rules` null: the platform data has no zuora-ses.
 */
export function planIdentityImport(rows: unknown, saved: readonly SavedIdentity[], rules: SesRules | null, now: Date): IdentityImportPlan {
  const accepted: Array<{ row: number; entry: Omit<SesIdentity, 'id' | 'createdAt'> }> = [];
  const rejected: Array<ImportResult['rejectedIdentities'][number]> = [];
  if (rows === undefined) return { accepted, rejected };
  if (!Array.isArray(rows)) return { accepted, rejected: [{ row: 1, identity: null, reason: '"sesIdentities" is not a list of identities.' }] };
  const known: SavedIdentity[] = [...saved];
  rows.forEach((raw: unknown, index) => {
    const row = index + 1;
    const shown = raw !== null && typeof raw === 'object' && typeof (raw as { value?: unknown }).value === 'string' ? String((raw as { value: string }).value).slice(0, 320) : null;
    const reject = (reason: string) => rejected.push({ row, identity: shown, reason });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      reject('This row is not an SES identity (expected an object with kind, value, environment ...).');
      return;
    }
    // `dkimTokens` are public DNS names (Zuora's DKIM Settings), not the secrets the key pattern looks for.
    const secretKey = secretKeyIn(Object.fromEntries(Object.entries(raw).filter(([key]) => key !== 'dkimTokens')));
    if (secretKey !== null) {
      reject(`Relayproof never imports secrets, and an SES identity has none: this row carries "${secretKey}". Remove it from the file.`);
      return;
    }
    const parsed = sesIdentityExportRowSchema.safeParse(raw);
    if (!parsed.success) {
      reject(describeRowIssues(parsed.error.issues as never));
      return;
    }
    if (rules === null) {
      reject('The platform data has no zuora-ses platform, so SES identities cannot be imported: reinstall Relayproof.');
      return;
    }
    const fields = parsed.data;
    const refused = identityRowRefusal(fields, known, rules);
    if (refused !== null) {
      reject(refused);
      return;
    }
    const check = checkIdentity(fields, known, rules);
    const value = check.value ?? fields.value;
    const at = now.toISOString();
    const verification = fields.verification ?? { state: 'pending' as const, since: at };
    accepted.push({
      row,
      entry: {
        kind: fields.kind,
        value,
        environment: fields.environment,
        dkimTokens: [...fields.dkimTokens],
        eligibilityConfirmed: fields.eligibilityConfirmed,
        verification: { state: verification.state, since: verification.since, checkedAt: null, linkSentAt: fields.kind === 'email' && verification.state === 'pending' ? at : null },
      },
    });
    known.push({ id: `import-identity-${row}`, kind: fields.kind, value, environment: fields.environment });
  });
  return { accepted, rejected };
}
