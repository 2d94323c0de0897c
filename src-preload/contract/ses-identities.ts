/**
 * Zuora advanced SMTP (Amazon SES) identities: what the admin connects when Zuora sends
 * from its own Amazon SES account. An identity is an email address or a domain; there is
 * no host, no password and nothing to sign in to, so it is its own record kind beside the
 * addresses (never an address with empty SMTP fields), and never holds a secret.
 *
 * The schemas, the channels, and the pure rules every surface shares (wizard, status,
 * CLI, import): the limits per Zuora tenant, the mixing rule, eligibility, environments,
 * which From addresses an identity covers, which DKIM CNAME sets a domain needs per
 * verification group, and what to do in each verification state. The rules quote Zuora's
 * own words from its "Configure an SMTP Server for Email Notifications" page, section
 * "Advanced SMTP server" (the platform's `source`).
 */
import { z } from 'zod';
import { byId, empty, type ChannelSpec } from './channel-spec';
import type { ChecklistInputDraft } from './checks-schemas';
import { environmentSchema, type Environment } from './environments';
import { dnsServerSpecSchema, domainToAscii, emailAddressSchema, idSchema, isoTimeSchema, refuseHidden } from './fields';
import { environmentLabel, platformEnvironments, type PlatformEnvironment } from './platform-ses';
import type { Platform } from './providers';

import { SES_PLATFORM_ID } from './platform-ids';

export { SES_PLATFORM_ID };

export const sesIdentityKinds = ['email', 'domain'] as const;
export const sesIdentityKindSchema = z.enum(sesIdentityKinds);
export type SesIdentityKind = z.infer<typeof sesIdentityKindSchema>;

/** The states Zuora's Identities table shows in its Verification Status column. */
export const sesVerificationStates = ['pending', 'success', 'failed'] as const;
export const sesVerificationStateSchema = z.enum(sesVerificationStates);
export type SesVerificationState = z.infer<typeof sesVerificationStateSchema>;

/** Easy DKIM gives three tokens per domain (three CNAMEs). */
export const SES_DKIM_TOKEN_COUNT = 3;

/**
 * A token as pasted: the bare token, the CNAME's name (`<token>._domainkey` or
 * `<token>._domainkey.example.com`, as Zuora's DKIM Settings dialog shows it) or its target
 * (`<token>.dkim.amazonses.com`) all give the token.
 */
export function normalizeDkimToken(typed: string): string {
  const lower = typed.trim().toLowerCase().replace(/\.$/u, '');
  const domainkey = lower.indexOf('._domainkey');
  if (domainkey > 0) return lower.slice(0, domainkey);
  if (lower.endsWith('.dkim.amazonses.com')) return lower.slice(0, -'.dkim.amazonses.com'.length);
  return lower;
}

/**
 * AWS documents the tokens only as "character strings"; SES produces 32 lowercase letters
 * and digits, and Zuora's own example is shorter (`ctoy2wj55u`). So: 8 to 63 lowercase
 * letters and digits (one DNS label), whatever the case it was pasted in.
 */
export const sesDkimTokenSchema = z
  .string()
  .max(300)
  .superRefine(refuseHidden('The DKIM token'))
  .transform(normalizeDkimToken)
  .pipe(
    z.string().regex(/^[a-z0-9]{8,63}$/u, {
      message: 'A DKIM token is the part before ._domainkey in Zuora\'s DKIM Settings dialog: letters and digits only, such as ctoy2wj55u.',
    }),
  );

export const sesVerificationSchema = z.strictObject({
  state: sesVerificationStateSchema,
  /** When the identity entered this state (created: Pending since then). */
  since: isoTimeSchema,
  /** When the admin last recorded what Zuora shows (or Relayproof looked at DNS); null: never. */
  checkedAt: isoTimeSchema.nullable(),
  /** Email identity: when Amazon SES sent the verification link (it expires after 24 hours); null for a domain. */
  linkSentAt: isoTimeSchema.nullable(),
});
export type SesVerification = z.infer<typeof sesVerificationSchema>;

/** The value as typed: an address (email identity), or a domain or an address at it (domain identity). */
const typedValueSchema = z.string().max(320).superRefine(refuseHidden('The identity'));

