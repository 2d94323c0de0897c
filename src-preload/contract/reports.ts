/**
 * DMARC aggregate (RUA) and TLS-RPT reports: what `relayproof dmarc-report` prints, what
 * the reports view shows and what the checklist's DMARC rollout advice reads. Pure zod:
 * importable by main, the CLI and the renderer.
 */
import { z } from 'zod';
import type { ChannelSpec } from './channel-spec';
import { idSchema, safeText } from './fields';

/** RFC 7489 / RFC 9989 results as the reports write them; anything else is kept as written. */
const resultText = z.string().max(64);

export const dmarcPolicySchema = z.object({
  p: z.string().nullable(),
  sp: z.string().nullable(),
  /** DMARCbis: policy for non-existent subdomains. */
  np: z.string().nullable(),
  adkim: z.string().nullable(),
  aspf: z.string().nullable(),
  /** RFC 7489 only (RFC 9989 removed it). */
  pct: z.number().nullable(),
  fo: z.string().nullable(),
  /** DMARCbis `testing` (t=y): receivers applied one step less. */
  testing: z.string().nullable(),
  /** DMARCbis: how the receiver found the policy (`psl` or `treewalk`). */
  discoveryMethod: z.string().nullable(),
});
export type DmarcPublishedPolicy = z.infer<typeof dmarcPolicySchema>;

export const dmarcRecordRowSchema = z.object({
  sourceIp: z.string(),
  count: z.number().int().nonnegative(),
  disposition: z.string().nullable(),
  /** The receiver's evaluated (aligned) DKIM and SPF results. */
  dkim: resultText.nullable(),
  spf: resultText.nullable(),
  /** A row passes DMARC when its evaluated DKIM or SPF passes. */
  dmarc: z.enum(['pass', 'fail']),
  reasons: z.array(z.object({ type: z.string(), comment: z.string().nullable() })),
  headerFrom: z.string().nullable(),
  envelopeFrom: z.string().nullable(),
  envelopeTo: z.string().nullable(),
  auth: z.object({
    dkim: z.array(z.object({ domain: z.string().nullable(), selector: z.string().nullable(), result: z.string().nullable() })),
    spf: z.array(z.object({ domain: z.string().nullable(), scope: z.string().nullable(), result: z.string().nullable() })),
  }),
});
export type DmarcRecordRow = z.infer<typeof dmarcRecordRowSchema>;

export const reportTotalsSchema = z.object({
  messages: z.number().int().nonnegative(),
  dmarcPass: z.number().int().nonnegative(),
  dmarcFail: z.number().int().nonnegative(),
});
export type ReportTotals = z.infer<typeof reportTotalsSchema>;

export const reportPeriodSchema = z.object({ begin: z.string(), end: z.string() });

export const dmarcAggregateReportSchema = z.object({
  /** `rfc7489` (no namespace) or `dmarcbis` (urn:ietf:params:xml:ns:dmarc-2.0). */
  format: z.enum(['rfc7489', 'dmarcbis']),
  /** The file (and the entry inside an archive or message) it came from. */
  source: z.string(),
  org: z.string().nullable(),
  email: z.string().nullable(),
  reportId: z.string().nullable(),
  period: reportPeriodSchema.nullable(),
  domain: z.string().nullable(),
  policy: dmarcPolicySchema,
  records: z.array(dmarcRecordRowSchema),
  totals: reportTotalsSchema,
});
export type DmarcAggregateReport = z.infer<typeof dmarcAggregateReportSchema>;

export const tlsFailureSchema = z.object({
  resultType: z.string(),
  sendingMtaIp: z.string().nullable(),
  receivingMx: z.string().nullable(),
  receivingIp: z.string().nullable(),
  count: z.number().int().nonnegative(),
  reasonCode: z.string().nullable(),
});

