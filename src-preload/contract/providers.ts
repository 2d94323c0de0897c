/**
 * Connector platforms and mail-provider presets as data (resources/platforms/*.json,
 * resources/providers/*.json): the zod schemas, pure so the contract, the renderer and
 * the CLI share them. Facts that change carry a `source` and a `checked` date.
 */
import { z } from 'zod';
import { empty, type ChannelSpec } from './channel-spec';
import { platformIdSchema } from './platform-vocabulary';
import { routeIdSchema } from './route-ids';
import { authKindSchema, dnsServerSpecSchema, safeText, securitySchema } from './fields';
import { platformSmtpFormKeys, providerSendingKeys } from './platform-smtp-form';
import { platformSesKeys } from './platform-ses';
export { environmentLabel, environmentRefusal, platformConnection, platformEnvironments, type PlatformEnvironment, type PlatformSes } from './platform-ses';
import { platformConnectorFactKeys } from './platform-connector-facts';

const isoDate = z.iso.date();
/** A seed file (`seeds/...`) or a vendor page (`https://...`). */
export const sourceSchema = z.string().regex(/^(seeds\/[a-z0-9-]+\.txt|https:\/\/\S+)$/u);

export const sourced = { source: sourceSchema, checked: isoDate };

export const platformDkimSelectorSchema = z.strictObject({
  /** Fixed selector (`zendesk1`, `pic`); absent for per-tenant tokens (Amazon SES). */
  selector: z.string().optional(),
  type: z.enum(['CNAME', 'TXT']),
  /** CNAME target pattern; `{token}` = the selector, `{domain}` = the admin's domain. */
  target: z.string().optional(),
  /** When the exact target is per tenant: the suffix every valid target ends with. */
  targetSuffix: z.string().optional(),
  /** TXT value the platform publishes for everyone (ClientTether's `pic` key). */
  value: z.string().optional(),
});
export type PlatformDkimSelector = z.infer<typeof platformDkimSelectorSchema>;

export { routeIds, routeIdSchema, type RouteId } from './route-ids';

/** Whether a requirement applies on a route: needed, nice to have, or beside the point. */
export const requirementLevelSchema = z.enum(['required', 'optional', 'not-needed']);
export type RequirementLevel = z.infer<typeof requirementLevelSchema>;

/**
 * One sending route of a platform and what must hold there for the final message to
 * authenticate. DKIM is "any of": one aligned signature that survives is enough, either
 * the platform's own (its selectors) or the relay's (the address's selectors).
 */
export const platformRouteSchema = z.strictObject({
  id: routeIdSchema,
  /** "Through your mail server (Authenticated SMTP Connector)". */
  label: z.string().min(1),
  /** Who sends the final message, in one sentence. */
  summary: z.string().min(1),
  /** The route an address of this platform takes unless the admin says otherwise. */
  default: z.boolean().default(false),
  spf: z.strictObject({
    /** The relay's sending IP must pass SPF for the address's domain. */
    relay: requirementLevelSchema,
    /** The platform's `requiredIncludes`. */
    includes: requirementLevelSchema,
    why: z.string().min(1),
  }),
  dkim: z.strictObject({
    /** Signers any one of which is enough: `platform` = all the platform's selectors, `relay` = one of the relay's. */
    anyOf: z.array(z.enum(['platform', 'relay'])).min(1),
    /** When the platform's own signature applies at all (Zendesk: only with digital signatures turned on). */
    platformWhen: z.string().optional(),
    why: z.string().min(1),
  }),
  /**
   * The relay's PTR and HELO name: `optional` where the relay delivers (recommended: receivers
   * score a sending IP without matching reverse DNS down), `required` to make them block the
   * address, `not-needed` where the relay does not deliver.
   */
  relayIdentity: requirementLevelSchema,
  ...sourced,
});
export type PlatformRoute = z.output<typeof platformRouteSchema>;

