/**
 * Port and security probe (`smtp:probe`, `relayproof smtp probe HOST`): every port
 * (25, 465, 587, 2525, 2465, 2587 by default) × implicit TLS / STARTTLS, concurrently
 * but bounded per host, then one recommendation in plain words.
 */
import { hostname as osHostname } from 'node:os';
import type { Result } from '../../src-preload/contract';
import { ok } from '../../src-preload/contract/result-values';
import type { SmtpEngineDeps } from './connection-test';
import { EngineFailure } from './engine-failure';
import { invalidInput } from './invalid-input';
import { probeCombination } from './probe-combination';
import { networkNotes, recommend } from './probe-advice';
import { connectOrder, createHostResolver, resolveHost, systemLookup } from './resolve-host';
import { probeInputSchema, type ProbeEvent, type ProbeInput, type ProbeReport, type ProbeRequest, type ProbeResult } from '../../src-preload/contract/smtp-schemas';
import { defaultWireLimits } from './smtp-wire';
import { netConnect } from './tcp-connect';
import { createTlsTrust } from './tls-trust';

export const defaultProbeTimeouts = { deadlineMs: 30_000, connectMs: 5_000, greetingMs: 5_000, commandMs: 5_000 } as const;

export interface ProbeOptions extends Pick<SmtpEngineDeps, 'resolver' | 'lookup' | 'connect' | 'clock' | 'ca' | 'hostname' | 'limits'> {
  readonly signal?: AbortSignal;
  /** Streams each combination's result as it finishes. */
  readonly onResult?: (event: ProbeEvent) => void;
}

export async function probeHost(input: ProbeInput, options: ProbeOptions = {}): Promise<Result<ProbeReport>> {
  const parsed = probeInputSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  return ok(await runProbe(parsed.data, options));
}

export async function runProbe(req: ProbeRequest, options: ProbeOptions = {}): Promise<ProbeReport> {
  const started = Date.now();
  const t = {
    deadlineMs: req.timeouts.deadlineMs ?? defaultProbeTimeouts.deadlineMs,
    connectMs: req.timeouts.connectMs ?? defaultProbeTimeouts.connectMs,
    greetingMs: req.timeouts.greetingMs ?? defaultProbeTimeouts.greetingMs,
    commandMs: req.timeouts.commandMs ?? defaultProbeTimeouts.commandMs,
  };
  const deadlineAt = started + t.deadlineMs;
  const remaining = () => deadlineAt - Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new EngineFailure('deadline-exceeded', `The probe did not finish within ${t.deadlineMs} ms.`)), t.deadlineMs);
  const onCancel = () => controller.abort(new EngineFailure('cancelled', 'The probe was cancelled.'));
  if (options.signal?.aborted === true) onCancel();
  else options.signal?.addEventListener('abort', onCancel, { once: true });
  const base = { host: req.host, results: [] as ProbeResult[], recommendation: null, notes: [] as string[] };

  try {
    const dns = await resolveHost(req.host, {
      resolver: options.resolver ?? createHostResolver(req.dnsServers, t.connectMs),
      lookup: options.lookup !== undefined ? options.lookup : req.dnsServers.length > 0 ? null : systemLookup,
      timeoutMs: Math.min(t.connectMs, remaining()),
      signal: controller.signal,
    }).catch((error: unknown) => {
      if (error instanceof EngineFailure) return error;
      throw error;
    });
    if (dns instanceof EngineFailure) {
      return { ...base, addresses: [], address: null, ms: Date.now() - started, failure: { code: dns.code, message: dns.message } };
    }
    const addresses = connectOrder(dns);
    const address = addresses[0] ?? null;
    if (address === null) return { ...base, addresses, address, ms: Date.now() - started, failure: { code: 'dns-not-found', message: `${req.host} has no address.` } };

    // One controller per port: when implicit TLS answers there, the STARTTLS attempt on
    // the same port stops waiting for a greeting that will never come.
    const trust = createTlsTrust(options.ca);
    const portSignals = new Map(req.ports.map((port) => [port, new AbortController()]));
    // Every implicit-TLS attempt first: on a STARTTLS port it fails within a round trip,
    // and where it succeeds it releases its STARTTLS sibling at once. The long attempts
    // then overlap instead of queueing behind short ones.
    const tasks = [...req.ports.map((port) => ({ port, mode: 'tls' as const })), ...req.ports.map((port) => ({ port, mode: 'starttls' as const }))];
    const results = await mapBounded(tasks, req.concurrency, async ({ port, mode }) => {
      const sibling = portSignals.get(port);
      const signal = mode === 'starttls' && sibling !== undefined ? AbortSignal.any([controller.signal, sibling.signal]) : controller.signal;
      const result = await probeCombination({
        address,
        host: req.host,
        port,
        mode,
        ehloName: req.ehloName,
        pinSha256: req.pinSha256,
        hostname: options.hostname ?? osHostname,
        timeouts: { connectMs: t.connectMs, greetingMs: t.greetingMs, commandMs: t.commandMs },
        connect: options.connect ?? netConnect,
        trust,
        limits: { ...defaultWireLimits, ...options.limits },
        clock: options.clock ?? (() => new Date()),
        signal,
        remaining,
        onImplicitTls: () =>
          sibling?.abort(new EngineFailure('port-expects-implicit-tls', `Port ${port} completed a TLS handshake straight away: it expects implicit TLS.`)),
      });
      try {
        options.onResult?.({ type: 'probe-result', result });
      } catch {
        // A listener's bug must not change the probe.
      }
      return result;
    });
    const byPort = (port: number, mode: 'tls' | 'starttls') => results.find((r) => r.port === port && r.mode === mode);
    // Reported port by port, in the order asked.
    results.sort((a, b) => req.ports.indexOf(a.port) - req.ports.indexOf(b.port) || (a.mode === 'tls' ? -1 : 1) - (b.mode === 'tls' ? -1 : 1));
    // A silent STARTTLS attempt on a port whose implicit TLS answered is the wrong mode, not a dead port.
    const settled = results.map((r) =>
      r.mode === 'starttls' && r.status === 'silent' && ['ok', 'no-auth', 'untrusted-cert'].includes(byPort(r.port, 'tls')?.status ?? '')
        ? { ...r, status: 'wrong-mode' as const, detail: 'Waits for a TLS handshake: use implicit TLS on this port.' }
        : r,
    );
    return { ...base, addresses, address, results: settled, recommendation: recommend(settled), notes: networkNotes(settled), ms: Date.now() - started, failure: null };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
  }
}

/** Runs `work` over `items` with at most `limit` at once, keeping the items' order in the result. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