/** What the admin gives for a new identity. */
export const sesIdentityFieldsSchema = z.strictObject({
  kind: sesIdentityKindSchema,
  /** Email identity: the address. Domain identity: the domain, or any address at it (the domain is kept). */
  value: typedValueSchema,
  environment: environmentSchema,
  /** Domain identity: the three tokens from Zuora's DKIM Settings dialog, once shown (none before). Email identity: none. */
  dkimTokens: z.array(sesDkimTokenSchema).max(SES_DKIM_TOKEN_COUNT, { message: 'A domain identity has exactly three DKIM tokens.' }).default([]),
  /** The admin confirmed that an active Zuora user has a work email on this domain. */
  eligibilityConfirmed: z.boolean(),
});
export type SesIdentityFields = z.output<typeof sesIdentityFieldsSchema>;
export type SesIdentityFieldsInput = z.input<typeof sesIdentityFieldsSchema>;

/** A stored identity; `value` is lower case, ASCII (punycode domain). Never a secret. */
export const sesIdentitySchema = z.strictObject({
  id: idSchema,
  kind: sesIdentityKindSchema,
  value: z.string().min(3).max(320),
  environment: environmentSchema,
  dkimTokens: z.array(z.string().regex(/^[a-z0-9]{8,63}$/u)).max(SES_DKIM_TOKEN_COUNT),
  eligibilityConfirmed: z.boolean(),
  verification: sesVerificationSchema,
  createdAt: isoTimeSchema,
});
export type SesIdentity = z.infer<typeof sesIdentitySchema>;

/** What an edit may change; the kind and value are the identity itself (Zuora: delete it and add the new one). */
export const sesIdentityPatchSchema = z.strictObject({
  environment: environmentSchema.optional(),
  dkimTokens: z.array(sesDkimTokenSchema).max(SES_DKIM_TOKEN_COUNT).optional(),
  eligibilityConfirmed: z.boolean().optional(),
});
export type SesIdentityPatch = z.output<typeof sesIdentityPatchSchema>;

/** One row of an export: the fields, and what Zuora showed last (verification lives in the tenant, not on this computer). */
export const sesIdentityExportRowSchema = z.strictObject({
  ...sesIdentityFieldsSchema.shape,
  verification: z.strictObject({ state: sesVerificationStateSchema, since: isoTimeSchema }).optional(),
});
export type SesIdentityExportRow = z.output<typeof sesIdentityExportRowSchema>;

// ---------------------------------------------------------------------------
// The value

/** A domain in lower-case ASCII (punycode), or null. */
function asciiDomain(typed: string): string | null {
  const bare = typed.trim().replace(/\.$/u, '');
  if (bare === '' || !bare.includes('.')) return null;
  return domainToAscii(bare)?.toLowerCase() ?? null;
}

export type IdentityValue = { readonly ok: true; readonly value: string; readonly domain: string } | { readonly ok: false; readonly message: string };

/**
 * The stored form of what was typed: lower case with the domain in ASCII. An email
 * identity is an address; a domain identity is a domain, or an address at it, of which
 * the domain is kept (the wizard and `--address` may be given either).
 */
export function identityValue(kind: SesIdentityKind, typed: string): IdentityValue {
  const text = typed.trim();
  const at = text.lastIndexOf('@');
  if (kind === 'email') {
    if (at < 1 || !emailAddressSchema.safeParse(text).success) return { ok: false, message: 'An email identity is one address, such as billing@yourcompany.com.' };
    const domain = asciiDomain(text.slice(at + 1));
    if (domain === null) return { ok: false, message: 'An email identity is one address, such as billing@yourcompany.com.' };
    return { ok: true, value: `${text.slice(0, at).toLowerCase()}@${domain}`, domain };
  }
  const domain = asciiDomain(at >= 0 ? text.slice(at + 1) : text);
  if (domain === null || (at >= 0 && !emailAddressSchema.safeParse(text).success)) {
    return { ok: false, message: 'A domain identity is a domain such as yourcompany.com (or an address at it, of which the domain is used).' };
  }
  return { ok: true, value: domain, domain };
}

/** The domain an identity is on: the domain itself, or the address's domain. */
export function identityDomain(identity: Pick<SesIdentity, 'kind' | 'value'>): string {
  return identity.kind === 'domain' ? identity.value : identity.value.slice(identity.value.lastIndexOf('@') + 1);
}

// ---------------------------------------------------------------------------
// Zuora's words (seed: zuora-external-and-advanced-smtp.txt, "Notes and limitations" and "Prerequisites")

