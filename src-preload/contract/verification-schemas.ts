/**
 * The verification model: per-address status items and their states, the
 * observations that move them, the proof read from a received message, the receipt of
 * the verification email, run history and the exported report. Pure zod, no node
 * imports: the renderer, main's verification service and the CLI share it.
 */
import { z } from 'zod';
import { checkIdSchema, checkInputFieldSchema, findingSchema } from './checks-schemas';
import { safeText } from './fields';
import { routeIdSchema } from './route-ids';

const iso = z.iso.datetime();

// ---------------------------------------------------------------------------
// Status items

/**
 * Items every address has (forwarding only when a forwarding mailbox is configured).
 * `headers-intact`: the headers the platform relies on arrived present and unchanged.
 */
export const fixedItemIds = ['connection-auth', 'send-as', 'email-accepted', 'email-received', 'headers-intact', 'spf', 'dkim-aligned', 'dmarc', 'forwarding'] as const;
export const fixedItemIdSchema = z.enum(fixedItemIds);
export type FixedItemId = z.infer<typeof fixedItemIdSchema>;

/** `dns:<check id>`: one per DNS checklist item (`dns:spf`, `dns:dkim:zendesk1`, `dns:dmarc` ...). */
export type DnsItemId = `dns:${string}`;
export type ItemId = FixedItemId | DnsItemId;

export function isDnsItemId(id: string): id is DnsItemId {
  return id.startsWith('dns:') && checkIdSchema.safeParse(id.slice(4)).success;
}

export const dnsItemIdSchema = z.templateLiteral(['dns:', checkIdSchema]);
export const itemIdSchema = z.union([fixedItemIdSchema, dnsItemIdSchema]);

export const itemStates = ['unverified', 'pending', 'verified', 'failed', 'stale'] as const;
export const itemStateNameSchema = z.enum(itemStates);
export type ItemStateName = z.infer<typeof itemStateNameSchema>;

/** One fact of evidence, shown as a label and a value (DNS text exactly as published). */
export const factSchema = z.object({ label: z.string(), value: z.string() });
export type Fact = z.infer<typeof factSchema>;

export const evidenceSourceSchema = z.enum(['smtp', 'message', 'imap', 'eml', 'dns', 'forwarding']);
export type EvidenceSource = z.infer<typeof evidenceSourceSchema>;

export const evidenceSchema = z.object({
  source: evidenceSourceSchema,
  observedAt: iso,
  /** One sentence in the admin's language. */
  summary: z.string(),
  /**
   * What is compared from run to run to detect drift: the DNS record as published,
   * `d=example.com s=zendesk1`, the sending IP ... null = nothing comparable.
   */
  value: z.string().nullable(),
  facts: z.array(factSchema),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** A verified result that changed: what it was and what it is now. */
export const driftSchema = z.object({
  before: z.string().nullable(),
  after: z.string().nullable(),
  beforeAt: iso,
  afterAt: iso,
  /** What the later run said (the explanation of its outcome). */
  explanation: z.string(),
});
export type Drift = z.infer<typeof driftSchema>;

export const failureReasonSchema = z.enum(['check-failed', 'deadline-expired']);

/**
 * The state of one item. `since` is when it entered that state. DNS items (and an
 * awaited verification email) carry a `deadlineAt` while pending or stale: past it, the
 * item is failed (the platforms' 72-hour window).
 */
export const itemStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('unverified'), since: iso.nullable() }),
  z.object({ state: z.literal('pending'), since: iso, deadlineAt: iso.nullable(), explanation: z.string(), evidence: evidenceSchema.nullable() }),
  z.object({
    state: z.literal('verified'),
    since: iso,
    explanation: z.string(),
    evidence: evidenceSchema,
    /** The verified value changed and still passes: shown, not alarming. */
    drift: driftSchema.nullable(),
  }),
  z.object({ state: z.literal('failed'), since: iso, reason: failureReasonSchema, explanation: z.string(), evidence: evidenceSchema.nullable() }),
  z.object({
    state: z.literal('stale'),
    since: iso,
    /** When it was last verified. */
    verifiedSince: iso,
    deadlineAt: iso.nullable(),
    explanation: z.string(),
    drift: driftSchema,
    evidence: evidenceSchema,
  }),
]);
export type ItemState = z.infer<typeof itemStateSchema>;

