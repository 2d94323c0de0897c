/**
 * Is this address acceptable for this platform and environment? Pure and offline: the
 * syntax (internationalised addresses in their ASCII and Unicode forms), the platform's
 * own system addresses, the platform's limits from resources/platforms (Zendesk: 50
 * addresses per domain, 4 domains, 200 in total), and duplicates on the same or the
 * other environment.
 *
 * Limits are counted the way the platform counts them: per platform account, and a
 * sandbox is an account of its own, so the saved addresses of one platform and one
 * environment are counted together.
 */
import { domainToUnicode } from 'node:url';
import type { AddressCheck } from '../../src-preload/contract/addresses';
import type { Address, Environment } from '../../src-preload/contract/addresses-schemas';
import { domainToAscii, emailAddressSchema, hiddenCharacterProblem } from '../../src-preload/contract/fields';
import type { PlatformId } from '../../src-preload/contract/platform-vocabulary';
import { environmentRefusal, platformConnection, type Platform } from '../../src-preload/contract/providers';
import { ZUORA_WORDS } from '../../src-preload/contract/ses-identities';

export interface AddressCheckRequest {
  readonly address: string;
  readonly platform: PlatformId;
  readonly environment: Environment;
  /** Not counted against itself (the address being edited, or the wizard's in-progress one). */
  readonly excludeId?: string | undefined;
}

/** What the check compares with: the saved addresses (only their identity matters). */
export type SavedAddress = Pick<Address, 'id' | 'address' | 'platform' | 'environment'>;

export interface ParsedAddress {
  readonly ascii: string;
  readonly unicode: string;
  readonly domainAscii: string;
  readonly domainUnicode: string;
  readonly internationalised: boolean;
}

const NON_ASCII = /[^\u0000-\u007f]/u;

/**
 * The two forms of an address: `ascii` (punycode domain, as SMTP and DNS use it, the
 * local part as typed) and `unicode` (what people read). Domains compare lower case.
 * Null when the address is not valid.
 */
export function parseAddress(address: string): ParsedAddress | null {
  // A check compares the new address with every saved one, and an import checks each row so:
  // parsing (the schema, punycode both ways) once per spelling keeps 1,000 rows linear.
  const known = parsed.get(address);
  if (known !== undefined) return known;
  const result = parseUncached(address);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(address, result);
  return result;
}

/** Spellings parsed so far (the result depends on the text alone); forgotten all at once past the cap. */
const parsed = new Map<string, ParsedAddress | null>();
const MAX_PARSED = 20_000;

function parseUncached(address: string): ParsedAddress | null {
  const typed = address.trim();
  if (!emailAddressSchema.safeParse(typed).success) return null;
  const at = typed.lastIndexOf('@');
  const local = typed.slice(0, at);
  const domain = typed.slice(at + 1).replace(/\.$/u, '');
  const ascii = domainToAscii(domain)?.toLowerCase() ?? null;
  if (ascii === null || !ascii.includes('.')) return null;
  const unicode = domainToUnicode(ascii) || ascii;
  // Frozen: every caller that parses this spelling gets this object.
  return Object.freeze({
    ascii: `${local}@${ascii}`,
    unicode: `${local}@${unicode}`,
    domainAscii: ascii,
    domainUnicode: unicode,
    internationalised: NON_ASCII.test(local) || ascii !== unicode,
  });
}

/** The key under which two spellings of one address are the same address. */
export function addressKey(address: string): string {
  return (parseAddress(address)?.ascii ?? address.trim()).toLowerCase();
}

/** The platform in a sentence ("Zendesk", "the platform"), from its data; the id when that is missing. */
export function platformShortName(platform: Pick<Platform, 'shortName'> | undefined, id: PlatformId): string {
  return platform?.shortName ?? id;
}

/** The platform's own advice (its JSON) when one address is on both of its environments, else the general one. */
function otherEnvironmentAdvice(platform: Platform | undefined, name: string, address: string, other: Environment, here: Environment): string {
  const own = platform?.sameAddressInBothEnvironments?.advice;
  if (own !== undefined) return own.replaceAll('{address}', address).replaceAll('{other}', other).replaceAll('{here}', here);
  return `${address} is already connected to ${name} ${other}. Sandbox and production should not share one address and its credentials: remove it from the ${other} first when you move it, or use a separate test address.`;
}

interface Limits {
  readonly perDomain: number | null;
  readonly domains: number | null;
  readonly total: number | null;
}

/** The limits Relayproof enforces, by their key in the platform JSON. */
export function platformLimits(platform: Platform | undefined): Limits {
  const value = (key: string) => platform?.limits.find((l) => l.key === key)?.value ?? null;
  return { perDomain: value('addresses-per-domain'), domains: value('domains'), total: value('addresses-total') };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Checks one address against the saved ones. `platform` is the platform's data (its
 * limits and forwarding domain); without it, only syntax and duplicates are checked.
 */