export const ZUORA_WORDS = {
  oneDomain: 'You can create at most one domain identity for your Zuora tenant.',
  threeEmails: 'You can create up to three email identities for your Zuora tenant.',
  sameDomain: 'You cannot create a domain identity and an email identity with the same domain.',
  eligibility:
    'For security purposes, Zuora only allows for identity types that can be actively identified in your Zuora tenant. For example, an email identity must exist as an active user in your Zuora tenant, and a domain identity must match a domain of an active user in your Zuora tenant.',
  noPassword: "Zuora's advanced SMTP has no password: Zuora sends from its own Amazon SES account",
} as const;

/** The limits Relayproof enforces when the platform file gives none (its `limits`: domain-identities, email-identities). */
export interface SesRules {
  readonly environments: readonly PlatformEnvironment[];
  readonly maxDomainIdentities: number;
  readonly maxEmailIdentities: number;
  /** The platform's name in a sentence ("Zuora"). */
  readonly name: string;
}

/** The rules of a platform from its data: environments and the two identity limits. */
export function sesRulesOf(platform: Pick<Platform, 'environments' | 'source' | 'checked' | 'limits' | 'shortName'>): SesRules {
  const limit = (key: string, fallback: number) => platform.limits.find((l) => l.key === key)?.value ?? fallback;
  return { environments: platformEnvironments(platform), maxDomainIdentities: limit('domain-identities', 1), maxEmailIdentities: limit('email-identities', 3), name: platform.shortName };
}

/** The verification group of an environment (production and API Sandbox share one), or null when the platform does not offer it. */
export function verificationGroupOf(rules: Pick<SesRules, 'environments'>, environment: Environment): string | null {
  return rules.environments.find((e) => e.id === environment)?.verificationGroup ?? null;
}

