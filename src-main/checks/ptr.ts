/**
 * Reverse DNS for the sending IP: a PTR record, forward-confirmed (the PTR name resolves
 * back to the IP, FCrDNS), and a name that does not look like a residential or generic
 * pool (Zendesk's best practices: "4-3-2-1-cable-subscribers.isp.com" is distrusted).
 */
import { ipFamily } from '../dns/ip-family';
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { addressLiteral, expandIPv6, reverseName } from '../dns/names';
import { buildItem, finding } from './item';
import { fixRecord } from './records';
import { refs } from './references';
import type { CheckItem, Finding, FixRecord } from '../../src-preload/contract/checks-schemas';

export interface PtrCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
  readonly ip?: string | undefined;
  /** When no IP is given: the SMTP host (a name or an IP literal), whose address is assumed to be the sender. */
  readonly smtpHost?: string | undefined;
}

const GENERIC_WORDS = ['dsl', 'adsl', 'vdsl', 'xdsl', 'dyn', 'dynamic', 'dynip', 'pool', 'cable', 'dhcp', 'dial', 'dialup', 'ppp', 'pppoe', 'broadband', 'cust', 'customer', 'customers', 'subscriber', 'subscribers', 'residential', 'res', 'home', 'user', 'users', 'client', 'clients', 'fiber', 'ftth', 'wireless', 'mobile', 'unassigned'];

/** Why a PTR name looks generic/residential (empty when it does not). */
export function residentialHints(name: string, ip: string): string[] {
  const hints: string[] = [];
  const labels = name.toLowerCase().split('.');
  const tokens = labels.slice(0, -2).flatMap((l) => l.split(/[-_]|(?<=\D)(?=\d)|(?<=\d)(?=\D)/u));
  const words = GENERIC_WORDS.filter((w) => tokens.includes(w));
  if (words.length > 0) hints.push(`contains ${words.map((w) => `"${w}"`).join(', ')}`);
  if (ipFamily(ip) === 4) {
    const octets = ip.split('.');
    const forward = octets.join('[-._]?');
    const backward = [...octets].reverse().join('[-._]?');
    const padded = octets.map((o) => o.padStart(3, '0')).join('');
    const hex = octets.map((o) => Number(o).toString(16).padStart(2, '0')).join('');
    const host = labels.slice(0, -2).join('.');
    if (new RegExp(`(^|\\D)(${forward}|${backward})(\\D|$)`, 'u').test(host) || host.includes(padded) || host.includes(hex)) hints.push('contains the IP address');
  } else if (ipFamily(ip) === 6) {
    const groups = expandIPv6(ip).split(':');
    if (groups.slice(-2).every((g) => name.includes(g.replace(/^0+/u, '') || '0'))) hints.push('contains the IP address');
  }
  return hints;
}

