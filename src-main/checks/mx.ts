/**
 * The MX check: the domain receives mail (replies to the support address, bounces):
 * MX records present, not a null MX (RFC 7505), each exchange a host name (not an IP,
 * RFC 5321 §5.1) that resolves, and not an alias (RFC 2181 §10.3).
 */
import { ipFamily } from '../dns/ip-family';
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { buildItem, finding } from './item';
import { refs } from './references';
import type { CheckDetailsOf, CheckItem, Finding } from '../../src-preload/contract/checks-schemas';

export interface MxCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
}

export async function checkMx(options: MxCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  const signal = options.signal ? { signal: options.signal } : {};
  const mx = await resolver.lookup(domain, 'MX', signal);
  const findings: Finding[] = [];
  const steps: string[] = [];
  const records = mx.records.flatMap((r) => (r.type === 'MX' ? [r] : [])).sort((a, b) => a.priority - b.priority);
  const nullMx = records.length === 1 && records[0]?.exchange === '';
  let hosts: CheckDetailsOf<'mx'>['hosts'] = [];

  if (isResolverFault(mx)) {
    findings.push(finding('mx-lookup-failed', 'error', `The MX records of ${domain} could not be read: ${mx.explanation}`));
  } else if (mx.outcome === 'nxdomain') {
    findings.push(finding('mx-domain-missing', 'fail', `${domain} does not exist in DNS (NXDOMAIN), so it can neither send nor receive mail.`, domain));
  } else if (records.length === 0) {
    findings.push(finding('mx-missing', 'fail', `${domain} has no MX record: replies to your support address go to its A record, if any (RFC 5321 §5.1), and usually bounce.`, domain));
    steps.push(`Publish the MX records your mail provider gives you at ${domain} (host "@").`);
  } else if (nullMx) {
    findings.push(finding('mx-null', 'fail', `${domain} publishes a null MX ("0 ."): it declares it accepts no mail (RFC 7505), so replies to the support address bounce.`, '0 .'));
    steps.push(`Replace the null MX at ${domain} with your mail provider's MX records.`);
  } else {
    type Issue = { readonly code: string; readonly severity: 'fail' | 'warn' | 'error'; readonly message: string };
    const checked = await Promise.all(
      records.map(async (record): Promise<{ exchange: string; priority: number; addresses: string[]; issue: Issue | null }> => {
        const exchange = record.exchange;
        const host = { exchange, priority: record.priority };
        if (ipFamily(exchange.replace(/^\[|\]$/gu, '')) !== 0) {
          return { ...host, addresses: [], issue: { code: 'mx-ip-address', severity: 'fail', message: `MX ${record.priority} ${exchange} is an IP address; an MX must name a host (RFC 5321 §5.1), so many servers skip it.` } };
        }
        const [a, aaaa] = await Promise.all([resolver.lookup(exchange, 'A', signal), resolver.lookup(exchange, 'AAAA', signal)]);
        const addresses = [...a.records, ...aaaa.records].flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.address] : []));
        if (addresses.length === 0 && (isResolverFault(a) || isResolverFault(aaaa))) {
          return { ...host, addresses, issue: { code: 'mx-host-lookup-failed', severity: 'error', message: `The address of ${exchange} could not be read: ${(isResolverFault(a) ? a : aaaa).explanation}` } };
        }
        if (addresses.length === 0) {
          const doubled = exchange.endsWith(`.${domain}.${domain}`) ? ` (it ends in ${domain} twice: the DNS host appended the domain to a full name)` : '';
          return { ...host, addresses, issue: { code: 'mx-unresolvable', severity: 'fail', message: `${exchange} has no address${doubled}, so mail for ${domain} cannot be delivered there.` } };
        }
        const alias = a.chain.at(-1) ?? aaaa.chain.at(-1);
        if (alias !== undefined) {
          return { ...host, addresses, issue: { code: 'mx-cname', severity: 'warn', message: `${exchange} is a CNAME; RFC 2181 §10.3 says an MX must name the host itself. Most servers cope; point the MX at ${alias.value}.` } };
        }
        return { ...host, addresses, issue: null };
      }),
    );
    hosts = checked.map(({ issue, ...host }) => ({ ...host, problem: issue?.message ?? null }));
    for (const { issue, exchange } of checked) if (issue !== null) findings.push(finding(issue.code, issue.severity, issue.message, exchange));
    const working = hosts.filter((h) => h.addresses.length > 0);
    if (working.length > 0 && !findings.some((f) => f.severity !== 'pass' && f.severity !== 'info')) {
      findings.push(finding('mx-ok', 'pass', `${working.length} mail server${working.length === 1 ? '' : 's'}: ${working.map((h) => `${h.exchange} (${h.priority})`).join(', ')}.`));
    }
  }

  return buildItem(
    {
      id: 'mx',
      kind: 'mx',
      title: 'MX records',
      importance: 'required',
      findings,
      details: { kind: 'mx', nullMx, hosts },
      queries: lookups,
      records: records.map((r) => r.value),
      ttl: mx.ttl,
      fix: { steps, records: [] },
      references: [refs.mxHost, refs.nullMx, refs.cnameTargets],
    },
    { resolver: options.resolver.description, startedAt },
  );
}
