/**
 * The checks model: one readonly item per check, with its evidence, the fix to publish
 * and the RFC sections it rests on; plus the checklist's input, streamed events and final
 * report. Pure zod, no node imports: the renderer, main's checks and the CLI share it.
 *
 * The result schemas (items, their evidence, the report and events) are built on first use
 * (z.lazy): only a parse of a result needs them, and building them at load was most of this
 * module's start-up, which `relayproof check` and the renderer's first view paid before
 * anything was asked. The input schemas are built at load.
 */
import { z } from 'zod';
import { dnsLookupSchema, dnsRecordTypeSchema, dnsServerSpecSchema, resolverDescriptionSchema } from './dns-schemas';
import { ipAddressSchema, refuseHidden, safeText } from './fields';
import { GENERIC_PLATFORM_ID, platformIdSchema } from './platform-vocabulary';
import { DOMAIN_NAME_MAX, DOMAIN_NAME_MESSAGE, DOMAIN_NAME_PATTERN, DOMAIN_TOO_LONG_MESSAGE } from './plain-fields';
import { dmarcReportNumbersSchema } from './reports';
import { routeIdSchema } from './route-ids';

/** A platform of resources/platforms (main refuses an id it does not have). */
export const checklistPlatformSchema = platformIdSchema;

export const checkKinds = ['spf', 'dkim', 'dmarc', 'mx', 'ptr', 'helo', 'mta-sts', 'tls-rpt', 'bimi', 'forwarding'] as const;
export const checkKindSchema = z.enum(checkKinds);
export type CheckKind = z.infer<typeof checkKindSchema>;

/** Stable ids: `spf`, `dkim:<selector>` (`dkim:*` while no selector is known), `dmarc`, ... */
export const checkIdSchema = z
  .string()
  .regex(/^(spf|dmarc|mx|ptr|helo|mta-sts|tls-rpt|bimi|forwarding|dkim:(\*|[a-z0-9_](?:[a-z0-9_.-]{0,62})))$/u);

/**
 * pass/warn/fail: judged; error: could not be checked; pending: waiting for DNS or mail;
 * needs-input: the admin must enter something (the item names the field); not-needed: not
 * required on the address's sending route (the item says why).
 */
export const checkStatuses = ['pass', 'warn', 'fail', 'pending', 'error', 'needs-input', 'not-needed'] as const;
export const checkStatusSchema = z.enum(checkStatuses);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/** required: mail is not trusted without it; recommended: secondary (MTA-STS, TLS-RPT); optional: informational (BIMI). */
export const importanceSchema = z.enum(['required', 'recommended', 'optional']);
export type Importance = z.infer<typeof importanceSchema>;

export const findingSeveritySchema = z.enum(['info', 'pass', 'warn', 'fail', 'error']);
export type FindingSeverity = z.infer<typeof findingSeveritySchema>;

/** One explained observation. `code` is stable (tests, UI grouping); `message` is for the admin. */
export const findingSchema = z.lazy(() =>
  z.object({
    code: z.string().regex(/^[a-z0-9-]+$/u),
    severity: findingSeveritySchema,
    message: z.string(),
    /** The term, tag or name the finding is about (`p=rejectt`, `include:x`), as published. */
    subject: z.string().nullable(),
  }),
);
export type Finding = z.infer<typeof findingSchema>;

export const referenceSchema = z.lazy(() => z.object({ label: z.string(), url: z.url() }));
export type Reference = z.infer<typeof referenceSchema>;

export const fixRecordSchema = z.lazy(() =>
  z.object({
    action: z.enum(['add', 'replace', 'remove']),
    /** Fully qualified, without the trailing dot. */
    name: z.string(),
    /** As most DNS hosts want it: relative to the zone, `@` for the apex. */
    nameRelative: z.string(),
    type: dnsRecordTypeSchema,
    /** The value to paste (TXT as one string; the host splits it, or use `strings`). */
    value: z.string(),
    /** TXT only: the value split into character-strings of at most 255 bytes (RFC 1035 §3.3.14). */
    strings: z.array(z.string()),
    ttl: z.number().int().positive(),
    /** The value this record replaces (for `replace` / `remove`). */
    replaces: z.string().nullable(),
  }),
);
export type FixRecord = z.infer<typeof fixRecordSchema>;

