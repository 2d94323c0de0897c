/**
 * Domain objects, errors and results shared by every channel: pure TypeScript + zod.
 * Split from contract.ts so channel groups (src-preload/channels/) can import them
 * without an import cycle.
 */
import { z } from 'zod';
import { imapMailboxSchema } from './verification-schemas';
import {
  authKindSchema,
  dnsServerSpecSchema,
  ehloNameSchema,
  emailAddressSchema,
  hostSchema,
  portSchema,
  refuseHidden,
  securitySchema,
  usernameSchema,
} from './fields';
import { platformIdSchema } from './platform-vocabulary';

// ---------------------------------------------------------------------------
// Errors and results

/** Closed set of error codes. Add here first; every consumer switches exhaustively. */
export const errorCodes = [
  'invalid-input',
  /** The caller is not the app's own renderer (IPC sender frame or bridge request check). */
  'forbidden',
  'not-found',
  'conflict',
  'keychain-unavailable',
  'store-unavailable',
  'cancelled',
  'timeout',
  'internal',
] as const;
export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const appErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  hint: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: appErrorSchema }),
  ]);
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, extra: Pick<AppError, 'hint' | 'details'> = {}): Result<never> {
  return { ok: false, error: { code, message, ...extra } };
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------
// Shared field schemas: one definition each, in fields.ts (also used by the SMTP
// engine and the DNS checks), so a value saved here is a value the engine accepts.

export {
  authKindSchema,
  dnsServerSpecSchema,
  ehloNameSchema,
  emailAddressSchema,
  hostSchema,
  portSchema,
  safeText,
  secretInputSchema,
  securitySchema,
  usernameSchema,
  type AuthKind,
  type Security,
} from './fields';

export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/u, { message: 'Identifier must be lowercase letters, digits and hyphens.' });

export const isoTimeSchema = z.iso.datetime();

// Which platforms exist is data (resources/platforms): see platform-vocabulary.ts.
export { platformIdSchema, type PlatformId } from './platform-vocabulary';

export const environmentSchema = z.enum(['sandbox', 'production']);
export type Environment = z.infer<typeof environmentSchema>;

export const dkimSelectorSchema = z
  .string()
  .max(63)
  .superRefine(refuseHidden('The DKIM selector'))
  .regex(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/iu, {
    message: 'A DKIM selector is letters, digits, hyphens and dots, such as zendesk1.',
  });

export const platformSubdomainSchema = z
  .string()
  .superRefine(refuseHidden('The subdomain'))
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/u, {
    message: 'The subdomain is lowercase letters, digits and hyphens: yourcompany for yourcompany.zendesk.com.',
  });

export const reminderDaysSchema = z
  .number({ error: 'The rotation reminder is a number of days.' })
  .int({ message: 'The rotation reminder is a whole number of days.' })
  .min(7, { message: 'The rotation reminder must be at least 7 days.' })
  .max(730, { message: 'The rotation reminder can be at most 730 days (two years).' });

export const proceedReasonSchema = z
  .string()
  // Free text, shown on the address: ordinary characters, but no control, line-break or bidi character.
  .superRefine(refuseHidden('The reason', 'free-text'))
  .trim()
  .min(3, { message: 'Say in a few words why you continue although the test failed.' })
  .max(500, { message: 'Keep the reason under 500 characters.' });

export const lastTestSchema = z.object({
  at: isoTimeSchema,
  ok: z.boolean(),
  /** One line, e.g. "Signed in and accepted the sender" or the failure's title. */
  summary: z.string().max(500),
});
export type LastTest = z.infer<typeof lastTestSchema>;

/** A certificate pin: the SHA-256 fingerprint as 64 upper-case hexadecimal digits. */
export const certificateSha256Schema = z.string().regex(/^[0-9A-F]{64}$/u, { message: 'A certificate fingerprint is 64 hexadecimal characters (SHA-256).' });

/**
 * The connection a stored secret may be lent to (never the secret): what the server and
 * account were, which certificate pin Settings had for the host (null = only publicly
 * trusted certificates), which DNS servers Settings named and which addresses the host had
 * when the secret was saved or last signed in. A change of the pin holds the secret back
 * until it is typed again (or rotated); a change of the DNS servers makes the next lending
 * compare the host's addresses (src-preload/lending.ts, src-main/vault/lending-binding.ts).
 */
