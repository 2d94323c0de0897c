/**
 * The SPF check (RFC 7208): exactly one record, its syntax (naming the failing term),
 * the include/redirect tree with per-record and total lookup counts (limit 10) and void
 * lookups (limit 2, §4.6.4), loops, deprecated ptr, the all term, the platform's
 * required include, the verdict for a sending IP, and the merged record to publish.
 */
import type { DnsResolver } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import type { DnsRecordOf } from '../../src-preload/contract/dns-schemas';
import { visibleText } from '../../src-preload/contract/visible-text';
import { buildItem, finding } from './item';
import { fixRecord } from './records';
import { refs } from './references';
import type { CheckItem, Finding, FixRecord, SpfNodeView, SpfVerdict } from '../../src-preload/contract/checks-schemas';
import { checkHost, SPF_LOOKUP_LIMIT, SPF_VOID_LIMIT } from './spf-evaluate';
import { isPlusAll, mergeDuplicateRecords, mergeSpfExplained, type SpfAllChoice } from './spf-merge';
import { parseSpfRecord, parseTerm } from './spf-record';
import { buildSpfTree, walkSpfTree } from './spf-tree';

export interface SpfCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
  /** Includes the connector platform needs (`mail.zendesk.com`). */
  readonly requiredIncludes?: readonly string[];
  readonly platformName?: string;
  /** "Would this IP pass?" — evaluated exactly as a receiver would. */
  readonly client?: { readonly ip: string; readonly sender?: string | undefined; readonly helo?: string | null | undefined } | undefined;
  /** The admin's choice of `all` for a merged record; without it the least strict of the merged records' is kept. */
  readonly all?: SpfAllChoice | undefined;
}

/** True when `domain` is included or redirected to anywhere in the tree. */
export function treeIncludes(root: SpfNodeView, domain: string): boolean {
  const wanted = domain.toLowerCase();
  for (const { node } of walkSpfTree(root)) {
    if (node.terms.some((t) => (t.kind === 'include' || t.kind === 'redirect') && t.target === wanted)) return true;
  }
  return false;
}

