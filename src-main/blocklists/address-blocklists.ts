/**
 * The blocklists of one saved address: the relay's sending IPs as the address checklist
 * knows them (the IP the last received verification email came from, else the SMTP
 * host's addresses from the last sign-in, else as it resolves now) and the address's
 * domain, every target asked at once under the check's one deadline.
 */
import { isIP } from 'node:net';
import type { Address } from '../../src-preload/contract/addresses-schemas';
import type { AddressBlocklists, BlocklistFile } from '../../src-preload/contract/blocklist-schemas';
import type { MessageProof } from '../../src-preload/contract/verification-schemas';
import { addressLiteral } from '../dns/names';
import type { DnsResolver } from '../dns/resolver';
import { addressChecklistInput, domainOf } from '../verification/address-checklist';
import { selectLists } from './blocklist-catalogue';
import { checkBlocklists, DEFAULT_BLOCKLIST_DEADLINE_MS, type BlocklistTarget } from './dnsbl';

/** More addresses than this for one host are a pool; the first ones stand for it. */
const MAX_HOST_IPS = 4;

export interface AddressBlocklistDeps {
  readonly file: BlocklistFile;
  readonly resolver: DnsResolver;
  readonly clock: () => Date;
  readonly signal?: AbortSignal;
  readonly deadlineMs?: number;
}

type Role = AddressBlocklists['targets'][number]['role'];

export async function checkAddressBlocklists(address: Address, lastProof: MessageProof | null, deps: AddressBlocklistDeps): Promise<AddressBlocklists> {
  const deadlineMs = deps.deadlineMs ?? DEFAULT_BLOCKLIST_DEADLINE_MS;
  const signal = deps.signal === undefined ? AbortSignal.timeout(deadlineMs) : AbortSignal.any([AbortSignal.timeout(deadlineMs), deps.signal]);
  // The same facts as the address's checklist: one idea of "the sending IP" everywhere.
  const facts = addressChecklistInput(address, { platform: undefined, provider: undefined, lastProof, dnsServers: [] });
  const notes: string[] = [];
  const targets: { role: Role; source: string; target: BlocklistTarget }[] = [];
  if (facts.sendingIp !== undefined) {
    targets.push({ role: 'sending-ip', source: 'The IP your relay delivered the last verification email from (its Received header)', target: { kind: 'ip', value: facts.sendingIp } });
  } else {
    notes.push('No verification email has been received yet, so the IP your relay really sends from is not known: the SMTP host’s addresses stand in for it. Send the verification email (or open a received .eml) to check the real sending IP.');
  }
  const hostIps = await smtpHostIps(address, deps.resolver, signal, notes);
  for (const ip of hostIps.ips) {
    if (targets.some((t) => t.target.value === ip)) continue;
    targets.push({ role: 'smtp-host-ip', source: hostIps.source, target: { kind: 'ip', value: ip } });
  }
  const domain = domainOf(address.address);
  targets.push({ role: 'domain', source: `The domain of ${address.address}`, target: { kind: 'domain', value: domain } });
  const reports = await Promise.all(
    targets.map(async (t) => {
      const chosen = selectLists(deps.file, t.target.kind, []);
      const lists = 'lists' in chosen ? chosen.lists : [];
      return { role: t.role, source: t.source, report: await checkBlocklists(t.target, { resolver: deps.resolver, lists, deadlineMs, signal }) };
    }),
  );
  return { addressId: address.id, domain, targets: reports, notes, resolver: deps.resolver.description.servers.join(', ') || 'the system resolver', checkedAt: deps.clock().toISOString() };
}

async function smtpHostIps(address: Address, resolver: DnsResolver, signal: AbortSignal, notes: string[]): Promise<{ ips: string[]; source: string }> {
  const literal = addressLiteral(address.host);
  if (literal !== null) return { ips: [literal], source: `Your SMTP server ${address.host}` };
  const seen = address.lending?.smtp?.ips.filter((ip) => isIP(ip) !== 0) ?? [];
  if (seen.length > 0) return { ips: seen.slice(0, MAX_HOST_IPS), source: `An address of ${address.host} when the stored secret last signed in` };
  try {
    const [a, aaaa] = await Promise.all([resolver.lookup(address.host, 'A', { signal }), resolver.lookup(address.host, 'AAAA', { signal })]);
    const ips = [...a.records, ...aaaa.records].flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.address] : []));
    if (ips.length === 0) notes.push(`${address.host} has no address to check: ${a.explanation}`);
    return { ips: ips.slice(0, MAX_HOST_IPS), source: `An address of ${address.host} as it resolves now` };
  } catch (error) {
    if (signal.reason instanceof DOMException && signal.reason.name !== 'TimeoutError') throw error;
    notes.push(`${address.host} did not resolve before the deadline of this check, so its addresses were not checked.`);
    return { ips: [], source: '' };
  }
}
