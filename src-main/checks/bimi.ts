/**
 * BIMI (informational): `default._bimi` TXT `v=BIMI1; l=<https SVG>; a=<https VMC>`.
 * Logos are only shown with an enforced DMARC policy, so the DMARC record is read too.
 */
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { parseTagList } from './dkim-record';
import { discoverDmarc } from './dmarc';
import { buildItem, finding } from './item';
import { refs } from './references';
import type { CheckItem, Finding } from '../../src-preload/contract/checks-schemas';

export interface BimiCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
}

export async function checkBimi(options: BimiCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  const name = `default._bimi.${domain}`;
  const [txt, dmarc] = await Promise.all([resolver.lookup(name, 'TXT', options.signal ? { signal: options.signal } : {}), discoverDmarc(domain, resolver, options.signal)]);
  const records = txt.records.map((r) => r.value).filter((v) => /^v=BIMI1\s*(;|$)/iu.test(v));
  const findings: Finding[] = [];
  let location: string | null = null;
  let authority: string | null = null;

  if (isResolverFault(txt)) findings.push(finding('bimi-lookup-failed', 'error', `The BIMI record could not be read: ${txt.explanation}`));
  else if (records.length === 0) findings.push(finding('bimi-none', 'info', `No BIMI record at ${name}. BIMI is optional: it shows your logo in some mailboxes.`));
  else {
    const tags = parseTagList(records[0] ?? '').tags;
    location = tags.get('l') ?? null;
    authority = tags.get('a') ?? null;
    if (location !== null && location !== '' && !/^https:\/\/\S+\.svg$/iu.test(location)) findings.push(finding('bimi-bad-logo', 'warn', `l=${location} must be an https: URL of an SVG logo.`, `l=${location}`));
    if (authority !== null && authority !== '' && !/^https:\/\/\S+$/iu.test(authority)) findings.push(finding('bimi-bad-authority', 'warn', `a=${authority} must be an https: URL of a mark certificate (VMC/CMC).`, `a=${authority}`));
    const analysis = dmarc.applied?.analysis;
    const policy = dmarc.applied?.name === domain ? analysis?.policy : (analysis?.subdomainPolicy ?? analysis?.policy);
    if (policy !== 'quarantine' && policy !== 'reject') findings.push(finding('bimi-needs-dmarc', 'warn', 'Mailboxes show BIMI logos only when DMARC is enforced (p=quarantine or p=reject).', null));
    if (findings.length === 0) findings.push(finding('bimi-ok', 'pass', `BIMI logo published${authority ? ' with a mark certificate' : ''}.`));
  }

  return buildItem(
    {
      id: 'bimi',
      kind: 'bimi',
      title: 'BIMI (brand logo)',
      importance: 'optional',
      findings,
      details: { kind: 'bimi', record: records[0] ?? null, location, authority },
      queries: lookups,
      records,
      ttl: txt.ttl,
      fix: { steps: [], records: [] },
      references: [refs.bimi],
    },
    { resolver: options.resolver.description, startedAt },
  );
}