/** "Production and API Sandbox already have", "Production already has". */
function groupAlready(rules: Pick<SesRules, 'environments'>, group: string): string {
  const labels = rules.environments.filter((e) => e.verificationGroup === group).map((e) => e.label);
  return labels.length <= 1 ? `${labels[0] ?? group} already has` : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1) ?? ''} already have`;
}

export const sesIdentityProblemCodes = ['invalid', 'environment', 'eligibility', 'duplicate', 'limit-domain', 'limit-email', 'same-domain', 'dkim-tokens'] as const;
export type SesIdentityProblemCode = (typeof sesIdentityProblemCodes)[number];
export const sesIdentityProblemSchema = z.object({ code: z.enum(sesIdentityProblemCodes), message: z.string() });
export type SesIdentityProblem = z.infer<typeof sesIdentityProblemSchema>;

/** What the rules compare with: the saved identities (their id, kind, value and environment). */
export type SavedIdentity = Pick<SesIdentity, 'id' | 'kind' | 'value' | 'environment'>;

export interface IdentityCandidate {
  readonly kind: SesIdentityKind;
  /** As typed (identityValue makes the stored form). */
  readonly value: string;
  readonly environment: Environment;
  readonly dkimTokens: readonly string[];
  readonly eligibilityConfirmed: boolean;
  /** The identity being edited: not counted against itself. */
  readonly excludeId?: string | undefined;
}

export const identityCheckSchema = z.object({
  /** The stored form, null when the value is not valid for its kind. */
  value: z.string().nullable(),
  domain: z.string().nullable(),
  verificationGroup: z.string().nullable(),
  problems: z.array(sesIdentityProblemSchema),
  /** Not refusals: e.g. the same identity already in the other environment of its group (verified once, used in both). */
  notes: z.array(z.string()),
});
export type IdentityCheck = z.infer<typeof identityCheckSchema>;

/**
 * Every rule for a new (or edited) identity against the saved ones. Zuora states its
 * limits per tenant; production and API Sandbox share verified identities, so Relayproof
 * counts the identities of one verification group together (production with API Sandbox,
 * Developer with Central Sandbox), and the same identity in two environments of one group
 * counts once (it is one verified identity). The same-domain rule compares the exact
 * domain: an email identity on a subdomain (noreply@en.yourcompany.com) does not clash
 * with the domain identity yourcompany.com.
 */
export function checkIdentity(candidate: IdentityCandidate, saved: readonly SavedIdentity[], rules: SesRules): IdentityCheck {
  const problems: SesIdentityProblem[] = [];
  const notes: string[] = [];
  const parsed = identityValue(candidate.kind, candidate.value);
  const group = verificationGroupOf(rules, candidate.environment);
  if (group === null) {
    problems.push({
      code: 'environment',
      message: `${rules.name} has no ${environmentLabel(undefined, candidate.environment)} environment for this: choose ${rules.environments.map((e) => `${e.label} (${e.id})`).join(', ')}.`,
    });
  }
  if (!candidate.eligibilityConfirmed) {
    problems.push({
      code: 'eligibility',
      message: `Confirm first that an active ${rules.name} user has a work email on this domain. ${ZUORA_WORDS.eligibility} Without such a user, Zuora refuses the identity: add and activate the user in Zuora first.`,
    });
  }
  if (candidate.kind === 'email' && candidate.dkimTokens.length > 0) {
    problems.push({ code: 'dkim-tokens', message: 'An email identity has no DKIM CNAMEs in Zuora: only a domain identity shows its three tokens (DKIM Settings).' });
  }
  if (candidate.kind === 'domain' && candidate.dkimTokens.length !== 0 && candidate.dkimTokens.length !== SES_DKIM_TOKEN_COUNT) {
    problems.push({ code: 'dkim-tokens', message: `Give all three DKIM tokens from Zuora's DKIM Settings dialog (${candidate.dkimTokens.length} given), or none until Zuora shows them.` });
  } else if (new Set(candidate.dkimTokens).size !== candidate.dkimTokens.length) {
    problems.push({ code: 'dkim-tokens', message: 'The three DKIM tokens are different from each other: one was given twice.' });
  }
  if (!parsed.ok) {
    problems.push({ code: 'invalid', message: parsed.message });
    return { value: null, domain: null, verificationGroup: group, problems, notes };
  }
  if (group === null) return { value: parsed.value, domain: parsed.domain, verificationGroup: null, problems, notes };

  const others = saved.filter((s) => s.id !== candidate.excludeId);
  const inGroup = others.filter((s) => verificationGroupOf(rules, s.environment) === group);
  const already = groupAlready(rules, group);
  const same = (s: SavedIdentity) => s.kind === candidate.kind && s.value === parsed.value;
  if (inGroup.some((s) => same(s) && s.environment === candidate.environment)) {
    problems.push({ code: 'duplicate', message: `${parsed.value} is already a ${candidate.kind} identity in ${environmentLabel(undefined, candidate.environment)}: open it instead.` });
    return { value: parsed.value, domain: parsed.domain, verificationGroup: group, problems, notes };
  }
  const sharedWith = inGroup.find(same);
  if (sharedWith !== undefined) {
    notes.push(`${parsed.value} is already an identity in ${environmentLabel(undefined, sharedWith.environment)}, which shares verifications with this environment: verify it once, it counts once.`);
  }
  // Distinct identities of the group: the same value in two environments of one group is one.
  const distinct = (kind: SesIdentityKind) => new Set(inGroup.filter((s) => s.kind === kind).map((s) => s.value));
  if (sharedWith === undefined) {
    const domains = distinct('domain');
    const emails = distinct('email');
    if (candidate.kind === 'domain' && domains.size >= rules.maxDomainIdentities) {
      problems.push({ code: 'limit-domain', message: `“${ZUORA_WORDS.oneDomain}” ${already} the domain identity ${[...domains].sort().join(', ')}. Environments that share verifications count as one tenant here.` });
    }
    if (candidate.kind === 'email' && emails.size >= rules.maxEmailIdentities) {
      problems.push({ code: 'limit-email', message: `“${ZUORA_WORDS.threeEmails}” ${already} ${[...emails].sort().join(', ')}. Remove one first, or verify the domain instead: a domain identity covers every address on it.` });
    }
  }
  const clash =
    candidate.kind === 'domain'
      ? inGroup.find((s) => s.kind === 'email' && identityDomain(s) === parsed.domain)
      : inGroup.find((s) => s.kind === 'domain' && s.value === parsed.domain);
  if (clash !== undefined) {
    problems.push({
      code: 'same-domain',
      message: `“${ZUORA_WORDS.sameDomain}” ${already} the ${clash.kind} identity ${clash.value}. ${candidate.kind === 'email' ? `The domain identity already covers ${parsed.value}: send from it without an email identity.` : `Remove the email identity ${clash.value} first: the domain identity covers it.`}`,
    });
  }
  return { value: parsed.value, domain: parsed.domain, verificationGroup: group, problems, notes };
}

