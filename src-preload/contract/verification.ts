/**
 * Channels of the verification status: per-address status with the 72-hour
 * DNS window, "Re-check now", the verification email (sent → waiting → received →
 * proved, streamed), a received message verified from its raw bytes, run history with
 * drift, the exported report, and the mailbox the verification email is read from.
 *
 * Changes found by the background re-checks are pushed to every renderer as an
 * `OperationEvent` with `operationId` VERIFICATION_CHANGES_OPERATION_ID and `channel`
 * 'verification:changes' (its `event` is a VerificationChange): the renderer shows it as
 * a toast. In Electron the same change also raises an OS notification.
 */
import { z } from 'zod';
import { KEYCHAIN_TIMEOUT_MS, SMTP_CHANNEL_TIMEOUT_MS, operationIdSchema, type ChannelSpec } from './channel-spec';
import { addressViewSchema, environmentSchema } from './addresses-schemas';
import { emailAddressSchema, idSchema, isoTimeSchema, secretInputSchema } from './fields';
import { platformIdSchema } from './platform-vocabulary';
import { connectionReportSchema } from './smtp-schemas';
import { fleetEventSchema, fleetLimitsSchema, fleetRunSchema } from './fleet-schemas';
import { secretStateSchema } from './vault';
import {
  imapMailboxSchema,
  itemIdSchema,
  itemStateNameSchema,
  messageProofSchema,
  observationSchema,
  receiptFailureSchema,
  receiptInfoSchema,
  runRecordSchema,
  statusViewSchema,
  transitionSchema,
} from './verification-schemas';

/** The address a status belongs to (no secret, no server details beyond the mailbox). */
export const verificationAddressSchema = z.object({
  id: idSchema,
  address: z.string(),
  platform: platformIdSchema,
  environment: environmentSchema,
  setup: z.enum(['in-progress', 'complete']),
  /** Where the verification email is read; null = only an .eml can prove receipt. */
  mailbox: imapMailboxSchema.nullable(),
  /** Where mail sent to the address should arrive after forwarding; null = forwarding is not checked. */
  forwardingMailbox: imapMailboxSchema.nullable(),
});

/** A DNS item still inside the platforms' 72-hour window. */
export const dnsCountdownSchema = z.object({
  itemId: itemIdSchema,
  title: z.string(),
  state: z.enum(['pending', 'stale']),
  deadlineAt: isoTimeSchema,
  countdownMs: z.number().int().nonnegative(),
});
export type DnsCountdown = z.infer<typeof dnsCountdownSchema>;

export const addressStatusSchema = z.object({
  address: verificationAddressSchema,
  /** Derived at `status.now`: overall, worst item, items with countdowns. */
  status: statusViewSchema,
  /** End of the last run of any kind; null = never checked. */
  lastCheckAt: isoTimeSchema.nullable(),
  /** Next automatic re-check while the app runs; null = settled, or no scheduler (CLI). */
  nextCheckAt: isoTimeSchema.nullable(),
  /** A re-check or verification email of this address is running now. */
  checking: z.boolean(),
  dnsWindow: z.array(dnsCountdownSchema),
});
export type AddressStatus = z.infer<typeof addressStatusSchema>;

/** Progress of "Re-check now". */
export const recheckEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), step: z.enum(['dns', 'connection']), state: z.enum(['started', 'done']) }),
  z.object({ type: z.literal('observation'), observation: observationSchema }),
]);
export type RecheckEvent = z.infer<typeof recheckEventSchema>;

export const recheckResultSchema = z.object({
  run: runRecordSchema,
  status: addressStatusSchema,
  /** Another re-check of this address was already running: this is its result. */
  joined: z.boolean(),
});
export type RecheckResult = z.infer<typeof recheckResultSchema>;

