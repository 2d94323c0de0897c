/**
 * Inputs, outputs and progress events of the SMTP engine (connection test, test send,
 * port probe). Pure zod: importable by main, the CLI, the contract and the renderer.
 *
 * This file must not import `src-preload/contract.ts`: the contract imports these
 * schemas for its `smtp:*` channels, and a cycle between the two would leave one of
 * them undefined at module evaluation. So the few field rules it needs are kept here.
 * It imports only other pure schema files (analyze/schemas.ts, failure-codes.ts).
 */
import { z } from 'zod';
import { diagnosisSchema } from '../analyze/schemas';
import { failureCodeSchema } from './failure-codes';

// ---------------------------------------------------------------------------
// Fields. RFC 5321 §2.3.8: a line ends with CRLF, so CR, LF (and NUL, which many
// servers treat as a terminator) inside a host, username, address or EHLO name would
// smuggle a second command into the session. Every C0 control character and DEL is
// refused before any connection is opened.

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/u;

function lineText(label: string, max: number) {
  return z
    .string()
    .max(max, { message: `${label} is longer than ${max} characters.` })
    .refine((s) => !CONTROL_CHARS.test(s), { message: `${label} contains a line break or control character.` });
}

const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`, 'u');
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/u;
const IPV6 = /^\[?[0-9a-f:.]*:[0-9a-f:.]*\]?$/iu;

/** An SMTP server: a DNS name (IDN as Unicode accepted) or an IPv4/IPv6 literal. */
export const smtpHostSchema = lineText('Host', 253)
  .min(1, { message: 'Host is required.' })
  .refine((s) => HOSTNAME.test(s) || IPV4.test(s) || IPV6.test(s), {
    message: 'Host must be a hostname such as smtp.example.com or an IP address.',
  });

/** The name sent in EHLO (RFC 5321 §4.1.1.1): a domain or an address literal `[192.0.2.1]`. */
export const ehloNameSchema = lineText('EHLO name', 253)
  .min(1, { message: 'EHLO name is empty.' })
  .refine((s) => HOSTNAME.test(s) || /^\[(?:IPv6:)?[0-9a-f:.]+\]$/iu.test(s), {
    message: 'EHLO name must be a domain such as host.example.com or an address literal such as [192.0.2.1].',
  })
  .refine((s) => !/^localhost\.?$/iu.test(s), { message: 'EHLO name must not be localhost.' });

/**
 * A mailbox for MAIL FROM / RCPT TO. No spaces, angle brackets or quotes: they would let
 * a value add ESMTP parameters (`a@b> SIZE=1`) after the path (RFC 5321 §4.1.2).
 */
export const smtpAddressSchema = lineText('Address', 320).refine(
  (s) => /^[^\s@<>()[\]\\,;:"]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62})?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62})?)+$/u.test(s),
  { message: 'Enter an email address such as support@example.com.' },
);

export const smtpUsernameSchema = lineText('Username', 320).min(1, { message: 'Username is required.' });

/** A password, app password, API key or OAuth 2.0 access token. Held in memory for one call only. */
export const smtpSecretSchema = z
  .string()
  .min(1, { message: 'The secret is empty.' })
  .max(8192, { message: 'The secret is longer than 8192 characters.' })
  .refine((s) => !/[\u0000\r\n]/u.test(s), { message: 'The secret contains a line break or NUL character.' });

/** SHA-256 certificate fingerprint in hex, colons optional; normalised to 64 upper-case hex digits. */
export const certificatePinSchema = z
  .string()
  .max(128)
  .transform((s) => s.replace(/[:\s]/gu, '').toUpperCase())
  .refine((s) => /^[0-9A-F]{64}$/u.test(s), { message: 'A pin is the certificate’s SHA-256 fingerprint: 64 hex digits, colons optional.' });

/** A resolver for the host lookup, `IP` or `IP:port` (`[v6]:port`). */
export const dnsServerSchema = lineText('DNS server', 80).regex(/^[0-9a-f.:[\]]+$/iu, {
  message: 'A DNS server is an IP address, optionally with :port.',
});

export const smtpPortSchema = z.number().int().min(1).max(65535);

/** starttls = RFC 3207 upgrade (587, 25); tls = implicit TLS (RFC 8314, 465); none = diagnosis only. */
export const smtpSecuritySchema = z.enum(['starttls', 'tls', 'none']);
export type SmtpSecurity = z.infer<typeof smtpSecuritySchema>;

export const smtpAuthKindSchema = z.enum(['password', 'app-password', 'api-key', 'oauth2']);
export type SmtpAuthKind = z.infer<typeof smtpAuthKindSchema>;

/** RFC 4954 SASL mechanisms the engine speaks. `auto` = XOAUTH2 for oauth2, else PLAIN, else LOGIN. */
export const saslMechanismSchema = z.enum(['PLAIN', 'LOGIN', 'XOAUTH2']);
export type SaslMechanism = z.infer<typeof saslMechanismSchema>;

export const timeoutsSchema = z.strictObject({
  /** Whole test, every phase included (default 30 s). */
  deadlineMs: z.number().int().min(200).max(300_000).optional(),
  dnsMs: z.number().int().min(100).max(60_000).optional(),
  connectMs: z.number().int().min(100).max(120_000).optional(),
  /** Wait for the 220 greeting (RFC 5321 §4.5.3.2 allows 5 min; a checker waits less). */
  greetingMs: z.number().int().min(100).max(300_000).optional(),
  /** Wait for the reply to each command, and for the TLS handshake. */
  commandMs: z.number().int().min(100).max(300_000).optional(),
});
export type SmtpTimeouts = z.infer<typeof timeoutsSchema>;

// ---------------------------------------------------------------------------
// Connection test input

export const smtpCredentialsFieldsSchema = z.strictObject({
  kind: smtpAuthKindSchema,
  username: smtpUsernameSchema,
  mechanism: z.enum(['auto', ...saslMechanismSchema.options]).default('auto'),
});

export const smtpCredentialsSchema = smtpCredentialsFieldsSchema.extend({ secret: smtpSecretSchema });
export type SmtpCredentials = z.output<typeof smtpCredentialsSchema>;

/**
 * Everything a connection test needs except the secret. The contract's
 * `smtp:test-connection` input extends this with where the secret comes from (the
 * vault by address id, or a draft's secret held for that call only).
 */
export const connectionTestFieldsSchema = z.strictObject({
  host: smtpHostSchema,
  port: smtpPortSchema,
  security: smtpSecuritySchema,
  /** MAIL FROM for the send-as check and the test message; omitted = send-as not checked. */
  from: smtpAddressSchema.optional(),
  /** RCPT TO; defaults to `from` (RFC 5321 §3.3: recipients are checked at RCPT). */
  to: smtpAddressSchema.optional(),
  /** Send a real test message after the send-as check (`smtp:send-test-message`). */
  send: z.boolean().default(false),
  ehloName: ehloNameSchema.optional(),
  /** Accept exactly this certificate (SHA-256) even when its chain or name does not verify. */
  pinSha256: certificatePinSchema.optional(),
  /** Resolvers for the host lookup; empty = the system's resolvers. */
  dnsServers: z.array(dnsServerSchema).max(8).default([]),
  timeouts: timeoutsSchema.default({}),
});

export const connectionTestInputSchema = connectionTestFieldsSchema
  .extend({
    /** null = do not authenticate (IP-based relays, or security `none` for diagnosis). */
    credentials: smtpCredentialsSchema.nullable().default(null),
  })
  .refine((v) => !(v.security === 'none' && v.credentials !== null), {
    message: 'Credentials are never sent without TLS: choose STARTTLS or implicit TLS, or test without credentials.',
    path: ['security'],
  })
  .refine((v) => !v.send || v.from !== undefined, { message: 'A test message needs a From address.', path: ['from'] });
export type ConnectionTestInput = z.input<typeof connectionTestInputSchema>;
export type ConnectionTestRequest = z.output<typeof connectionTestInputSchema>;

// ---------------------------------------------------------------------------
// Replies, phases, failures

/** One SMTP reply (RFC 5321 §4.2), with its RFC 3463 enhanced code when the text starts with one. */
export const smtpReplySchema = z.object({
  code: z.number().int(),
  enhanced: z.string().nullable(),
  lines: z.array(z.string()),
  /** The reply as one line: `535 5.7.8 Authentication failed`; secrets redacted. */
  text: z.string(),
});
export type SmtpReply = z.infer<typeof smtpReplySchema>;

/**
 * The phases of a test. Order follows the security mode: STARTTLS runs banner, ehlo,
 * tls (the STARTTLS command and handshake), ehlo-tls; implicit TLS runs tls first and
 * has no second EHLO; `none` skips tls and ehlo-tls.
 */
export const phaseNames = ['dns', 'tcp', 'tls', 'banner', 'ehlo', 'ehlo-tls', 'auth', 'send-as', 'test-send', 'quit'] as const;
export const phaseNameSchema = z.enum(phaseNames);
export type PhaseName = z.infer<typeof phaseNameSchema>;

export const phaseOutcomeSchema = z.enum(['pass', 'warn', 'fail', 'skipped']);
export type PhaseOutcome = z.infer<typeof phaseOutcomeSchema>;

export { failureCodes, failureCodeSchema, type FailureCode } from './failure-codes';

export const smtpFailureSchema = z.object({
  code: failureCodeSchema,
  phase: phaseNameSchema,
  /** One sentence in the admin's language; secrets redacted. */
  message: z.string(),
  reply: smtpReplySchema.nullable(),
  /** Node / OpenSSL error code behind it (`ECONNREFUSED`, `CERT_HAS_EXPIRED` ...). */
  errorCode: z.string().nullable(),
});
export type SmtpFailure = z.infer<typeof smtpFailureSchema>;

export const phaseRecordSchema = z.object({
  name: phaseNameSchema,
  outcome: phaseOutcomeSchema,
  startedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  ms: z.number().nullable(),
  detail: z.string(),
  /** The server reply that decided the phase, when there was one. */
  reply: smtpReplySchema.nullable(),
  failure: failureCodeSchema.nullable(),
});
export type PhaseRecord = z.infer<typeof phaseRecordSchema>;

/** Streamed while a test runs (the contract's event schema for `smtp:test-connection`). */
export const phaseEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('phase-started'), name: phaseNameSchema, at: z.iso.datetime() }),
  z.object({ type: z.literal('phase-finished'), phase: phaseRecordSchema }),
]);
export type PhaseEvent = z.infer<typeof phaseEventSchema>;

// ---------------------------------------------------------------------------
// Phase details

export const dnsResultSchema = z.object({
  /** `literal` = an IP address was given; `resolver` = DNS queries; `system` = the OS lookup (hosts file). */
  source: z.enum(['literal', 'resolver', 'system']),
  a: z.array(z.string()),
  aaaa: z.array(z.string()),
  /** The address the TCP connection used (null when none answered). */
  used: z.string().nullable(),
  /** Addresses tried before `used`, with why they failed. */
  attempts: z.array(z.object({ address: z.string(), error: z.string() })),
});
export type DnsResult = z.infer<typeof dnsResultSchema>;

export const bannerSchema = z.object({
  code: z.number().int(),
  text: z.string(),
  /** The first word of the greeting (RFC 5321 §4.3.1 says it is the server's domain). */
  hostname: z.string().nullable(),
});

export const capabilitiesSchema = z.object({
  /** The name this client sent. */
  ehloName: z.string(),
  /** The name the server gave in the first line of its EHLO reply. */
  serverName: z.string().nullable(),
  starttls: z.boolean(),
  /** AUTH mechanisms, upper case, as offered (RFC 4954 §3). */
  auth: z.array(z.string()),
  /** SIZE limit in bytes (RFC 1870); 0 = no fixed limit; null = not offered. */
  size: z.number().nullable(),
  eightBitMime: z.boolean(),
  pipelining: z.boolean(),
  smtpUtf8: z.boolean(),
  enhancedStatusCodes: z.boolean(),
  /** Every keyword line, as sent. */
  raw: z.array(z.string()),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const certificateSchema = z.object({
  subject: z.string(),
  commonName: z.string().nullable(),
  subjectAltNames: z.array(z.string()),
  issuer: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  /** SHA-256 over the DER certificate, `AB:CD:...` (what `--pin` takes). */
  fingerprint256: z.string(),
  serialNumber: z.string(),
  selfSigned: z.boolean(),
});
export type CertificateInfo = z.infer<typeof certificateSchema>;

export const tlsResultSchema = z.object({
  /** `TLSv1.3`, `TLSv1.2` ... */
  protocol: z.string().nullable(),
  cipher: z.string().nullable(),
  /** The server accepted only TLS below 1.2; the handshake was repeated allowing it, to name the version. */
  legacyVersion: z.boolean(),
  certificate: certificateSchema.nullable(),
  /** Issuers above the leaf as the server sent them. */
  chain: z.array(certificateSchema),
  /** The chain ends at a CA this machine trusts. */
  chainTrusted: z.boolean(),
  hostnameMatch: z.boolean(),
  /** OpenSSL's / Node's reason when not trusted (`DEPTH_ZERO_SELF_SIGNED_CERT` ...). */
  verifyError: z.string().nullable(),
  /** `pinned` = not trusted by the chain, accepted because the fingerprint equals the pin. */
  verdict: z.enum(['trusted', 'pinned', 'rejected']),
});
export type TlsResult = z.infer<typeof tlsResultSchema>;

export const authResultSchema = z.object({
  mechanism: saslMechanismSchema.nullable(),
  offered: z.array(z.string()),
  /** true only when the server answered 235 (RFC 4954 §6): AUTH really happened. */
  accepted: z.boolean(),
  reply: smtpReplySchema.nullable(),
  /** XOAUTH2 error detail the server sent (decoded JSON: status, schemes, scope). */
  oauthError: z.string().nullable(),
});
export type AuthResult = z.infer<typeof authResultSchema>;

export const sendAsResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  mailReply: smtpReplySchema.nullable(),
  rcptReply: smtpReplySchema.nullable(),
  accepted: z.boolean(),
  rejectedAt: z.enum(['mail', 'rcpt']).nullable(),
});
export type SendAsResult = z.infer<typeof sendAsResultSchema>;

export const testSendResultSchema = z.object({
  /** Unique token in the Subject and the X-Relayproof-Token header, to find the message on arrival. */
  token: z.string(),
  messageId: z.string(),
  subject: z.string(),
  /** The end-of-data reply, usually `250 2.0.0 Ok: queued as ...`. */
  queueResponse: smtpReplySchema.nullable(),
  accepted: z.boolean(),
});
export type TestSendResult = z.infer<typeof testSendResultSchema>;

export const transcriptLineSchema = z.object({
  at: z.iso.datetime(),
  /** ms since the test started. */
  t: z.number(),
  /** C = client, S = server, * = what the engine did (connect, TLS, cut ...). */
  dir: z.enum(['C', 'S', '*']),
  text: z.string(),
});
export type TranscriptLine = z.infer<typeof transcriptLineSchema>;

export const connectionReportSchema = z.object({
  /** No phase failed. */
  ok: z.boolean(),
  outcome: z.enum(['pass', 'warn', 'fail']),
  target: z.object({
    host: z.string(),
    port: z.number().int(),
    security: smtpSecuritySchema,
    username: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
  }),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  ms: z.number(),
  phases: z.array(phaseRecordSchema),
  dns: dnsResultSchema.nullable(),
  banner: bannerSchema.nullable(),
  /** Capabilities from the last EHLO (after TLS when there was TLS). */
  capabilities: capabilitiesSchema.nullable(),
  tls: tlsResultSchema.nullable(),
  auth: authResultSchema.nullable(),
  sendAs: sendAsResultSchema.nullable(),
  testSend: testSendResultSchema.nullable(),
  failure: smtpFailureSchema.nullable(),
  /** What the failure means and how to fix it (analyze/ catalogue). */
  diagnosis: diagnosisSchema.nullable(),
  transcript: z.array(transcriptLineSchema),
});
export type ConnectionReport = z.infer<typeof connectionReportSchema>;

// ---------------------------------------------------------------------------
// Port and security probe

export const defaultProbePorts = [25, 465, 587, 2525, 2465, 2587] as const;

export const probeInputSchema = z.strictObject({
  host: smtpHostSchema,
  ports: z.array(smtpPortSchema).min(1).max(16).default([...defaultProbePorts]),
  ehloName: ehloNameSchema.optional(),
  dnsServers: z.array(dnsServerSchema).max(8).default([]),
  /** Connections open at once to the host (Microsoft 365 allows 3 authenticated sessions; a probe does not authenticate). */
  concurrency: z.number().int().min(1).max(12).default(6),
  timeouts: z
    .strictObject({
      deadlineMs: z.number().int().min(200).max(300_000).optional(),
      connectMs: z.number().int().min(100).max(60_000).optional(),
      greetingMs: z.number().int().min(100).max(60_000).optional(),
      commandMs: z.number().int().min(100).max(60_000).optional(),
    })
    .default({}),
});
export type ProbeInput = z.input<typeof probeInputSchema>;
export type ProbeRequest = z.output<typeof probeInputSchema>;

export const probeModeSchema = z.enum(['tls', 'starttls']);
export type ProbeMode = z.infer<typeof probeModeSchema>;

/**
 * ok = TLS and AUTH offered; no-auth = TLS but no AUTH; no-tls = plain SMTP without
 * STARTTLS; untrusted-cert = TLS offered with a certificate that is not accepted (AUTH
 * not checked over it); wrong-mode = the port speaks the other security mode; blocked = the TCP
 * connect timed out (a firewall dropping packets: often this network, for port 25);
 * refused = nothing listens; silent = connected but no greeting; error = anything else.
 */
export const probeStatusSchema = z.enum(['ok', 'no-auth', 'no-tls', 'untrusted-cert', 'wrong-mode', 'blocked', 'refused', 'unreachable', 'silent', 'error']);
export type ProbeStatus = z.infer<typeof probeStatusSchema>;

export const probeResultSchema = z.object({
  port: z.number().int(),
  mode: probeModeSchema,
  status: probeStatusSchema,
  ms: z.number(),
  tls: z
    .object({ protocol: z.string().nullable(), trusted: z.boolean(), verifyError: z.string().nullable(), fingerprint256: z.string().nullable() })
    .nullable(),
  auth: z.array(z.string()),
  banner: z.string().nullable(),
  detail: z.string(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

export const probeEventSchema = z.object({ type: z.literal('probe-result'), result: probeResultSchema });
export type ProbeEvent = z.infer<typeof probeEventSchema>;

export const probeReportSchema = z.object({
  host: z.string(),
  addresses: z.array(z.string()),
  /** The address probed (the first that resolved). */
  address: z.string().nullable(),
  results: z.array(probeResultSchema),
  recommendation: z
    .object({ port: z.number().int(), security: probeModeSchema, text: z.string() })
    .nullable(),
  /** Plain-words reading of blocked / refused ports ("port 25 looks blocked on this network ..."). */
  notes: z.array(z.string()),
  ms: z.number(),
  failure: z.object({ code: failureCodeSchema, message: z.string() }).nullable(),
});
export type ProbeReport = z.infer<typeof probeReportSchema>;