// ---------------------------------------------------------------------------
// Coverage of From addresses

export type CoverageHow = 'address' | 'domain' | 'subdomain';

/** An identity that would let Zuora send from the address, and where it is verified. */
export interface CoveringIdentity {
  readonly identity: SesIdentity;
  readonly how: CoverageHow;
  readonly verified: boolean;
}

export type Coverage =
  | {
      readonly covered: true;
      /** The best of `covering`: verified before pending, an email identity before the domain. */
      readonly identity: SesIdentity;
      readonly how: CoverageHow;
      readonly verified: boolean;
      /** Every identity that covers the address in the environment asked about (all environments when none was). */
      readonly covering: readonly CoveringIdentity[];
      readonly message: string;
    }
  | {
      readonly covered: false;
      /** Identities that cover the address in environments that do not share verifications with the one asked about. */
      readonly elsewhere: readonly CoveringIdentity[];
      readonly message: string;
    };

/** Where Zuora would send from: the platform's environments (their verification groups) and, optionally, one of them. */
export interface CoverageScope {
  readonly rules: Pick<SesRules, 'environments'>;
  /** Undefined: any environment, and the answer says which environment each covering identity is in. */
  readonly environment?: Environment | undefined;
}

function labelIn(rules: Pick<SesRules, 'environments'>, environment: Environment): string {
  return rules.environments.find((e) => e.id === environment)?.label ?? environmentLabel(undefined, environment);
}

/** "Production", or "Production (verification shared with API Sandbox)". */
function whereVerified(rules: Pick<SesRules, 'environments'>, environment: Environment): string {
  const group = verificationGroupOf(rules, environment);
  const mates = rules.environments.filter((e) => e.verificationGroup === group && e.id !== environment).map((e) => e.label);
  return mates.length === 0 ? labelIn(rules, environment) : `${labelIn(rules, environment)} (verification shared with ${mates.join(' and ')})`;
}

function identityWords(c: CoveringIdentity): string {
  return c.how === 'address' ? `the email identity ${c.identity.value}` : c.how === 'domain' ? `the domain identity ${c.identity.value}` : `the domain identity ${c.identity.value} (a subdomain of it)`;
}

function stateWord(identity: SesIdentity): string {
  return identity.verification.state === 'success' ? 'verified' : identity.verification.state === 'failed' ? 'Failed' : 'still Pending';
}

/**
 * Which identity lets Zuora send from `from` (seed, "Notes and limitations": an email
 * identity allows exactly that address, a domain identity every address on the domain and
 * its subdomains). Domains compare case-insensitively (DNS does); the local part compares
 * as stored (lower case): Amazon SES does not promise to fold the case of a local part,
 * so `Billing@` is reported as not covered by `billing@`, with the reason. A verified
 * identity wins over one still pending; an email identity over the domain.
 *
 * An identity covers only the environments of its verification group (seed: Production
 * and API Sandbox share verifications, Developer and Central Sandbox do not share them
 * with those): a domain verified in Production does not let a Developer Sandbox tenant
 * send. With `scope.environment` only that group counts, and identities elsewhere are
 * named as such; without it, every covering identity is named with its environment.
 */
