/**
 * The DMARC check: the record at _dmarc.<domain>, else the one a receiver finds with the
 * DNS tree walk (RFC 9989 §4.10; no public suffix list), its tags, external report
 * destinations authorised by <domain>._report._dmarc.<destination> (RFC 9990), and where
 * the domain stands on the none → quarantine → reject rollout.
 *
 * Advice never makes delivery worse: a record to paste is never stricter than what
 * receivers apply today (a new record is p=none, whatever the platform recommends), the
 * stricter stages are steps with the condition to reach each, and an enforcing policy
 * that this route's mail cannot pass is flagged, never silently lowered.
 */
import { isSameOrSubdomain } from '../dns/names';
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import type { DnsLookup } from '../../src-preload/contract/dns-schemas';
import { analyzeDmarcRecord, isDmarcRecord, withDmarcTags, type DmarcAnalysis, type DmarcPolicy } from './dmarc-record';
import { buildItem, finding } from './item';
import { fixRecord } from './records';
import { refs } from './references';
import type { CheckDetailsOf, CheckItem, Finding, FixRecord } from '../../src-preload/contract/checks-schemas';
import type { DmarcReportNumbers } from '../../src-preload/contract/reports';

export interface DmarcCheckOptions {
  readonly domain: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
  /** Platform-specific alignment advice (resources/platforms). */
  readonly alignmentNote?: string;
  /**
   * The platform's target record (`{domain}` is filled in): the stage to reach, never the
   * first record to paste, which is always p=none.
   */
  readonly recommended?: string;
  /**
   * Whether this route's mail passes SPF and DKIM aligned with the From: domain, known once
   * the SPF verdict and the DKIM checks are done; absent, both are unknown.
   */
  readonly alignment?: () => Promise<DmarcAlignment>;
  /** What the domain's aggregate reports say (messages, how many passed DMARC, over how many days), when Relayproof has read them. */
  readonly reports?: DmarcReportNumbers;
}

export interface DmarcAlignment {
  readonly spf: 'pass' | 'fail' | 'unknown';
  readonly dkim: 'pass' | 'fail' | 'unknown';
  /** Why, in the admin's words (the SPF verdict, which selector failed). */
  readonly detail?: string;
}

const UNKNOWN_ALIGNMENT: DmarcAlignment = { spf: 'unknown', dkim: 'unknown' };
const DEFAULT_TARGET = 'v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@{domain}';

/** DMARC passes when SPF or DKIM passes aligned (RFC 9989 §4.2). */
function alignmentProven(a: DmarcAlignment): boolean {
  return a.spf === 'pass' || a.dkim === 'pass';
}

/** Known to fail: nothing passes and at least one of the two is a definite fail. */
function alignmentFailing(a: DmarcAlignment): boolean {
  return !alignmentProven(a) && (a.spf === 'fail' || a.dkim === 'fail');
}

function describeAlignment(a: DmarcAlignment): string {
  return `SPF aligned: ${a.spf}, DKIM aligned: ${a.dkim}${a.detail ? `; ${a.detail}` : ''}`;
}

/** The policy receivers apply with t=y: one step less (RFC 9989 §4.7). */
function appliedPolicy(policy: DmarcPolicy, testing: boolean): DmarcPolicy {
  if (!testing) return policy;
  return policy === 'reject' ? 'quarantine' : 'none';
}

const QUARANTINE_CONDITION = 'after 2–4 weeks of aggregate reports show every legitimate source (this platform, your own mail server, newsletters, billing) passing SPF or DKIM aligned';
const REJECT_CONDITION = 'after another 2–4 weeks under quarantine in which the reports show nothing legitimate failing';
const TESTING_NOTE = 'To try a stage gently, publish it with t=y first: receivers then apply one step less (quarantine as none, reject as quarantine) while you watch the reports; t=y replaces pct=, which RFC 9989 removed.';

/**
 * The rollout from \`from\` onwards, as text: each stricter stage with the record and the
 * condition to reach it. Never a record to paste now.
 */
