/** TLS-RPT (RFC 8460 §3): `_smtp._tls` TXT `v=TLSRPTv1; rua=mailto:...|https://...`. */
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { isPrintableAscii } from '../../src-preload/contract/visible-text';
import { parseTagList } from './dkim-record';
import { buildItem, finding } from './item';
import { fixRecord } from './records';
import { refs } from './references';
import type { CheckItem, Finding, FixRecord } from '../../src-preload/contract/checks-schemas';

export interface TlsRptCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
}

export async function checkTlsRpt(options: TlsRptCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  const name = `_smtp._tls.${domain}`;
  const txt = await resolver.lookup(name, 'TXT', options.signal ? { signal: options.signal } : {});
  const records = txt.records.map((r) => r.value).filter((v) => /^v=TLSRPTv1\s*(;|$)/u.test(v));
  const findings: Finding[] = [];
  const fixes: FixRecord[] = [];
  let rua: string[] = [];

  if (isResolverFault(txt)) findings.push(finding('tls-rpt-lookup-failed', 'error', `The TLS-RPT record could not be read: ${txt.explanation}`));
  else if (records.length === 0) {
    findings.push(finding('tls-rpt-missing', 'warn', `No TLS-RPT record at ${name}: you get no reports when senders fail to deliver to ${domain} over TLS. Optional, but recommended (RFC 8460).`));
    fixes.push(fixRecord({ zone: domain, name, type: 'TXT', value: `v=TLSRPTv1; rua=mailto:tls-reports@${domain}` }));
  } else if (records.length > 1) {
    findings.push(finding('tls-rpt-multiple', 'fail', `${name} has ${records.length} v=TLSRPTv1 records; senders ignore them all (RFC 8460 §3). Keep one.`, name));
  } else {
    const parsed = parseTagList(records[0] ?? '');
    rua = (parsed.tags.get('rua') ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
    if (rua.length === 0) findings.push(finding('tls-rpt-no-rua', 'fail', 'The record has no rua= destination, so no report can be sent (RFC 8460 §3).', records[0] ?? null));
    for (const uri of rua) {
      if (!/^mailto:[^@\s]+@[^@\s]+$/iu.test(uri) && !/^https:\/\/\S+$/iu.test(uri)) {
        findings.push(finding('tls-rpt-bad-uri', 'fail', `rua=${uri} must be a mailto: or https: URI (RFC 8460 §3).`, `rua=${uri}`));
      }
    }
    // RFC 8460 §3 records are ASCII; a hidden or look-alike character (pasted from a
    // document) sends the reports somewhere nobody reads.
    if (!isPrintableAscii(records[0] ?? '')) {
      findings.push(finding('tls-rpt-hidden-characters', 'warn', 'The record contains characters that are not plain ASCII (hidden or look-alike characters, often from copying out of a document). Retype it.', records[0] ?? null));
    }
    if (findings.length === 0) findings.push(finding('tls-rpt-ok', 'pass', `TLS reports go to ${rua.join(', ')}.`));
  }

  return buildItem(
    {
      id: 'tls-rpt',
      kind: 'tls-rpt',
      title: 'TLS reporting (TLS-RPT)',
      importance: 'recommended',
      findings,
      details: { kind: 'tls-rpt', record: records[0] ?? null, rua },
      queries: lookups,
      records,
      ttl: txt.ttl,
      fix: { steps: [], records: fixes },
      references: [refs.tlsRpt],
    },
    { resolver: options.resolver.description, startedAt },
  );
}
