/**
 * The form's editable copy of an address: strings as typed, turned into contract
 * fields on submit. Validation is the main process's job (one set of rules for the
 * UI, the CLI and the bridge); this file only maps its answers back onto the fields.
 */
import type { AddressFields, AddressView, AppError, AuthKind, ChannelInput, Environment, PlatformId, Security } from '../../../../src-preload/contract';

export interface AddressDraft {
  readonly address: string;
  readonly platform: PlatformId;
  readonly environment: Environment;
  readonly provider: string;
  readonly host: string;
  readonly port: string;
  readonly security: Security;
  readonly username: string;
  readonly authKind: AuthKind;
}

export type DraftField = keyof AddressDraft | 'secret';

export type FieldErrors = Partial<Record<DraftField, string>>;

/** `platform` '' = not chosen: the form shows, and saves, the first platform of `platforms:list`. */
export const emptyDraft: AddressDraft = {
  address: '',
  platform: '',
  environment: 'production',
  provider: 'custom',
  host: '',
  port: '587',
  security: 'starttls',
  username: '',
  authKind: 'password',
};

export function draftOf(address: AddressView): AddressDraft {
  return {
    address: address.address,
    platform: address.platform,
    environment: address.environment,
    provider: address.provider,
    host: address.host,
    port: String(address.port),
    security: address.security,
    username: address.username,
    authKind: address.authKind,
  };
}

type FieldsInput = ChannelInput<'addresses:create'>['fields'];

export type DraftParse = { readonly ok: true; readonly fields: FieldsInput } | { readonly ok: false; readonly errors: FieldErrors };

/** Only what cannot be sent at all is checked here; everything else is main's call. */
export function fieldsOf(draft: AddressDraft): DraftParse {
  const portText = draft.port.trim();
  if (!/^\d{1,6}$/u.test(portText)) {
    return { ok: false, errors: { port: 'Enter the port as a number, such as 587 or 465.' } };
  }
  return {
    ok: true,
    fields: {
      address: draft.address.trim(),
      platform: draft.platform,
      environment: draft.environment,
      provider: draft.provider.trim(),
      host: draft.host.trim(),
      port: Number(portText),
      security: draft.security,
      username: draft.username.trim(),
      authKind: draft.authKind,
    },
  };
}

/** The fields that differ from the stored address: the `addresses:update` patch. */
export function patchOf(original: AddressView, fields: FieldsInput): Partial<AddressFields> {
  const patch: Partial<Record<keyof FieldsInput, unknown>> = {};
  for (const key of Object.keys(fields) as Array<keyof FieldsInput>) {
    if (key === 'selectors') continue;
    if (fields[key] !== original[key]) patch[key] = fields[key];
  }
  return patch as Partial<AddressFields>;
}

const draftFields: ReadonlySet<string> = new Set<DraftField>([...(Object.keys(emptyDraft) as Array<keyof AddressDraft>), 'secret']);

export interface MainIssues {
  /** First message per form field. */
  readonly byField: FieldErrors;
  /** Messages about something the form has no field for. */
  readonly other: readonly string[];
}

/**
 * Main reports schema problems as `details.issues` with paths like `fields.port` or
 * `patch.host`; put each message under the field it is about.
 */
export function issuesOf(error: AppError): MainIssues {
  const byField: FieldErrors = {};
  const other: string[] = [];
  const issues = error.details?.['issues'];
  if (!Array.isArray(issues)) return { byField, other };
  for (const issue of issues as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') continue;
    const name = typeof path === 'string' ? path.split('.').find((s) => draftFields.has(s)) : undefined;
    if (name === undefined) other.push(message);
    else byField[name as DraftField] ??= message;
  }
  return { byField, other };
}

/**
 * The dialog's summary: main's own message when no field is involved; otherwise how
 * many fields need attention (their messages are under each field) and anything else.
 */
export function summaryOf(error: AppError, issues: MainIssues): AppError {
  const count = Object.keys(issues.byField).length;
  if (count === 0) return error;
  const fields = count === 1 ? 'One field needs' : `${count} fields need`;
  return { ...error, message: [`${fields} attention; the reason is under each.`, ...issues.other].join(' ') };
}

/**
 * Whether the edit dialog may take a secret: when none is stored (an imported or
 * "secret missing" address), or when the draft changes the server or account, which
 * removes the stored secret anyway (it belongs to the old server). Replacing a stored
 * secret for the same server is a rotation: Rotate credentials tests the new one first.
 */
export function editTakesSecret(original: AddressView, draft: AddressDraft): boolean {
  if (original.secret.stored !== true) return true;
  return (
    draft.host.trim().toLowerCase() !== original.host.toLowerCase() ||
    draft.port.trim() !== String(original.port) ||
    draft.security !== original.security ||
    draft.username.trim() !== original.username ||
    draft.authKind !== original.authKind
  );
}
