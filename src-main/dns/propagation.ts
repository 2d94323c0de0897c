/**
 * "Has my change reached the world yet?": ask the zone's authoritative servers what is
 * published, ask each configured resolver what it serves, and say which already serve
 * the new value, until when a stale answer stays cached (its remaining TTL), and when a
 * cached NXDOMAIN expires (RFC 2308 §5: min(SOA TTL, SOA MINIMUM)).
 */
import type { Result } from '../../src-preload/contract';
import { fail, ok } from '../../src-preload/contract/result-values';
import { authoritativeResolvers, findAuthoritativeServers } from './authoritative';
import { createResolver, isResolverFault, type DnsResolver } from './resolver';
import { parseServerSpecs, systemServers } from './servers';
import type { DnsServerAddress } from './transport';
import type { DnsLookup, DnsRecordType, PropagationReport, PropagationRequest, PropagationView } from '../../src-preload/contract/dns-schemas';

export interface PropagationOptions {
  /** Resolvers to compare (the configured public/system resolvers), each asked separately. */
  readonly resolvers: readonly DnsServerAddress[];
  /** Used to find the zone's name servers (any recursive resolver). */
  readonly discovery: DnsResolver;
  /** Skip discovery and ask these authoritative servers (tests, split-horizon setups). */
  readonly authoritative?: readonly DnsServerAddress[];
  readonly authoritativePort?: number;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly signal?: AbortSignal;
}

export async function checkPropagation(
  request: { readonly name: string; readonly type: DnsRecordType; readonly expected?: string | undefined },
  options: PropagationOptions,
): Promise<PropagationReport> {
  const timing = { ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), ...(options.retries === undefined ? {} : { retries: options.retries }) };
  const signalOption = options.signal ? { signal: options.signal } : {};
  const discovered =
    options.authoritative === undefined
      ? await findAuthoritativeServers(request.name, options.discovery, { ...signalOption, ...(options.authoritativePort === undefined ? {} : { port: options.authoritativePort }) })
      : null;
  const authoritativeServers = options.authoritative ?? discovered?.servers ?? [];
  const expected = request.expected?.trim() ?? null;

  const ask = (resolver: DnsResolver) => resolver.lookup(request.name, request.type, signalOption);
  const [authoritativeLookups, resolverLookups] = await Promise.all([
    Promise.all(authoritativeResolvers(authoritativeServers, timing).map(ask)),
    Promise.all(options.resolvers.map((server) => ask(createResolver({ ...timing, servers: [server], kind: 'explicit' })))),
  ]);

  const reference = authoritativeLookups.find((l) => !isResolverFault(l));
  const referenceValues = reference ? valuesOf(reference) : null;
  const view = (lookup: DnsLookup, role: PropagationView['role']): PropagationView => {
    const values = valuesOf(lookup);
    const answeredAt = Date.parse(lookup.at);
    const expires = (seconds: number) => new Date(answeredAt + seconds * 1000).toISOString();
    return {
      server: lookup.server ?? lookup.attempts[0]?.server ?? '',
      role,
      lookup,
      values,
      matchesAuthoritative: referenceValues === null || isResolverFault(lookup) ? null : sameValues(values, referenceValues),
      servesExpected: expected === null ? null : values.some((v) => sameValue(v, expected)),
      cachedUntil: lookup.outcome === 'answer' && lookup.ttl !== null ? expires(lookup.ttl) : null,
      negativeCacheExpiresAt: (lookup.outcome === 'nxdomain' || lookup.outcome === 'nodata') && lookup.negative ? expires(lookup.negative.negativeTtl) : null,
    };
  };
  const authoritative = authoritativeLookups.map((l) => view(l, 'authoritative'));
  const resolvers = resolverLookups.map((l) => view(l, 'resolver'));

  const problems: string[] = [];
  if (discovered?.problem) problems.push(discovered.problem);
  for (const v of [...authoritative, ...resolvers]) if (isResolverFault(v.lookup)) problems.push(v.lookup.explanation);
  const authoritativeDisagree = new Set(authoritative.filter((v) => !isResolverFault(v.lookup)).map((v) => v.values.join('\n'))).size > 1;
  if (authoritativeDisagree) problems.push('The authoritative servers disagree: a secondary has not loaded the latest zone yet (compare their SOA serials).');

  const current = resolvers.filter((v) => (expected === null ? v.matchesAuthoritative === true : v.servesExpected === true));
  const authoritativeHasExpected = expected === null || authoritative.some((v) => v.servesExpected === true);
  const propagated = reference !== undefined && authoritativeHasExpected && !authoritativeDisagree && current.length === resolvers.length;
  return {
    name: request.name,
    type: request.type,
    expected,
    zone: discovered?.zone ?? null,
    nameservers: discovered?.nameservers.map((n) => ({ name: n.name, addresses: [...n.addresses] })) ?? [],
    authoritative,
    resolvers,
    propagated,
    summary: summarize({ request, authoritative, resolvers, current: current.length, authoritativeHasExpected, reference }),
    problems,
  };
}