function rolloutSteps(target: string, from: DmarcPolicy, alignment: DmarcAlignment, targetLabel: string | null): string[] {
  const stage = (policy: DmarcPolicy) => withDmarcTags(target, { p: policy });
  const targetPolicy = analyzeDmarcRecord(target).policy;
  const label = (policy: DmarcPolicy) => (targetLabel !== null && targetPolicy === policy ? ` (${targetLabel})` : '');
  const steps: string[] = [];
  if (from === 'none') {
    const gate = alignmentFailing(alignment)
      ? ` Not before this route's mail passes SPF or DKIM aligned (today: ${describeAlignment(alignment)}): under quarantine it would go to spam.`
      : alignmentProven(alignment)
        ? ''
        : ' First confirm with a verification email that this route\'s mail passes SPF or DKIM aligned.';
    steps.push(`Stage 2, p=quarantine${label('quarantine')}: ${QUARANTINE_CONDITION}, replace the record with: ${stage('quarantine')}.${gate}`);
  }
  if (from !== 'reject') steps.push(`Stage 3, p=reject${label('reject')}: ${REJECT_CONDITION}, replace the record with: ${stage('reject')}.`);
  if (steps.length > 0) steps.push(TESTING_NOTE);
  return steps;
}

/** Share of reported messages that must pass DMARC before the next stage: the rest are forwarders and stray sources to look at first. */
export const READY_PASS_RATE = 0.98;
/** Days of reports before the next stage: two weeks catch weekly and fortnightly senders (billing runs, newsletters). */
export const READY_DAYS = 14;

/**
 * The next rollout stage judged from the aggregate reports read for the domain: "98 % of
 * 1,240 messages aligned in 14 days: ready for quarantine", or what is still missing.
 * Information only: it never changes the item's verdict, and it is advice, never a record.
 */
export function reportRollout(reports: DmarcReportNumbers, current: DmarcPolicy): { readonly ready: boolean; readonly message: string } | null {
  if (current === 'reject' || reports.messages === 0) return null;
  const next = current === 'none' ? 'quarantine' : 'reject';
  const rate = reports.dmarcPass / reports.messages;
  const shown = rate >= 0.995 && rate < 1 ? (Math.floor(rate * 1000) / 10).toFixed(1) : String(Math.floor(rate * 100));
  const facts = `${shown} % of ${reports.messages.toLocaleString('en')} reported messages aligned in ${reports.days} ${reports.days === 1 ? 'day' : 'days'}`;
  if (rate >= READY_PASS_RATE && reports.days >= READY_DAYS) return { ready: true, message: `${facts}: ready for ${next}.` };
  if (rate < READY_PASS_RATE) {
    return { ready: false, message: `${facts}: not ready for ${next}. ${reports.messages - reports.dmarcPass} failed DMARC; find their sources in the reports (your own servers, other services sending as the domain) and make them pass SPF or DKIM aligned first, until at least ${Math.round(READY_PASS_RATE * 100)} % pass.` };
  }
  return { ready: false, message: `${facts}: not ready for ${next} yet. Read ${READY_DAYS} days of reports first, so that senders that send weekly or less often show up.` };
}

interface Found {
  readonly name: string;
  readonly record: string;
  readonly analysis: DmarcAnalysis;
}

export interface DmarcDiscovery {
  /** Lookup of _dmarc.<domain> itself. */
  readonly own: DnsLookup;
  /** Records of the domain itself (0, 1, or several: several are discarded). */
  readonly ownRecords: readonly string[];
  readonly applied: Found | null;
  readonly orgDomain: string | null;
  readonly faults: readonly DnsLookup[];
}

/** RFC 9989 §4.10: the targets after the author domain (at most 8 queries in all). */
export function treeWalkTargets(domain: string): string[] {
  const labels = domain.split('.');
  const targets: string[] = [];
  let count = labels.length >= 8 ? 7 : labels.length - 1;
  for (; count >= 1; count--) targets.push(labels.slice(-count).join('.'));
  return targets;
}

export async function discoverDmarc(domain: string, resolver: DnsResolver, signal?: AbortSignal): Promise<DmarcDiscovery> {
  const options = signal ? { signal } : {};
  const recordsOf = (l: DnsLookup) => l.records.map((r) => r.value.trim()).filter(isDmarcRecord);
  const own = await resolver.lookup(`_dmarc.${domain}`, 'TXT', options);
  const ownRecords = recordsOf(own);
  if (ownRecords.length === 1) {
    const record = ownRecords[0] ?? '';
    return { own, ownRecords, applied: { name: domain, record, analysis: analyzeDmarcRecord(record) }, orgDomain: domain, faults: [] };
  }
  if (isResolverFault(own)) return { own, ownRecords, applied: null, orgDomain: null, faults: [own] };
  // The walk's queries do not depend on each other: ask them all at once.
  const targets = treeWalkTargets(domain);
  const walked = await Promise.all(targets.map((t) => resolver.lookup(`_dmarc.${t}`, 'TXT', options)));
  const found: Found[] = [];
  const faults: DnsLookup[] = [];
  for (const [i, lookup] of walked.entries()) {
    if (isResolverFault(lookup)) faults.push(lookup);
    const records = recordsOf(lookup);
    if (records.length !== 1) continue;
    const record = records[0] ?? '';
    const analysis = analyzeDmarcRecord(record);
    found.push({ name: targets[i] ?? '', record, analysis });
    if (analysis.psd !== 'u') break;
  }
  // Organizational Domain selection (RFC 9989 §4.10.2).
  const psdNo = found.find((f) => f.analysis.psd === 'n');
  const psdYes = found.find((f) => f.analysis.psd === 'y');
  let orgDomain: string | null = null;
  let applied: Found | null = null;
  if (psdNo) {
    orgDomain = psdNo.name;
    applied = psdNo;
  } else if (psdYes) {
    const labels = psdYes.name.split('.').length + 1;
    orgDomain = domain.split('.').slice(-labels).join('.');
    applied = found.find((f) => f.name === orgDomain) ?? psdYes;
  } else if (found.length > 0) {
    applied = found.reduce((a, b) => (b.name.split('.').length < a.name.split('.').length ? b : a));
    orgDomain = applied.name;
  }
  return { own, ownRecords, applied, orgDomain, faults };
}