export function checkNewAddress(request: AddressCheckRequest, saved: readonly SavedAddress[], platform: Platform | undefined): AddressCheck {
  const parsed = parseAddress(request.address);
  const errors: AddressCheck['errors'] = [];
  const warnings: AddressCheck['warnings'] = [];
  const name = platformShortName(platform, request.platform);
  const env = request.environment;
  const others = saved.filter((a) => a.id !== request.excludeId);
  const samePlatform = others.filter((a) => a.platform === request.platform && a.environment === env);

  if (platform !== undefined && platformConnection(platform) === 'ses-identity') {
    // Zuora's advanced SMTP is connected as an SES identity (ses-identities.ts), never as SMTP credentials.
    errors.push({
      code: 'ses-identity-platform',
      message: `${ZUORA_WORDS.noPassword}, so there is no SMTP server or password to save for it. Add an SES identity instead (an email address, or your domain): relayproof address add --platform ${platform.id} --identity email|domain --address A --environment E.`,
    });
  }
  const environmentProblem = platform === undefined ? null : environmentRefusal(platform, env);
  if (environmentProblem !== null) errors.push({ code: 'environment', message: environmentProblem });

  if (parsed === null) {
    // A pasted invisible or control character is named with its position: the generic advice would not find it.
    const hidden = hiddenCharacterProblem('The address', request.address);
    errors.push({ code: 'syntax', message: hidden ?? 'Enter an email address such as support@example.com (an internationalised domain such as support@bücher.example is fine).' });
    const domains = new Set(samePlatform.map((a) => parseAddress(a.address)?.domainAscii ?? a.address));
    return { ascii: null, unicode: null, domainAscii: null, domainUnicode: null, errors, warnings, counts: { sameDomain: 0, domains: domains.size, total: samePlatform.length } };
  }

  if (parsed.internationalised) {
    warnings.push({
      code: 'internationalised',
      message:
        parsed.ascii === parsed.unicode
          ? `${parsed.unicode} has non-ASCII letters before the @: the mail server and ${name} must both support internationalised mail (SMTPUTF8), which many do not.`
          : `${parsed.unicode} is written ${parsed.ascii} in DNS and SMTP (punycode); some SaaS forms only accept that form.`,
    });
  }

  // The platform's prerequisite (its seed's reason) when it declares one, else its forwarding domain.
  const ownAddressRule = platform?.prerequisites?.find((p) => p.rule === 'not-platform-domain');
  const suffix = (ownAddressRule?.domainSuffix ?? platform?.forwarding?.domainSuffix)?.toLowerCase().replace(/\.$/u, '');
  if (suffix !== undefined && suffix !== '' && (parsed.domainAscii === suffix || parsed.domainAscii.endsWith(`.${suffix}`))) {
    errors.push({
      code: 'system-address',
      message: `${parsed.unicode} is ${name}'s own address — connect your own domain's address (such as support@yourcompany.com); ${name} forwards to its own address, it does not send through it.${ownAddressRule === undefined ? '' : ` ${ownAddressRule.detail}`}`,
    });
  }

  const key = parsed.ascii.toLowerCase();
  const keyOf = (a: SavedAddress) => addressKey(a.address);
  if (samePlatform.some((a) => keyOf(a) === key)) {
    errors.push({ code: 'duplicate', message: `${parsed.unicode} is already connected to ${name} (${env}). Open that address to change or rotate it instead.` });
  }
  const otherEnv = others.find((a) => a.platform === request.platform && a.environment !== env && keyOf(a) === key);
  if (otherEnv !== undefined) {
    warnings.push({ code: 'other-environment', message: otherEnvironmentAdvice(platform, name, parsed.unicode, otherEnv.environment, env) });
  }
  const otherPlatform = others.find((a) => a.platform !== request.platform && keyOf(a) === key);
  if (otherPlatform !== undefined) {
    warnings.push({
      code: 'other-platform',
      message: `${parsed.unicode} is also connected to ${otherPlatform.platform} (${otherPlatform.environment}): both platforms will send as it, so SPF and DKIM must cover both.`,
    });
  }

  // Counts as they would be with this address added (a duplicate adds nothing).
  const isDuplicate = errors.some((e) => e.code === 'duplicate');
  const domainOf = (a: SavedAddress) => parseAddress(a.address)?.domainAscii ?? a.address.toLowerCase();
  const existingDomains = new Set(samePlatform.map(domainOf));
  const existingSameDomain = samePlatform.filter((a) => domainOf(a) === parsed.domainAscii).length;
  const counts = {
    sameDomain: existingSameDomain + (isDuplicate ? 0 : 1),
    domains: existingDomains.size + (existingDomains.has(parsed.domainAscii) ? 0 : 1),
    total: samePlatform.length + (isDuplicate ? 0 : 1),
  };

  if (!isDuplicate) {
    const limits = platformLimits(platform);
    if (limits.perDomain !== null && existingSameDomain >= limits.perDomain) {
      errors.push({
        code: 'limit-per-domain',
        message: `${name} allows ${limits.perDomain} support addresses per domain; ${parsed.domainUnicode} already has ${existingSameDomain} in ${env}.`,
      });
    }
    if (limits.domains !== null && !existingDomains.has(parsed.domainAscii) && existingDomains.size >= limits.domains) {
      errors.push({
        code: 'limit-domains',
        message: `${name} allows ${plural(limits.domains, 'domain', 'domains')} per account; ${env} already uses ${existingDomains.size} (${[...existingDomains].sort().join(', ')}). Use an address on one of those domains, or remove a domain's addresses first.`,
      });
    }
    if (limits.total !== null && samePlatform.length >= limits.total) {
      errors.push({ code: 'limit-total', message: `${name} allows ${limits.total} support addresses in total; ${env} already has ${samePlatform.length}.` });
    }
  }

  return { ascii: parsed.ascii, unicode: parsed.unicode, domainAscii: parsed.domainAscii, domainUnicode: parsed.domainUnicode, errors, warnings, counts };
}
