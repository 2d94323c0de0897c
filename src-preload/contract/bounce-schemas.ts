/**
 * A bounce read: RFC 3464 delivery status notifications (failures, and RFC 3461 delay and
 * success notices), the text bounces of Exchange, Google, Postfix, Exim and Sendmail, and
 * auto-replies that are not bounces. Pure zod: importable by main, the CLI and the renderer.
 */
import { z } from 'zod';

/**
 * 25 MB, the message limit of every saved message Relayproof reads, as base64. Not imported
 * from verification.ts: that file reaches this one through smtp-schemas.ts and analyze.ts.
 */
export const MAX_BOUNCE_BYTES = 25 * 1024 * 1024;
export const MAX_BOUNCE_BASE64_CHARS = 4 * Math.ceil(MAX_BOUNCE_BYTES / 3);

/** `dsn`: a machine-readable delivery-status part; `ndr`: a bounce recognised from its text only. */
export const bounceKindSchema = z.enum(['dsn', 'ndr', 'auto-reply', 'not-a-bounce']);
export type BounceKind = z.infer<typeof bounceKindSchema>;

/** Who wrote the bounce: the party behind its sender and reporting server. */
export const bouncePartySchema = z.enum(['zendesk', 'microsoft-365', 'google', 'amazon-ses', 'other', 'unknown']);

export const bounceRecipientSchema = z.object({
  address: z.string(),
  /** RFC 3464 §2.3.3: failed, delayed, delivered, relayed, expanded (null when a text bounce does not say). */
  action: z.string().nullable(),
  /** The RFC 3463 enhanced status code (`5.7.509`). */
  status: z.string().nullable(),
  /** The receiving server's own words (`550 5.7.509 Access denied ...`). */
  diagnostic: z.string().nullable(),
  remoteMta: z.string().nullable(),
});
export type BounceRecipient = z.infer<typeof bounceRecipientSchema>;

export const bounceReportSchema = z.object({
  kind: bounceKindSchema,
  reportingMta: z.string().nullable(),
  generatedBy: z.object({
    party: bouncePartySchema,
    /** The bounce's From address. */
    sender: z.string().nullable(),
    /** What that means for the connector, in the admin's words. */
    summary: z.string(),
  }),
  recipients: z.array(bounceRecipientSchema),
  /** What happened and why, from the reply catalogue. */
  explanation: z.string(),
  /** What to do, in order. */
  fix: z.array(z.string()),
});
export type BounceReport = z.infer<typeof bounceReportSchema>;

export const readBounceInputSchema = z.strictObject({
  /** The saved bounce (.eml), base64. */
  raw: z
    .string()
    .max(MAX_BOUNCE_BASE64_CHARS, { message: 'The message is larger than 25 MB; a bounce is rarely more than a few hundred KB.' })
    .pipe(z.base64({ message: 'The message must be sent as base64.' })),
});