export const platformSchema = z.strictObject({
  /** The file's name: resources/platforms/<id>.json. */
  id: platformIdSchema,
  /** The connector as the platform names it (the wizard's choice, the checks' messages). */
  name: z.string().min(1),
  /** Short enough for a table cell or a select. */
  label: z.string().min(1),
  /** In a sentence ("Zendesk sends …", "the platform sends …"). */
  shortName: z.string().min(1),
  /** Position in every list of platforms (the wizard, the selects); ties go by id. */
  order: z.number().int(),
  summary: z.string(),
  ...sourced,
  spf: z.strictObject({ requiredIncludes: z.array(z.string()), example: z.string().optional(), note: z.string().optional(), ...sourced }),
  dkim: z.strictObject({
    mode: z.enum(['cname', 'txt', 'token-cname', 'none']),
    selectors: z.array(platformDkimSelectorSchema),
    /** Token CNAMEs: how many the platform shows (SES: 3). */
    tokenCount: z.number().int().positive().optional(),
    note: z.string().optional(),
    ...sourced,
  }),
  dmarc: z.strictObject({ recommended: z.string().optional(), alignment: z.string(), ...sourced }),
  /** The ways mail can leave, with what each needs; exactly one is the default. */
  routes: z
    .array(platformRouteSchema)
    .min(1)
    .refine((routes) => routes.filter((r) => r.default).length === 1, { message: 'exactly one route must be "default": true' })
    .refine((routes) => new Set(routes.map((r) => r.id)).size === routes.length, { message: 'route ids must be unique' }),
  forwarding: z
    .strictObject({
      /** `support@{subdomain}.zendesk.com` */
      addressPattern: z.string(),
      domainSuffix: z.string(),
      singleHopOnly: z.boolean(),
      note: z.string(),
      ...sourced,
    })
    .nullable(),
  limits: z.array(z.strictObject({ key: z.string(), value: z.number().int().positive(), description: z.string(), ...sourced })),
  headersToPersist: z.strictObject({ headers: z.array(z.string()), note: z.string().optional(), ...sourced }).nullable(),
  errorPhrases: z.array(z.strictObject({ phrase: z.string(), meaning: z.string(), action: z.string(), ...sourced })),
  propagation: z.strictObject({ maxHours: z.number().int().positive(), note: z.string(), ...sourced }).nullable(),
  /** Where in the platform's admin the outbound credentials are entered (the wizard's summary). */
  enterCredentialsAt: z.string().min(1).optional(),
  /**
   * The platform's own advice when one address is connected to both its sandbox and its
   * production account; `{address}`, `{other}` (where it already is) and `{here}` are
   * filled in. Without it, the general advice applies.
   */
  sameAddressInBothEnvironments: z.strictObject({ advice: z.string().min(1), ...sourced }).optional(),
  /** The platform's own SMTP form (field values per security mode, wrong choices), its sending-limit warning, its provider presets. */
  ...platformSmtpFormKeys,
  docs: z.array(z.strictObject({ title: z.string(), url: z.url() })),
  /** Prerequisites, relay modes, allowlist, fallback sending, per-message headers, status page, address API. */
  ...platformConnectorFactKeys,
  /** Environments (with shared verifications), what the admin connects, and the Amazon SES facts. */
  ...platformSesKeys,
});
export type Platform = z.infer<typeof platformSchema>;
export type PlatformId = Platform['id'];



// ---------------------------------------------------------------------------
// Provider presets (resources/providers/<id>.json)

export const providerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u);

/** One way in to a provider's submission service. */
export const providerEndpointSchema = z.strictObject({
  /** "STARTTLS on 587", "US East (N. Virginia)", "smtp-relay (IP or SMTP AUTH)". */
  label: z.string(),
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  security: securitySchema,
  /** AWS region code and the like, when the provider has regional endpoints. */
  region: z.string().optional(),
  recommended: z.boolean().default(false),
});
export type ProviderEndpoint = z.output<typeof providerEndpointSchema>;

export const providerConfidenceSchema = z.enum(['high', 'medium', 'low']);
export type ProviderConfidence = z.infer<typeof providerConfidenceSchema>;

/** What in DNS points to this provider. */
export const providerDetectSchema = z.strictObject({
  /** Mailbox domains of a consumer service (`gmail.com`): an address there is that service's account. */
  domains: z.array(z.string()).default([]),
  /** MX host suffixes: an MX equal to one, or ending in `.` + one, matches (`mail.protection.outlook.com`). */
  mxSuffixes: z.array(z.string()).default([]),
  /** Exact MX hosts (`smtp.google.com`). */
  mxHosts: z.array(z.string()).default([]),
  /**
   * How sure an MX match makes us that the domain also sends through this provider:
   * `high` when the MX is the mailbox service itself, lower for inbound-only routes
   * (Mailgun routes, SES receiving) and for variants of another preset (smtp-relay).
   */
  confidence: providerConfidenceSchema.default('high'),
});

/**
 * The DKIM selectors a provider signs a customer's own domain with, where it publishes
 * them (Microsoft 365: selector1/selector2). The wizard offers them as the relay's
 * selector; selectors are not discoverable from DNS alone (RFC 6376 §3.1). Empty with a
 * note when the selector is per domain (Amazon SES tokens, Postmark's dated ones) or the
 * service does not sign custom domains.
 */
export const providerDkimSelectorsSchema = z
  .strictObject({
    // The address's selector rule (addresses-schemas.ts), lowercase: a preset's selector is saved on the address as is.
    // Not imported from there: addresses-schemas.ts reaches this file through checks-schemas.ts.
    selectors: z.array(z.string().max(63).regex(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/u)).max(8),
    /** Why there is no fixed list, or what else to know ("per-domain tokens: copy them from the SES console"). */
    note: z.string().min(1).optional(),
    ...sourced,
  })
  .refine((d) => d.selectors.length > 0 || d.note !== undefined, {
    message: 'Without known selectors, say why in "note" (per-domain tokens, no signing for custom domains, ...).',
    path: ['note'],
  });
export type ProviderDkimSelectors = z.output<typeof providerDkimSelectorsSchema>;

