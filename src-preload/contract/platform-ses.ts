/**
 * A platform's environments (which of them share verifications), what the admin connects
 * on it (SMTP credentials, or an Amazon SES identity the platform sends for) and the
 * Amazon SES facts of Zuora's advanced SMTP. Optional keys of a platform
 * (resources/platforms/<id>.json), each fact with its `source` and `checked` date; a
 * platform file without `environments` has production and sandbox.
 */
import { z } from 'zod';
import { DEFAULT_ENVIRONMENT_IDS, environmentSchema, type Environment } from './environments';

const isoDate = z.iso.date();
/** A seed file (`seeds/...`) or a vendor page (`https://...`); the same rule as providers.ts. */
const sourceSchema = z.string().regex(/^(seeds\/[a-z0-9-]+\.txt(#[\w-]+)?|https:\/\/\S+)$/u);
const sourced = { source: sourceSchema, checked: isoDate };

/**
 * One environment (account, tenant) of a platform. Environments with the same
 * `verificationGroup` share what the platform verifies (Zuora: production and API Sandbox
 * share SES identity verifications, so one set of DKIM CNAMEs serves both).
 */
export const platformEnvironmentSchema = z.strictObject({
  id: environmentSchema,
  /** As the platform names it: "API Sandbox", "Developer Sandbox". */
  label: z.string().min(1),
  verificationGroup: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u),
  ...sourced,
});
export type PlatformEnvironment = z.output<typeof platformEnvironmentSchema>;

/** How an admin connects a platform: SMTP credentials of their own server, or an Amazon SES identity the platform sends for. */
export const platformConnectionSchema = z.enum(['smtp-credentials', 'ses-identity']);
export type PlatformConnection = z.infer<typeof platformConnectionSchema>;

/**
 * Facts about a platform that sends from its own Amazon SES account for the admin's
 * verified identities (Zuora advanced SMTP): what to publish, what not, and how long each
 * verification step may take. The identity limits are the platform's `limits`
 * (`domain-identities`, `email-identities`).
 */
export const platformSesSchema = z.strictObject({
  /** The three Easy DKIM CNAMEs: `{token}._domainkey.{domain}` → `{token}.dkim.amazonses.com`. */
  dkimCname: z.strictObject({ name: z.string().min(1), target: z.string().min(1), count: z.number().int().positive(), ...sourced }),
  /** The SES verification TXT record: shown by the platform, not needed. */
  verificationTxt: z.strictObject({ needed: z.boolean(), note: z.string().min(1), ...sourced }),
  /** What DMARC alignment needs (every SES message carries an amazonses.com signature). */
  dmarc: z.strictObject({ note: z.string().min(1), domainIdentityRequired: z.boolean(), ...sourced }),
  /** Pending turns into Success or Failed within this many hours; longer: delete and re-add. */
  pendingMaxHours: z.number().int().positive(),
  /** An email identity's verification link expires after this many hours. */
  emailLinkHours: z.number().int().positive(),
  verificationSource: sourceSchema,
  /** Why the platform refuses an identity no active user's work email matches (its own words). */
  eligibility: z.strictObject({ rule: z.string().min(1), ...sourced }),
});
export type PlatformSes = z.output<typeof platformSesSchema>;


/**
 * Amazon SES's mailbox simulator: recipients whose outcome is fixed (delivered, bounced,
 * complained...), for test sends that must not touch the sender's reputation or its
 * bounce and complaint rates. With advanced SMTP the platform sends, so these are
 * addresses to send a platform test notification to, each with what it proves.
 */
export const sesMailboxSimulatorSchema = z.strictObject({
  note: z.string().min(1),
  addresses: z
    .array(z.strictObject({ address: z.string().regex(/^[a-z0-9]+@simulator\.amazonses\.com$/u), scenario: z.string().min(1), proves: z.string().min(1) }))
    .min(1),
  ...sourced,
});
export type SesMailboxSimulator = z.output<typeof sesMailboxSimulatorSchema>;

/** The keys platformSchema spreads in. */
export const platformSesKeys = {
  /** The platform's environments, in display order; absent = production and sandbox (platformEnvironments). */
  environments: z
    .array(platformEnvironmentSchema)
    .min(1)
    .refine((list) => new Set(list.map((e) => e.id)).size === list.length, { message: 'environment ids must be unique' })
    .optional(),
  /** What the admin connects; absent = SMTP credentials. `ses-identity`: an SES identity, no host and no password (Zuora advanced SMTP). */
  connection: platformConnectionSchema.optional(),
  /** With `connection: ses-identity`: the SES facts (records, windows, eligibility). */
  ses: platformSesSchema.optional(),
  /** Where the platform sends through Amazon SES: the mailbox simulator's addresses for its test sends. */
  mailboxSimulator: sesMailboxSimulatorSchema.optional(),
};

/** What the environment helpers read of a platform. */
export interface PlatformEnvironmentFacts {
  readonly environments?: readonly PlatformEnvironment[] | undefined;
  readonly source: string;
  readonly checked: string;
}

const DEFAULT_ENVIRONMENT_LABELS: Readonly<Record<Environment, string>> = {
  production: 'Production',
  sandbox: 'Sandbox',
  'developer-sandbox': 'Developer Sandbox',
  'central-sandbox': 'Central Sandbox',
};

/**
 * The environments a platform offers: its file's list, else production and sandbox (each
 * verified on its own). An address or identity in any other environment is refused.
 */
export function platformEnvironments(platform: PlatformEnvironmentFacts): readonly PlatformEnvironment[] {
  return platform.environments ?? DEFAULT_ENVIRONMENT_IDS.map((id) => ({ id, label: DEFAULT_ENVIRONMENT_LABELS[id], verificationGroup: id, source: platform.source, checked: platform.checked }));
}

/** The environment as the platform names it ("API Sandbox"); the general name when the platform does not list it. */
export function environmentLabel(platform: PlatformEnvironmentFacts | undefined, id: Environment): string {
  return (platform === undefined ? undefined : platformEnvironments(platform).find((e) => e.id === id)?.label) ?? DEFAULT_ENVIRONMENT_LABELS[id];
}

/** Why an environment is refused for a platform, in the admin's words; null when the platform offers it. */
export function environmentRefusal(platform: PlatformEnvironmentFacts & { readonly shortName: string }, id: Environment): string | null {
  const offered = platformEnvironments(platform);
  if (offered.some((e) => e.id === id)) return null;
  return `${platform.shortName} has no ${DEFAULT_ENVIRONMENT_LABELS[id]} environment: choose ${offered.map((e) => `${e.label} (${e.id})`).join(', ')}.`;
}

/** What the admin connects on the platform (absent in its file: SMTP credentials). */
export function platformConnection(platform: { readonly connection?: PlatformConnection | undefined }): PlatformConnection {
  return platform.connection ?? 'smtp-credentials';
}