export const fixSchema = z.lazy(() =>
  z.object({ steps: z.array(z.string()), records: z.array(fixRecordSchema) }),
);
export type Fix = z.infer<typeof fixSchema>;

// ---------------------------------------------------------------------------
// Per-check details

export const spfQualifierSchema = z.enum(['+', '-', '~', '?']);
export const spfResultSchema = z.enum(['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror']);
export type SpfResult = z.infer<typeof spfResultSchema>;

export interface SpfTermView {
  readonly text: string;
  readonly kind: string;
  readonly qualifier: z.infer<typeof spfQualifierSchema> | null;
  /** Domain the term queries (after the default `%{d}`), null for ip4/ip6/all. */
  readonly target: string | null;
  /** DNS-querying terms count 1 toward the limit of 10 (RFC 7208 §4.6.4). */
  readonly lookups: number;
  readonly voidLookup: boolean;
  /** Addresses an `a`/`mx` term resolved to (flattening suggestions, evidence). */
  readonly addresses: readonly string[];
  readonly note: string | null;
  readonly child: SpfNodeView | null;
}

export interface SpfNodeView {
  readonly domain: string;
  readonly record: string | null;
  readonly status: 'ok' | 'none' | 'multiple' | 'syntax-error' | 'loop' | 'fault' | 'not-fetched';
  readonly problem: string | null;
  /** Lookups caused by this record's own terms. */
  readonly lookups: number;
  readonly voidLookups: number;
  /** This record and everything below it. */
  readonly totalLookups: number;
  readonly totalVoidLookups: number;
  readonly terms: readonly SpfTermView[];
}

export const spfTermViewSchema: z.ZodType<SpfTermView> = z.lazy(() =>
  z.object({
    text: z.string(),
    kind: z.string(),
    qualifier: spfQualifierSchema.nullable(),
    target: z.string().nullable(),
    lookups: z.number().int().nonnegative(),
    voidLookup: z.boolean(),
    addresses: z.array(z.string()),
    note: z.string().nullable(),
    child: spfNodeViewSchema.nullable(),
  }),
);

export const spfNodeViewSchema: z.ZodType<SpfNodeView> = z.lazy(() =>
  z.object({
    domain: z.string(),
    record: z.string().nullable(),
    status: z.enum(['ok', 'none', 'multiple', 'syntax-error', 'loop', 'fault', 'not-fetched']),
    problem: z.string().nullable(),
    lookups: z.number().int().nonnegative(),
    voidLookups: z.number().int().nonnegative(),
    totalLookups: z.number().int().nonnegative(),
    totalVoidLookups: z.number().int().nonnegative(),
    terms: z.array(spfTermViewSchema),
  }),
);

export const spfVerdictSchema = z.lazy(() =>
  z.object({
    ip: z.string(),
    sender: z.string(),
    helo: z.string().nullable(),
    result: spfResultSchema,
    explanation: z.string(),
    /** Path of the matching term, e.g. `include:_spf.example.com → ip4:192.0.2.0/24`. */
    matched: z.string().nullable(),
    lookups: z.number().int().nonnegative(),
    voidLookups: z.number().int().nonnegative(),
  }),
);
export type SpfVerdict = z.infer<typeof spfVerdictSchema>;

