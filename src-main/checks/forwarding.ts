/**
 * The forwarding target: inbound mail is auto-forwarded to the platform (Zendesk:
 * support@<subdomain>.zendesk.com, one hop only). Its domain must receive mail: MX, or
 * at least an address for the implicit MX of RFC 5321 §5.1.
 */
import { addressLiteral } from '../dns/names';
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { buildItem, finding } from './item';
import { refs } from './references';
import type { CheckItem, Finding } from '../../src-preload/contract/checks-schemas';

export interface ForwardingCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
  readonly address?: string | undefined;
  readonly platformName?: string;
  /** From resources/platforms: `support@{subdomain}.zendesk.com`, `zendesk.com`, single hop. */
  readonly pattern?: { readonly addressPattern: string; readonly domainSuffix: string; readonly singleHopOnly: boolean; readonly note: string } | null;
}

export async function checkForwarding(options: ForwardingCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const { resolver, lookups } = recordLookups(options.resolver);
  const findings: Finding[] = [];
  const pattern = options.pattern ?? null;
  const platform = options.platformName ?? 'the platform';
  const address = options.address?.trim().toLowerCase() ?? '';
  const targetDomain = address.includes('@') ? (address.split('@').at(-1) ?? '') : '';
  let mxHosts: string[] = [];
  let pending = false;

  if (address === '') {
    pending = true;
    // The pattern's placeholder in words: "{subdomain}" is not something an admin can type.
    const example = pattern?.addressPattern.replaceAll('{subdomain}', 'yourcompany');
    findings.push(finding('forwarding-unknown', 'info', `Enter the address inbound mail is forwarded to${example ? ` (such as ${example}, with your ${platform} subdomain)` : ''}.`));
  } else if (targetDomain === '' || !targetDomain.includes('.')) {
    findings.push(finding('forwarding-invalid-address', 'fail', `"${address}" is not an email address.`, address));
  } else if (addressLiteral(targetDomain) !== null) {
    // user@[192.0.2.1] names a server, not a domain: nothing to look up as MX or A.
    findings.push(finding('forwarding-address-literal', 'fail', `${address} is addressed to an IP address (${targetDomain}), not a domain${pattern ? `: forward to your ${platform} address (${pattern.addressPattern})` : ''}.`, address));
  } else {
    if (pattern && !(targetDomain === pattern.domainSuffix || targetDomain.endsWith(`.${pattern.domainSuffix}`))) {
      findings.push(finding('forwarding-unexpected-domain', 'warn', `${address} is not a ${platform} address (${pattern.addressPattern}); forward straight to ${platform}.`, address));
    }
    const mx = await resolver.lookup(targetDomain, 'MX', options.signal ? { signal: options.signal } : {});
    mxHosts = mx.records.flatMap((r) => (r.type === 'MX' && r.exchange !== '' ? [r.exchange] : []));
    if (isResolverFault(mx)) findings.push(finding('forwarding-lookup-failed', 'error', `Whether ${targetDomain} receives mail is unknown: ${mx.explanation}`, targetDomain));
    else if (mx.outcome === 'nxdomain') findings.push(finding('forwarding-domain-missing', 'fail', `${targetDomain} does not exist (NXDOMAIN): check the subdomain in ${address} for a typo. Forwarded mail would bounce.`, targetDomain));
    else if (mxHosts.length === 0) {
      const a = await resolver.lookup(targetDomain, 'A', options.signal ? { signal: options.signal } : {});
      if (a.outcome === 'answer') findings.push(finding('forwarding-implicit-mx', 'warn', `${targetDomain} has no MX record; mail goes to its A record (RFC 5321 §5.1), which may not accept it.`, targetDomain));
      else findings.push(finding('forwarding-no-mx', 'fail', `${targetDomain} has no MX record and no address: forwarded mail would bounce.`, targetDomain));
    } else {
      findings.push(finding('forwarding-ok', 'pass', `${targetDomain} receives mail (MX ${mxHosts.join(', ')}).`));
    }
    if (pattern?.singleHopOnly) findings.push(finding('forwarding-single-hop', 'info', pattern.note));
  }

  return buildItem(
    {
      id: 'forwarding',
      kind: 'forwarding',
      title: 'Forwarding target',
      importance: 'required',
      findings,
      ...(pending ? { status: 'needs-input' as const, needsInput: { field: 'forwardingAddress' as const, label: 'Forwarding address' } } : {}),
      details: { kind: 'forwarding', address: address || null, domain: targetDomain || null, pattern: pattern?.addressPattern ?? null, mx: mxHosts },
      queries: lookups,
      records: [],
      fix: { steps: findings.some((f) => f.severity === 'fail') ? [`Set up auto-forwarding of ${options.domain}'s support address to the address ${platform} shows${pattern ? ` (${pattern.addressPattern})` : ''}.`] : [], records: [] },
      references: [refs.mxHost],
    },
    { resolver: options.resolver.description, startedAt },
  );
}