/** Progress of the verification email: sent, waiting (attempt n), received, proved. */
export const sendEmailEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sent'), at: isoTimeSchema, accepted: z.boolean(), messageId: z.string().nullable(), recipient: z.string(), reply: z.string().nullable() }),
  z.object({ type: z.literal('waiting'), attempt: z.number().int().positive(), at: isoTimeSchema, nextAttemptAt: isoTimeSchema.nullable(), deadlineAt: isoTimeSchema, searched: z.array(z.string()) }),
  z.object({ type: z.literal('received'), at: isoTimeSchema, mailbox: z.string().nullable(), elapsedMs: z.number().int().nonnegative(), sizeBytes: z.number().int().nonnegative() }),
  z.object({ type: z.literal('proved'), at: isoTimeSchema, pass: z.boolean(), spf: z.string(), dkim: z.string(), dmarc: z.string() }),
  z.object({ type: z.literal('observation'), observation: observationSchema }),
]);
export type SendEmailEvent = z.infer<typeof sendEmailEventSchema>;

export const sendEmailResultSchema = z.object({
  run: runRecordSchema,
  status: addressStatusSchema,
  /** The connection test that sent it (phases, the server's replies, a diagnosis); null when none ran. */
  connection: connectionReportSchema.nullable(),
  proof: messageProofSchema.nullable(),
  receipt: z.union([receiptInfoSchema, receiptFailureSchema]).nullable(),
  recipient: z.string(),
  /**
   * Sent, but no mailbox is configured to read it from: save the received message and
   * verify it with 'verification:verify-eml'.
   */
  awaitingEml: z.boolean(),
});
export type SendEmailResult = z.infer<typeof sendEmailResultSchema>;

/** 25 MB (the message limit of message-shape.ts) as base64. */
export const MAX_EML_BYTES = 25 * 1024 * 1024;
export const MAX_EML_BASE64_CHARS = 4 * Math.ceil(MAX_EML_BYTES / 3);

export const verifyEmlResultSchema = z.object({
  proof: messageProofSchema,
  /** With an address: the run recorded on its status and the status after it. */
  run: runRecordSchema.nullable(),
  status: addressStatusSchema.nullable(),
});
export type VerifyEmlResult = z.infer<typeof verifyEmlResultSchema>;

export const reportFormatSchema = z.enum(['html', 'json']);

/** Pushed (not requested) when a background re-check changed an item's state. */
export const VERIFICATION_CHANGES_OPERATION_ID = 'verification-changes';
export const VERIFICATION_CHANGES_CHANNEL = 'verification:changes';
export const verificationChangeSchema = z.object({
  addressId: idSchema,
  address: z.string(),
  at: isoTimeSchema,
  trigger: z.enum(['scheduled', 'manual']),
  overall: itemStateNameSchema,
  transitions: z.array(transitionSchema.extend({ title: z.string() })),
  /** One line for a toast or OS notification, e.g. "support@acme.test: DNS: DMARC record is now verified". */
  summary: z.string(),
});
export type VerificationChange = z.infer<typeof verificationChangeSchema>;

/** Waiting for the verification email: the channel deadline leaves room for the send and the proof. */
export const MAX_WAIT_SECONDS = 1800;

