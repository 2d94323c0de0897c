/**
 * The connection-test form as typed: strings, turned into the `smtp:test-connection`
 * input on Run. Validation is the main process's job (one set of rules for the UI, the
 * CLI and the bridge); this file only refuses what cannot be sent at all and maps
 * main's answers back onto the fields.
 */
import type { AddressView, AppError, AuthKind, ChannelInput, Security } from '../../../../src-preload/contract';

export interface ConnectionDraft {
  readonly host: string;
  readonly port: string;
  readonly security: Security;
  readonly username: string;
  readonly authKind: AuthKind;
  readonly from: string;
  readonly to: string;
  readonly ehloName: string;
  /** Ports for "Probe ports", as typed; empty = the usual submission ports. */
  readonly probePorts: string;
  /** Use `smtp:send-test-message`: a real message after the send-as check. */
  readonly send: boolean;
}

export type ConnectionField = Exclude<keyof ConnectionDraft, 'send'> | 'secret';

export type ConnectionErrors = Partial<Record<ConnectionField, string>>;

export const emptyConnectionDraft: ConnectionDraft = {
  host: '',
  port: '587',
  security: 'starttls',
  username: '',
  authKind: 'password',
  from: '',
  to: '',
  ehloName: '',
  probePorts: '',
  send: false,
};

/** A saved address fills in everything; From is the address itself. */
export function draftFromAddress(address: AddressView): ConnectionDraft {
  return {
    ...emptyConnectionDraft,
    host: address.host,
    port: String(address.port),
    security: address.security,
    username: address.username,
    authKind: address.authKind,
    from: address.address,
  };
}

/** The test input without the operation id and without the secret (added at the last moment). */
export type ConnectionRequest = Omit<ChannelInput<'smtp:test-connection'>, 'operationId' | 'secret'>;

/** Where the secret of one run comes from. */
export type SecretSource =
  /** The keychain entry of a saved address: main lends it to the test. */
  | { readonly kind: 'stored'; readonly addressId: string }
  /**
   * Typed in the form for this one run (true when the field is not empty). With the saved
   * address it is tested for: when it is the stored secret and signs in to that server,
   * main binds the stored secret to the connection as it is now (a new certificate pin).
   */
  | { readonly kind: 'typed'; readonly present: boolean; readonly addressId?: string };

export type RequestParse =
  /** `send`: end with a real test message (`smtp:send-test-message` rather than `smtp:test-connection`). */
  | { readonly ok: true; readonly request: ConnectionRequest; readonly send: boolean }
  | { readonly ok: false; readonly errors: ConnectionErrors };

/** Credentials are never sent without TLS, so `none` tests without signing in. */
export function credentialsApply(draft: ConnectionDraft): boolean {
  return draft.security !== 'none';
}

/** The From address used when the field is empty: the username when it is an address. */
export function effectiveFrom(draft: ConnectionDraft): string | undefined {
  const from = draft.from.trim();
  if (from !== '') return from;
  const username = draft.username.trim();
  return credentialsApply(draft) && username.includes('@') ? username : undefined;
}

export function requestOf(draft: ConnectionDraft, secret: SecretSource): RequestParse {
  const errors: ConnectionErrors = {};
  const portText = draft.port.trim();
  if (!/^\d{1,6}$/u.test(portText)) errors.port = 'Enter the port as a number, such as 587 or 465.';
  const withCredentials = credentialsApply(draft);
  if (withCredentials && secret.kind === 'typed' && !secret.present) {
    errors.secret = 'Type the secret to test with. For safety it is cleared after every test.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const from = effectiveFrom(draft);
  const to = draft.to.trim();
  const ehloName = draft.ehloName.trim();
  const request: ConnectionRequest = {
    host: draft.host.trim(),
    port: Number(portText),
    security: draft.security,
    credentials: withCredentials ? { kind: draft.authKind, username: draft.username.trim() } : null,
    ...(from !== undefined ? { from } : {}),
    ...(to !== '' ? { to } : {}),
    ...(ehloName !== '' ? { ehloName } : {}),
    ...(withCredentials && secret.kind === 'stored' ? { addressId: secret.addressId } : {}),
    ...(withCredentials && secret.kind === 'typed' && secret.addressId !== undefined ? { addressId: secret.addressId } : {}),
  };
  return { ok: true, request, send: draft.send };
}

const FIELD_OF_PATH: Readonly<Record<string, ConnectionField>> = {
  host: 'host',
  port: 'port',
  security: 'security',
  from: 'from',
  to: 'to',
  ehloName: 'ehloName',
  secret: 'secret',
  'credentials.username': 'username',
  'credentials.kind': 'authKind',
  'credentials.secret': 'secret',
};

export interface MainIssues {
  /** First message per form field. */
  readonly byField: ConnectionErrors;
  /** Messages about something the form has no field for. */
  readonly other: readonly string[];
}

/** Main reports schema problems as `details.issues` with dotted paths; put each under its field. */
export function issuesOf(error: AppError): MainIssues {
  const byField: ConnectionErrors = {};
  const other: string[] = [];
  const issues = error.details?.['issues'];
  if (error.code !== 'invalid-input' || !Array.isArray(issues)) return { byField, other };
  for (const issue of issues as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') continue;
    const field = typeof path === 'string' ? fieldOfPath(path) : undefined;
    if (field === undefined) other.push(message);
    else byField[field] ??= message;
  }
  return { byField, other };
}

function fieldOfPath(path: string): ConnectionField | undefined {
  const exact = FIELD_OF_PATH[path];
  if (exact !== undefined) return exact;
  // `timeouts.deadlineMs`, `dnsServers.0` ...: the first segment decides.
  const first = path.split('.')[0] ?? '';
  return FIELD_OF_PATH[first];
}

/** main's own message when no field is involved; otherwise a count (each reason is under its field). */
export function summaryOf(error: AppError, issues: MainIssues): AppError {
  const count = Object.keys(issues.byField).length;
  if (count === 0) return error;
  const fields = count === 1 ? 'One field needs' : `${count} fields need`;
  return { ...error, message: [`${fields} attention; the reason is under each.`, ...issues.other].join(' ') };
}

// ---------------------------------------------------------------------------
// Certificate pins (settings.pinnedCertificates)

export interface CertificatePin {
  readonly host: string;
  readonly sha256: string;
  readonly pinnedAt: string;
}

/** `AB:CD:…` (as the report shows it) → 64 upper-case hex digits (as settings store it). */
export function pinOfFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[:\s]/gu, '').toUpperCase();
}

/** The pins with this host's pin replaced (one pin per host: the handler uses the first match). */
export function withPin(pins: readonly CertificatePin[], host: string, sha256: string, pinnedAt: string): CertificatePin[] {
  return [...withoutPin(pins, host), { host, sha256, pinnedAt }];
}

export function withoutPin(pins: readonly CertificatePin[], host: string): CertificatePin[] {
  const key = host.toLowerCase();
  return pins.filter((p) => p.host.toLowerCase() !== key);
}

export function pinFor(pins: readonly CertificatePin[], host: string): CertificatePin | undefined {
  const key = host.toLowerCase();
  return pins.find((p) => p.host.toLowerCase() === key);
}
