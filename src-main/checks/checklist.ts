/**
 * The checklist behind `checks:run-checklist` and `relayproof check`: every check starts
 * at once over one run's resolver (each DNS question asked once per run, answers shared),
 * items stream out as they finish, so the whole list takes about as long as its longest
 * chain of dependent lookups. Returns the report with every record to publish and a
 * zone-file snippet.
 */
import { ipFamily } from '../dns/ip-family';
import type { Result } from '../../src-preload/contract';
import { fail, ok } from '../../src-preload/contract/result-values';
import { resolverFromSpecs, type DnsResolver } from '../dns/resolver';
import { withRunMemo } from '../dns/run-memo';
import { expectedDkimTarget, type Platform, type PlatformCatalog } from '../providers/platforms';
import { checkDkim, pendingDkim, type DkimPreset } from './dkim';
import { signaturesInHeaders } from './dkim-record';
import { checkDmarc, type DmarcAlignment } from './dmarc';
import { checkForwarding } from './forwarding';
import { buildItem, finding } from './item';
import type { FetchPolicy } from './mta-sts';
import { platformFreeChecks } from './platform-free-checks';
import { uniqueRecords, zoneFileSnippet } from './records';
import type { CheckItem, CheckKind, ChecklistEvent, ChecklistInput, ChecklistReport } from '../../src-preload/contract/checks-schemas';
import { checkSpf } from './spf';
import { applyRoute, blockingItems, countStatuses, routeOf, type SelectorSource } from './route-evaluation';
import type { PlatformRoute } from '../../src-preload/contract/providers';

export interface ChecklistDeps {
  readonly platforms: PlatformCatalog;
  /** Defaults to the input's `dnsServers`, else the system's resolvers. */
  readonly resolver?: DnsResolver;
  readonly resolverOptions?: { readonly timeoutMs?: number; readonly retries?: number };
  readonly signal?: AbortSignal;
  readonly onItem?: (item: CheckItem) => void;
  /** The contract's event stream: `planned` first, then one `item` per finished check. */
  readonly onEvent?: (event: ChecklistEvent) => void;
  /** Only with this does the MTA-STS check fetch the HTTPS policy. */
  readonly fetchMtaStsPolicy?: FetchPolicy;
  readonly clock?: () => Date;
}

interface PlannedCheck {
  readonly id: string;
  readonly kind: CheckKind;
  readonly run: () => Promise<CheckItem>;
}

interface SelectorPlan {
  readonly selector: string;
  readonly source: SelectorSource;
}

/** Selectors to check: the platform's fixed ones, the relay's, the user's, and those a received message names. */
export function plannedSelectors(input: Pick<ChecklistInput, 'domain' | 'selectors' | 'messageHeaders'> & { readonly relaySelectors?: readonly string[] }, platform: Platform): SelectorPlan[] {
  const plans: SelectorPlan[] = [];
  const add = (selector: string, source: SelectorPlan['source']) => {
    const s = selector.toLowerCase();
    if (!plans.some((p) => p.selector === s)) plans.push({ selector: s, source });
  };
  for (const entry of platform.dkim.selectors) if (entry.selector) add(entry.selector, 'platform');
  // Token CNAMEs (SES): the tokens the admin enters are the platform's selectors.
  const typed: SelectorSource = platform.dkim.mode === 'token-cname' ? 'platform' : 'user';
  for (const s of input.relaySelectors ?? []) add(s, platform.dkim.mode === 'token-cname' ? 'platform' : 'relay');
  for (const s of input.selectors) add(s, typed);
  for (const sig of signaturesInHeaders(input.messageHeaders ?? '')) if (sig.domain === input.domain) add(sig.selector, 'message');
  return plans;
}

function dkimPreset(platform: Platform, selector: string, domain: string): DkimPreset | null {
  const mode = platform.dkim.mode;
  if (mode === 'none') return null;
  // Fixed selectors match by name; token CNAMEs (SES) apply to every selector the admin enters.
  const entry = platform.dkim.selectors.find((e) => e.selector === selector) ?? (mode === 'token-cname' ? platform.dkim.selectors.find((e) => e.selector === undefined) : undefined);
  if (entry === undefined) return null;
  return {
    type: entry.type,
    mode,
    expectedTarget: expectedDkimTarget(entry, selector, domain),
    targetSuffix: entry.targetSuffix ?? null,
    value: entry.value ?? null,
  };
}

