/**
 * What an admin must know about a connector platform beyond DNS: the prerequisites to
 * confirm before setup, the relay modes, the network allowlist, where mail leaves while
 * the connector is not in use, the per-message headers, the relay's SPF exception, the
 * status page and the platform's support-address API. Optional keys of a platform
 * (resources/platforms/<id>.json); each fact carries its `source` and `checked` date.
 */
import { z } from 'zod';

const isoDate = z.iso.date();
/** A seed file (`seeds/...`) or a vendor page (`https://...`); the same rule as providers.ts. */
const sourceSchema = z.string().regex(/^(seeds\/[a-z0-9-]+\.txt(#[\w-]+)?|https:\/\/\S+)$/u);
const sourced = { source: sourceSchema, checked: isoDate };

const itemIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u);

/**
 * Things the admin confirms before the wizard starts. An item with `rule` is also checked
 * by Relayproof: `not-platform-domain` refuses an address at `{subdomain}.<suffix>` (the
 * platform's own system addresses), `unique-credentials` warns when another saved address
 * uses the same username.
 */
export const platformPrerequisiteSchema = z.strictObject({
  id: itemIdSchema,
  /** The box's label, in the admin's words. */
  label: z.string().min(1),
  /** Why it matters, one or two sentences. */
  detail: z.string().min(1),
  rule: z.enum(['not-platform-domain', 'unique-credentials']).optional(),
  /** For `not-platform-domain`: the domain whose subdomains are the platform's system addresses. */
  domainSuffix: z.string().min(1).optional(),
  ...sourced,
});
export type PlatformPrerequisite = z.infer<typeof platformPrerequisiteSchema>;

export const platformRelayModeSchema = z.strictObject({
  id: itemIdSchema,
  label: z.string().min(1),
  summary: z.string().min(1),
  ...sourced,
});

export const platformRelayModesSchema = z.strictObject({
  modes: z.array(platformRelayModeSchema).min(1),
  /** The rule that ties the modes to forwarding (Zendesk: outbound-only cannot reuse forwarding addresses). */
  rule: z.string().min(1),
  ...sourced,
});

export const platformNetworkAllowlistSchema = z.strictObject({
  /** What the admin's mail service must allow, in one sentence. */
  note: z.string().min(1),
  /** The platform's published list of its IPs; `{subdomain}` is the admin's account. */
  listUrl: z.string().regex(/^https:\/\/\S+$/u),
  /** A page that explains the list. */
  docsUrl: z.url(),
  /** Said next to a refused connection or relay (an IP or ACL refusal). */
  refusalHint: z.string().min(1),
  ...sourced,
});

export const platformFallbackSendingSchema = z.strictObject({
  /** While the address is being set up. */
  duringSetup: z.string().min(1),
  /** While the address is disabled in the platform but still forwarded to it. */
  whileDisabled: z.string().min(1),
  ...sourced,
});

/** A header the platform sets per message, with the shape of its value (the seed's mask). */
export const platformPerMessageHeaderSchema = z.strictObject({
  name: z.string().regex(/^[!-9;-~]{1,76}$/u),
  length: z.number().int().min(1).max(64),
  /** The characters the value is made of. */
  alphabet: z.enum(['digits', 'hex', 'alphanumeric']),
  ...sourced,
});
export type PlatformPerMessageHeader = z.infer<typeof platformPerMessageHeaderSchema>;

export const platformRelaySpfSkipSchema = z.strictObject({
  /** Where the exception applies and why, in the admin's words. */
  note: z.string().min(1),
  /** The route ids it applies to. */
  routes: z.array(z.string().min(1)).min(1),
  ...sourced,
});

export const platformStatusPageSchema = z.strictObject({
  url: z.url(),
  /** "Zendesk status". */
  title: z.string().min(1),
  ...sourced,
});

export const platformAddressApiSchema = z.strictObject({
  /** `GET` that lists the addresses (paged), e.g. `/api/v2/recipient_addresses`. */
  listPath: z.string().regex(/^\/[\w/.-]+$/u),
  /** One address, `{id}` the platform's id for it. */
  itemPath: z.string().regex(/^\/[\w/.{}-]+\{id\}[\w/.-]*$/u),
  /** The JSON key of the list in a list response and of the object in a PUT body. */
  listKey: z.string().regex(/^\w+$/u),
  itemKey: z.string().regex(/^\w+$/u),
  /** The API host; `{subdomain}` is the admin's account. */
  baseUrl: z.string().regex(/^https:\/\/\S+$/u),
  docsUrl: z.url(),
  /** What the API can and cannot do, one sentence each. */
  oneAtATime: z.string().min(1),
  cannotAdd: z.string().min(1),
  lowTrafficAdvice: z.string().min(1),
  /** Seconds between two calls in the generated script. */
  pauseSeconds: z.number().int().min(1).max(60),
  ...sourced,
});

/** The keys a platform JSON may carry for these facts; spread into the platform schema. */
export const platformConnectorFactKeys = {
  prerequisites: z.array(platformPrerequisiteSchema).optional(),
  relayModes: platformRelayModesSchema.optional(),
  networkAllowlist: platformNetworkAllowlistSchema.optional(),
  fallbackSending: platformFallbackSendingSchema.optional(),
  perMessageHeaders: z.array(platformPerMessageHeaderSchema).optional(),
  relaySpfSkip: platformRelaySpfSkipSchema.optional(),
  statusPage: platformStatusPageSchema.optional(),
  addressApi: platformAddressApiSchema.optional(),
};
