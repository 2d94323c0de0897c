/**
 * Inputs, outputs and progress events of the SMTP engine (connection test, test send,
 * port probe). Pure zod: importable by main, the CLI, the contract and the renderer.
 *
 * This file must not import the contract's index.ts: the index assembles these schemas'
 * channels, and a cycle between the two would leave one of them undefined at module
 * evaluation. The field rules (host, address, port, EHLO name ...) come from fields.ts,
 * which every channel uses too, so a value the app saves is a value the engine accepts.
 * It imports only other pure schema files.
 */
import { z } from 'zod';
import {
  authKindSchema,
  dnsServerSpecSchema,
  ehloNameSchema,
  emailAddressSchema,
  hostSchema,
  portSchema,
  refuseHidden,
  secretInputSchema,
  securitySchema,
  usernameSchema,
} from './fields';
import { diagnosisSchema } from './analyze';
import { failureCodeSchema } from './smtp-failure-codes';
import { platformBlockersSchema } from './platform-readiness';

// ---------------------------------------------------------------------------
// Fields. Every text field refuses CR, LF, NUL and other control characters before a
// connection is opened (RFC 5321 §2.3.8: they would smuggle a second command).

/** The security modes, under the engine's name (the same schema as the contract's). */
export const smtpSecuritySchema = securitySchema;
export type SmtpSecurity = z.infer<typeof smtpSecuritySchema>;
export type SmtpAuthKind = z.infer<typeof authKindSchema>;

/** SHA-256 certificate fingerprint in hex, colons optional; normalised to 64 upper-case hex digits. */
export const certificatePinSchema = z
  .string({ error: 'A pin is the certificate’s SHA-256 fingerprint: 64 hex digits, colons optional.' })
  .max(128, { message: 'A pin is the certificate’s SHA-256 fingerprint: 64 hex digits, colons optional.' })
  // Before the transform: `\s` would silently strip U+FEFF and U+2028 and accept the rest.
  .superRefine(refuseHidden('The pin'))
  .transform((s) => s.replace(/[:\s]/gu, '').toUpperCase())
  .refine((s) => /^[0-9A-F]{64}$/u.test(s), { message: 'A pin is the certificate’s SHA-256 fingerprint: 64 hex digits, colons optional.' });

/** RFC 4954 SASL mechanisms the engine speaks. `auto` = XOAUTH2 for oauth2, else PLAIN, else LOGIN. */
export const saslMechanismSchema = z.enum(['PLAIN', 'LOGIN', 'XOAUTH2']);
export type SaslMechanism = z.infer<typeof saslMechanismSchema>;

/** A wait in milliseconds, with the bounds said in the admin's words. */
function waitMs(what: string, min: number, max: number) {
  const message = `${what} must be a whole number of milliseconds from ${min} to ${max} (${max / 1000} s).`;
  return z.number({ error: message }).int({ message }).min(min, { message }).max(max, { message });
}

function dnsServerList() {
  return z.array(dnsServerSpecSchema, { error: 'DNS servers must be a list of IP addresses.' }).max(8, { message: 'Give at most 8 DNS servers.' });
}

export const timeoutsSchema = z.strictObject(
  {
    /** Whole test, every phase included (default 30 s). */
    deadlineMs: waitMs('The overall deadline', 200, 300_000).optional(),
    dnsMs: waitMs('The DNS timeout', 100, 60_000).optional(),
    connectMs: waitMs('The connect timeout', 100, 120_000).optional(),
    /** Wait for the 220 greeting (RFC 5321 §4.5.3.2 allows 5 min; a checker waits less). */
    greetingMs: waitMs('The greeting timeout', 100, 300_000).optional(),
    /** Wait for the reply to each command, and for the TLS handshake. */
    commandMs: waitMs('The command timeout', 100, 300_000).optional(),
  },
  { error: 'Timeouts are deadlineMs, dnsMs, connectMs, greetingMs and commandMs, each in milliseconds.' },
);
export type SmtpTimeouts = z.infer<typeof timeoutsSchema>;

// ---------------------------------------------------------------------------
// Connection test input

export const smtpCredentialsFieldsSchema = z.strictObject({
  kind: authKindSchema,
  username: usernameSchema,
  mechanism: z.enum(['auto', ...saslMechanismSchema.options], { error: 'The sign-in mechanism must be auto, PLAIN, LOGIN or XOAUTH2.' }).default('auto'),
});

export const smtpCredentialsSchema = smtpCredentialsFieldsSchema.extend({ secret: secretInputSchema });
export type SmtpCredentials = z.output<typeof smtpCredentialsSchema>;

