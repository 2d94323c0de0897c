/**
 * Autodetect: which mail provider a domain uses, from what its DNS says. The MX records
 * name the service that receives its mail (`*.mail.protection.outlook.com` → Microsoft
 * 365); RFC 6186 SRV records (`_submissions._tcp`, `_submission._tcp`) name the server
 * its users submit mail to. All three are asked at once through Relayproof's own
 * resolver (the configured DNS servers, its timeouts), under one overall deadline.
 * Best effort: every failure becomes a sentence in `problems`, and it never throws.
 */
import { domainToAscii } from '../../src-preload/contract/fields';
import { addressLiteral } from '../dns/names';
import { resolverFromSpecs, isResolverFault } from '../dns/resolver';
import type { DnsLookup, DnsRecordOf } from '../../src-preload/contract/dns-schemas';
import { CUSTOM_PROVIDER_ID, preferredEndpoint } from './providers';
import type { ProviderConfidence, ProviderDetectReport, ProviderEndpoint, ProviderPreset, ProviderSuggestion } from '../../src-preload/contract/providers';

/** Below the channel's 20 s timeout, so the admin gets the report rather than a timeout error. */
export const DETECT_DEADLINE_MS = 15_000;

export interface DetectInput {
  /** A domain (Unicode or punycode) or a whole address. */
  readonly domain: string;
  /** As typed (`192.0.2.53`, `127.0.0.1:5301`); empty = the system's resolvers. */
  readonly dnsServers: readonly string[];
}

export interface DetectDeps {
  /** In the wizard's order: among equally good matches, the earlier preset comes first. */
  readonly presets: readonly ProviderPreset[];
  readonly signal?: AbortSignal;
  readonly resolverOptions?: { readonly timeoutMs?: number; readonly retries?: number };
  readonly deadlineMs?: number;
}

type SrvService = ProviderDetectReport['srv'][number]['service'];

/** RFC 6186 §3.1 / RFC 8314 §5.1: `_submissions` is implicit TLS, `_submission` STARTTLS; implicit TLS preferred. */
const SRV_SERVICES: readonly { readonly service: SrvService; readonly security: 'tls' | 'starttls' }[] = [
  { service: '_submissions._tcp', security: 'tls' },
  { service: '_submission._tcp', security: 'starttls' },
];

const CONFIDENCE_RANK: Readonly<Record<ProviderConfidence, number>> = { high: 0, medium: 1, low: 2 };

interface Candidate {
  readonly suggestion: ProviderSuggestion;
  /** Compared left to right after confidence: where the evidence came from, then its DNS priority. */
  readonly order: readonly number[];
}

