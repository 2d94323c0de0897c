/**
 * The diagnosis catalogue (resources/replies/*.json) and `analyze:explain`. Pure zod:
 * importable by main, the CLI, the contract and the renderer.
 */
import { z } from 'zod';
import { unknownSurfaceTokens } from './surface-text';
import type { ChannelSpec } from './channel-spec';
import { failureCodeSchema } from './smtp-failure-codes';
import { platformIdSchema } from './platform-vocabulary';
import { domainNameSchema } from './checks-schemas';
import { bounceReportSchema, MAX_BOUNCE_BASE64_CHARS, readBounceInputSchema } from './bounce-schemas';
import { formatCount } from './connector-form';

const isoDate = z.iso.date();

/** Where a fact comes from: a seed document, an RFC, or a vendor page. */
const sourceSchema = z.string().regex(/^(seeds\/[a-z0-9-]+\.txt|RFC \d{3,5}( §[\d.]+)?|https:\/\/\S+)$/u);

/**
 * The Microsoft 365 readiness items a reply disproves. The Microsoft 365 guide reads
 * this one catalogue, so a pasted 535 5.7.139 turns the right checklist item red.
 */
export const m365Items = [
  'tenant-smtp-auth',
  'mailbox-smtp-auth',
  'security-defaults',
  'conditional-access',
  'mfa-basic-auth',
  'credentials',
  'account-lockout',
  'basic-auth-retirement',
  'send-as-rights',
  'tls-1-2',
  'concurrency',
  'tenant-standing',
  'authenticated-submission',
] as const;
export const m365ItemSchema = z.enum(m365Items);
export type M365Item = z.infer<typeof m365ItemSchema>;

/** A platform of resources/platforms (a test keeps the catalogue's ids among them). */
export const saasPlatformSchema = platformIdSchema;

export const providerSchema = z.enum(['generic', 'node', 'microsoft-365', 'gmail', 'outlook-com', 'postfix', 'zuora']);

/** A regular expression source, matched case-insensitively; must compile. */
const patternSchema = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

export const replyMatchSchema = z
  .strictObject({
    /** Regular expressions over the pasted text (case-insensitive, Unicode). */
    text: z.array(patternSchema).default([]),
    /** Node / OpenSSL error codes, matched as whole words (`ECONNREFUSED`). */
    errorCodes: z.array(z.string().regex(/^[A-Z][A-Z0-9_]+$/u)).default([]),
    /** When the text has a reply code, it must be one of these (empty = any). */
    replyCodes: z.array(z.number().int().min(200).max(599)).default([]),
    /** When the text has an enhanced code, it must match one of these (`5.7.139`, `x.7.139`). */
    enhanced: z.array(z.string().regex(/^[245x]\.\d{1,3}\.(\d{1,3}|x)$/u)).default([]),
    /** Engine failures this entry explains when the server's words match nothing more specific. */
    engineCodes: z.array(failureCodeSchema).default([]),
    /** The same words mean something else after these engine failures (Gmail's password reply to a bad OAuth token). */
    notAfter: z.array(failureCodeSchema).default([]),
  })
  .refine((m) => m.text.length + m.errorCodes.length > 0, { message: 'an entry needs a text or errorCodes matcher' });

export const replyEntrySchema = z.strictObject({
  /** Stable identifier (`m365-smtp-auth-disabled-mailbox`). */
  code: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/u),
  title: z.string().min(1),
  /** What happened, in plain words. */
  happened: z.string().min(1),
  /** The likely cause. */
  cause: z.string().min(1),
  /** Numbered fix steps, in order. */
  steps: z.array(z.string().min(1).refine((step) => unknownSurfaceTokens(step).length === 0, { message: 'uses a {{token}} no surface knows (surface-text.ts: run-probe, probe, pin, dns-server)' })).min(1),
  /** What the connector platform shows for the same problem ("this is what Zuora will show"). */
  saasShows: z.array(z.strictObject({ platform: saasPlatformSchema, text: z.string().min(1) })).default([]),
  provider: providerSchema.default('generic'),
  m365Item: m365ItemSchema.optional(),
  match: replyMatchSchema,
  /**
   * The server refused the client by its network address (an IP allowlist or ACL): for a
   * platform that publishes its outbound IPs, the diagnosis names that allowlist.
   */
  networkRefusal: z.boolean().optional(),
  /** Texts that must explain to this entry (each is tested). */
  examples: z.array(z.string().min(1)).min(1),
  references: z.array(z.string()).default([]),
  source: sourceSchema,
  checked: isoDate,
});
export type ReplyEntry = z.output<typeof replyEntrySchema>;

export const replyFileSchema = z.strictObject({
  $comment: z.string().optional(),
  entries: z.array(replyEntrySchema).min(1),
});

/** RFC 3463 §3.1–§3.2 (and the RFC 5248 registry): classes, subjects, well-known details. */
export const rfc3463FileSchema = z.strictObject({
  $comment: z.string().optional(),
  source: sourceSchema,
  checked: isoDate,
  classes: z
    .array(z.strictObject({ class: z.enum(['2', '4', '5']), title: z.string(), meaning: z.string(), steps: z.array(z.string()).min(1) }))
    .length(3),
  subjects: z
    .array(z.strictObject({ subject: z.number().int().min(0).max(7), title: z.string(), meaning: z.string(), steps: z.array(z.string()).min(1) }))
    .length(8),
  details: z.array(z.strictObject({ code: z.string().regex(/^x\.\d{1,3}\.\d{1,3}$/u), title: z.string(), meaning: z.string() })),
});
export type Rfc3463File = z.output<typeof rfc3463FileSchema>;