export async function checkPtr(options: PtrCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  const signal = options.signal ? { signal: options.signal } : {};
  const findings: Finding[] = [];
  const fixes: FixRecord[] = [];
  const steps: string[] = [];
  let ip = options.ip === undefined ? null : (addressLiteral(options.ip) ?? options.ip);
  let source: 'given' | 'smtp-host' | null = ip ? 'given' : null;
  const done = (extra: { names?: string[]; forwardConfirmed?: boolean | null; hints?: string[]; pending?: boolean; ttl?: number | null; records?: string[] }) =>
    buildItem(
      {
        id: 'ptr',
        kind: 'ptr',
        title: 'Reverse DNS (PTR) of the sending IP',
        importance: 'recommended',
        findings,
        ...(extra.pending ? { status: 'needs-input' as const, needsInput: { field: 'sendingIp' as const, label: 'Sending IP' } } : {}),
        details: { kind: 'ptr', ip, source, names: extra.names ?? [], forwardConfirmed: extra.forwardConfirmed ?? null, residentialHints: extra.hints ?? [] },
        queries: lookups,
        records: extra.records ?? [],
        ttl: extra.ttl ?? null,
        fix: { steps, records: fixes },
        references: [refs.helo],
      },
      { resolver: options.resolver.description, startedAt },
    );

  // An IP literal host is the address itself: straight to its PTR, never an A query for it as a name.
  const literal = ip === null && options.smtpHost ? addressLiteral(options.smtpHost) : null;
  if (literal !== null) {
    ip = literal;
    source = 'smtp-host';
    findings.push(finding('ptr-ip-from-host', 'info', `Checking ${ip}, the SMTP host given as an IP address; the IP your mail really leaves from can differ (give it with the sending IP).`));
  } else if (ip === null && options.smtpHost) {
    const host = await resolver.lookup(options.smtpHost, 'A', signal);
    const first = host.records.find((r) => r.type === 'A');
    if (first?.type === 'A') {
      ip = first.address;
      source = 'smtp-host';
      findings.push(finding('ptr-ip-from-host', 'info', `Checking ${ip}, the address of ${options.smtpHost}; the IP your mail really leaves from can differ (give it with the sending IP).`));
    } else {
      findings.push(finding('ptr-host-unresolved', isResolverFault(host) ? 'error' : 'fail', `The SMTP host ${options.smtpHost} has no IPv4 address to check: ${host.explanation}`, options.smtpHost));
      return done({});
    }
  }
  if (ip === null) {
    findings.push(finding('ptr-no-ip', 'info', 'Give the sending IP (or the SMTP host) to check its reverse DNS.'));
    return done({ pending: true });
  }

  const reverse = reverseName(ip);
  const ptr = await resolver.lookup(reverse, 'PTR', signal);
  const names = ptr.records.flatMap((r) => (r.type === 'PTR' ? [r.target] : []));
  if (isResolverFault(ptr)) {
    findings.push(finding('ptr-lookup-failed', 'error', `The PTR record of ${ip} could not be read: ${ptr.explanation}`));
    return done({});
  }
  if (names.length === 0) {
    findings.push(finding('ptr-missing', 'fail', `${ip} has no PTR record (${ptr.outcome === 'nxdomain' ? `${reverse} does not exist` : 'no PTR at that name'}): receivers such as Zendesk trust mail from it less, and some reject it.`, reverse));
    fixes.push(fixRecord({ zone: 'in-addr.arpa', name: reverse, type: 'PTR', value: `mail.${domain}` }));
    steps.push(`Ask whoever owns ${ip} (your ISP or hosting provider; PTR records live in their zone) to set its PTR to a name in ${domain}, such as mail.${domain}, and give that name an A record pointing back to ${ip}.`);
    return done({ ttl: ptr.ttl });
  }

  const type = ipFamily(ip) === 6 ? 'AAAA' : 'A';
  const forward = await Promise.all(names.slice(0, 10).map(async (name) => ({ name, lookup: await resolver.lookup(name, type, signal) })));
  const confirmed = forward.filter((f) => f.lookup.records.some((r) => (r.type === 'A' || r.type === 'AAAA') && r.address === ip)).map((f) => f.name);
  const shown = confirmed[0] ?? names[0] ?? '';
  const hints = residentialHints(shown, ip);
  if (confirmed.length === 0) {
    const faults = forward.filter((f) => isResolverFault(f.lookup));
    if (faults.length === forward.length) {
      findings.push(finding('ptr-forward-failed', 'error', `${ip} → ${names.join(', ')}, but the forward lookup could not be done: ${faults[0]?.lookup.explanation ?? ''}`));
    } else {
      const seen = forward.map((f) => `${f.name} → ${f.lookup.records.map((r) => r.value).join(', ') || 'nothing'}`).join('; ');
      findings.push(finding('ptr-fcrdns-mismatch', 'fail', `${ip} has PTR ${names.join(', ')}, but that name does not resolve back to ${ip} (${seen}): forward-confirmed reverse DNS fails.`, names[0] ?? null));
      fixes.push(fixRecord({ zone: domain, name: shown, type, value: ip }));
      steps.push(`Give ${shown} an ${type} record for ${ip} (if it is your name), or have the IP owner change the PTR to a name that resolves to ${ip}.`);
    }
  } else {
    findings.push(finding('ptr-fcrdns', 'pass', `${ip} → ${shown} → ${ip}: forward-confirmed reverse DNS.`));
  }
  if (hints.length > 0) {
    findings.push(finding('ptr-generic-name', 'warn', `${shown} looks like a residential or generic pool name (${hints.join('; ')}); receivers score such senders as likely spam. Ask the IP owner for a PTR in your own domain, such as mail.${domain}.`, shown));
  }
  const own = shown === domain || shown.endsWith(`.${domain}`);
  if (!own && hints.length === 0) findings.push(finding('ptr-other-domain', 'info', `${shown} is not in ${domain}; a PTR in your own domain is better (Zendesk recommends it) but not required.`));
  return done({ names, forwardConfirmed: confirmed.length > 0, hints, ttl: ptr.ttl, records: ptr.records.map((r) => r.value) });
}