export async function detectProvider(input: DetectInput, deps: DetectDeps): Promise<ProviderDetectReport> {
  const typed = input.domain.trim();
  const afterAt = typed.slice(typed.lastIndexOf('@') + 1).replace(/\.$/u, '');
  const ascii = domainToAscii(afterAt)?.toLowerCase() ?? null;
  const report = (domain: string, fields: Partial<Omit<ProviderDetectReport, 'domain'>>): ProviderDetectReport => ({
    domain,
    mx: [],
    srv: [],
    suggestions: [],
    problems: [],
    ...fields,
  });
  // user@[192.0.2.1] or a typed IP names a server, not a domain: nothing to ask MX or SRV for.
  if (addressLiteral(afterAt) !== null) {
    return report(afterAt, { problems: [`"${afterAt}" is an IP address, not a domain name. Type the domain of the address, such as example.com.`] });
  }
  if (ascii === null || !ascii.includes('.')) {
    return report(afterAt, { problems: [`"${afterAt}" is not a domain name. Type the part of the address after the @, such as example.com.`] });
  }
  const domain = ascii;

  const made = resolverFromSpecs(input.dnsServers, deps.resolverOptions ?? {});
  if ('errors' in made) return report(domain, { problems: made.errors.map((e) => `${e} Autodetect did not run.`) });
  const { resolver } = made;

  const deadlineMs = deps.deadlineMs ?? DETECT_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, deadline]) : deadline;
  const problems: string[] = [];
  const ask = (name: string, type: 'MX' | 'SRV'): Promise<DnsLookup | null> =>
    resolver.lookup(name, type, { signal }).catch(() => {
      problems.push(
        deps.signal?.aborted === true
          ? `The ${type} lookup for ${name} was cancelled.`
          : `No answer for ${type} ${name} within ${Math.round(deadlineMs / 1000)} s, so autodetect stopped waiting. Choose the provider yourself, or check the DNS servers in Settings.`,
      );
      return null;
    });
  const [mxLookup, ...srvLookups] = await Promise.all([ask(domain, 'MX'), ...SRV_SERVICES.map(({ service }) => ask(`${service}.${domain}`, 'SRV'))]);

  const candidates: Candidate[] = [];

  // Consumer mailbox domains: an address at gmail.com is a Gmail account, whatever the MX says.
  deps.presets.forEach((preset, presetIndex) => {
    const endpoint = preferredEndpoint(preset);
    if (endpoint === undefined || !preset.detect.domains.some((d) => d.toLowerCase() === domain)) return;
    candidates.push({
      suggestion: { providerId: preset.id, endpoint, confidence: 'high', reason: `Addresses at ${domain} are ${preset.name} accounts.` },
      order: [2, 0, presetIndex],
    });
  });

  // MX
  const mxRecords = recordsOf(mxLookup, 'MX').sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  const mx = mxRecords.map((r) => ({ exchange: r.exchange === '' ? '.' : r.exchange, priority: r.priority }));
  const realMx = mxRecords.filter((r) => r.exchange !== '');
  deps.presets.forEach((preset, presetIndex) => {
    for (const record of realMx) {
      const how = mxMatch(record.exchange, preset);
      if (how === null) continue;
      // Regional services (SES receiving): the MX names the region, and so the endpoint.
      const region = preset.endpoints.map((e) => e.region).find((r) => r !== undefined && record.exchange.includes(`.${r}.`));
      const endpoint = preferredEndpoint(preset, region);
      if (endpoint === undefined) continue;
      const { confidence } = preset.detect;
      const handled = `The MX record ${record.exchange} ${how}, so mail for ${domain} arrives at ${preset.name}.`;
      const reason = confidence === 'high' ? handled : `${handled} It may send through ${preset.name} too; confirm with whoever runs its mail.`;
      candidates.push({ suggestion: { providerId: preset.id, endpoint, confidence, reason }, order: [3, record.priority, presetIndex] });
      break;
    }
  });

  // SRV (RFC 6186)
  const srv: ProviderDetectReport['srv'] = [];
  SRV_SERVICES.forEach(({ service, security }, serviceIndex) => {
    const records = recordsOf(srvLookups[serviceIndex] ?? null, 'SRV').sort((a, b) => a.priority - b.priority || b.weight - a.weight);
    for (const record of records) {
      const target = record.target === '' ? '.' : record.target;
      srv.push({ service, target, port: record.port, priority: record.priority, weight: record.weight });
      if (target === '.') {
        // RFC 2782: a target of "." means the service is decidedly not available at this domain.
        problems.push(`${domain} states in DNS that it offers no ${security === 'tls' ? 'implicit-TLS' : 'STARTTLS'} mail submission (${service}.${domain} SRV points to ".").`);
        continue;
      }
      const known = knownEndpoint(deps.presets, target, record.port, security);
      const endpoint: ProviderEndpoint = known?.endpoint ?? {
        label: `Published in DNS (${service} SRV)`,
        host: target,
        port: record.port,
        security,
        recommended: false,
      };
      const what = security === 'tls' ? 'implicit TLS' : 'STARTTLS';
      const reason = `${service}.${domain} SRV (RFC 6186) names ${target} port ${record.port} with ${what} as the server to submit mail to${known ? `: that is ${known.preset.name}` : ''}.`;
      candidates.push({
        suggestion: { providerId: known?.preset.id ?? CUSTOM_PROVIDER_ID, endpoint, confidence: 'high', reason },
        order: [serviceIndex, record.priority, -record.weight],
      });
    }
  });

  const suggestions = dedupe(
    candidates.sort((a, b) => CONFIDENCE_RANK[a.suggestion.confidence] - CONFIDENCE_RANK[b.suggestion.confidence] || compareOrder(a.order, b.order)),
  );

  // What went wrong, or why nothing was found, in the admin's words.
  if (mxLookup !== null) {
    const mxProblem = explainMx(mxLookup, domain, mxRecords.length > 0 && realMx.length === 0);
    if (mxProblem !== null) problems.unshift(mxProblem);
  }
  SRV_SERVICES.forEach(({ service }, i) => {
    const lookup = srvLookups[i] ?? null;
    if (lookup !== null && isResolverFault(lookup)) {
      problems.push(`Could not read the submission record ${service}.${domain} (RFC 6186): ${lookup.explanation}`);
    }
  });
  if (suggestions.length === 0 && realMx.length > 0 && mxLookup !== null && mxLookup.outcome === 'answer') {
    problems.push(
      `The MX records of ${domain} (${realMx.map((r) => r.exchange).join(', ')}) do not belong to a provider Relayproof knows, and no submission (SRV) record names a server. Choose the provider yourself, or Custom for your own mail server.`,
    );
  }
  return { domain, mx, srv, suggestions, problems };
}