export const spfMergeSchema = z.lazy(() =>
  z.object({
    record: z.string(),
    /** Exact when `lookupsKnown`; otherwise the known part, a lower bound. */
    lookups: z.number().int().nonnegative(),
    /** False when an include/redirect's cost could not be read (no record, NXDOMAIN, refused, timeout). */
    lookupsKnown: z.boolean(),
    /** The include/redirect terms whose cost is unknown (`include:x.example`); the item's text says why. */
    unknownIncludes: z.array(z.string()),
    /** Null when the known part is within the limit but the rest is unknown. */
    overLimit: z.boolean().nullable(),
    suggestions: z.array(z.string()),
  }),
);
export type SpfMerge = z.infer<typeof spfMergeSchema>;

/** The details of each kind of check (built with checkDetailsSchema, on first use). */
function detailSchemas() {
  const spfDetailsSchema = z.object({
    kind: z.literal('spf'),
    domain: z.string(),
    record: z.string().nullable(),
    tree: spfNodeViewSchema.nullable(),
    lookups: z.object({ total: z.number().int(), limit: z.literal(10), void: z.number().int(), voidLimit: z.literal(2) }),
    requiredIncludes: z.array(z.object({ domain: z.string(), present: z.boolean() })),
    verdict: spfVerdictSchema.nullable(),
    merge: spfMergeSchema.nullable(),
  });

  const dkimDetailsSchema = z.object({
    kind: z.literal('dkim'),
    selector: z.string(),
    name: z.string(),
    /** CNAME targets followed to reach the key. */
    cname: z.array(z.string()),
    expectedTarget: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    keyType: z.enum(['rsa', 'ed25519', 'unknown']).nullable(),
    keyBits: z.number().int().nullable(),
    revoked: z.boolean(),
    testing: z.boolean(),
    /** Where a DNS host that appends the zone put the record by mistake, when found there. */
    doubledName: z.string().nullable(),
  });

  const dmarcDestinationSchema = z.object({
    tag: z.enum(['rua', 'ruf']),
    uri: z.string(),
    domain: z.string().nullable(),
    external: z.boolean(),
    /** `<domain>._report._dmarc.<dest>` published (RFC 9990 §4); null = not needed or unknown. */
    authorized: z.boolean().nullable(),
    checkedName: z.string().nullable(),
  });

  const dmarcDetailsSchema = z.object({
    kind: z.literal('dmarc'),
    domain: z.string(),
    /** Where the applied record was found (the domain itself or a parent, RFC 9989 §4.10). */
    policyDomain: z.string().nullable(),
    orgDomain: z.string().nullable(),
    record: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    policy: z.enum(['none', 'quarantine', 'reject']).nullable(),
    subdomainPolicy: z.enum(['none', 'quarantine', 'reject']).nullable(),
    testing: z.boolean(),
    destinations: z.array(dmarcDestinationSchema),
  });

  const mxDetailsSchema = z.object({
    kind: z.literal('mx'),
    nullMx: z.boolean(),
    hosts: z.array(z.object({ exchange: z.string(), priority: z.number().int(), addresses: z.array(z.string()), problem: z.string().nullable() })),
  });

  const ptrDetailsSchema = z.object({
    kind: z.literal('ptr'),
    ip: z.string().nullable(),
    source: z.enum(['given', 'smtp-host']).nullable(),
    names: z.array(z.string()),
    forwardConfirmed: z.boolean().nullable(),
    residentialHints: z.array(z.string()),
  });

  const heloDetailsSchema = z.object({
    kind: z.literal('helo'),
    name: z.string().nullable(),
    source: z.enum(['ehlo', 'banner', 'user']).nullable(),
    addresses: z.array(z.string()),
    sameOrganization: z.boolean().nullable(),
  });

  const mtaStsDetailsSchema = z.object({
    kind: z.literal('mta-sts'),
    record: z.string().nullable(),
    id: z.string().nullable(),
    policyFetched: z.boolean(),
    policy: z.object({ mode: z.string(), mx: z.array(z.string()), maxAge: z.number().int() }).nullable(),
  });

  const tlsRptDetailsSchema = z.object({ kind: z.literal('tls-rpt'), record: z.string().nullable(), rua: z.array(z.string()) });

  const bimiDetailsSchema = z.object({ kind: z.literal('bimi'), record: z.string().nullable(), location: z.string().nullable(), authority: z.string().nullable() });

  const forwardingDetailsSchema = z.object({
    kind: z.literal('forwarding'),
    address: z.string().nullable(),
    domain: z.string().nullable(),
    pattern: z.string().nullable(),
    mx: z.array(z.string()),
  });
  return [spfDetailsSchema, dkimDetailsSchema, dmarcDetailsSchema, mxDetailsSchema, ptrDetailsSchema, heloDetailsSchema, mtaStsDetailsSchema, tlsRptDetailsSchema, bimiDetailsSchema, forwardingDetailsSchema] as const;
}