/**
 * Everything a connection test needs except the secret, and except whether to send a
 * message: the contract's `smtp:test-connection` input extends this with where the
 * secret comes from, and has no way to ask for a real message (that is
 * `smtp:send-test-message`, a channel of its own).
 */
export const connectionTestFieldsSchema = z.strictObject({
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  /** MAIL FROM for the send-as check and the test message; omitted = send-as not checked. */
  from: emailAddressSchema.optional(),
  /** RCPT TO; defaults to `from` (RFC 5321 §3.3: recipients are checked at RCPT). */
  to: emailAddressSchema.optional(),
  ehloName: ehloNameSchema.optional(),
  /** Accept exactly this certificate (SHA-256) even when its chain or name does not verify. */
  pinSha256: certificatePinSchema.optional(),
  /** Resolvers for the host lookup; empty = the system's resolvers. */
  dnsServers: dnsServerList().default([]),
  timeouts: timeoutsSchema.default({}),
});

/**
 * The engine's own request (`testConnection`): the fields, the credentials with their
 * secret, and `send`, which only the `smtp:send-test-message` handler (and the CLI's
 * `--send`, through that channel) sets.
 */
export const connectionTestInputSchema = connectionTestFieldsSchema
  .extend({
    /** Send a real test message after the send-as check. */
    send: z.boolean({ error: 'send must be true or false.' }).default(false),
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

export { failureCodes, failureCodeSchema, type FailureCode } from './smtp-failure-codes';

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
  /**
   * The server accepted only TLS below 1.2: the handshake was repeated allowing TLS
   * 1.0/1.1 only to name the version, and the test stopped there (nothing but QUIT is
   * ever sent over it: no credentials, no MAIL/RCPT/DATA).
   */
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
  /**
   * The chain ends at a public root (Node's bundled list), which a SaaS platform trusts too;
   * false when it verified only through a CA added on this machine (NODE_EXTRA_CA_CERTS, a
   * company CA) or did not verify. Absent in reports made before it was recorded.
   */
  publicRoot: z.boolean().optional(),
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
  /** No phase failed. Says nothing about the platform: see `platformReady`. */
  ok: z.boolean(),
  /**
   * The test passed and nothing in it would stop the SaaS platform: the host is public,
   * the certificate is publicly trusted, TLS is 1.2 or newer, and no wizard step was
   * passed with "continue anyway".
   */
  platformReady: z.boolean(),
  /** Why the platform would not work with what was tested, most basic first; empty when ready or unknown. */
  blockers: platformBlockersSchema,
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
  host: hostSchema,
  ports: z
    .array(portSchema, { error: 'Ports must be a list of port numbers, such as 587 and 465.' })
    .min(1, { message: 'Give at least one port to probe.' })
    .max(16, { message: 'Give at most 16 ports to probe.' })
    .default([...defaultProbePorts]),
  ehloName: ehloNameSchema.optional(),
  dnsServers: dnsServerList().default([]),
  /** A certificate the admin trusts for this host (its SHA-256): the probe accepts it as the connection test does. */
  pinSha256: certificatePinSchema.optional(),
  /** Connections open at once to the host (Microsoft 365 allows 3 authenticated sessions; a probe does not authenticate). */
  concurrency: z
    .number({ error: 'Concurrency must be a whole number of connections from 1 to 12.' })
    .int({ message: 'Concurrency must be a whole number of connections from 1 to 12.' })
    .min(1, { message: 'Concurrency must be a whole number of connections from 1 to 12.' })
    .max(12, { message: 'Concurrency must be a whole number of connections from 1 to 12.' })
    .default(6),
  timeouts: z
    .strictObject(
      {
        deadlineMs: waitMs('The overall deadline', 200, 300_000).optional(),
        connectMs: waitMs('The connect timeout', 100, 60_000).optional(),
        greetingMs: waitMs('The greeting timeout', 100, 60_000).optional(),
        commandMs: waitMs('The command timeout', 100, 60_000).optional(),
      },
      { error: 'Probe timeouts are deadlineMs, connectMs, greetingMs and commandMs, each in milliseconds.' },
    )
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
    .object({
      protocol: z.string().nullable(),
      trusted: z.boolean(),
      /** Not trusted by the public roots, accepted because it is pinned (a platform will still refuse it). */
      pinned: z.boolean().default(false),
      verifyError: z.string().nullable(),
      fingerprint256: z.string().nullable(),
    })
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