export async function checkSpf(options: SpfCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  const signal = options.signal ? { signal: options.signal } : {};
  const required = (options.requiredIncludes ?? []).map((d) => d.toLowerCase());
  // The platform's includes are fetched alongside the record: their cost is needed
  // for the merged record whether or not they are already present.
  const [tree, requiredTrees] = await Promise.all([
    buildSpfTree(domain, { resolver, ...signal, client: options.client }),
    Promise.all(required.map((d) => buildSpfTree(d, { resolver, ...signal }))),
  ]);
  const root = tree.root;
  const findings: Finding[] = [];
  const records: FixRecord[] = [];
  const steps: string[] = [];
  const platform = options.platformName ?? 'the platform';

  const txt = lookups.find((l) => l.name === domain && l.type === 'TXT');
  const txtRecords = (txt?.records ?? []).filter((r): r is DnsRecordOf<'TXT'> => r.type === 'TXT' && /^v=spf1( |$)/iu.test(r.value));

  switch (root.status) {
    case 'fault':
      findings.push(finding('spf-lookup-failed', 'error', `The SPF record of ${domain} could not be read: ${root.problem ?? ''}`));
      break;
    case 'none':
      findings.push(finding('spf-missing', 'fail', `${domain} has no SPF record, so receivers get SPF "none" for its mail and cannot tell your servers from forgers.`));
      break;
    case 'multiple':
      findings.push(
        finding('spf-multiple-records', 'fail', `${domain} publishes ${txtRecords.length} SPF records; RFC 7208 §4.5 makes that a permerror, so SPF fails for all of its mail. Merge them into one record.`),
      );
      break;
    case 'syntax-error': {
      const first = parseSpfRecord(root.record ?? '').errors[0];
      findings.push(
        finding('spf-syntax-error', 'fail', `The SPF record has a syntax error in "${visibleText(first?.term ?? '')}": ${first?.message ?? ''}. Receivers return permerror for every message.`, first?.term ?? null),
      );
      break;
    }
    case 'ok':
    case 'loop':
    case 'not-fetched':
      break;
  }
  if (txtRecords.length === 1) {
    const split = splitWithoutSpace(txtRecords[0]?.strings ?? []);
    if (split !== null) {
        findings.push(
          finding(
            'spf-split-without-space',
            'fail',
            `The record is published as ${txtRecords[0]?.strings.length} strings and receivers join them without a space, which produced "${split}". Put a space at the end of one string (or the start of the next).`,
            split,
          ),
        );
    }
  }

  if (root.status === 'ok' || root.status === 'syntax-error') {
    for (const { node, depth, path } of walkSpfTree(root)) {
      if (depth === 0) continue;
      const via = path.join(' → ');
      if (node.status === 'none') findings.push(finding('spf-include-without-record', 'fail', `"${via}": ${node.problem ?? ''}. An include or redirect of a domain without SPF is a permerror (RFC 7208 §5.2, §6.1).`, path.at(-1) ?? null));
      if (node.status === 'multiple' || node.status === 'syntax-error') findings.push(finding('spf-include-broken', 'fail', `"${via}" leads to a broken record: ${node.problem ?? ''}. Receivers return permerror when they reach it.`, path.at(-1) ?? null));
      if (node.status === 'loop') findings.push(finding('spf-include-loop', 'fail', `${node.problem ?? 'include loop'}.`, path.at(-1) ?? null));
      if (node.status === 'fault') findings.push(finding('spf-include-unreadable', 'error', `"${via}" could not be read: ${node.problem ?? ''}. The lookup count below it is unknown.`, path.at(-1) ?? null));
    }
    for (const fault of new Set(tree.faults)) if (!findings.some((f) => f.message.includes(fault))) findings.push(finding('spf-lookup-failed', 'error', fault));

    if (root.totalLookups > SPF_LOOKUP_LIMIT) {
      const costly = root.terms
        .filter((t) => t.lookups > 0)
        .map((t) => ({ text: t.text, cost: t.lookups + (t.child?.totalLookups ?? 0) }))
        .sort((a, b) => b.cost - a.cost)
        .slice(0, 3)
        .map((t) => `${t.text} ${t.cost}`)
        .join(', ');
      findings.push(
        finding(
          'spf-too-many-lookups',
          'fail',
          `The record needs ${root.totalLookups} DNS lookups; RFC 7208 §4.6.4 allows ${SPF_LOOKUP_LIMIT}. Receivers stop at the 11th and return permerror, so SPF fails for any sender listed after that point (largest: ${costly}).`,
        ),
      );
    }
    if (root.totalVoidLookups > SPF_VOID_LIMIT) {
      const voids = [...walkSpfTree(root)].flatMap(({ node }) => node.terms.filter((t) => t.voidLookup).map((t) => t.text));
      findings.push(
        finding('spf-too-many-void-lookups', 'fail', `${root.totalVoidLookups} terms look up names that do not exist or have no records (${voids.join(', ')}); RFC 7208 §4.6.4 allows ${SPF_VOID_LIMIT}, so receivers return permerror. Remove the dead terms.`),
      );
    }
    for (const term of root.terms) {
      if (term.kind === 'ptr') findings.push(finding('spf-ptr-deprecated', 'warn', `"${term.text}": ${term.note ?? ''}`, term.text));
      if (term.kind === 'redirect' && term.note?.startsWith('ignored')) findings.push(finding('spf-redirect-ignored', 'warn', `"${term.text}" is ${term.note}.`, term.text));
    }
    const all = root.terms.find((t) => t.kind === 'all');
    const redirect = root.terms.some((t) => t.kind === 'redirect');
    if (all?.qualifier === '+') findings.push(finding('spf-plus-all', 'fail', `"${all.text}" authorises every server on the internet to send as ${domain}; SPF then proves nothing. Use ~all or -all.`, all.text));
    else if (all?.qualifier === '?') findings.push(finding('spf-neutral-all', 'warn', `"${all.text}" says nothing about unlisted servers (neutral), so forged mail is not marked. Use ~all or -all.`, all.text));
    else if (all === undefined && !redirect && root.status === 'ok') {
      findings.push(finding('spf-no-all', 'warn', `The record ends without "all" or "redirect=": unlisted servers get neutral (RFC 7208 §4.7). End it with ~all or -all.`));
    }
  }

  const requiredIncludes = required.map((d) => ({ domain: d, present: root.status === 'ok' || root.status === 'syntax-error' ? treeIncludes(root, d) : false }));
  const includeFindings: Finding[] = [];
  let verdict: SpfVerdict | null = null;
  if (options.client !== undefined) {
    const evaluation = await checkHost(domain, { resolver, ip: options.client.ip, ...signal, ...(options.client.sender ? { sender: options.client.sender } : {}), helo: options.client.helo ?? null });
    verdict = {
      ip: evaluation.ip,
      sender: evaluation.sender,
      helo: options.client.helo ?? null,
      result: evaluation.result,
      explanation: evaluation.explanation,
      matched: evaluation.matched.length > 0 ? evaluation.matched.join(' → ') : null,
      lookups: evaluation.lookups,
      voidLookups: evaluation.voidLookups,
    };
    const severity = evaluation.result === 'pass' ? 'pass' : evaluation.result === 'temperror' ? 'error' : 'fail';
    findings.push(finding(`spf-verdict-${evaluation.result}`, severity, `For ${evaluation.ip}: ${evaluation.result}. ${evaluation.explanation}`, evaluation.matched.at(-1) ?? null));
  }

  // The caller passes the platform's includes only on a route where the platform's own
  // servers send (route-evaluation.ts): there a missing include fails that mail's SPF,
  // whatever the relay's verdict.
  for (const include of requiredIncludes) {
    if (include.present) includeFindings.push(finding('spf-platform-include-present', 'pass', `include:${include.domain} is present, so ${platform} is authorised.`, `include:${include.domain}`));
    else if (root.status !== 'fault') {
      includeFindings.push(finding('spf-platform-include-missing', 'fail', `include:${include.domain} is missing: ${platform} is not authorised to send as ${domain}, so its mail fails SPF.`, `include:${include.domain}`));
    }
  }
  findings.push(...includeFindings);

  // The record to publish.
  const missing = requiredIncludes.filter((i) => !i.present);
  const needsRecord = root.status === 'none' || root.status === 'multiple' || missing.length > 0;
  const existing = root.status === 'multiple' ? mergeDuplicateRecords(txtRecords.map((r) => r.value), options.all) : root.status === 'ok' || root.status === 'syntax-error' ? root.record : null;
  const explained =
    root.status === 'fault'
      ? null
      : mergeSpfExplained({
          existing,
          tree: root.status === 'ok' ? root : null,
          add: missing.map((m) => ({ domain: m.domain, subtree: requiredTrees[required.indexOf(m.domain)]?.root ?? null })),
          sendingIp: options.client?.ip,
          all: options.all,
        });
  const merge = explained?.merge ?? null;
  // An include whose record cannot be read has an unknown cost: say so, never count it as 0.
  const unknownCost = explained?.unknown.map((u) => `the cost of ${u.term} is unknown because ${u.why}`).join('; ') ?? '';
  if (merge !== null && needsRecord) {
    if (root.status === 'none') {
      records.push(fixRecord({ zone: domain, name: domain, type: 'TXT', value: merge.record }));
      steps.push(`Publish one TXT record at ${domain} (host "@"): ${merge.record}`);
    } else {
      const [first, ...others] = txtRecords;
      records.push(fixRecord({ zone: domain, name: domain, type: 'TXT', value: merge.record, action: 'replace', replaces: first?.value ?? null }));
      for (const other of others) records.push(fixRecord({ zone: domain, name: domain, type: 'TXT', value: other.value, action: 'remove', replaces: other.value }));
      steps.push(`Replace the SPF record at ${domain} with: ${merge.record}${others.length > 0 ? ` and delete the other ${others.length === 1 ? 'record' : 'records'}` : ''}.`);
    }
    // The merge keeps the least strict all, so a +all survives it: say what that means.
    const plusAll = merge.record.split(' ').find(isPlusAll);
    if (plusAll !== undefined && !findings.some((f) => f.code === 'spf-plus-all')) {
      findings.push(finding('spf-merge-plus-all', 'warn', `The merged record keeps "${plusAll}" from the published ones: it authorises every server on the internet to send as ${domain}, so SPF proves nothing. Choose ~all or -all once every sender is listed.`, plusAll));
    }
    if (plusAll !== undefined) steps.push(`"${plusAll}" authorises everyone: once every server that sends as ${domain} is listed, end the record with ~all (or -all) instead.`);
    if (merge.overLimit === true) {
      steps.push(`That record needs ${merge.lookupsKnown ? '' : 'at least '}${merge.lookups} lookups, over the limit of ${SPF_LOOKUP_LIMIT}. Free some first:`, ...merge.suggestions);
    } else if (!merge.lookupsKnown) {
      steps.push(`That record needs at least ${merge.lookups} of ${SPF_LOOKUP_LIMIT} DNS lookups; ${unknownCost}. Fix or remove that term, then check again.`);
    }
  } else if (merge !== null && merge.suggestions.length > 0) {
    steps.push(`Bring the record under ${SPF_LOOKUP_LIMIT} lookups:`, ...merge.suggestions);
  }
  const syntax = findings.find((f) => f.code === 'spf-syntax-error');
  if (syntax !== undefined && !needsRecord) steps.push(`Correct the term "${syntax.subject ?? ''}" in the SPF record at ${domain}.`);

  const healthy = !findings.some((f) => f.severity === 'fail' || f.severity === 'error' || f.severity === 'warn');
  if (healthy && root.status === 'ok') {
    findings.unshift(finding('spf-valid', 'pass', `One valid SPF record: ${root.totalLookups} of ${SPF_LOOKUP_LIMIT} DNS lookups, ${root.totalVoidLookups} of ${SPF_VOID_LIMIT} void lookups.`));
  }

  return buildItem(
    {
      id: 'spf',
      kind: 'spf',
      title: 'SPF record',
      importance: 'required',
      findings,
      details: {
        kind: 'spf',
        domain,
        record: root.record,
        tree: root.status === 'fault' ? null : root,
        lookups: { total: root.totalLookups, limit: SPF_LOOKUP_LIMIT, void: root.totalVoidLookups, voidLimit: SPF_VOID_LIMIT },
        requiredIncludes,
        verdict,
        merge,
      },
      queries: lookups,
      records: txtRecords.map((r) => r.value),
      ttl: txt?.ttl ?? null,
      fix: { steps, records },
      references: [refs.spfRecord, refs.spfLimits, refs.spfEvaluation, ...(root.terms.some((t) => t.kind === 'ptr') ? [refs.spfPtr] : []), refs.txtStrings],
    },
    { resolver: options.resolver.description, startedAt },
  );
}

/**
 * Receivers join a record's strings without adding spaces (RFC 7208 §3.3). When a
 * string ends with a complete term and the next begins with another, the two have been
 * glued into one bogus term: return that glued text.
 */
function splitWithoutSpace(strings: readonly string[]): string | null {
  const startsTerm = /^[+\-~?]?(all|include:|exists:|ip4:|ip6:|a[:/]|mx[:/]|ptr|redirect=|exp=)/iu;
  for (let i = 0; i + 1 < strings.length; i++) {
    const left = (strings[i] ?? '').split(' ').at(-1) ?? '';
    const right = (strings[i + 1] ?? '').split(' ')[0] ?? '';
    if (left === '' || right === '' || !startsTerm.test(right)) continue;
    const ok = (term: string) => !('message' in parseTerm(term));
    if (ok(right) && (ok(left) || /^v=spf1$/iu.test(left))) return `${left}${right}`;
  }
  return null;
}