export const checkDetailsSchema = z.lazy(() => z.discriminatedUnion('kind', detailSchemas()));
export type CheckDetails = z.infer<typeof checkDetailsSchema>;
export type CheckDetailsOf<K extends CheckKind> = Extract<CheckDetails, { kind: K }>;

export const checkEvidenceSchema = z.lazy(() =>
  z.object({
    /** Every DNS question this check relied on, with server, TTL, transport and time. */
    queries: z.array(dnsLookupSchema),
    /** The records judged, exactly as published (display through visibleText). */
    records: z.array(z.string()),
    resolver: resolverDescriptionSchema,
    /** TTL of the main record, when there is one. */
    ttl: z.number().int().nullable(),
    details: checkDetailsSchema,
  }),
);
export type CheckEvidence = z.infer<typeof checkEvidenceSchema>;

/** The checklist fields an item can ask for: every view that shows the item has the field. */
export const checkInputFieldSchema = z.enum(['relaySelectors', 'sendingIp', 'heloName', 'forwardingAddress', 'smtpHost']);
export type CheckInputField = z.infer<typeof checkInputFieldSchema>;

/** What this item means on the address's sending route. */
export const requirementSchema = z.lazy(() =>
  z.object({
    level: z.enum(['required', 'recommended', 'optional', 'not-needed']),
    /** The route judged (null: the check does not depend on the route). */
    route: routeIdSchema.nullable(),
    /** Why it is (not) needed there, in the admin's words. */
    why: z.string(),
  }),
);
export type Requirement = z.infer<typeof requirementSchema>;

export const checkItemSchema = z.lazy(() =>
  z.object({
    id: checkIdSchema,
    kind: checkKindSchema,
    title: z.string(),
    importance: importanceSchema,
    /** Required on the route: the address is not ready while it fails or errors. */
    required: z.boolean(),
    requirement: requirementSchema,
    /** For `needs-input`: the field to fill in. */
    needsInput: z.object({ field: checkInputFieldSchema, label: z.string() }).optional(),
    status: checkStatusSchema,
    summary: z.string(),
    findings: z.array(findingSchema),
    evidence: checkEvidenceSchema,
    fix: fixSchema.optional(),
    references: z.array(referenceSchema),
    durationMs: z.number().nonnegative(),
  }),
);
export type CheckItem = z.infer<typeof checkItemSchema>;

// ---------------------------------------------------------------------------
// Checklist

/** A domain name as typed: letters, digits, hyphens, underscores; IDN accepted (plain-fields.ts's checkDomainName is the same rule without zod). */
export const domainNameSchema = z
  .string()
  // Before trim: String#trim would silently drop U+FEFF and U+2028 and accept the rest.
  .superRefine(refuseHidden('The domain'))
  .trim()
  .toLowerCase()
  .max(DOMAIN_NAME_MAX, { message: DOMAIN_TOO_LONG_MESSAGE })
  .regex(DOMAIN_NAME_PATTERN, { message: DOMAIN_NAME_MESSAGE })
  .transform((d) => d.replace(/\.$/u, ''));

