/**
 * The DNS evidence model: every answer Relayproof got, with the server that gave it,
 * its TTL and when. Pure zod (no node imports) so the renderer can import it; the
 * resolver produces exactly these shapes, and check items carry them as evidence.
 */
import { z } from 'zod';
import { dnsServerSpecSchema, safeText } from './fields';

export const dnsRecordTypes = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'PTR', 'SOA', 'SRV'] as const;
export const dnsRecordTypeSchema = z.enum(dnsRecordTypes);
export type DnsRecordType = z.infer<typeof dnsRecordTypeSchema>;

const recordBase = {
  /** Owner name, lower case, without the trailing dot. */
  name: z.string(),
  ttl: z.number().int().nonnegative(),
  /** Presentation form of the data (TXT: the strings joined as receivers join them). */
  value: z.string(),
};

export const dnsRecordSchema = z.discriminatedUnion('type', [
  z.object({ ...recordBase, type: z.literal('A'), address: z.string() }),
  z.object({ ...recordBase, type: z.literal('AAAA'), address: z.string() }),
  z.object({ ...recordBase, type: z.literal('CNAME'), target: z.string() }),
  z.object({ ...recordBase, type: z.literal('NS'), target: z.string() }),
  z.object({ ...recordBase, type: z.literal('PTR'), target: z.string() }),
  z.object({ ...recordBase, type: z.literal('MX'), priority: z.number().int(), exchange: z.string() }),
  /** RFC 2782; RFC 6186 publishes mail submission this way. Target `.` = "not offered here". */
  z.object({ ...recordBase, type: z.literal('SRV'), priority: z.number().int(), weight: z.number().int(), port: z.number().int(), target: z.string() }),
  /** RFC 1035 §3.3.14: one or more character-strings, kept as published. */
  z.object({ ...recordBase, type: z.literal('TXT'), strings: z.array(z.string()) }),
  z.object({
    ...recordBase,
    type: z.literal('SOA'),
    primary: z.string(),
    admin: z.string(),
    serial: z.number(),
    minimum: z.number(),
  }),
]);
export type DnsRecord = z.infer<typeof dnsRecordSchema>;
export type DnsRecordOf<T extends DnsRecordType> = Extract<DnsRecord, { type: T }>;

/**
 * What a lookup ended with. `nodata` = the name exists but has no record of that type
 * (RFC 2308 §2.2); `nxdomain` = the name does not exist (RCODE 3). The failures are
 * kept apart because each means something different to the admin.
 */
export const dnsOutcomes = ['answer', 'nodata', 'nxdomain', 'servfail', 'refused', 'timeout', 'cname-loop', 'error'] as const;
export const dnsOutcomeSchema = z.enum(dnsOutcomes);
export type DnsOutcome = z.infer<typeof dnsOutcomeSchema>;

export const dnsTransportSchema = z.enum(['udp', 'tcp']);
export type DnsTransport = z.infer<typeof dnsTransportSchema>;

/** One exchange with one server (a lookup may need several: retries, other servers, CNAMEs). */
export const dnsAttemptSchema = z.object({
  server: z.string(),
  name: z.string(),
  transport: dnsTransportSchema,
  outcome: dnsOutcomeSchema,
  rcode: z.number().int().nullable(),
  /** The UDP answer had TC set and the question was asked again over TCP (RFC 7766). */
  truncatedUdp: z.boolean(),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type DnsAttempt = z.infer<typeof dnsAttemptSchema>;

/** RFC 2308 §5: a negative answer is cached for min(SOA TTL, SOA MINIMUM). */
export const negativeAnswerSchema = z.object({
  zone: z.string(),
  soaTtl: z.number().int().nonnegative(),
  soaMinimum: z.number().int().nonnegative(),
  negativeTtl: z.number().int().nonnegative(),
});
export type NegativeAnswer = z.infer<typeof negativeAnswerSchema>;

export const dnsLookupSchema = z.object({
  name: z.string(),
  type: dnsRecordTypeSchema,
  outcome: dnsOutcomeSchema,
  /** Records of the asked type at the end of the CNAME chain. */
  records: z.array(dnsRecordSchema),
  /** CNAME records followed, in order. */
  chain: z.array(dnsRecordSchema),
  /** Name the records belong to (the last CNAME target, or `name`). */
  canonicalName: z.string(),
  /** Smallest TTL among `records`; null without records. */
  ttl: z.number().int().nonnegative().nullable(),
  negative: negativeAnswerSchema.nullable(),
  /** Server that gave the final answer (`host:port`), null when none answered. */
  server: z.string().nullable(),
  transport: dnsTransportSchema.nullable(),
  /** The answering server set AA: it is authoritative for the zone. */
  authoritative: z.boolean(),
  at: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  attempts: z.array(dnsAttemptSchema),
  /** One sentence in the admin's language describing the outcome. */
  explanation: z.string(),
});
export type DnsLookup = z.infer<typeof dnsLookupSchema>;

export const resolverKindSchema = z.enum(['system', 'explicit', 'authoritative']);
export type ResolverKind = z.infer<typeof resolverKindSchema>;

export const resolverDescriptionSchema = z.object({
  kind: resolverKindSchema,
  servers: z.array(z.string()),
  timeoutMs: z.number().int().positive(),
  retries: z.number().int().nonnegative(),
});
export type ResolverDescription = z.infer<typeof resolverDescriptionSchema>;

/** A DNS server as the admin types it (one rule for settings, checks and the SMTP engine). */
export { dnsServerSpecSchema } from './fields';

/** One server's view of a record, for the propagation panel. */
export const propagationViewSchema = z.object({
  server: z.string(),
  role: z.enum(['authoritative', 'resolver']),
  lookup: dnsLookupSchema,
  /** The values it serves (TXT joined), sorted; empty for negative answers and faults. */
  values: z.array(z.string()),
  matchesAuthoritative: z.boolean().nullable(),
  /** Whether it serves the value the admin just published; null when none was given. */
  servesExpected: z.boolean().nullable(),
  /** A cached positive answer is kept until then (answer time + remaining TTL). */
  cachedUntil: z.iso.datetime().nullable(),
  /** A cached NXDOMAIN/NODATA is kept until then (RFC 2308 §5: min(SOA TTL, MINIMUM)). */
  negativeCacheExpiresAt: z.iso.datetime().nullable(),
});
export type PropagationView = z.infer<typeof propagationViewSchema>;

export const propagationRequestSchema = z.strictObject({
  name: safeText('The record name', 253).min(1, { message: 'Give the record name, such as _dmarc.example.com.' }),
  type: dnsRecordTypeSchema,
  /** The value the admin published (TXT as one joined string). */
  expected: z.string().max(4096).optional(),
  dnsServers: z.array(dnsServerSpecSchema).max(8, { message: 'Give at most 8 DNS servers.' }).default([]),
});
export type PropagationRequest = z.output<typeof propagationRequestSchema>;

export const propagationReportSchema = z.object({
  name: z.string(),
  type: dnsRecordTypeSchema,
  expected: z.string().nullable(),
  zone: z.string().nullable(),
  nameservers: z.array(z.object({ name: z.string(), addresses: z.array(z.string()) })),
  authoritative: z.array(propagationViewSchema),
  resolvers: z.array(propagationViewSchema),
  /** Every resolver serves what the authoritative servers serve (and the expected value, if given). */
  propagated: z.boolean(),
  summary: z.string(),
  problems: z.array(z.string()),
});
export type PropagationReport = z.infer<typeof propagationReportSchema>;