export const verificationChannels = {
  /** Status of one address (or all): derived view, last and next check, the 72-hour countdowns. */
  'verification:status': { input: z.strictObject({ addressId: idSchema.optional() }), output: z.array(addressStatusSchema), timeoutMs: 10_000 },
  /**
   * "Re-check now": the DNS checklist of the address's domain, platform and selectors and
   * a connection test with the stored secret. Never two at once for one address (a second
   * call joins the running one).
   */
  'verification:recheck': {
    input: z.strictObject({ operationId: operationIdSchema, addressId: idSchema }),
    output: recheckResultSchema,
    event: recheckEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS + 60_000,
  },
  /**
   * "Re-check all" (or the selected addresses, or one platform's): each address re-checked
   * as by 'verification:recheck', DNS read once per name for the run, at most `perHost`
   * connections to one server (address:port after resolution) and `concurrency` in all. A
   * server that throttles slows only its own queue; an address checked within its manual
   * gap is reported as it stands. Streamed per address; cancellable.
   */
  'verification:recheck-all': {
    input: z.strictObject({
      operationId: operationIdSchema,
      addressIds: z.array(idSchema).min(1).max(1000).optional(),
      platform: platformIdSchema.optional(),
      ...fleetLimitsSchema.shape,
    }),
    output: fleetRunSchema,
    event: fleetEventSchema,
    // 200 addresses, 2 at a time per server, each up to a full connection test with pauses.
    timeoutMs: 2 * 60 * 60 * 1000,
  },
  /**
   * Sends the verification email with the stored credentials and the headers that must
   * persist, then (with a mailbox) waits for it over IMAP and proves SPF/DKIM/DMARC/ARC.
   * Recipient: the given one, else the mailbox's username when it is an address, else the
   * address itself. The wizard's verification step sends it too (`from: 'wizard'`), so its
   * outcome is recorded on the address like the Status view's.
   */
  'verification:send-email': {
    input: z.strictObject({
      operationId: operationIdSchema,
      addressId: idSchema,
      recipient: emailAddressSchema.optional(),
      waitSeconds: z.number().int().min(5).max(MAX_WAIT_SECONDS).default(600),
      from: z.enum(['status', 'wizard']).default('status'),
    }),
    output: sendEmailResultSchema,
    event: sendEmailEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS + (MAX_WAIT_SECONDS + 120) * 1000 + KEYCHAIN_TIMEOUT_MS,
  },
  /** A received message (raw .eml bytes as base64) proved; with an address, recorded on its status. */
  'verification:verify-eml': {
    input: z.strictObject({
      addressId: idSchema.optional(),
      raw: z
        .string()
        .max(MAX_EML_BASE64_CHARS, { message: 'The message is larger than 25 MB; the verification email is a few KB.' })
        .pipe(z.base64({ message: 'The message must be sent as base64.' })),
    }),
    output: verifyEmlResultSchema,
    timeoutMs: 60_000,
    // The base64 message plus the JSON around it: a 25 MB .eml must reach the handler
    // (and its clear "too large" answer) in browser mode too.
    maxBodyBytes: MAX_EML_BASE64_CHARS + 64 * 1024,
  },
  /**
   * Restart the 72-hour window after fixing a record: the given DNS items (default: every
   * DNS item that failed or is still pending/stale) go back to unverified; the next
   * re-check starts a new window. Nothing is sent to any server.
   */
  'verification:reset': {
    input: z.strictObject({ addressId: idSchema, itemIds: z.array(itemIdSchema).min(1).max(64).optional() }),
    output: addressStatusSchema,
    timeoutMs: 10_000,
  },
  /** Runs of an address, newest first, with drift (before/after). */
  'verification:history': {
    input: z.strictObject({ addressId: idSchema, limit: z.number().int().min(1).max(500).default(50) }),
    output: z.object({ runs: z.array(runRecordSchema), total: z.number().int().nonnegative() }),
    timeoutMs: 10_000,
  },
  /** A self-contained report (one address or all) without any secret, to save as a file. */
  'verification:report': {
    input: z.strictObject({ addressId: idSchema.optional(), format: reportFormatSchema }),
    output: z.object({ filename: z.string(), mediaType: z.string(), content: z.string() }),
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
  },
  /**
   * Where the verification email is read: the mailbox goes on the address, its password
   * into the keychain. null removes both. A changed server or username without a new
   * password removes the old password (it never follows the mailbox elsewhere).
   */
  'verification:set-mailbox': {
    input: z.strictObject({ addressId: idSchema, mailbox: imapMailboxSchema.nullable(), secret: secretInputSchema.optional() }),
    output: z.object({ address: addressViewSchema, mailboxSecret: secretStateSchema.pick({ stored: true }) }),
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  /**
   * The forwarding check mailbox: where mail sent TO the address should end up after
   * forwarding (a test setup, or a platform target mailbox the admin can read). With it,
   * "Send verification email" also sends a message to the address and looks for it there
   * (the "forwarding" item). Same rules as 'verification:set-mailbox'; null removes both.
   */
  'verification:set-forwarding-mailbox': {
    input: z.strictObject({ addressId: idSchema, mailbox: imapMailboxSchema.nullable(), secret: secretInputSchema.optional() }),
    output: z.object({ address: addressViewSchema, mailboxSecret: secretStateSchema.pick({ stored: true }) }),
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
} as const satisfies Record<string, ChannelSpec>;