export const tlsReportSchema = z.object({
  source: z.string(),
  org: z.string().nullable(),
  reportId: z.string().nullable(),
  period: reportPeriodSchema.nullable(),
  policies: z.array(
    z.object({
      type: z.string(),
      domain: z.string().nullable(),
      mxHosts: z.array(z.string()),
      successful: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      failures: z.array(tlsFailureSchema),
    }),
  ),
});
export type TlsReport = z.infer<typeof tlsReportSchema>;

export const reportSourceSchema = z.object({
  ip: z.string(),
  count: z.number().int().nonnegative(),
  dmarcPass: z.number().int().nonnegative(),
  dmarcFail: z.number().int().nonnegative(),
  reverseName: z.string().optional(),
  /** One of the address's relay IPs (the sending IP of its proved mail, its SMTP host's addresses). */
  isRelay: z.boolean(),
  /** One of the platform's published sending IPs (where the platform data lists them). */
  isPlatform: z.boolean(),
});
export type ReportSource = z.infer<typeof reportSourceSchema>;

/** `refused`: hostile or over a limit (a DTD, an entity, a zip bomb); `unreadable`: missing, damaged; `not-a-report`: no report in it. */
export const reportFileProblemSchema = z.enum(['refused', 'unreadable', 'not-a-report']);
export type ReportFileProblem = z.infer<typeof reportFileProblemSchema>;

export const reportFileOutcomeSchema = z.object({
  file: z.string(),
  ok: z.boolean(),
  dmarcReports: z.number().int().nonnegative(),
  tlsReports: z.number().int().nonnegative(),
  problem: reportFileProblemSchema.nullable(),
  message: z.string().nullable(),
});
export type ReportFileOutcome = z.infer<typeof reportFileOutcomeSchema>;

export const reportsSummarySchema = z.object({
  files: z.array(reportFileOutcomeSchema),
  reports: z.array(dmarcAggregateReportSchema),
  tlsReports: z.array(tlsReportSchema),
  totals: reportTotalsSchema,
  tlsTotals: z.object({ successful: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
  /** Earliest begin to latest end over the DMARC aggregate reports, with its length in whole days. */
  period: z.object({ begin: z.string(), end: z.string(), days: z.number().int().nonnegative() }).nullable(),
  /** Sources summed across reports, the most messages first. */
  sources: z.array(reportSourceSchema),
});
export type ReportsSummary = z.infer<typeof reportsSummarySchema>;

/** What the checklist's DMARC rollout advice reads: the aggregate numbers of an address's reports. */
export const dmarcReportNumbersSchema = z.strictObject({
  messages: z.number().int().nonnegative(),
  dmarcPass: z.number().int().nonnegative(),
  days: z.number().int().nonnegative(),
});
export type DmarcReportNumbers = z.infer<typeof dmarcReportNumbersSchema>;

export const readMailboxReportsInputSchema = z.strictObject({
  addressId: idSchema,
  /** The folder the reports arrive in (a dedicated RUA folder); absent = INBOX. */
  folder: safeText('The folder', 200).optional(),
  /** Look up each source's reverse name (a DNS question per source, through Settings' DNS servers). */
  reverseNames: z.boolean().default(false),
});

export const mailboxReportsSchema = z.object({
  addressId: z.string(),
  /** When the mailbox was read. */
  readAt: z.string(),
  mailbox: z.object({ host: z.string(), username: z.string(), folder: z.string() }),
  /** Messages looked at (those that carried a report, and those that did not). */
  messagesSeen: z.number().int().nonnegative(),
  summary: reportsSummarySchema,
});
export type MailboxReports = z.infer<typeof mailboxReportsSchema>;

export const reportsChannels = {
  /** Reads the DMARC aggregate and TLS-RPT reports in the address's saved IMAP mailbox, on demand. */
  'reports:read-mailbox': { input: readMailboxReportsInputSchema, output: mailboxReportsSchema, timeoutMs: 120_000 },
  /** The reports last read for the address (null when none were read in this session). */
  'reports:get': { input: z.strictObject({ addressId: idSchema }), output: mailboxReportsSchema.nullable() },
} as const satisfies Record<string, ChannelSpec>;