export function coveredFrom(identities: readonly SesIdentity[], from: string, scope: CoverageScope): Coverage {
  const { rules, environment } = scope;
  const text = from.trim();
  const at = text.lastIndexOf('@');
  const domain = at > 0 ? asciiDomain(text.slice(at + 1)) : null;
  if (domain === null) return { covered: false, elsewhere: [], message: `${from} is not an email address, so no identity can cover it.` };
  const local = text.slice(0, at);
  const address = `${local}@${domain}`;
  const group = environment === undefined ? null : verificationGroupOf(rules, environment);
  const inScope = (i: SesIdentity) => environment === undefined || (group !== null && verificationGroupOf(rules, i.environment) === group);
  const rank = (i: SesIdentity) => (i.verification.state === 'success' ? 0 : 1);
  const matches: CoveringIdentity[] = [];
  for (const identity of identities) {
    const verified = identity.verification.state === 'success';
    if (identity.kind === 'email' && identity.value === address) matches.push({ identity, how: 'address', verified });
    if (identity.kind === 'domain' && domain === identity.value) matches.push({ identity, how: 'domain', verified });
    if (identity.kind === 'domain' && domain.endsWith(`.${identity.value}`)) matches.push({ identity, how: 'subdomain', verified });
  }
  matches.sort((a, b) => rank(a.identity) - rank(b.identity) || (a.how === 'address' ? -1 : 0) - (b.how === 'address' ? -1 : 0));
  const covering = matches.filter((m) => inScope(m.identity));
  const elsewhere = matches.filter((m) => !inScope(m.identity));
  const best = covering[0];
  if (best !== undefined) {
    const inWords = environment === undefined ? '' : ` in ${labelIn(rules, environment)}`;
    const head = best.verified
      ? `${address} is covered${inWords} by ${identityWords(best)}, verified in ${whereVerified(rules, best.identity.environment)}.`
      : `${address} would be covered${inWords} by ${identityWords(best)}, but it is ${stateWord(best.identity)} in ${whereVerified(rules, best.identity.environment)}: Zuora sends only from verified identities.`;
    const others = covering.slice(1).map((c) => `${identityWords(c)}, ${stateWord(c.identity)} in ${labelIn(rules, c.identity.environment)}`);
    // Without an environment, name the environments none of the identities serves: a sandbox tenant there cannot send from the address.
    const servedGroups = new Set(covering.map((c) => verificationGroupOf(rules, c.identity.environment)));
    const unserved = environment === undefined ? rules.environments.filter((e) => !servedGroups.has(e.verificationGroup)).map((e) => e.label) : [];
    return {
      covered: true,
      identity: best.identity,
      how: best.how,
      verified: best.verified,
      covering,
      message: [
        head,
        ...(others.length === 0 ? [] : [`Also: ${others.join('; ')}.`]),
        ...(unserved.length === 0 ? [] : [`Not covered in ${unserved.join(' or ')}: no identity there, and it does not share verifications with the environments above.`]),
      ].join(' '),
    };
  }
  const firstElsewhere = elsewhere[0];
  if (environment !== undefined && firstElsewhere !== undefined) {
    const here = labelIn(rules, environment);
    const mates = rules.environments.filter((e) => e.verificationGroup === group && e.id !== environment).map((e) => e.label);
    const there = [...new Set(elsewhere.map((c) => labelIn(rules, c.identity.environment)))];
    return {
      covered: false,
      elsewhere,
      message: `No identity in ${here} covers ${address}: ${identityWords(firstElsewhere)} is in ${there.join(' and ')}, whose verifications ${here} does not share. Add ${firstElsewhere.identity.value} as a ${firstElsewhere.identity.kind} identity in ${here}${mates.length === 0 ? '' : ` (or ${mates.join(' or ')}, which shares verifications with it)`} and verify it there${firstElsewhere.identity.kind === 'domain' ? ': its three DKIM CNAMEs there are a set of their own' : ''}.`,
    };
  }
  const scoped = identities.filter(inScope);
  const where = environment === undefined ? '' : ` in ${labelIn(rules, environment)}`;
  const caseOnly = scoped.find((i) => i.kind === 'email' && i.value.toLowerCase() === address.toLowerCase());
  if (caseOnly !== undefined) {
    return { covered: false, elsewhere, message: `${address} differs from the email identity ${caseOnly.value} only in letter case; send from exactly ${caseOnly.value}, or add the identity as you send from it.` };
  }
  const sameDomainEmails = scoped.filter((i) => i.kind === 'email' && identityDomain(i) === domain).map((i) => i.value);
  return {
    covered: false,
    elsewhere,
    message:
      sameDomainEmails.length > 0
        ? `No identity${where} covers ${address}: an email identity allows only its own address (${sameDomainEmails.join(', ')}). Add ${address} as an email identity, or verify the domain ${domain}.`
        : `No identity${where} covers ${address}: add it as an email identity, or verify its domain ${domain} as a domain identity.`,
  };
}

// ---------------------------------------------------------------------------
// DKIM CNAME sets per verification group

export interface CnameRecord {
  /** Fully qualified: `<token>._domainkey.<domain>`. */
  readonly name: string;
  readonly target: string;
}

export interface CnameSet {
  readonly verificationGroup: string;
  /** The environments the set serves, as the platform names them. */
  readonly environments: readonly PlatformEnvironment[];
  /** The domain identity of this group, or null when the domain has none there. */
  readonly identityId: string | null;
  /** Empty until its tokens are entered. */
  readonly records: readonly CnameRecord[];
}

