/**
 * The HELO/EHLO (or banner) name of the sending server: a fully qualified name that
 * resolves, in the sender's organisation, never `localhost`, an IP literal or a reserved
 * TLD (RFC 5321 §4.1.1.1, RFC 2606; Zendesk's best practices distrust all of these).
 */
import { ipFamily } from '../dns/ip-family';
import { addressLiteral, isSameOrSubdomain } from '../dns/names';
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { buildItem, finding } from './item';
import { refs } from './references';
import type { CheckItem, Finding } from '../../src-preload/contract/checks-schemas';

export interface HeloCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
  readonly name?: string | undefined;
  readonly source?: 'ehlo' | 'banner' | 'user' | undefined;
  /** When known, the name should resolve to it. */
  readonly sendingIp?: string | undefined;
}

/** RFC 2606 / RFC 6761 names and common private pseudo-TLDs that never resolve publicly. */
const RESERVED_TLDS = new Set(['invalid', 'local', 'localhost', 'localdomain', 'test', 'example', 'lan', 'home', 'internal', 'intranet', 'corp', 'private', 'tld']);

/** Same organisation without a public suffix list: one is the other or under it, or they share a parent of two labels or more. */
function sameOrganization(name: string, domain: string): boolean {
  if (isSameOrSubdomain(name, domain)) return true;
  const parent = name.split('.').slice(1).join('.');
  return parent.split('.').length >= 2 && (domain === parent || domain.endsWith(`.${parent}`));
}

export async function checkHelo(options: HeloCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  const findings: Finding[] = [];
  const raw = options.name?.trim() ?? '';
  const name = raw.toLowerCase().replace(/\.$/u, '');
  const said = options.source === 'banner' ? 'The server greets as' : options.source === 'user' ? 'The HELO name' : 'The server says EHLO';
  let addresses: string[] = [];
  let sameOrg: boolean | null = null;
  let pending = false;

  if (name === '') {
    pending = true;
    findings.push(finding('helo-unknown', 'info', 'The HELO/EHLO name comes from the SMTP connection test; run it, or enter the name your server uses.'));
  } else if (name === 'localhost' || name.startsWith('localhost.')) {
    findings.push(finding('helo-localhost', 'fail', `${said} "${raw}": receivers distrust (and some reject) a server that calls itself localhost. Configure its public name, such as mail.${domain}.`, raw));
  } else if (addressLiteral(name) !== null) {
    // An address is not looked up as a name: there is nothing to resolve.
    const bracketed = name.startsWith('[');
    findings.push(
      finding(
        'helo-ip-literal',
        'fail',
        bracketed
          ? `${said} "${raw}", an address literal (RFC 5321 §4.1.3) instead of a host name: there is no name to look up, and receivers treat that as low trust. Configure a name such as mail.${domain}.`
          : `${said} "${raw}", a bare IP address instead of a host name (RFC 5321 allows an address only as a literal in brackets): there is no name to look up, and receivers treat that as low trust. Configure a name such as mail.${domain}.`,
        raw,
      ),
    );
  } else if (!name.includes('.')) {
    findings.push(finding('helo-not-fqdn', 'fail', `${said} "${raw}", which is not a fully qualified name (RFC 5321 §4.1.1.1). Configure a name such as mail.${domain}.`, raw));
  } else if (RESERVED_TLDS.has(name.split('.').at(-1) ?? '') || !/^[a-z]{2,63}$|^xn--[a-z0-9-]+$/u.test(name.split('.').at(-1) ?? '')) {
    findings.push(finding('helo-invalid-tld', 'fail', `${said} "${raw}", whose top-level domain ".${name.split('.').at(-1) ?? ''}" does not exist on the internet. Configure its public name.`, raw));
  } else {
    const type = options.sendingIp !== undefined && ipFamily(options.sendingIp) === 6 ? 'AAAA' : 'A';
    const lookup = await resolver.lookup(name, type, options.signal ? { signal: options.signal } : {});
    addresses = lookup.records.flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.address] : []));
    sameOrg = sameOrganization(name, domain);
    if (isResolverFault(lookup)) findings.push(finding('helo-lookup-failed', 'error', `Whether ${name} resolves is unknown: ${lookup.explanation}`, raw));
    else if (addresses.length === 0) findings.push(finding('helo-unresolvable', 'fail', `${said} "${raw}", but that name does not resolve (${lookup.outcome === 'nxdomain' ? 'NXDOMAIN' : `no ${type} record`}). Receivers expect a resolvable name (RFC 5321 §2.3.5).`, raw));
    else {
      if (options.sendingIp !== undefined && !addresses.includes(options.sendingIp)) {
        findings.push(finding('helo-address-mismatch', 'warn', `${name} resolves to ${addresses.join(', ')}, not to the sending IP ${options.sendingIp}.`, raw));
      }
      if (!sameOrg) findings.push(finding('helo-other-domain', 'warn', `${name} is not in ${domain}'s domain; receivers trust a HELO name in the sender's own domain more (for example mail.${domain}).`, raw));
      if (!findings.some((f) => f.severity === 'warn')) findings.push(finding('helo-ok', 'pass', `${said} "${name}", which resolves to ${addresses.join(', ')}.`));
    }
  }

  return buildItem(
    {
      id: 'helo',
      kind: 'helo',
      title: 'HELO / banner name',
      importance: 'recommended',
      findings,
      ...(pending ? { status: 'needs-input' as const, needsInput: { field: 'heloName' as const, label: 'HELO name' } } : {}),
      details: { kind: 'helo', name: name === '' ? null : name, source: options.source ?? (name === '' ? null : 'user'), addresses, sameOrganization: sameOrg },
      queries: lookups,
      records: [],
      fix: { steps: pending || findings.every((f) => f.severity === 'pass') ? [] : [`Set the server's HELO/EHLO name to a public name in ${domain} (for example mail.${domain}) with an A record for the sending IP.`], records: [] },
      references: [refs.helo, refs.reservedNames],
    },
    { resolver: options.resolver.description, startedAt },
  );
}
