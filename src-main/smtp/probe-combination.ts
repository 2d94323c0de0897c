/**
 * One port × security mode of the probe: connect, TLS (implicit, or STARTTLS after the
 * first EHLO), EHLO, read what is offered, QUIT. Never authenticates and never sends
 * anything over a connection whose certificate was not accepted.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { defaultEhloName } from './default-ehlo-name';
import { parseCapabilities } from './ehlo-capabilities';
import { EngineFailure } from './engine-failure';
import type { Capabilities, ProbeMode, ProbeResult, ProbeStatus } from '../../src-preload/contract/smtp-schemas';
import { SmtpWire, type WireLimits } from './smtp-wire';
import type { Connect } from './tcp-connect';
import { openTlsWithPinCheck } from './tls-pin-check';
import { TranscriptRecorder } from './transcript';
import type { TlsTrust } from './tls-trust';

export interface ProbeTimeouts {
  readonly connectMs: number;
  readonly greetingMs: number;
  readonly commandMs: number;
}

export interface ProbeCombinationOptions {
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly mode: ProbeMode;
  readonly ehloName: string | undefined;
  readonly hostname: () => string;
  readonly timeouts: ProbeTimeouts;
  readonly connect: Connect;
  readonly trust: TlsTrust;
  /** The admin's pin for this host: a pinned certificate is accepted (and said to be pinned), as in the connection test. */
  readonly pinSha256?: string | undefined;
  readonly limits: WireLimits;
  readonly clock: () => Date;
  /** Aborted with an EngineFailure reason (deadline, cancel, or "the port speaks implicit TLS"). */
  readonly signal: AbortSignal;
  readonly remaining: () => number;
  /** Called once the TLS handshake on an implicit-TLS attempt completed. */
  readonly onImplicitTls?: () => void;
}

interface Found {
  status: ProbeStatus;
  detail: string;
  tls: ProbeResult['tls'];
  auth: string[];
  banner: string | null;
}