function valuesOf(lookup: DnsLookup): string[] {
  return lookup.records.map((r) => r.value).sort();
}

function sameValue(a: string, b: string): boolean {
  return a.trim().replace(/\.$/u, '').toLowerCase() === b.trim().replace(/\.$/u, '').toLowerCase();
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => sameValue(v, b[i] ?? ''));
}

function summarize(input: {
  request: { name: string; type: DnsRecordType };
  authoritative: PropagationView[];
  resolvers: PropagationView[];
  current: number;
  authoritativeHasExpected: boolean;
  reference: DnsLookup | undefined;
}): string {
  const { request, resolvers } = input;
  const what = `${request.type} ${request.name}`;
  if (input.reference === undefined) return `No authoritative server answered for ${what}, so what is published cannot be compared.`;
  if (!input.authoritativeHasExpected) return `The authoritative servers do not serve the new value of ${what} yet: the change is not published (or was entered under another name).`;
  const stale = resolvers.filter((v) => !isResolverFault(v.lookup) && (v.servesExpected === false || v.matchesAuthoritative === false));
  const parts = [`${input.current} of ${resolvers.length} resolvers serve the published ${what}.`];
  for (const v of stale) {
    if (v.negativeCacheExpiresAt) parts.push(`${v.server} still has "does not exist" cached until ${v.negativeCacheExpiresAt}.`);
    else if (v.cachedUntil) parts.push(`${v.server} serves an older value until ${v.cachedUntil} at the latest.`);
  }
  return parts.join(' ');
}

/**
 * The `checks:check-propagation` handler body: the configured resolvers (else the
 * system's) compared with the zone's authoritative servers, found through them.
 */
export async function runPropagation(
  request: PropagationRequest,
  deps: { readonly signal?: AbortSignal; readonly timeoutMs?: number; readonly retries?: number; readonly authoritativePort?: number; readonly systemServers?: () => DnsServerAddress[] } = {},
): Promise<Result<PropagationReport>> {
  const parsed = parseServerSpecs(request.dnsServers);
  if (parsed.errors.length > 0) return fail('invalid-input', parsed.errors.join(' '));
  const resolvers = parsed.servers.length > 0 ? parsed.servers : (deps.systemServers ?? systemServers)();
  if (resolvers.length === 0) return fail('invalid-input', 'No DNS server is configured on this machine; give one (such as 1.1.1.1).');
  const timing = { ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }), ...(deps.retries === undefined ? {} : { retries: deps.retries }) };
  try {
    return ok(
      await checkPropagation(request, {
        resolvers,
        discovery: createResolver({ ...timing, servers: resolvers, kind: parsed.servers.length > 0 ? 'explicit' : 'system' }),
        ...timing,
        ...(deps.authoritativePort === undefined ? {} : { authoritativePort: deps.authoritativePort }),
        ...(deps.signal ? { signal: deps.signal } : {}),
      }),
    );
  } catch (error) {
    if (deps.signal?.aborted) return fail('cancelled', 'The propagation check was cancelled.');
    throw error;
  }
}
