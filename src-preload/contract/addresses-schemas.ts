/**
 * What an address is: the fields the admin gives it, what Relayproof keeps about it
 * (setup state, last test, where its secrets may be lent), its lifecycle events and the
 * connect wizard's saved draft. Never a secret.
 */
import { z } from 'zod';
import {
  authKindSchema,
  certificateSha256Schema,
  emailAddressSchema,
  hostSchema,
  idSchema,
  isoTimeSchema,
  portSchema,
  refuseHidden,
  securitySchema,
  usernameSchema,
} from './fields';
import { platformIdSchema } from './platform-vocabulary';
import { routeIdSchema } from './route-ids';
import { platformBlockersSchema } from './platform-readiness';
import { secretStateSchema } from './vault';
import { imapMailboxSchema } from './verification-schemas';
import { environmentSchema } from './environments';

export { environmentIds, environmentSchema, type Environment } from './environments';

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
    message: 'Your platform subdomain is lowercase letters, digits and hyphens, such as yourcompany in yourcompany.zendesk.com.',
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

/**
 * How the wizard words a reason given at its verification-email step (7); any other
 * reason excused its connection test (step 4). Which step a reason excused decides which
 * later pass proves it (a passing connection test, or a verification email that arrived).
 */
export const VERIFY_PROCEED_PREFIX = 'Verification email not accepted: ';
export type ProceedStep = 'test' | 'verify';
export function proceedStepOf(reason: string): ProceedStep {
  return reason.startsWith(VERIFY_PROCEED_PREFIX) ? 'verify' : 'test';
}

export const lastTestSchema = z.object({
  at: isoTimeSchema,
  ok: z.boolean(),
  /** One line, e.g. "Signed in and accepted the sender" or the failure's title. */
  summary: z.string().max(500),
  /** The test's platform readiness; null in files written before it was recorded (not known). */
  platformReady: z.boolean().nullable().default(null),
  /** What would stop the platform (the connection report's blockers); empty for older files. */
  blockers: platformBlockersSchema.default([]),
});
export type LastTest = z.infer<typeof lastTestSchema>;

/**
 * The connection a stored secret may be lent to (never the secret): what the server and
 * account were, which certificate pin Settings had for the host (null = only publicly
 * trusted certificates), which DNS servers Settings named and which addresses the host had
 * when the secret was saved or last signed in. A change of the pin holds the secret back
 * until it is typed again (or rotated); a change of the DNS servers makes the next lending
 * compare the host's addresses (lending.ts, src-main/vault/lending-binding.ts).
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
  /** The DKIM selector(s) the admin's own mail service (the relay) signs with. */
  selectors: z.array(dkimSelectorSchema).max(16).default([]),
  /** How the mail leaves (resources/platforms `routes`); null = the platform's default route. */
  route: routeIdSchema.nullable().default(null),
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

export const addressViewSchema = z.object({ ...addressSchema.shape, secret: secretStateSchema });
export type AddressView = z.infer<typeof addressViewSchema>;

/** One step in an address's life, kept after the address is gone; never a secret. */
export const lifecycleEventKinds = [
  'connected',
  'continued-past-failure',
  'continue-anyway-proven',
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
  /** The sending route chosen at the platform step; null = the platform's default (and drafts saved before routes existed). */
  route: routeIdSchema.nullable().default(null),
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
  /** The platform's prerequisites the admin ticked before starting (their ids in resources/platforms). */
  prerequisites: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u)).max(16).default([]),
  updatedAt: isoTimeSchema,
});
export type WizardDraft = z.infer<typeof wizardDraftSchema>;