/** The SPF include that covers the provider's sending IPs (`spf.protection.outlook.com`). */
export const providerSpfIncludeSchema = z.strictObject({
  include: z.string().regex(/^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/u, {
    message: 'An SPF include is a lowercase domain name such as spf.protection.outlook.com.',
  }),
  /** Where the include goes when not at the address's own domain (SES: the custom MAIL FROM domain). */
  note: z.string().min(1).optional(),
  ...sourced,
});
export type ProviderSpfInclude = z.output<typeof providerSpfIncludeSchema>;

export const providerPresetSchema = z
  .strictObject({
    id: providerIdSchema,
    name: z.string(),
    /** One sentence: what this preset is for. */
    summary: z.string(),
    ...sourced,
    /** The admin's own server: no fixed endpoint, the wizard asks for host, port and security. */
    custom: z.boolean().default(false),
    /** Best first; empty only for the custom entry. */
    endpoints: z.array(providerEndpointSchema),
    username: z.strictObject({
      /** What goes in the username field, in the admin's words ("Your full Microsoft 365 address"). */
      hint: z.string(),
      /** A literal username every account uses (SendGrid: `apikey`). */
      fixed: z.string().optional(),
      /** The username is the address being connected. */
      sameAsAddress: z.boolean().default(false),
    }),
    /** Sign-in methods the provider accepts over SMTP AUTH, in the order the wizard offers them (what connectors most often take first). */
    authKinds: z.array(authKindSchema).min(1),
    /** "App password", "SMTP password (not your AWS secret key)", "API key". */
    secretLabel: z.string(),
    secretHelp: z.string(),
    /** Autodetect from the domain's MX records (and consumer mailbox domains). */
    detect: providerDetectSchema.prefault({}),
    /** Things the admin must know before choosing it (Outlook.com: basic auth is gone). */
    warnings: z.array(z.string()).default([]),
    notes: z.array(z.string()).default([]),
    /** Selectors it signs custom domains with; null = not known for this preset (the admin's own server). */
    dkimSelectors: providerDkimSelectorsSchema.nullable().default(null),
    /** The SPF include of its sending IPs; null = none to publish (a consumer mailbox's own domain, the admin's own server). */
    spfInclude: providerSpfIncludeSchema.nullable().default(null),
    /** A guide inside Relayproof for this provider (`m365` = the Microsoft 365 readiness guide). */
    guide: z.enum(['m365']).nullable().default(null),
    /** Sending limits per mailbox and OAuth 2.0 endpoints for SMTP, where the provider publishes them. */
    ...providerSendingKeys,
    docs: z.array(z.strictObject({ title: z.string(), url: z.url() })).default([]),
  })
  .refine((p) => p.custom === (p.endpoints.length === 0), {
    message: 'A preset lists at least one endpoint; only the custom entry ("custom": true) has none, because the admin types host, port and security.',
    path: ['endpoints'],
  });
export type ProviderPreset = z.output<typeof providerPresetSchema>;

/** Autodetect for a domain: what its MX and RFC 6186 SRV records suggest. */
export const providerDetectInputSchema = z.strictObject({
  /** A domain (Unicode or punycode), or a whole address: the part after the @ is used. */
  domain: safeText('Domain', 320).min(1, { message: 'Type the domain, such as example.com.' }),
  dnsServers: z.array(dnsServerSpecSchema).max(8, { message: 'Give at most 8 DNS servers.' }).default([]),
});
export type ProviderDetectInput = z.input<typeof providerDetectInputSchema>;
export const providerSuggestionSchema = z.object({
  providerId: providerIdSchema,
  /** The preset's endpoint that fits, or the host/port/security an SRV record names. */
  endpoint: providerEndpointSchema,
  /** "MX support-example-com.mail.protection.outlook.com ends in mail.protection.outlook.com". */
  reason: z.string(),
  confidence: providerConfidenceSchema,
});
export type ProviderSuggestion = z.infer<typeof providerSuggestionSchema>;
export const providerDetectReportSchema = z.object({
  domain: z.string(),
  mx: z.array(z.object({ exchange: z.string(), priority: z.number().int() })),
  srv: z.array(z.object({ service: z.enum(['_submission._tcp', '_submissions._tcp']), target: z.string(), port: z.number().int(), priority: z.number().int(), weight: z.number().int() })),
  suggestions: z.array(providerSuggestionSchema),
  /**
   * In the admin's words: lookups that did not answer (timeout, SERVFAIL), a domain that
   * does not exist or has no MX, and why nothing was suggested. Detection is best effort.
   */
  problems: z.array(z.string()),
});
export type ProviderDetectReport = z.infer<typeof providerDetectReportSchema>;

export const providerChannels = {
  /** Connector platforms from resources/platforms (limits, forwarding pattern, DNS needs). */
  'platforms:list': { input: empty, output: z.array(platformSchema), timeoutMs: 10_000 },
  /** Mail-provider presets from resources/providers. */
  'providers:list': { input: empty, output: z.array(providerPresetSchema), timeoutMs: 10_000 },
  /** What a domain's MX and SRV (_submission/_submissions) records suggest. */
  'providers:detect': { input: providerDetectInputSchema, output: providerDetectReportSchema, timeoutMs: 20_000 },
} as const satisfies Record<string, ChannelSpec>;