export const lendingBindingSchema = z.strictObject({
  /** When the secret was saved, or last signed in with. */
  at: isoTimeSchema,
  host: z.string().max(253),
  port: z.number().int().min(1).max(65535),
  security: z.string().max(16),
  username: z.string().max(320),
  /** The SMTP sign-in method; null for a mailbox (IMAP). */
  authKind: authKindSchema.nullable(),
  pinSha256: certificateSha256Schema.nullable(),
  dnsServers: z.array(z.string().max(300)).max(8),
  /** The host's IP addresses when the secret last signed in (empty: not seen yet). */
  ips: z.array(z.string().max(64)).max(32),
});
export type LendingBinding = z.infer<typeof lendingBindingSchema>;

/** One binding per way an address's credentials leave the machine: its SMTP secret, OAuth tokens over SMTP, and its two mailboxes' passwords. */
export const lendingBindingsSchema = z.strictObject({
  smtp: lendingBindingSchema.nullable().default(null),
  oauth: lendingBindingSchema.nullable().default(null),
  imap: lendingBindingSchema.nullable().default(null),
  'imap-forwarding': lendingBindingSchema.nullable().default(null),
});
export type LendingBindings = z.output<typeof lendingBindingsSchema>;
export type LendingPurpose = keyof LendingBindings;

// ---------------------------------------------------------------------------
// Domain objects

export const addressFieldsSchema = z.strictObject({
  address: emailAddressSchema,
  platform: platformIdSchema,
  environment: environmentSchema,
  provider: idSchema,
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  username: usernameSchema,
  authKind: authKindSchema,
  selectors: z.array(dkimSelectorSchema).max(16).default([]),
  /** The platform account's own name where its forwarding target needs it (Zendesk: `yourcompany` of yourcompany.zendesk.com). */
  platformSubdomain: platformSubdomainSchema.nullable().default(null),
  /** Remind to rotate this address's secret after N days; null = the Settings default. */
  rotationReminderDays: reminderDaysSchema.nullable().default(null),
  /** Where the verification email is read (IMAP over TLS); its password is in the keychain. */
  mailbox: imapMailboxSchema.nullable().default(null),
  /**
   * Where mail sent TO the address should end up after forwarding (a test setup, or a platform
   * target mailbox the admin can read; IMAP over TLS); its password is in the keychain.
   */
  forwardingMailbox: imapMailboxSchema.nullable().default(null),
});
export type AddressFields = z.output<typeof addressFieldsSchema>;

export const addressSchema = z.strictObject({
  ...addressFieldsSchema.shape,
  id: idSchema,
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  /** When the keychain entry was last written by Relayproof; never the secret itself. */
  secretChangedAt: isoTimeSchema.nullable(),
  /** `in-progress` while the connect wizard has not finished with it. */
  setup: z.enum(['in-progress', 'complete']).default('complete'),
  /** Why the admin continued past a failed connection test (shown on the address). */
  proceedReason: proceedReasonSchema.nullable().default(null),
  /** The last connection test with the stored secret (never the secret). */
  lastTest: lastTestSchema.nullable().default(null),
  /** Where its stored secrets may be lent (absent in files written before bindings existed). */
  lending: lendingBindingsSchema.optional(),
});
export type Address = z.output<typeof addressSchema>;

/** What is known about the keychain entry of one address. `null` = keychain not readable now. */
export const secretStateSchema = z.object({
  stored: z.boolean().nullable(),
  changedAt: isoTimeSchema.nullable(),
});
export type SecretState = z.infer<typeof secretStateSchema>;

export const addressViewSchema = z.object({ ...addressSchema.shape, secret: secretStateSchema });
export type AddressView = z.infer<typeof addressViewSchema>;

/** One step in an address's life, kept after the address is gone; never a secret. */
export const lifecycleEventKinds = [
  'connected',
  'continued-past-failure',
  'secret-saved',
  'rotated',
  'rotation-failed',
  'server-changed',
  'environment-changed',
  'disconnected',
  'imported',
] as const;
export const lifecycleEventSchema = z.object({
  id: idSchema,
  at: isoTimeSchema,
  kind: z.enum(lifecycleEventKinds),
  addressId: idSchema,
  /** The address as it was (so the record reads well after a disconnect). */
  address: z.string().max(320),
  platform: platformIdSchema,
  environment: environmentSchema,
  /** One line in the admin's words, e.g. "Tested the new password against smtp.example.com:587 first". */
  detail: z.string().max(1000),
});
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
export const MAX_LIFECYCLE_EVENTS = 1000;