interface PlanContext {
  readonly resolver: DnsResolver;
  readonly route: PlatformRoute;
  readonly signal?: AbortSignal | undefined;
  readonly fetchMtaStsPolicy?: FetchPolicy | undefined;
  /** Filled while planning: where each DKIM selector came from. */
  readonly selectorSources?: Map<string, SelectorSource>;
  /** Filled when the SPF verdict is judged for the SMTP host's address (no sending IP given). */
  readonly assumed?: { sendingIp?: { readonly ip: string; readonly host: string } };
}

/**
 * Where the relay must pass SPF and no sending IP is known, a server that sends its own
 * mail sends from its own address: the SPF verdict is judged for the SMTP host's address
 * (an IP literal as it is, a name by its A record), and the item says it was assumed. Not
 * when the provider's include is known (big providers send from other hosts than they
 * accept submissions on).
 */
async function relayHostClient(input: ChecklistInput, context: PlanContext): Promise<{ ip: string; sender?: string | undefined; helo: string | null } | undefined> {
  const host = input.smtpHost?.replace(/^\[|\]$/gu, '');
  if (host === undefined || host === '' || context.route.spf.relay !== 'required' || input.relayInclude !== undefined) return undefined;
  let ip: string | undefined = ipFamily(host) !== 0 ? host : undefined;
  if (ip === undefined) {
    const found = await context.resolver.lookup(host, 'A', context.signal === undefined ? {} : { signal: context.signal });
    const first = found.records.find((r) => r.type === 'A');
    ip = first?.type === 'A' ? first.address : undefined;
  }
  if (ip === undefined) return undefined;
  if (context.assumed !== undefined) context.assumed.sendingIp = { ip, host };
  return { ip, sender: input.sender, helo: input.heloName ?? null };
}

export function planChecklist(
  input: ChecklistInput,
  platform: Platform,
  context: PlanContext,
): PlannedCheck[] {
  const { domain } = input;
  const common = { domain, resolver: context.resolver, signal: context.signal };
  const checks: PlannedCheck[] = [];
  const wanted = (kind: CheckKind) => input.only === undefined || input.only.includes(kind);
  const client = input.sendingIp ? { ip: input.sendingIp, sender: input.sender, helo: input.heloName ?? null } : undefined;

  if (wanted('spf')) {
    // The platform's includes only where its own servers send (Zendesk direct, SES, mg3).
    const requiredIncludes = context.route.spf.includes === 'required' ? platform.spf.requiredIncludes : [];
    checks.push({
      id: 'spf',
      kind: 'spf',
      run: async () => checkSpf({ ...common, requiredIncludes, platformName: platform.name, client: client ?? (await relayHostClient(input, context)) }),
    });
  }
  if (wanted('dkim')) {
    const selectors = plannedSelectors(input, platform);
    for (const { selector, source } of selectors) context.selectorSources?.set(selector, source);
    for (const { selector, source } of selectors) {
      checks.push({ id: `dkim:${selector}`, kind: 'dkim', run: () => checkDkim({ ...common, selector, source, preset: dkimPreset(platform, selector, domain), platformName: platform.name }) });
    }
    // Where the relay may sign, its selector is asked for until one is known (route-evaluation decides whether it is still needed).
    const relayUnknown = context.route.dkim.anyOf.includes('relay') && platform.dkim.mode !== 'token-cname' && !selectors.some((s) => s.source !== 'platform');
    if (selectors.length === 0 || relayUnknown) {
      const hint =
        platform.dkim.mode === 'token-cname'
          ? `Enter the ${platform.dkim.tokenCount ?? ''} DKIM tokens ${platform.name} shows (the part before ._domainkey) as selectors.`.replace('  ', ' ')
          : 'No DKIM selector to check: enter the one your mail server signs with, or paste the headers of a received message (DKIM-Signature: s=).';
      checks.push({ id: 'dkim:*', kind: 'dkim', run: () => Promise.resolve(pendingDkim({ domain, resolver: context.resolver, hint })) });
    }
  }
  if (wanted('dmarc')) {
    // The DMARC advice waits for this run's SPF verdict and DKIM keys (the same promises, no second lookup).
    const spfCheck = checks.find((c) => c.kind === 'spf');
    const dkimChecks = checks.filter((c) => c.kind === 'dkim');
    const alignment = async (): Promise<DmarcAlignment> => {
      const spf = spfCheck === undefined ? null : await spfCheck.run().catch(() => null);
      const dkim = (await Promise.all(dkimChecks.map((c) => c.run().catch(() => null)))).filter((i): i is CheckItem => i !== null);
      return alignmentOf(spf, applyRoute(dkim, { platform, route: context.route, selectorSources: context.selectorSources ?? new Map() }));
    };
    checks.push({
      id: 'dmarc',
      kind: 'dmarc',
      run: () =>
        checkDmarc({
          ...common,
          alignmentNote: platform.dmarc.alignment,
          alignment,
          ...(platform.dmarc.recommended ? { recommended: platform.dmarc.recommended } : {}),
          ...(input.dmarcReports !== undefined ? { reports: input.dmarcReports } : {}),
        }),
    });
  }
  checks.push(...platformFreeChecks(input, common, context.fetchMtaStsPolicy));
  if (wanted('forwarding') && (platform.forwarding !== null || input.forwardingAddress !== undefined)) {
    checks.push({ id: 'forwarding', kind: 'forwarding', run: () => checkForwarding({ ...common, address: input.forwardingAddress, pattern: platform.forwarding, platformName: platform.shortName }) });
  }
  // Each check runs once: the DMARC advice and the run share one promise per check.
  return checks.map((c) => ({ ...c, run: once(c.run) }));
}

