/**
 * MTA-STS (RFC 8461): the `_mta-sts` TXT record (v=STSv1; id=...), the policy host's
 * address, and, only when a fetch function is injected, the HTTPS policy file and its
 * mx patterns against the domain's MX hosts. No network request happens otherwise.
 */
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { parseTagList } from './dkim-record';
import { buildItem, finding } from './item';
import { fixRecord } from './records';
import { refs } from './references';
import type { CheckDetailsOf, CheckItem, Finding } from '../../src-preload/contract/checks-schemas';

/** Fetch https://mta-sts.<domain>/.well-known/mta-sts.txt; resolves to the body text. */
export type FetchPolicy = (url: string, signal?: AbortSignal) => Promise<string>;

export interface MtaStsCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
  readonly fetchPolicy?: FetchPolicy | undefined;
}

export interface ParsedStsPolicy {
  readonly version: string | null;
  readonly mode: string | null;
  readonly mx: readonly string[];
  readonly maxAge: number | null;
  readonly problems: readonly string[];
}

/** RFC 8461 §3.2: "key: value" lines. */
export function parseStsPolicy(text: string): ParsedStsPolicy {
  const fields = text.split(/\r?\n/u).flatMap((line) => {
    const m = /^([a-z_]+):\s*(.*?)\s*$/iu.exec(line);
    return m ? [{ key: (m[1] ?? '').toLowerCase(), value: m[2] ?? '' }] : [];
  });
  const one = (key: string) => fields.find((f) => f.key === key)?.value ?? null;
  const problems: string[] = [];
  const version = one('version');
  const mode = one('mode');
  const maxAgeText = one('max_age');
  const maxAge = maxAgeText !== null && /^\d{1,10}$/u.test(maxAgeText) ? Number(maxAgeText) : null;
  const mx = fields.filter((f) => f.key === 'mx').map((f) => f.value.toLowerCase());
  if (version !== 'STSv1') problems.push(`version is "${version ?? ''}", not STSv1`);
  if (mode === null || !['enforce', 'testing', 'none'].includes(mode)) problems.push(`mode is "${mode ?? ''}"; use enforce, testing or none`);
  if (maxAge === null || maxAge > 31_557_600) problems.push('max_age must be a number of seconds up to 31557600');
  if (mode !== 'none' && mx.length === 0) problems.push('no mx: lines, so no server matches');
  return { version, mode, mx, maxAge, problems };
}

function mxMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.split('.').length === pattern.split('.').length;
  return pattern === host;
}

export async function checkMtaSts(options: MtaStsCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  const signal = options.signal ? { signal: options.signal } : {};
  const name = `_mta-sts.${domain}`;
  const policyHost = `mta-sts.${domain}`;
  const [txt, host, mx] = await Promise.all([resolver.lookup(name, 'TXT', signal), resolver.lookup(policyHost, 'A', signal), resolver.lookup(domain, 'MX', signal)]);
  const findings: Finding[] = [];
  const records = txt.records.map((r) => r.value).filter((v) => /^v=STSv1\s*(;|$)/u.test(v));
  let id: string | null = null;
  let policy: CheckDetailsOf<'mta-sts'>['policy'] = null;
  let fetched = false;

  if (isResolverFault(txt)) findings.push(finding('mta-sts-lookup-failed', 'error', `The MTA-STS record could not be read: ${txt.explanation}`));
  else if (records.length === 0) {
    findings.push(finding('mta-sts-missing', 'warn', `No MTA-STS record at ${name}: servers sending to ${domain} may deliver without TLS if an attacker strips it. Optional, but recommended (RFC 8461).`));
  } else if (records.length > 1) {
    findings.push(finding('mta-sts-multiple', 'fail', `${name} has ${records.length} v=STSv1 records; senders then ignore MTA-STS (RFC 8461 §3.1). Keep one.`, name));
  } else {
    const parsed = parseTagList(records[0] ?? '');
    id = parsed.tags.get('id') ?? null;
    if (id === null || !/^[a-z0-9]{1,32}$/iu.test(id)) {
      findings.push(finding('mta-sts-bad-id', 'fail', `id=${id ?? '(missing)'}: the id must be 1-32 letters and digits, changed whenever the policy changes (RFC 8461 §3.1).`, `id=${id ?? ''}`));
    }
    if (host.outcome !== 'answer') {
      findings.push(finding(isResolverFault(host) ? 'mta-sts-host-lookup-failed' : 'mta-sts-no-policy-host', isResolverFault(host) ? 'error' : 'fail', `The policy host ${policyHost} has no address (${host.explanation}), so senders cannot fetch the policy.`, policyHost));
    }
    if (options.fetchPolicy !== undefined && host.outcome === 'answer') {
      const url = `https://${policyHost}/.well-known/mta-sts.txt`;
      try {
        const parsedPolicy = parseStsPolicy(await options.fetchPolicy(url, options.signal));
        fetched = true;
        policy = { mode: parsedPolicy.mode ?? '', mx: [...parsedPolicy.mx], maxAge: parsedPolicy.maxAge ?? 0 };
        for (const problem of parsedPolicy.problems) findings.push(finding('mta-sts-policy-invalid', 'fail', `The policy at ${url} is invalid: ${problem} (RFC 8461 §3.2).`, url));
        const hosts = mx.records.flatMap((r) => (r.type === 'MX' && r.exchange !== '' ? [r.exchange] : []));
        const uncovered = hosts.filter((h) => !parsedPolicy.mx.some((p) => mxMatches(p, h)));
        if (uncovered.length > 0 && parsedPolicy.mode !== 'none') {
          findings.push(finding('mta-sts-mx-not-covered', parsedPolicy.mode === 'enforce' ? 'fail' : 'warn', `The policy's mx lines do not cover ${uncovered.join(', ')}; in enforce mode senders refuse to deliver there.`, uncovered.join(', ')));
        }
      } catch (error) {
        findings.push(finding('mta-sts-policy-unreachable', 'fail', `The policy ${url} could not be fetched: ${error instanceof Error ? error.message : String(error)}.`, url));
      }
    } else if (options.fetchPolicy === undefined) {
      findings.push(finding('mta-sts-policy-not-fetched', 'info', `The HTTPS policy file was not fetched (Relayproof only reads DNS here).`));
    }
    if (!findings.some((f) => f.severity === 'fail' || f.severity === 'error' || f.severity === 'warn')) findings.push(finding('mta-sts-ok', 'pass', `MTA-STS is published (id=${id ?? ''})${policy ? `, mode ${policy.mode}` : ''}.`));
  }

  return buildItem(
    {
      id: 'mta-sts',
      kind: 'mta-sts',
      title: 'MTA-STS',
      importance: 'recommended',
      findings,
      details: { kind: 'mta-sts', record: records[0] ?? null, id, policyFetched: fetched, policy },
      queries: lookups,
      records,
      ttl: txt.ttl,
      fix: {
        steps: findings.some((f) => f.code === 'mta-sts-missing')
          ? [`Publish a policy file at https://${policyHost}/.well-known/mta-sts.txt (version: STSv1, mode: testing, mx: your MX hosts, max_age: 86400), then the TXT record below.`]
          : [],
        records: findings.some((f) => f.code === 'mta-sts-missing') ? [fixRecord({ zone: domain, name, type: 'TXT', value: `v=STSv1; id=${new Date().toISOString().slice(0, 10).replaceAll('-', '')}01` })] : [],
      },
      references: [refs.mtaSts, refs.mtaStsPolicy],
    },
    { resolver: options.resolver.description, startedAt },
  );
}