export async function probeCombination(o: ProbeCombinationOptions): Promise<ProbeResult> {
  const started = Date.now();
  const found: Found = { status: 'error', detail: '', tls: null, auth: [], banner: null };
  const transcript = new TranscriptRecorder(o.clock, (text) => text);
  const wires: SmtpWire[] = [];
  let socket: Socket | null = null;
  let closed: Promise<unknown> = Promise.resolve();
  const newWire = (s: Socket) => {
    const wire = new SmtpWire(s, { transcript, redact: (t) => t, limits: o.limits, budget: { received: 0 }, signal: o.signal, remaining: o.remaining });
    wires.push(wire);
    return wire;
  };
  const ehlo = async (wire: SmtpWire, s: Socket): Promise<Capabilities> => {
    const name = o.ehloName ?? defaultEhloName(o.hostname(), s.localAddress);
    const reply = await wire.command(`EHLO ${name}`, { timeoutMs: o.timeouts.commandMs, expect: [250], what: 'EHLO' });
    if (reply.code >= 400) throw new EngineFailure('ehlo-rejected', `EHLO refused: ${reply.text}`, { reply });
    return parseCapabilities(name, reply);
  };
  const greeting = async (wire: SmtpWire) => {
    const reply = await wire.read(o.timeouts.greetingMs, 'greeting-timeout', 'greeting');
    found.banner = reply.text;
    if (reply.code !== 220) throw new EngineFailure('greeting-rejected', `The server refused at once: ${reply.text}`, { reply });
  };
  const tlsInfo = (result: { protocol: string | null; verdict: string; verifyError: string | null; certificate: { fingerprint256: string } | null }) => ({
    protocol: result.protocol,
    trusted: result.verdict === 'trusted',
    pinned: result.verdict === 'pinned',
    verifyError: result.verifyError,
    fingerprint256: result.certificate?.fingerprint256 ?? null,
  });
  const settle = (caps: Capabilities, how: string) => {
    found.auth = caps.auth;
    found.status = caps.auth.length > 0 ? 'ok' : 'no-auth';
    const pinned = found.tls?.pinned === true ? ' with the pinned certificate (trusted on this computer only; the platform will refuse it)' : '';
    found.detail = caps.auth.length > 0 ? `${how}${pinned}; AUTH ${caps.auth.join(' ')}.` : `${how}${pinned}; no AUTH offered.`;
  };

  try {
    socket = await o.connect({ address: o.address, port: o.port, timeoutMs: o.timeouts.connectMs, signal: o.signal });
    closed = once(socket, 'close').catch(() => undefined);
    if (o.mode === 'tls') {
      const tls = await openTlsWithPinCheck({ socket, address: o.address, port: o.port, host: o.host, trust: o.trust, ...(o.pinSha256 === undefined ? {} : { pinSha256: o.pinSha256 }), legacy: false, mode: 'implicit', timeoutMs: o.timeouts.commandMs, signal: o.signal });
      o.onImplicitTls?.();
      found.tls = tlsInfo(tls.result);
      const wire = newWire(tls.socket);
      await greeting(wire);
      settle(await ehlo(wire, tls.socket), `Implicit TLS (${tls.result.protocol ?? '?'})`);
      await quit(wire, o.timeouts.commandMs);
    } else {
      const plain = newWire(socket);
      await greeting(plain);
      const before = await ehlo(plain, socket);
      if (!before.starttls) {
        found.auth = before.auth;
        found.status = 'no-tls';
        found.detail = `Plain SMTP without STARTTLS${before.auth.length > 0 ? ` (offers AUTH ${before.auth.join(' ')} in cleartext — never use it)` : ''}.`;
        await quit(plain, o.timeouts.commandMs);
      } else {
        const reply = await plain.command('STARTTLS', { timeoutMs: o.timeouts.commandMs, expect: [220], what: 'STARTTLS' });
        if (reply.code >= 400) throw new EngineFailure('starttls-rejected', `STARTTLS advertised but refused: ${reply.text}`, { reply });
        const tls = await openTlsWithPinCheck({ socket: plain.detachForTls(), address: o.address, port: o.port, host: o.host, trust: o.trust, ...(o.pinSha256 === undefined ? {} : { pinSha256: o.pinSha256 }), legacy: false, mode: 'starttls', timeoutMs: o.timeouts.commandMs, signal: o.signal });
        found.tls = tlsInfo(tls.result);
        const wire = newWire(tls.socket);
        settle(await ehlo(wire, tls.socket), `STARTTLS (${tls.result.protocol ?? '?'})`);
        await quit(wire, o.timeouts.commandMs);
      }
    }
  } catch (error) {
    if (!(error instanceof EngineFailure)) throw error;
    classifyFailure(error, o, found);
  } finally {
    for (const wire of wires) wire.destroy();
    socket?.destroy();
    // The slot is free only once the connection has closed, so the per-host bound holds.
    await closed;
  }
  return { port: o.port, mode: o.mode, status: found.status, ms: Date.now() - started, tls: found.tls, auth: found.auth, banner: found.banner, detail: found.detail };
}

function classifyFailure(error: EngineFailure, o: ProbeCombinationOptions, found: Found): void {
  const set = (status: ProbeStatus, detail: string) => {
    found.status = status;
    found.detail = detail;
  };
  switch (error.code) {
    case 'connect-timeout':
      return set('blocked', `No answer to the connection attempt within ${o.timeouts.connectMs} ms (filtered).`);
    case 'connect-refused':
      return set('refused', 'Connection refused: nothing listens on this port.');
    case 'connect-unreachable':
      return set('unreachable', error.message);
    case 'port-expects-starttls':
      return set('wrong-mode', 'Speaks plain SMTP first: use STARTTLS on this port.');
    case 'port-expects-implicit-tls':
      return set('wrong-mode', 'Waits for a TLS handshake: use implicit TLS on this port.');
    case 'greeting-timeout':
      return set('silent', `Connected, but no greeting within ${o.timeouts.greetingMs} ms.`);
    default:
      if (error.tls !== undefined) {
        found.tls = { protocol: error.tls.protocol, trusted: false, pinned: false, verifyError: error.tls.verifyError, fingerprint256: error.tls.certificate?.fingerprint256 ?? null };
        return set('untrusted-cert', `TLS offered, but the certificate is not accepted (${error.tls.verifyError ?? 'untrusted'}); AUTH not checked over it.`);
      }
      return set('error', error.message);
  }
}

async function quit(wire: SmtpWire, timeoutMs: number): Promise<void> {
  await wire.command('QUIT', { timeoutMs: Math.min(timeoutMs, 1_000), expect: [221], what: 'QUIT' }).catch(() => undefined);
}
