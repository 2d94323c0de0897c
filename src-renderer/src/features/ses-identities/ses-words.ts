/**
 * Sentences the SES identity views share, built from the platform's data (its
 * environments and their verification groups, its limits), so the wizard, the status and
 * the list say the same thing the rules enforce.
 */
import type { Environment } from '../../../../src-preload/contract';
import type { PlatformEnvironment } from '../../../../src-preload/contract/platform-ses';
import type { SesIdentityKind, SesRules } from '../../../../src-preload/contract/ses-identities';

export const kindLabels = {
  email: 'Email identity',
  domain: 'Domain identity',
} as const satisfies Record<SesIdentityKind, string>;

/** What each kind lets Zuora send from (seed, "Notes and limitations"). */
export const kindSummaries = {
  email:
    "Covers exactly that one address. Amazon SES verifies it by a link sent to the address; it has no DNS records of your own, so the mail is DKIM-signed by Amazon SES's own domain only and does not pass DMARC for your domain.",
  domain:
    'Covers every address on the domain and its subdomains. Verified by three DKIM CNAME records in your DNS; Amazon SES then signs with your domain too, which is what DMARC alignment needs.',
} as const satisfies Record<SesIdentityKind, string>;

/** Zuora's Verification Status column, as Zuora writes it: the contract's words, shared with the CLI. */
export { sesStateLabels as zuoraStateLabels } from '../../../../src-preload/contract/state-labels';

/** "A and B" / "A, B and C". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

/** The environments in groups that share verifications, in the platform's order. */
export function verificationGroups(environments: readonly PlatformEnvironment[]): ReadonlyArray<readonly PlatformEnvironment[]> {
  const groups = new Map<string, PlatformEnvironment[]>();
  for (const environment of environments) groups.set(environment.verificationGroup, [...(groups.get(environment.verificationGroup) ?? []), environment]);
  return [...groups.values()];
}

/**
 * "Production and API Sandbox share verifications; Developer Sandbox and Central Sandbox
 * need their own three CNAMEs (six in all for a domain used everywhere)."
 */
export function sharingRule(environments: readonly PlatformEnvironment[], cnameCount: number): string {
  const groups = verificationGroups(environments);
  if (groups.length <= 1) return `Every environment shares the same verification: one set of ${cnameCount} CNAMEs.`;
  const [first, ...rest] = groups;
  const labels = (group: readonly PlatformEnvironment[]) => listWords(group.map((e) => e.label));
  const firstPart = first !== undefined && first.length > 1 ? `${labels(first)} share verifications` : `${labels(first ?? [])} has its own verification`;
  const restPart = rest.map((group) => `${labels(group)} need${group.length > 1 ? '' : 's'} ${group.length > 1 ? 'their' : 'its'} own ${cnameCount} CNAMEs`).join('; ');
  return `${firstPart}; ${restPart} (${groups.length * cnameCount} in all for a domain used in every environment).`;
}

/** The environments that share verifications with `environment` (itself first), as the platform names them. */
export function groupOf(environments: readonly PlatformEnvironment[], environment: Environment): readonly PlatformEnvironment[] {
  const group = environments.find((e) => e.id === environment)?.verificationGroup;
  if (group === undefined) return [];
  const members = environments.filter((e) => e.verificationGroup === group);
  return [...members.filter((e) => e.id === environment), ...members.filter((e) => e.id !== environment)];
}

/** The limits said up front, with how Relayproof counts environments. */
export function limitsSentence(rules: SesRules): string {
  const groups = verificationGroups(rules.environments).map((group) => listWords(group.map((e) => e.label)));
  return `${rules.name} allows at most ${rules.maxDomainIdentities === 1 ? 'one domain identity' : `${rules.maxDomainIdentities} domain identities`} and up to ${rules.maxEmailIdentities === 3 ? 'three' : rules.maxEmailIdentities} email identities, and never a domain identity and an email identity with the same domain. Environments that share verifications count together: ${groups.join('; ')}.`;
}

/** Which From addresses an identity lets Zuora send from, with examples. */
export function coverageSentence(kind: SesIdentityKind, value: string): string {
  if (kind === 'email') {
    const domain = value.slice(value.lastIndexOf('@') + 1);
    return `Zuora can send from exactly ${value} — not from other addresses on ${domain} (each needs its own email identity, or verify the domain).`;
  }
  return `Zuora can send from every address on ${value} and its subdomains, such as billing@${value} or noreply@mail.${value}.`;
}