export const itemGroupSchema = z.enum(['connection', 'delivery', 'authentication', 'dns', 'forwarding']);
export type ItemGroup = z.infer<typeof itemGroupSchema>;

/** What the admin must enter before a checklist item can be decided (the checklist item's `needsInput`). */
export const needsInputSchema = z.object({ field: checkInputFieldSchema, label: z.string() });
export type NeedsInput = z.infer<typeof needsInputSchema>;

export const statusItemSchema = z.object({
  id: itemIdSchema,
  group: itemGroupSchema,
  title: z.string(),
  status: itemStateSchema,
  /** Last observation of any outcome. */
  checkedAt: iso.nullable(),
  /** Last state change. */
  changedAt: iso.nullable(),
  /**
   * The last check that could not decide (resolver fault, IMAP down); the state was kept.
   * `needsInput`: it could not decide because the admin must enter something (the checklist's
   * needs-input), so the view shows that field with the item.
   */
  lastError: z.object({ at: iso, message: z.string(), needsInput: needsInputSchema.optional() }).nullable(),
});
export type StatusItem = z.infer<typeof statusItemSchema>;

// Plain functions of a status item, in a module without schemas: the Addresses view's
// labels use them, and the first view should not have to build this file's schemas.
export { awaitingInput, isUndecided } from './status-item-state';

/** What is stored per address. The overall status is derived from it, never stored. */
export const addressVerificationStateSchema = z.object({
  schemaVersion: z.literal(1),
  addressId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u),
  /** The address's domain: DKIM `d=` must align with it. */
  domain: z.string(),
  items: z.array(statusItemSchema),
});
export type AddressVerificationState = z.infer<typeof addressVerificationStateSchema>;

// ---------------------------------------------------------------------------
// Observations and actions (the reducer's input)

export const observationOutcomeSchema = z.enum(['pass', 'fail', 'pending', 'error']);
export type ObservationOutcome = z.infer<typeof observationOutcomeSchema>;

/**
 * One check of one item in one run. `pending` = not decided yet (DNS not visible yet,
 * message not arrived); `error` = the check could not run (the state is kept).
 */
export const observationSchema = z.object({
  itemId: itemIdSchema,
  at: iso,
  outcome: observationOutcomeSchema,
  explanation: z.string(),
  evidence: evidenceSchema,
  /** For `pending`: when waiting ends in failure. DNS items default to 72 hours after pending began. */
  deadlineAt: iso.nullable().optional(),
  /** For `error`: it waits for the admin's input (the checklist's needs-input), not for a fault to clear. */
  needsInput: needsInputSchema.optional(),
});
export type Observation = z.infer<typeof observationSchema>;

export const statusActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('observed'), observation: observationSchema }),
  /** Time passed: pending/stale items past their deadline fail. */
  z.object({ type: z.literal('tick'), at: iso }),
  /** Start over (new credentials, the admin restarts a failed 72-hour window): back to unverified. */
  z.object({ type: z.literal('reset'), at: iso, itemIds: z.array(itemIdSchema).nullable(), reason: z.string() }),
]);
export type StatusAction = z.infer<typeof statusActionSchema>;

export const statusCountsSchema = z.object({
  unverified: z.number().int(),
  pending: z.number().int(),
  verified: z.number().int(),
  failed: z.number().int(),
  stale: z.number().int(),
});

/** Derived for display (dashboard, address view, CLI): never stored. */
export const statusViewSchema = z.object({
  addressId: z.string(),
  domain: z.string(),
  now: iso,
  overall: itemStateNameSchema,
  worst: z.object({ id: itemIdSchema, title: z.string(), state: itemStateNameSchema }).nullable(),
  items: z.array(statusItemSchema.extend({ countdownMs: z.number().int().nullable() })),
  counts: statusCountsSchema,
  lastCheckedAt: iso.nullable(),
});
export type StatusView = z.infer<typeof statusViewSchema>;

// ---------------------------------------------------------------------------
// Message proof (`relayproof message verify`)