export const selectorSchema = z
  .string()
  .superRefine(refuseHidden('The DKIM selector'))
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/u, {
    message: 'A DKIM selector is letters, digits, hyphens and dots, such as zendesk1.',
  })
  .max(63);

export const checklistInputSchema = z.strictObject({
  domain: domainNameSchema,
  platform: checklistPlatformSchema.default(GENERIC_PLATFORM_ID),
  /** The sending route; absent = the platform's default route. */
  route: routeIdSchema.optional(),
  /** The selector(s) the admin's own mail service (the relay) signs with. */
  relaySelectors: z.array(selectorSchema).max(16).default([]),
  /** The SPF include that covers the relay's sending IPs (a provider preset's, e.g. spf.protection.outlook.com). */
  relayInclude: domainNameSchema.optional(),
  /** More selectors to look at, besides the platform's and the relay's (and those found in `messageHeaders`). */
  selectors: z.array(selectorSchema).max(16).default([]),
  /** Headers of a received message: its DKIM-Signature s=/d= name more selectors. */
  messageHeaders: z.string().max(65_536).optional(),
  /** IP whose SPF verdict, PTR and FCrDNS to check. */
  sendingIp: ipAddressSchema.optional(),
  /** SMTP host: its address stands in for `sendingIp` when none is given. */
  smtpHost: safeText('The SMTP host', 253).optional(),
  /** Envelope sender for the SPF verdict (default postmaster@domain). */
  sender: safeText('The envelope sender', 320).optional(),
  heloName: safeText('The HELO name', 253).optional(),
  heloSource: z.enum(['ehlo', 'banner', 'user']).optional(),
  /** Where inbound mail is forwarded (Zendesk: support@<subdomain>.zendesk.com). */
  forwardingAddress: safeText('The forwarding address', 320).optional(),
  /** Resolvers to ask; empty = the system's. */
  dnsServers: z.array(dnsServerSpecSchema).max(8).default([]),
  /** The numbers of the DMARC aggregate reports read for the address: the rollout advice uses them. */
  dmarcReports: dmarcReportNumbersSchema.optional(),
  /** Run only these checks (re-run of one item). */
  only: z.array(checkKindSchema).max(checkKinds.length).optional(),
});
export type ChecklistInput = z.output<typeof checklistInputSchema>;
export type ChecklistInputDraft = z.input<typeof checklistInputSchema>;

export const statusCountsSchema = z.lazy(() =>
  z.object({
    pass: z.number().int(),
    warn: z.number().int(),
    fail: z.number().int(),
    pending: z.number().int(),
    error: z.number().int(),
    'needs-input': z.number().int(),
    'not-needed': z.number().int(),
  }),
);

/** Streamed while the checklist runs (contract event schema of `checks:run-checklist`). */
export const checklistEventSchema = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('planned'), ids: z.array(checkIdSchema), resolver: resolverDescriptionSchema }),
    z.object({ type: z.literal('item'), item: checkItemSchema }),
  ]),
);
export type ChecklistEvent = z.infer<typeof checklistEventSchema>;

export const checklistReportSchema = z.lazy(() =>
  z.object({
    domain: z.string(),
    platform: checklistPlatformSchema,
    route: routeIdSchema,
    /** Nothing required on the route fails or could not be checked. */
    ok: z.boolean(),
    /** Ids of the required items that fail or error, in list order. */
    blocking: z.array(checkIdSchema),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    durationMs: z.number().nonnegative(),
    resolver: resolverDescriptionSchema,
    items: z.array(checkItemSchema),
    counts: statusCountsSchema,
    /** Every record to publish across items (deduplicated), and the same as a zone-file snippet. */
    records: z.array(fixRecordSchema),
    zoneFile: z.string(),
    /** Number of distinct DNS questions asked. */
    queries: z.number().int().nonnegative(),
  }),
);
export type ChecklistReport = z.infer<typeof checklistReportSchema>;