/** The CNAME for a token, as Zuora's DKIM Settings dialog gives it (seed: `<token>._domainkey` + the domain). */
export function dkimCname(domain: string, token: string): CnameRecord {
  return { name: `${token}._domainkey.${domain}`, target: `${token}.dkim.amazonses.com` };
}

/**
 * Which CNAME sets `domain` needs: one set of three per verification group in which it is a
 * domain identity (seed: six CNAMEs for a domain verified in all four Zuora environments,
 * three for Production and API Sandbox, three for Developer and Central Sandbox).
 */
export function cnameSetsFor(domain: string, identities: readonly SesIdentity[], rules: Pick<SesRules, 'environments'>): CnameSet[] {
  const wanted = asciiDomain(domain) ?? domain.toLowerCase();
  const sets: CnameSet[] = [];
  for (const group of [...new Set(rules.environments.map((e) => e.verificationGroup))]) {
    const here = identities.filter((i) => i.kind === 'domain' && i.value === wanted && verificationGroupOf(rules, i.environment) === group);
    if (here.length === 0) continue;
    const withTokens = here.find((i) => i.dkimTokens.length === SES_DKIM_TOKEN_COUNT) ?? here[0];
    sets.push({
      verificationGroup: group,
      environments: rules.environments.filter((e) => e.verificationGroup === group),
      identityId: withTokens?.id ?? null,
      records: (withTokens?.dkimTokens ?? []).map((t) => dkimCname(wanted, t)),
    });
  }
  return sets;
}

// ---------------------------------------------------------------------------
// Verification advice

export const sesVerificationActions = ['none', 'wait', 'open-link', 'resend', 'retry', 're-add'] as const;
export type SesVerificationAction = (typeof sesVerificationActions)[number];

export interface VerificationAdvice {
  readonly state: SesVerificationState;
  /** Pending past Zuora's window (72 hours), or an email link past its 24 hours. */
  readonly overdue: boolean;
  readonly action: SesVerificationAction;
  /** What to do, in the admin's words (the seed's steps). */
  readonly message: string;
  /** When the current wait ends (the 72 hours, or the link's 24), null when nothing is waited for. */
  readonly deadline: string | null;
  /**
   * The deadline as `message` writes it (in UTC, as the CLI prints it), or null when the
   * message names no time: a view shows the time there as it shows every other time.
   */
  readonly deadlineText: string | null;
}

