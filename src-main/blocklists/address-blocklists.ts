/**
 * The blocklists of one saved address: the relay's sending IPs as the address checklist
 * knows them (`relayIpsOf`: the IP the last received verification email came from, the SMTP
 * host when it is an address, the host's addresses from the last sign-in; the host as it
 * resolves now when none of those is known) and the address's domain, every target asked
 * at once under the check's one deadline.
 */
import type { Address } from '../../src-preload/contract/addresses-schemas';
import type { AddressBlocklists, BlocklistFile } from '../../src-preload/contract/blocklist-schemas';
import type { MessageProof } from '../../src-preload/contract/verification-schemas';
import { addressLiteral } from '../dns/names';
import type { DnsResolver } from '../dns/resolver';
import { domainOf, relayIpsOf } from '../verification/address-checklist';
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
  // The relay's IPs as the address checklist knows them (one idea of "the sending IP" everywhere).
  const proofIp = lastProof?.sender.ip ?? null;
  const known = relayIpsOf(address, lastProof);
  const literal = addressLiteral(address.host);
  const notes: string[] = [];
  const targets: { role: Role; source: string; target: BlocklistTarget }[] = known.slice(0, MAX_HOST_IPS + 1).map((ip) => ({
    role: ip === proofIp ? 'sending-ip' : 'smtp-host-ip',
    source:
      ip === proofIp
        ? 'The IP your relay delivered the last verification email from (its Received header)'
        : ip === literal
          ? `Your SMTP server ${address.host}`
          : `An address of ${address.host} when the stored secret last signed in`,
    target: { kind: 'ip', value: ip },
  }));
  if (proofIp === null) {
    notes.push('No verification email has been received yet, so the IP your relay really sends from is not known: the SMTP host’s addresses stand in for it. Send the verification email (or open a received .eml) to check the real sending IP.');
  }
  if (!targets.some((t) => t.role === 'smtp-host-ip')) {
    for (const ip of await resolveHost(address.host, deps.resolver, signal, notes)) {
      if (!targets.some((t) => t.target.value === ip)) targets.push({ role: 'smtp-host-ip', source: `An address of ${address.host} as it resolves now`, target: { kind: 'ip', value: ip } });
    }
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

async function resolveHost(host: string, resolver: DnsResolver, signal: AbortSignal, notes: string[]): Promise<string[]> {
  if (addressLiteral(host) !== null) return [];
  try {
    const [a, aaaa] = await Promise.all([resolver.lookup(host, 'A', { signal }), resolver.lookup(host, 'AAAA', { signal })]);
    const ips = [...a.records, ...aaaa.records].flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.address] : []));
    if (ips.length === 0) notes.push(`${host} has no address to check: ${a.explanation}`);
    return ips.slice(0, MAX_HOST_IPS);
  } catch (error) {
    if (signal.reason instanceof DOMException && signal.reason.name !== 'TimeoutError') throw error;
    notes.push(`${host} did not resolve before the deadline of this check, so its addresses were not checked.`);
    return [];
  }
}