function once<T>(run: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= run());
}

/**
 * What the DNS says about this route's alignment today: SPF passes for the relay's (or the
 * platform's) IP with the domain as envelope sender, and an aligned DKIM key the route
 * needs is published. A key is not a signature — the message proof says whether mail is
 * really signed — but a missing or broken one is a definite fail.
 */
export function alignmentOf(spf: CheckItem | null, dkim: readonly CheckItem[]): DmarcAlignment {
  const verdict = spf?.evidence.details.kind === 'spf' ? spf.evidence.details.verdict : null;
  const spfState: DmarcAlignment['spf'] = verdict !== null ? (verdict.result === 'pass' ? 'pass' : 'fail') : spf?.status === 'fail' ? 'fail' : 'unknown';
  const needed = dkim.filter((i) => i.required);
  const dkimState: DmarcAlignment['dkim'] = needed.some((i) => i.status === 'pass' || i.status === 'warn')
    ? 'pass'
    : needed.length > 0 && needed.every((i) => i.status === 'fail')
      ? 'fail'
      : 'unknown';
  const parts = [
    verdict !== null ? `SPF ${verdict.result} for ${verdict.ip}` : spfState === 'fail' ? 'SPF fails' : 'SPF not judged for a sending IP',
    dkimState === 'pass' ? 'an aligned DKIM key is published' : dkimState === 'fail' ? 'no aligned DKIM key' : 'DKIM selector not known',
  ];
  return { spf: spfState, dkim: dkimState, detail: parts.join(', ') };
}