/** "2026-12-09 23:57 UTC": a time in a sentence every surface can print. */
function utcWords(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const HOUR_MS = 3_600_000;

/**
 * What the admin does next for an identity as Zuora shows it (seed, "Verify a domain
 * identity" / "Verify an email identity"): Success: nothing; Failed: Retry; a domain
 * Pending over 72 hours: delete and add it again; an email link older than 24 hours has
 * expired: send a new one.
 */
export function identityVerificationAdvice(
  identity: Pick<SesIdentity, 'kind' | 'value' | 'verification'>,
  now: Date,
  windows: { readonly pendingMaxHours: number; readonly emailLinkHours: number } = { pendingMaxHours: 72, emailLinkHours: 24 },
): VerificationAdvice {
  const { state, since, linkSentAt } = identity.verification;
  switch (state) {
    case 'success':
      return { state, overdue: false, action: 'none', deadline: null, deadlineText: null, message: `Verified: Zuora can send from ${identity.kind === 'domain' ? `every address on ${identity.value} and its subdomains` : identity.value}.` };
    case 'failed':
      return {
        state,
        overdue: false,
        action: 'retry',
        deadline: null,
        deadlineText: null,
        message:
          identity.kind === 'domain'
            ? `Verification failed. Add the three CNAME records to ${identity.value}'s DNS again (check that each resolves to its target), then click Retry in the Verification Status column.`
            : `Verification failed. Click Retry in the Verification Status column to send a new verification email to ${identity.value}, then open the link in it within ${windows.emailLinkHours} hours.`,
      };
    case 'pending': {
      if (identity.kind === 'email') {
        const sent = Date.parse(linkSentAt ?? since);
        const expires = sent + windows.emailLinkHours * HOUR_MS;
        if (now.getTime() >= expires) {
          return {
            state,
            overdue: true,
            action: 'resend',
            deadline: new Date(expires).toISOString(),
            deadlineText: null,
            message: `The verification link Amazon SES sent to ${identity.value} has expired (links expire after ${windows.emailLinkHours} hours). Send a new one: click Retry in the Verification Status column (or delete the email identity and add it again), then open the link within ${windows.emailLinkHours} hours.`,
          };
        }
        return {
          state,
          overdue: false,
          action: 'open-link',
          deadline: new Date(expires).toISOString(),
          deadlineText: utcWords(expires),
          message: `Open the verification email Amazon SES sent to ${identity.value} and click its link before it expires (${utcWords(expires)}); Zuora then shows Success.`,
        };
      }
      const deadline = Date.parse(since) + windows.pendingMaxHours * HOUR_MS;
      if (now.getTime() >= deadline) {
        return {
          state,
          overdue: true,
          action: 're-add',
          deadline: new Date(deadline).toISOString(),
          deadlineText: null,
          message: `Pending for more than ${windows.pendingMaxHours} hours. Check that the three CNAME records resolve, then delete the domain identity ${identity.value} in Zuora and add it again to initiate re-verification (its DKIM tokens change: enter the new ones).`,
        };
      }
      return {
        state,
        overdue: false,
        action: 'wait',
        deadline: new Date(deadline).toISOString(),
        deadlineText: utcWords(deadline),
        message: `Zuora shows Pending while Amazon SES looks for the three CNAME records; it turns to Success or Failed within ${windows.pendingMaxHours} hours (by ${utcWords(deadline)}).`,
      };
    }
  }
}

// ---------------------------------------------------------------------------
// The checklist of an identity

/**
 * The DNS checklist input of an identity: its domain on the SES platform, with its DKIM
 * tokens as the token-CNAME selectors (Amazon SES looks for exactly those three).
 */
export function checklistInputForIdentity(identity: Pick<SesIdentity, 'kind' | 'value'> & { readonly dkimTokens: readonly string[] }, facts: { readonly dnsServers: readonly string[]; readonly platform?: string }): ChecklistInputDraft {
  return { domain: identityDomain(identity), platform: facts.platform ?? SES_PLATFORM_ID, relaySelectors: [...identity.dkimTokens], dnsServers: [...facts.dnsServers] };
}

// ---------------------------------------------------------------------------
// DNS readiness (what Amazon SES checks for a domain identity)

export const dnsReadinessSchema = z.object({
  identityId: idSchema,
  domain: z.string(),
  /** All three CNAMEs resolve to their targets: what Amazon SES looks for before Zuora shows Success. */
  ready: z.boolean(),
  records: z.array(
    z.object({
      name: z.string(),
      target: z.string(),
      /** What the name resolved to (CNAME targets), empty when nothing. */
      found: z.array(z.string()),
      ok: z.boolean(),
      /** In the admin's words, null when ok. */
      problem: z.string().nullable(),
    }),
  ),
  /** Why nothing was looked up (no tokens yet, an email identity), null when it was. */
  notChecked: z.string().nullable(),
  checkedAt: isoTimeSchema,
});
export type DnsReadiness = z.infer<typeof dnsReadinessSchema>;

// ---------------------------------------------------------------------------
// Channels

export const sesIdentityChannels = {
  'ses-identities:list': { input: empty, output: z.array(sesIdentitySchema) },
  /** Is this identity acceptable (limits, mixing, eligibility, environment)? Offline. */
  'ses-identities:check-new': { input: z.strictObject({ fields: sesIdentityFieldsSchema, excludeId: idSchema.optional() }), output: identityCheckSchema },
  'ses-identities:create': { input: z.strictObject({ fields: sesIdentityFieldsSchema }), output: sesIdentitySchema },
  'ses-identities:update': { input: z.strictObject({ id: idSchema, patch: sesIdentityPatchSchema }), output: sesIdentitySchema },
  'ses-identities:delete': { input: byId, output: z.object({ deleted: z.boolean() }) },
  /** Records what Zuora's Identities table shows (there is no API to ask). */
  'ses-identities:record-verification': {
    input: z.strictObject({ id: idSchema, state: sesVerificationStateSchema, linkSentAt: isoTimeSchema.optional() }),
    output: sesIdentitySchema,
  },
  /** A domain identity's three CNAMEs against DNS: ready when all resolve to their targets. */
  'ses-identities:check-dns': {
    input: z.strictObject({ id: idSchema, dnsServers: z.array(dnsServerSpecSchema).max(8).default([]) }),
    output: dnsReadinessSchema,
    timeoutMs: 20_000,
  },
} as const satisfies Record<string, ChannelSpec>;
