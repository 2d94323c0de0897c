/**
 * DNS blocklists (DNSBL, RFC 5782): the lists Relayproof asks (resources/blocklists.json,
 * each with its published return codes) and the report of one IP address or domain.
 * Pure zod: importable by main, the CLI and the renderer.
 */
import { z } from 'zod';
import { idSchema } from './fields';

const isoDate = z.iso.date();
const httpsUrl = z.string().regex(/^https:\/\/\S+$/u);
// RFC 5782 §2.1: a DNSBL answers with an address in 127.0.0.0/8.
const returnCode = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u);
const zoneName = z
  .string()
  .trim()
  .toLowerCase()
  .max(200)
  .regex(/^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/u, { message: 'A list is a DNS zone such as zen.spamhaus.org.' });

/** What a listing costs: `blocking` costs delivery, `policy` says the IP should not deliver to MX servers itself, `none` is information only. */
export const blocklistSeveritySchema = z.enum(['blocking', 'policy', 'none', 'unknown']);
export type BlocklistSeverity = z.infer<typeof blocklistSeveritySchema>;

export const blocklistCodeSchema = z.strictObject({
  code: returnCode,
  /** The list's own name for the code (SBL, XBL, PBL ...). */
  name: z.string().min(1),
  meaning: z.string().min(1),
  severity: z.enum(['blocking', 'policy', 'none']),
});

/** An answer that is not a listing: the list refused to answer this resolver, or the query was wrong. */
export const blocklistErrorCodeSchema = z.strictObject({
  code: returnCode,
  status: z.enum(['blocked-resolver', 'error']),
  meaning: z.string().min(1),
  fix: z.string().min(1),
});

export const blocklistEntrySchema = z.strictObject({
  /** Stable identifier (`spamhaus-zen`). */
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/u),
  name: z.string().min(1),
  zone: zoneName,
  /** `ip`: reversed IPv4 octets or IPv6 nibbles; `domain`: the domain itself (RFC 5782 §2.1, §2.3). */
  kind: z.enum(['ip', 'domain']),
  /** Asked when no `--list` is given. */
  default: z.boolean(),
  /** `exact`: each code is one answer; `bitmask`: the last octet's bits combine codes (URIBL, SURBL). */
  codeMatch: z.enum(['exact', 'bitmask']).default('exact'),
  codes: z.array(blocklistCodeSchema).min(1),
  errorCodes: z.array(blocklistErrorCodeSchema).default([]),
  /** Where to ask for removal. */
  delist: httpsUrl,
  /** Something the admin should know about the list (registration, how listings expire). */
  note: z.string().min(1).optional(),
  source: httpsUrl,
  checked: isoDate,
});
export type BlocklistEntry = z.output<typeof blocklistEntrySchema>;

export const blocklistFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    lists: z.array(blocklistEntrySchema).min(1),
  })
  .refine((f) => new Set(f.lists.map((l) => l.zone)).size === f.lists.length, { message: 'a zone is listed twice' })
  .refine((f) => new Set(f.lists.map((l) => l.id)).size === f.lists.length, { message: 'an id is listed twice' });
export type BlocklistFile = z.output<typeof blocklistFileSchema>;

export const blocklistStatusSchema = z.enum(['listed', 'not-listed', 'blocked-resolver', 'error']);
export type BlocklistStatus = z.infer<typeof blocklistStatusSchema>;

export const blocklistResultSchema = z.object({
  /** The list's name (`Spamhaus ZEN`), or its zone when Relayproof does not know it. */
  list: z.string(),
  zone: z.string(),
  status: blocklistStatusSchema,
  /** The 127.0.0.0/8 answers, as returned. */
  codes: z.array(z.string()),
  severity: blocklistSeveritySchema,
  /** What the answer means; for `policy`, why it may not matter; for `blocked-resolver` and `error`, what to do. */
  meaning: z.string(),
  /** The list's TXT reason, when it gives one (several records joined by " | "). */
  txt: z.string().nullable(),
  /** Where to ask for removal (null when not listed, or when Relayproof does not know the list). */
  delist: z.string().nullable(),
});
export type BlocklistResult = z.infer<typeof blocklistResultSchema>;

export const blocklistReportSchema = z.object({
  target: z.string(),
  kind: z.enum(['ip', 'domain']),
  /** Some list lists the target. */
  listed: z.boolean(),
  /** Some listing will cost delivery. */
  blocking: z.boolean(),
  results: z.array(blocklistResultSchema),
});
export type BlocklistReport = z.infer<typeof blocklistReportSchema>;

/** Where a target of an address's check comes from, in the admin's words. */
export const blocklistTargetRoleSchema = z.enum(['sending-ip', 'smtp-host-ip', 'domain']);

export const addressBlocklistsSchema = z.object({
  addressId: z.string(),
  domain: z.string(),
  /** The relay's sending IPs as the address checklist knows them, then the domain. */
  targets: z.array(z.object({ role: blocklistTargetRoleSchema, source: z.string(), report: blocklistReportSchema })),
  /** What Relayproof could not check and why (no sending IP known yet, the SMTP host does not resolve). */
  notes: z.array(z.string()),
  resolver: z.string(),
  checkedAt: z.string(),
});
export type AddressBlocklists = z.infer<typeof addressBlocklistsSchema>;

export const addressBlocklistsInputSchema = z.strictObject({ addressId: idSchema });
