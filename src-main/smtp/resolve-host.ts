/**
 * DNS phase: every A and AAAA answer for the SMTP host. Queries go straight to the
 * resolvers each time (c-ares does not cache; nodemailer's 5-minute cache is not used),
 * so a fixed record shows up on the next test.
 */
import { promises as dns } from 'node:dns';
import { ipFamily } from '../dns/ip-family';
import { EngineFailure, errorCodeOf } from './engine-failure';
import type { DnsResult } from '../../src-preload/contract/smtp-schemas';

export interface HostResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
  cancel?(): void;
}

/** The OS lookup (hosts file, mDNS ...), used only when the DNS resolvers have no answer. */
export type SystemLookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemLookup: SystemLookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** A resolver on the given servers (`IP` or `IP:port`), or the system's when empty. */
export function createHostResolver(servers: readonly string[], timeoutMs: number): HostResolver {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return resolver;
}

export interface ResolveHostOptions {
  readonly resolver: HostResolver;
  /** null = no fallback (a DNS server was chosen explicitly). */
  readonly lookup: SystemLookup | null;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

const NO_ANSWER = new Set(['ENODATA', 'ENOTFOUND', 'NOTFOUND', 'ENONAME']);

export async function resolveHost(host: string, options: ResolveHostOptions): Promise<DnsResult> {
  const bare = host.replace(/^\[|\]$/gu, '').replace(/\.$/u, '');
  const family = ipFamily(bare);
  if (family !== 0) return { source: 'literal', a: family === 4 ? [bare] : [], aaaa: family === 6 ? [bare] : [], used: null, attempts: [] };

  const settled = await withTimeout(
    Promise.allSettled([options.resolver.resolve4(bare), options.resolver.resolve6(bare)]),
    options,
    `DNS did not answer for ${bare} within ${options.timeoutMs} ms.`,
  );
  const [four, six] = settled;
  const a = four.status === 'fulfilled' ? four.value : [];
  const aaaa = six.status === 'fulfilled' ? six.value : [];
  if (a.length + aaaa.length > 0) return { source: 'resolver', a, aaaa, used: null, attempts: [] };

  const codes = settled.map((r) => (r.status === 'rejected' ? (errorCodeOf(r.reason) ?? 'ERROR') : 'ENODATA'));
  if (codes.every((c) => NO_ANSWER.has(c)) && options.lookup !== null) {
    const fromSystem = await withTimeout(options.lookup(bare).catch(() => []), options, `The system lookup for ${bare} did not finish.`);
    if (fromSystem.length > 0) {
      return {
        source: 'system',
        a: fromSystem.filter((r) => r.family === 4).map((r) => r.address),
        aaaa: fromSystem.filter((r) => r.family === 6).map((r) => r.address),
        used: null,
        attempts: [],
      };
    }
  }
  const code = codes.find((c) => !NO_ANSWER.has(c)) ?? codes[0] ?? 'ENOTFOUND';
  if (NO_ANSWER.has(code)) {
    throw new EngineFailure('dns-not-found', `${bare} has no A or AAAA record (${code}): the name does not exist or has no address.`, { errorCode: code });
  }
  if (code === 'ETIMEOUT') throw new EngineFailure('dns-timeout', `DNS did not answer for ${bare} (ETIMEOUT).`, { errorCode: code });
  throw new EngineFailure('dns-failed', `The DNS lookup of ${bare} failed (${code}).`, { errorCode: code });
}

async function withTimeout<T>(work: Promise<T>, options: ResolveHostOptions, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          options.resolver.cancel?.();
          reject(new EngineFailure('dns-timeout', message, { errorCode: 'ETIMEOUT' }));
        }, options.timeoutMs);
        onAbort = () => {
          options.resolver.cancel?.();
          const reason: unknown = options.signal.reason;
          reject(reason instanceof EngineFailure ? reason : new EngineFailure('cancelled', 'The test was cancelled.'));
        };
        if (options.signal.aborted) onAbort();
        else options.signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) options.signal.removeEventListener('abort', onAbort);
  }
}

/** Addresses in the order they are tried: IPv4 first (workstation IPv6 is often half-working), then IPv6. */
export function connectOrder(result: DnsResult): string[] {
  return [...result.a, ...result.aaaa];
}
