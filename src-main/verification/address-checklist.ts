/**
 * The one DNS checklist of an address: every view that judges an address's DNS (wizard
 * step 6, the Checklist view opened on an address, the status re-check, the report) runs
 * the checklist with this input, so the same item has the same status and wording
 * everywhere. Built from what Relayproof knows about the address: its platform and sending
 * route, the relay's selectors (saved, and those a received message was really signed
 * with), the provider's SPF include, the sending IP a received message came from, the SMTP
 * host and the platform's forwarding target.
 */
import { ipFamily } from '../dns/ip-family';
import type { Address } from '../../src-preload/contract/addresses-schemas';
import type { ChecklistInputDraft, ChecklistReport } from '../../src-preload/contract/checks-schemas';
import { domainToAscii } from '../../src-preload/contract/fields';
import { forwardingAddress } from '../../src-preload/contract/platform-vocabulary';
import type { Platform, ProviderPreset } from '../../src-preload/contract/providers';
import type { DmarcReportNumbers } from '../../src-preload/contract/reports';
import type { MessageProof, NotNeededItem } from '../../src-preload/contract/verification-schemas';

export interface AddressChecklistFacts {
  readonly platform: Platform | undefined;
  readonly provider: ProviderPreset | undefined;
  /** The last message proof of the address (its sending IP and DKIM signatures), if any. */
  readonly lastProof: MessageProof | null;
  readonly dnsServers: readonly string[];
  /** The numbers of the DMARC aggregate reports read for the address, if any (the rollout advice uses them). */
  readonly dmarcReports?: DmarcReportNumbers | null;
}

/** The address's domain in ASCII (punycode), as DNS and DMARC alignment compare it. */
export function domainOf(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return domainToAscii(domain) ?? domain;
}

/** Selectors a received message was really signed with, aligned with the address's domain (RFC 6376 §3.1: not discoverable from DNS). */
export function signedSelectors(proof: MessageProof | null, domain: string): string[] {
  return (proof?.dkim ?? [])
    .filter((d) => d.aligned && d.selector !== null && d.domain !== null && d.domain.toLowerCase().replace(/\.$/u, '') === domain)
    .map((d) => (d.selector ?? '').toLowerCase());
}

export function addressChecklistInput(address: Address, facts: AddressChecklistFacts): ChecklistInputDraft {
  const domain = domainOf(address.address);
  const relaySelectors = [...new Set([...address.selectors, ...signedSelectors(facts.lastProof, domain)])].slice(0, 16);
  const sendingIp = facts.lastProof?.sender.ip ?? undefined;
  // The name the relay greeted the receiver with, as that receiver's Received header recorded it.
  const helo = facts.lastProof?.sender.helo ?? undefined;
  const pattern = facts.platform?.forwarding?.addressPattern;
  const include = facts.provider?.spfInclude?.include;
  return {
    domain,
    platform: address.platform,
    ...(address.route === null ? {} : { route: address.route }),
    relaySelectors,
    ...(include === undefined ? {} : { relayInclude: include }),
    smtpHost: address.host,
    dnsServers: [...facts.dnsServers],
    ...(sendingIp === undefined || sendingIp === null ? {} : { sendingIp }),
    ...(helo === undefined || helo === null || helo === '' ? {} : { heloName: helo, heloSource: 'ehlo' as const }),
    ...(pattern !== undefined && address.platformSubdomain !== null ? { forwardingAddress: forwardingAddress(pattern, address.platformSubdomain) } : {}),
    ...(facts.dmarcReports === undefined || facts.dmarcReports === null ? {} : { dmarcReports: facts.dmarcReports }),
  };
}

/**
 * The relay's sending IPs as Relayproof knows them without asking DNS: the IP the last
 * proved message came from, the SMTP host when it is an address, and the host's addresses
 * when the stored secret last signed in. What DMARC reports' sources are compared with.
 */
export function relayIpsOf(address: Address, lastProof: MessageProof | null): string[] {
  const host = address.host.replace(/^\[|\]$/gu, '');
  const ips = [lastProof?.sender.ip ?? null, ipFamily(host) === 0 ? null : host, ...(address.lending?.smtp?.ips ?? [])];
  return [...new Set(ips.filter((ip): ip is string => ip !== null && ipFamily(ip) !== 0))];
}

/** The items the address's route does not need, as its checklist judged them: the status and report name them instead of tracking them. */
export function notNeededItems(report: ChecklistReport): NotNeededItem[] {
  return report.items.filter((item) => item.requirement.level === 'not-needed').map((item) => ({ itemId: `dns:${item.id}` as const, title: item.title, why: item.requirement.why }));
}