export const authResultNameSchema = z.enum(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy', 'skipped']);
export type AuthResultName = z.infer<typeof authResultNameSchema>;

export const spfProofSchema = z.object({
  result: authResultNameSchema,
  /** The envelope domain (MAIL FROM, else HELO) the record was read for. */
  domain: z.string().nullable(),
  ip: z.string().nullable(),
  record: z.string().nullable(),
  explanation: z.string(),
});

export const dkimProofSchema = z.object({
  domain: z.string().nullable(),
  selector: z.string().nullable(),
  result: authResultNameSchema,
  /** `d=` aligned (relaxed, RFC 7489 §3.1.1) with the address's domain. */
  aligned: z.boolean(),
  algorithm: z.string().nullable(),
  /** `h=`: the header fields this signature covers. */
  signedHeaders: z.array(z.string()),
  /** false = the body changed after signing; null = not computed (no signature). */
  bodyHashMatches: z.boolean().nullable(),
  keyBits: z.number().int().nullable(),
  comment: z.string().nullable(),
  explanation: z.string(),
});
export type DkimProof = z.infer<typeof dkimProofSchema>;

export const dmarcProofSchema = z.object({
  result: authResultNameSchema,
  /** The From domain. */
  domain: z.string().nullable(),
  policy: z.string().nullable(),
  record: z.string().nullable(),
  /** Domain of the aligned passing SPF / DKIM identifier, or null. */
  spfAligned: z.string().nullable(),
  dkimAligned: z.string().nullable(),
  explanation: z.string(),
});

export const arcProofSchema = z.object({ result: authResultNameSchema, instance: z.number().int().nullable(), explanation: z.string() });

export const headerProofSchema = z.object({
  present: z.boolean(),
  value: z.string().nullable(),
  /** What was sent; null = the value varies per message (only presence counts). */
  expected: z.string().nullable(),
  /** null when there is no expected value, or the header is missing. */
  unchanged: z.boolean().nullable(),
});
export type HeaderProof = z.infer<typeof headerProofSchema>;

export const receivedHopSchema = z.object({
  from: z.string().nullable(),
  ip: z.string().nullable(),
  by: z.string().nullable(),
  with: z.string().nullable(),
  at: iso.nullable(),
});
export type ReceivedHop = z.infer<typeof receivedHopSchema>;

export const messageProofSchema = z.object({
  spf: spfProofSchema,
  dkim: z.array(dkimProofSchema),
  dmarc: dmarcProofSchema,
  arc: arcProofSchema,
  headers: z.record(z.string(), headerProofSchema),
  /** The server that handed the message to the receiving side, from the Received chain. */
  sender: z.object({ ip: z.string().nullable(), helo: z.string().nullable(), hop: z.number().int().nullable() }),
  /** From the Date header to the topmost Received timestamp. */
  delayMs: z.number().int().nullable(),
  from: z.string().nullable(),
  envelopeFrom: z.string().nullable(),
  messageId: z.string().nullable(),
  token: z.object({ expected: z.string().nullable(), found: z.string().nullable(), matches: z.boolean().nullable() }),
  received: z.array(receivedHopSchema),
  /** Signatures that no longer verify (body hash or signed header changed): something on the way changed the message after it was signed. */
  brokenSignatures: z.array(z.object({ domain: z.string().nullable(), selector: z.string().nullable(), reason: z.string() })),
  findings: z.array(findingSchema),
  /** SPF, an aligned DKIM signature and DMARC all pass. */
  pass: z.boolean(),
  sizeBytes: z.number().int().nonnegative(),
});
export type MessageProof = z.infer<typeof messageProofSchema>;

/** Why a file or buffer is not a message that can be verified. */
export const malformedReasonSchema = z.enum(['empty', 'too-large', 'headers-too-large', 'no-headers', 'truncated', 'binary', 'no-from', 'unreadable']);
export type MalformedReason = z.infer<typeof malformedReasonSchema>;

// ---------------------------------------------------------------------------
// Receipt (IMAP polling)

export const imapSecuritySchema = z.enum(['tls', 'starttls']);

/** A mailbox to read the verification email from; the password lives in the keychain. */
export const imapMailboxSchema = z.strictObject({
  host: safeText('The IMAP host', 253).min(1, { message: 'The IMAP host is required.' }),
  port: z.number().int().min(1).max(65535).default(993),
  security: imapSecuritySchema.default('tls'),
  username: safeText('The IMAP username', 320).min(1, { message: 'The IMAP username is required.' }),
  /** Folders to search; default INBOX and the Junk folder. */
  mailboxes: z.array(safeText('The IMAP folder', 200).min(1, { message: 'An IMAP folder name is empty.' })).max(8).optional(),
});
export type ImapMailboxInput = z.input<typeof imapMailboxSchema>;
export type ImapMailbox = z.output<typeof imapMailboxSchema>;

/** `malformed`: an .eml file that is not a message (or cannot be read). */
export const receiptFailureCodeSchema = z.enum(['auth-failed', 'tls-failed', 'connect-failed', 'mailbox-missing', 'not-arrived', 'too-large', 'malformed', 'cancelled', 'protocol-error']);
export type ReceiptFailureCode = z.infer<typeof receiptFailureCodeSchema>;

export const receiptFailureSchema = z.object({
  code: receiptFailureCodeSchema,
  message: z.string(),
  hint: z.string(),
  attempts: z.number().int().nonnegative(),
  elapsedMs: z.number().int().nonnegative(),
});
export type ReceiptFailure = z.infer<typeof receiptFailureSchema>;

export const receiptInfoSchema = z.object({
  source: z.enum(['imap', 'eml']),
  /** Folder it was found in (`Junk` says: delivered, but as spam). */
  mailbox: z.string().nullable(),
  uid: z.number().int().nullable(),
  attempts: z.number().int().nonnegative(),
  elapsedMs: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  foundAt: iso,
});
export type ReceiptInfo = z.infer<typeof receiptInfoSchema>;

export const receiptProgressSchema = z.object({
  attempt: z.number().int().positive(),
  at: iso,
  nextAttemptAt: iso.nullable(),
  deadlineAt: iso,
  searched: z.array(z.string()),
});
export type ReceiptProgress = z.infer<typeof receiptProgressSchema>;

// ---------------------------------------------------------------------------
// History and reports

export const runTriggerSchema = z.enum(['manual', 'scheduled', 'wizard', 'cli']);

export const transitionSchema = z.object({ itemId: itemIdSchema, from: itemStateNameSchema, to: itemStateNameSchema, at: iso });
export type Transition = z.infer<typeof transitionSchema>;

export const driftEntrySchema = driftSchema.extend({ itemId: itemIdSchema, outcome: observationOutcomeSchema });
export type DriftEntry = z.infer<typeof driftEntrySchema>;

/** A checklist item the route does not need: its title and why, in the checklist's words. */
export const notNeededItemSchema = z.object({ itemId: itemIdSchema, title: z.string(), why: z.string() });
export type NotNeededItem = z.infer<typeof notNeededItemSchema>;

/** The newest run's list of items the route does not need (runs newest first), or null when no run had the checklist. */
export function latestNotNeeded(runsNewestFirst: readonly Pick<RunRecord, 'notNeeded'>[]): readonly NotNeededItem[] | null {
  return runsNewestFirst.find((r) => r.notNeeded !== undefined)?.notNeeded ?? null;
}

export const runRecordSchema = z.object({
  id: z.string(),
  addressId: z.string(),
  trigger: runTriggerSchema,
  startedAt: iso,
  finishedAt: iso,
  observations: z.array(observationSchema),
  transitions: z.array(transitionSchema),
  drift: z.array(driftEntrySchema),
  message: messageProofSchema.nullable(),
  receipt: z.union([receiptInfoSchema, receiptFailureSchema]).nullable(),
  /**
   * The DNS checklist items the address's route does not need, as this run's checklist judged
   * them (absent on runs without the checklist): not tracked, but named in the status and report.
   */
  notNeeded: z.array(notNeededItemSchema).optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export const HISTORY_LIMIT = 500;

export const historySchema = z.object({ addressId: z.string(), runs: z.array(runRecordSchema).max(HISTORY_LIMIT) });
export type History = z.infer<typeof historySchema>;

export const reportAddressSchema = z.object({
  id: z.string(),
  address: z.string(),
  platform: z.string(),
  environment: z.string(),
  /** The sending route the address is judged on (its own, else the platform's default); absent when the platform is unknown. */
  route: z.object({ id: routeIdSchema, label: z.string() }).optional(),
  status: statusViewSchema,
  /** The address's verdict in the app's words (state-labels.ts: "Never checked", "Verified, with warnings", ...). */
  verdict: z.string(),
  /** Newest first. */
  runs: z.array(runRecordSchema),
  latestMessage: messageProofSchema.nullable(),
});

export const verificationReportSchema = z.object({
  kind: z.literal('relayproof-verification-report'),
  version: z.literal(1),
  generatedAt: iso,
  appVersion: z.string(),
  addresses: z.array(reportAddressSchema),
});
export type VerificationReport = z.infer<typeof verificationReportSchema>;