function recordsOf<T extends 'MX' | 'SRV'>(lookup: DnsLookup | null, type: T): DnsRecordOf<T>[] {
  if (lookup === null || lookup.outcome !== 'answer') return [];
  return lookup.records.filter((r): r is DnsRecordOf<T> => r.type === type);
}

/** How an MX host matches a preset ("ends in mail.protection.outlook.com"), or null. */
function mxMatch(exchange: string, preset: ProviderPreset): string | null {
  const host = exchange.toLowerCase();
  const exact = preset.detect.mxHosts.find((h) => h.toLowerCase() === host);
  if (exact !== undefined) return `is ${exact}`;
  const suffix = preset.detect.mxSuffixes.find((s) => host === s.toLowerCase() || host.endsWith(`.${s.toLowerCase()}`));
  if (suffix === undefined) return null;
  return host === suffix.toLowerCase() ? `is ${suffix}` : `ends in ${suffix}`;
}

/** A preset endpoint on this host: the exact host/port/security if listed, else the preset with the SRV's own port. */
function knownEndpoint(
  presets: readonly ProviderPreset[],
  host: string,
  port: number,
  security: 'tls' | 'starttls',
): { readonly preset: ProviderPreset; readonly endpoint: ProviderEndpoint | undefined } | null {
  const onHost = presets.filter((p) => p.endpoints.some((e) => e.host.toLowerCase() === host));
  for (const preset of onHost) {
    const endpoint = preset.endpoints.find((e) => e.host.toLowerCase() === host && e.port === port && e.security === security);
    if (endpoint !== undefined) return { preset, endpoint };
  }
  const preset = onHost[0];
  return preset === undefined ? null : { preset, endpoint: undefined };
}

function explainMx(lookup: DnsLookup, domain: string, nullMx: boolean): string | null {
  if (isResolverFault(lookup) || lookup.outcome === 'cname-loop') {
    return `Could not read the MX records of ${domain}: ${lookup.explanation} Choose the provider yourself, or check the DNS servers in Settings.`;
  }
  switch (lookup.outcome) {
    case 'nxdomain':
      return `${domain} does not exist in DNS (NXDOMAIN${lookup.server ? ` from ${lookup.server}` : ''}). Check the spelling of the domain.`;
    case 'nodata':
      return `${domain} publishes no MX records, so nothing in DNS says who handles its mail. Choose the provider yourself.`;
    default:
      return nullMx ? `${domain} declares that it accepts no mail (a "null MX", RFC 7505), so its MX says nothing about a provider. Choose the provider yourself.` : null;
  }
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** One suggestion per provider and server: the best-ranked evidence for it stays. */
function dedupe(sorted: readonly Candidate[]): ProviderSuggestion[] {
  const seen = new Set<string>();
  const out: ProviderSuggestion[] = [];
  for (const { suggestion } of sorted) {
    const { providerId, endpoint } = suggestion;
    const key = `${providerId} ${endpoint.host.toLowerCase()} ${endpoint.port} ${endpoint.security}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(suggestion);
  }
  return out;
}