/** The connect wizard's steps, in order. */
export const wizardSteps = ['platform', 'address', 'provider', 'test', 'forwarding', 'dns', 'verify', 'summary'] as const;
export const wizardStepSchema = z.enum(wizardSteps);
export type WizardStep = z.infer<typeof wizardStepSchema>;

/**
 * A wizard in progress, saved so closing the app loses nothing. Holds what the admin
 * typed, valid or not, and NEVER a secret: the schema is strict, so a draft carrying a
 * `secret` (or any other unknown key) is refused. Once the secret is in the keychain the
 * draft points at the in-progress address that owns it.
 */
export const wizardDraftSchema = z.strictObject({
  step: wizardStepSchema,
  platform: platformIdSchema.nullable(),
  environment: environmentSchema.nullable(),
  address: z.string().max(320),
  platformSubdomain: z.string().max(63),
  provider: idSchema.nullable(),
  host: z.string().max(253),
  port: z.number().int().min(1).max(65535).nullable(),
  security: securitySchema.nullable(),
  username: z.string().max(320),
  authKind: authKindSchema.nullable(),
  /** The in-progress address holding the keychain entry; null until the secret is saved. */
  addressId: idSchema.nullable(),
  /** The last connection test of this draft passed. */
  testPassed: z.boolean(),
  proceedReason: z.string().max(500),
  updatedAt: isoTimeSchema,
});
export type WizardDraft = z.infer<typeof wizardDraftSchema>;

export const settingsSchema = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Resolvers for checks, as host or host:port; empty = the system's resolvers. */
  dnsServers: z.array(dnsServerSpecSchema).max(8, { message: 'Give at most 8 DNS servers.' }).default([]),
  /** Name sent in EHLO; null = derived from this machine (never "localhost"). */
  ehloName: ehloNameSchema.nullable().default(null),
  smtpTimeoutSeconds: z
    .number({ error: 'The SMTP timeout is a number of seconds.' })
    .int({ message: 'The SMTP timeout is a whole number of seconds.' })
    .min(5, { message: 'The SMTP timeout must be at least 5 seconds.' })
    .max(300, { message: 'The SMTP timeout can be at most 300 seconds.' })
    .default(30),
  /**
   * Certificates the admin chose to trust for one host (self-signed or private CA):
   * exactly this SHA-256 fingerprint, nothing else.
   */
  pinnedCertificates: z
    .array(
      z.strictObject({
        host: hostSchema,
        sha256: certificateSha256Schema,
        /** Set by Relayproof when the pin is added or changed (whatever a caller sends). */
        pinnedAt: isoTimeSchema,
      }),
    )
    .max(64)
    .default([]),
  rotationReminderDays: reminderDaysSchema.nullable().default(90),
  /**
   * When `dnsServers` last changed; set by Relayproof, never by a caller. A stored secret
   * saved before it is lent only after its host's addresses are compared again.
   */
  dnsServersChangedAt: isoTimeSchema.optional(),
});
export type Settings = z.output<typeof settingsSchema>;

export const keychainStateSchema = z.object({
  backend: z.literal('keytar'),
  status: z.enum(['available', 'module-missing', 'no-service', 'locked', 'error']),
  message: z.string(),
  fix: z.string().optional(),
});
export type KeychainState = z.infer<typeof keychainStateSchema>;

/** A problem the store found and recovered from; shown until dismissed. */
export const storeNoticeSchema = z.object({
  id: idSchema,
  at: isoTimeSchema,
  /** too-large: bigger than the file may be, never read; symlink: a link, never followed. */
  kind: z.enum(['corrupt-json', 'invalid-content', 'future-version', 'unreadable', 'empty', 'too-large', 'symlink']),
  message: z.string(),
  backupPath: z.string().nullable(),
});
export type StoreNotice = z.infer<typeof storeNoticeSchema>;

export const appInfoSchema = z.object({
  name: z.literal('Relayproof'),
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'cli']),
  platform: z.string(),
  dataDirectory: z.string(),
  settingsFile: z.string(),
  keychain: keychainStateSchema,
  notices: z.array(storeNoticeSchema),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