export async function runChecklist(input: ChecklistInput, deps: ChecklistDeps): Promise<Result<ChecklistReport>> {
  const clock = deps.clock ?? (() => new Date());
  const startedAt = clock();
  const started = performance.now();
  const platform = deps.platforms.get(input.platform);
  if (platform === undefined) return fail('not-found', `No data for the platform "${input.platform}".`, { hint: 'resources/platforms is incomplete; reinstall Relayproof.' });
  let base = deps.resolver;
  if (base === undefined) {
    const made = resolverFromSpecs(input.dnsServers, deps.resolverOptions ?? {});
    if ('errors' in made) return fail('invalid-input', made.errors.join(' '));
    base = made.resolver;
  }
  const routed = routeOf(platform, input.route);
  if (!routed.ok) return routed;
  const route = routed.value;
  const resolver = withRunMemo(base, deps.signal);
  const selectorSources = new Map<string, SelectorSource>();
  const assumed: { sendingIp?: { readonly ip: string; readonly host: string } } = {};
  const planned = planChecklist(input, platform, { resolver, route, signal: deps.signal, fetchMtaStsPolicy: deps.fetchMtaStsPolicy, selectorSources, assumed });
  const routeContext = { platform, route, selectorSources, relayInclude: input.relayInclude, assumed };
  deps.onEvent?.({ type: 'planned', ids: planned.map((p) => p.id), resolver: resolver.description });

  // Items stream out judged against the route; DKIM items wait for each other (one aligned key of any signer is enough).
  const emit = (item: CheckItem) => {
    deps.onItem?.(item);
    deps.onEvent?.({ type: 'item', item });
  };
  const dkimPlanned = planned.filter((p) => p.kind === 'dkim').length;
  const dkimDone: CheckItem[] = [];

  const raw = await Promise.all(
    planned.map(async (check) => {
      let item: CheckItem;
      try {
        item = await check.run();
      } catch (error) {
        if (deps.signal?.aborted) throw error;
        // A bug in one check must not take the checklist down: report it as that item's error.
        item = buildItem(
          {
            id: check.id,
            kind: check.kind,
            title: check.id,
            importance: 'required',
            findings: [finding('check-crashed', 'error', `Relayproof could not finish this check: ${error instanceof Error ? error.message : String(error)}`)],
            details: crashedDetails(check.kind, input.domain),
            queries: [],
            references: [],
          },
          { resolver: resolver.description, startedAt: started },
        );
      }
      if (item.kind !== 'dkim') {
        const [routed] = applyRoute([item], routeContext);
        if (routed !== undefined) emit(routed);
        return item;
      }
      dkimDone.push(item);
      if (dkimDone.length === dkimPlanned) {
        for (const judged of applyRoute(dkimDone, routeContext)) emit(judged);
      }
      return item;
    }),
  ).catch((error: unknown) => {
    if (deps.signal?.aborted) return null;
    throw error;
  });
  if (raw === null) return fail('cancelled', 'The checklist was cancelled.');
  const items = applyRoute(raw, routeContext);

  const records = uniqueRecords(items.flatMap((i) => i.fix?.records ?? []));
  return ok({
    domain: input.domain,
    platform: input.platform,
    route: route.id,
    ok: blockingItems(items).length === 0,
    blocking: blockingItems(items),
    startedAt: startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    durationMs: Math.round(performance.now() - started),
    resolver: resolver.description,
    items,
    counts: countStatuses(items),
    records,
    zoneFile: records.length > 0 ? zoneFileSnippet(records, `Records to publish for ${input.domain}, generated by Relayproof`) : '',
    queries: (await resolver.lookups()).length,
  });
}

function crashedDetails(kind: CheckKind, domain: string): CheckItem['evidence']['details'] {
  switch (kind) {
    case 'spf':
      return { kind, domain, record: null, tree: null, lookups: { total: 0, limit: 10, void: 0, voidLimit: 2 }, requiredIncludes: [], verdict: null, merge: null };
    case 'dkim':
      return { kind, selector: '*', name: '', cname: [], expectedTarget: null, tags: {}, keyType: null, keyBits: null, revoked: false, testing: false, doubledName: null };
    case 'dmarc':
      return { kind, domain, policyDomain: null, orgDomain: null, record: null, tags: {}, policy: null, subdomainPolicy: null, testing: false, destinations: [] };
    case 'mx':
      return { kind, nullMx: false, hosts: [] };
    case 'ptr':
      return { kind, ip: null, source: null, names: [], forwardConfirmed: null, residentialHints: [] };
    case 'helo':
      return { kind, name: null, source: null, addresses: [], sameOrganization: null };
    case 'mta-sts':
      return { kind, record: null, id: null, policyFetched: false, policy: null };
    case 'tls-rpt':
      return { kind, record: null, rua: [] };
    case 'bimi':
      return { kind, record: null, location: null, authority: null };
    case 'forwarding':
      return { kind, address: null, domain: null, pattern: null, mx: [] };
  }
}