// ---------------------------------------------------------------------------
// explain() output

export const rfc3463ReadingSchema = z.object({
  /** The code read (`5.7.1`), or just the class (`5`) when only a basic reply code was there. */
  code: z.string(),
  class: z.object({ class: z.string(), title: z.string(), meaning: z.string() }),
  subject: z.object({ subject: z.number(), title: z.string(), meaning: z.string() }).nullable(),
  detail: z.object({ code: z.string(), title: z.string(), meaning: z.string() }).nullable(),
});
export type Rfc3463Reading = z.infer<typeof rfc3463ReadingSchema>;

export const diagnosisSchema = z.object({
  code: z.string(),
  /** catalogue = a known reply; rfc3463 = read from the codes alone; unrecognised = nothing to go on. */
  kind: z.enum(['catalogue', 'rfc3463', 'unrecognised']),
  title: z.string(),
  happened: z.string(),
  cause: z.string(),
  steps: z.array(z.string()),
  saasShows: z.array(z.object({ platform: z.string(), text: z.string() })),
  provider: z.string(),
  m365Item: m365ItemSchema.nullable(),
  references: z.array(z.string()),
  /** The part of the text that matched. */
  matched: z.string().nullable(),
  source: z.string(),
  checked: z.string(),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;

export const explainInputSchema = z.strictObject({
  /** A reply line, a bounce snippet, a Node error or a SaaS error message. */
  text: z.string().trim().min(1, { message: 'Paste the error text to explain.' }).max(20_000, { message: 'The text is longer than 20000 characters.' }),
});
export type ExplainInput = z.input<typeof explainInputSchema>;

export const explainResultSchema = z.object({
  replyCode: z.number().int().nullable(),
  enhanced: z.string().nullable(),
  reading: rfc3463ReadingSchema.nullable(),
  /** Best first; never empty (the RFC 3463 reading, or an "unrecognised" entry, when nothing matched). */
  diagnoses: z.array(diagnosisSchema).min(1),
});
export type ExplainResult = z.infer<typeof explainResultSchema>;

/** At most this much of a pasted header block or an opened .eml is read: headers come first and are far smaller. */
export const MAX_DKIM_HEADER_CHARS = 262_144;
/** At most this many signatures are listed; more are counted. */
export const MAX_DKIM_SIGNATURES_LISTED = 50;

export const dkimSignaturesInputSchema = z.strictObject({
  /** The headers of a message the relay sent (or the start of its .eml): only the header block is read. */
  headers: z
    .string()
    .min(1, { message: 'Paste the headers of a message your relay sent, or open its .eml file.' })
    // formatCount, not toLocaleString: this message is built when the module loads, and
    // the first toLocaleString of a process loads ICU's number formatting (about 15 ms of
    // every command that imports the SMTP schemas).
    .max(MAX_DKIM_HEADER_CHARS, { message: `Paste only the headers (at most ${formatCount(MAX_DKIM_HEADER_CHARS)} characters).` }),
  /** The address's domain: a signature counts for it when its d= is this domain or a parent of it. */
  domain: domainNameSchema,
});
export type DkimSignaturesInput = z.input<typeof dkimSignaturesInputSchema>;

export const dkimSignatureReadingSchema = z.object({
  selector: z.string(),
  domain: z.string(),
  /** `same`: d= is the address's domain; `parent`: a parent domain of it; `other`: another domain, which does not sign for the address. */
  relation: z.enum(['same', 'parent', 'other']),
});
export type DkimSignatureReading = z.infer<typeof dkimSignatureReadingSchema>;

export const dkimSignaturesReportSchema = z.object({
  domain: z.string(),
  signatures: z.array(dkimSignatureReadingSchema).max(MAX_DKIM_SIGNATURES_LISTED),
  /** Signatures not listed: beyond the first ones, or with an s= or d= that is not a selector or domain name. */
  omitted: z.number().int().nonnegative(),
  /** Selectors of the signatures for the address's domain, in the message's order: what to save as the relay's. */
  selectors: z.array(z.string()).max(16),
  /** What was found and what to do next, in the admin's words. */
  message: z.string(),
});
export type DkimSignaturesReport = z.infer<typeof dkimSignaturesReportSchema>;

export const analyzeChannels = {
  /** Any pasted error (reply line, bounce, Zuora message) → diagnoses with fix steps. */
  'analyze:explain': { input: explainInputSchema, output: explainResultSchema },
  /** The DKIM-Signature s=/d= of a received message's headers: which selector signs for the domain. */
  'analyze:read-dkim-signatures': { input: dkimSignaturesInputSchema, output: dkimSignaturesReportSchema },
  /** A saved bounce (DSN, NDR, auto-reply): per recipient, who wrote it, and what to do. */
  'analyze:read-bounce': { input: readBounceInputSchema, output: bounceReportSchema, timeoutMs: 30_000, maxBodyBytes: MAX_BOUNCE_BASE64_CHARS + 64 * 1024 },
} as const satisfies Record<string, ChannelSpec>;