export async function checkDmarc(options: DmarcCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const { resolver, lookups } = recordLookups(options.resolver);
  // The alignment verdict is waited for alongside the DNS work, not before it.
  const [discovery, alignment] = await Promise.all([
    discoverDmarc(domain, resolver, options.signal),
    options.alignment ? options.alignment().catch((): DmarcAlignment => ({ ...UNKNOWN_ALIGNMENT, detail: 'the SPF and DKIM results could not be combined' })) : Promise.resolve(UNKNOWN_ALIGNMENT),
  ]);
  const findings: Finding[] = [];
  const fixes: FixRecord[] = [];
  const steps: string[] = [];
  const applied = discovery.applied;
  const target = (options.recommended ?? DEFAULT_TARGET).replaceAll('{domain}', domain);
  const targetAnalysis = analyzeDmarcRecord(target);

  if (discovery.ownRecords.length > 1) {
    findings.push(
      finding('dmarc-multiple-records', 'fail', `_dmarc.${domain} has ${discovery.ownRecords.length} DMARC records; receivers discard all of them (RFC 9989 §4.10) and treat ${domain} as if it had none. Keep one.`, `_dmarc.${domain}`),
    );
    const [keep, ...drop] = discovery.ownRecords;
    for (const record of drop) fixes.push(fixRecord({ zone: domain, name: `_dmarc.${domain}`, type: 'TXT', value: record, action: 'remove' }));
    if (keep !== undefined) steps.push(`Keep one record at _dmarc.${domain} (for example "${keep}") and delete the others.`);
  }

  let policy: DmarcPolicy | null = null;
  let destinations: CheckDetailsOf<'dmarc'>['destinations'] = [];
  if (applied === null) {
    if (isResolverFault(discovery.own)) {
      findings.push(finding('dmarc-lookup-failed', 'error', `The DMARC record of ${domain} could not be read: ${discovery.own.explanation}`));
    } else if (discovery.faults.length > 0) {
      findings.push(finding('dmarc-lookup-failed', 'error', `No DMARC record at _dmarc.${domain}, and the parent domains could not all be checked: ${discovery.faults[0]?.explanation ?? ''}`));
    } else if (discovery.ownRecords.length <= 1) {
      findings.push(finding('dmarc-missing', 'fail', `${domain} has no DMARC record (nor does any parent domain): receivers apply no DMARC policy, and Gmail and Yahoo require one from bulk senders.`, `_dmarc.${domain}`));
      // The first record is always p=none with rua=: a stricter one would act on mail that
      // nobody has seen pass yet; the platform's recommendation is the stage to reach.
      const start = withDmarcTags(target, {
        p: 'none',
        ...(targetAnalysis.subdomainPolicy !== null ? { sp: 'none' } : {}),
        ...(targetAnalysis.nonexistentPolicy !== null ? { np: null } : {}),
        ...(targetAnalysis.uris.some((u) => u.tag === 'rua') ? {} : { rua: `mailto:dmarc-reports@${domain}` }),
      });
      fixes.push(fixRecord({ zone: domain, name: `_dmarc.${domain}`, type: 'TXT', value: start }));
      const why = alignmentProven(alignment)
        ? alignment.spf === 'pass' && alignment.dkim === 'pass'
          ? `This route's mail passes SPF and DKIM aligned, but other services may send as ${domain} (your own mail server, newsletters, billing) and are not checked here: p=none lets the reports show them before anything is blocked.`
          : `This route's mail passes DMARC (${describeAlignment(alignment)}), but other services may send as ${domain} and are not checked here: p=none lets the reports show them before anything is blocked.`
        : `This route's mail is not proven to pass SPF or DKIM aligned (${describeAlignment(alignment)}): a stricter policy now would send it to spam or have it refused.`;
      steps.push(
        `Publish a TXT record named "_dmarc" with: ${start}`,
        `Stage 1, p=none (now): receivers only send aggregate reports to rua= and block nothing. ${why}`,
        ...rolloutSteps(target, 'none', alignment, options.recommended !== undefined ? "the platform's recommended record" : null),
      );
    }
  } else {
    const inherited = applied.name !== domain;
    const analysis = applied.analysis;
    findings.push(...analysis.findings);
    if (inherited) {
      findings.push(
        finding('dmarc-inherited', 'info', `No record at _dmarc.${domain}; receivers apply the record of ${applied.name} (${analysis.subdomainPolicy ? `sp=${analysis.subdomainPolicy}` : `p=${analysis.policy ?? 'none'}`} for subdomains).`, `_dmarc.${applied.name}`),
      );
    }
    policy = inherited ? (analysis.subdomainPolicy ?? analysis.policy) : analysis.policy;
    const invalidPolicy = findings.some((f) => f.code === 'dmarc-invalid-p');
    const effective = policy ?? 'none';

    if (!invalidPolicy) {
      if (effective === 'none') {
        findings.push(finding('dmarc-monitoring-only', 'warn', `${inherited ? 'The applied' : 'The'} policy is none: receivers only report, and forged mail claiming ${domain} is delivered. Once the reports show all your senders passing, move to p=quarantine.`, `p=${effective}`));
      } else if (effective === 'quarantine') {
        findings.push(finding('dmarc-enforced', 'pass', `Policy quarantine: mail failing DMARC goes to spam.`, `p=${effective}`));
        findings.push(finding('dmarc-rollout', 'info', 'Next step when reports stay clean: p=reject.'));
      } else {
        findings.push(finding('dmarc-enforced', 'pass', `Policy reject: mail failing DMARC is refused.`, `p=${effective}`));
      }
    }
    if (!invalidPolicy && options.reports !== undefined) {
      const rollout = reportRollout(options.reports, appliedPolicy(effective, analysis.testing));
      if (rollout !== null) {
        findings.push(finding('dmarc-reports-rollout', 'info', `Aggregate reports: ${rollout.message}`, null));
        steps.push(`From the aggregate reports: ${rollout.message}`);
      }
    }
    if (analysis.testing) findings.push(finding('dmarc-testing', 'warn', 't=y: testing mode; receivers apply one step less (reject as quarantine, quarantine as none). Remove t=y when done testing (RFC 9989 §4.7).', 't=y'));
    if (!analysis.uris.some((u) => u.tag === 'rua')) findings.push(finding('dmarc-no-rua', 'warn', 'No rua= address: you get no aggregate reports, so you cannot see which servers send as your domain.', null));

    // External report destinations need <policy domain>._report._dmarc.<destination> (RFC 9990 §3);
    // "external" = neither name under the other (RFC 9989 has no public suffix list).
    const external = analysis.uris.filter((u) => u.domain !== null && !isSameOrSubdomain(u.domain, applied.name));
    const checks = await Promise.all(
      external.map(async (u) => {
        const name = `${applied.name}._report._dmarc.${u.domain ?? ''}`;
        return { u, name, lookup: await resolver.lookup(name, 'TXT', options.signal ? { signal: options.signal } : {}) };
      }),
    );
    destinations = analysis.uris.map((u) => {
      const check = checks.find((c) => c.u === u);
      const authorized = check === undefined ? null : isResolverFault(check.lookup) ? null : check.lookup.records.some((r) => isDmarcRecord(r.value));
      return { tag: u.tag, uri: u.uri, domain: u.domain, external: check !== undefined, authorized, checkedName: check?.name ?? null };
    });
    for (const { u, name, lookup } of checks) {
      if (isResolverFault(lookup)) findings.push(finding('dmarc-external-unknown', 'error', `Whether ${u.domain ?? ''} accepts reports for ${applied.name} is unknown: ${lookup.explanation}`, u.uri));
      else if (!lookup.records.some((r) => isDmarcRecord(r.value))) {
        findings.push(
          finding(
            'dmarc-external-unauthorized',
            'warn',
            `Reports to ${u.uri.replace(/^mailto:/iu, '')} will not be sent: ${u.domain ?? ''} does not publish ${name} (v=DMARC1), which authorises it to receive ${applied.name}'s reports (RFC 9990 §3).`,
            u.uri,
          ),
        );
        steps.push(`Ask the operator of ${u.domain ?? ''} to publish a TXT record at ${name} with "v=DMARC1" (report services do this when you register the domain).`);
      } else {
        findings.push(finding('dmarc-external-authorized', 'pass', `${u.domain ?? ''} is authorised to receive ${applied.name}'s reports (${name}).`, u.uri));
      }
    }

    const adkim = (analysis.tags.adkim ?? 'r').toLowerCase() === 's' ? 'strict' : 'relaxed';
    const aspf = (analysis.tags.aspf ?? 'r').toLowerCase() === 's' ? 'strict' : 'relaxed';
    findings.push(
      finding(
        'dmarc-alignment',
        'info',
        `Alignment: DKIM ${adkim}, SPF ${aspf} (${adkim === 'relaxed' ? 'a signature from any subdomain of the same organisation counts' : 'the signing domain must equal the From domain'}). ${options.alignmentNote ?? 'DMARC passes when SPF or DKIM passes for a domain aligned with the From: domain.'}`,
      ),
    );

    // An enforcing policy this route's mail fails: flag it, never lower it in a suggestion.
    const applies = appliedPolicy(effective, analysis.testing);
    if (!invalidPolicy && applies !== 'none' && alignmentFailing(alignment)) {
      const outcome = applies === 'reject' ? 'refuse' : 'send to spam';
      findings.push(
        finding(
          'dmarc-policy-risky',
          'warn',
          `${inherited ? `The applied policy (from ${applied.name})` : 'The policy'} is ${applies}, but this route's mail passes neither SPF nor DKIM aligned (${describeAlignment(alignment)}): receivers will ${outcome} it until alignment is fixed. Fix alignment first; do not lower the policy unless mail is being lost.`,
          `p=${effective}`,
        ),
      );
      steps.push(
        `Fix alignment before anything else: make the relay's sending IP pass SPF for ${domain}, or have the mail signed with DKIM d=${domain} (or a subdomain of it), then send a verification email to confirm.`,
        `Keep p=${effective}. Only if legitimate mail is being lost meanwhile, publish p=none temporarily, note why and until when, and restore p=${effective} as soon as alignment passes.`,
      );
    }

    if (!inherited) {
      // Corrections keep today's policy (an invalid p= is none to receivers); the policy the
      // typo meant, like every stricter stage, is a step with its condition.
      if (analysis.corrected !== null) {
        fixes.push(fixRecord({ zone: domain, name: `_dmarc.${domain}`, type: 'TXT', value: analysis.corrected, action: 'replace', replaces: applied.record }));
        steps.push(`Replace the record at _dmarc.${domain} with: ${analysis.corrected}`);
      }
      if (invalidPolicy && analysis.intendedPolicy !== null && analysis.intendedPolicy !== 'none') {
        steps.push(
          `The corrected record keeps p=none, which is what receivers apply today: moving straight to p=${analysis.intendedPolicy} would act on mail nobody has seen pass DMARC yet. Reach p=${analysis.intendedPolicy} through the stages below.`,
        );
      }
      const base = analysis.corrected ?? applied.record;
      const current = invalidPolicy ? 'none' : effective;
      if (current !== 'reject' && !alignmentFailing(alignment)) steps.push(...rolloutSteps(base, current, alignment, null));
      else if (current === 'none' && alignmentFailing(alignment)) {
        steps.push(`Stay at p=none for now: this route's mail does not pass SPF or DKIM aligned (${describeAlignment(alignment)}), so p=quarantine would send it to spam. Fix alignment, then follow the stages: ${QUARANTINE_CONDITION}, p=quarantine; then p=reject.`);
      }
    }
  }

  return buildItem(
    {
      id: 'dmarc',
      kind: 'dmarc',
      title: 'DMARC policy',
      importance: 'required',
      findings,
      details: {
        kind: 'dmarc',
        domain,
        policyDomain: applied?.name ?? null,
        orgDomain: discovery.orgDomain,
        record: applied?.record ?? null,
        tags: { ...(applied?.analysis.tags ?? {}) },
        policy,
        subdomainPolicy: applied?.analysis.subdomainPolicy ?? null,
        testing: applied?.analysis.testing ?? false,
        destinations,
      },
      queries: lookups,
      records: applied ? [applied.record] : [...discovery.ownRecords],
      ttl: discovery.own.ttl,
      fix: { steps, records: fixes },
      references: [refs.dmarcTags, refs.dmarcTreeWalk, refs.dmarcReports],
    },
    { resolver: options.resolver.description, startedAt },
  );
}
