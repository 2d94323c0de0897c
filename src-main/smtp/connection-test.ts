/**
 * The connection test (`smtp:test-connection`, `smtp:send-test-message`,
 * `relayproof smtp test`): DNS, TCP, banner, EHLO, TLS, EHLO again, AUTH, send-as,
 * optional test message, QUIT — each phase timed, streamed and recorded, the whole
 * bounded by one deadline and cancellable. Every stop maps to a diagnosis.
 *
 * Security rules it enforces:
 * - credentials are sent only over TLS (RFC 8314 §3, RFC 3207 §4): STARTTLS missing or
 *   failing stops the test with `tls-required` before AUTH (the STARTTLS-stripping
 *   defence); `none` is accepted only without credentials;
 * - and only over TLS 1.2 or 1.3 (RFC 8996): a server that completes TLS only with
 *   1.0/1.1 allowed is named and the test stops there, before AUTH, MAIL, RCPT or DATA.
 *   A protocol-version alert is trivial for an attacker on the path to inject, so the
 *   legacy handshake must never carry anything worth downgrading for;
 * - certificates are verified on every connection (`tls-pin-check.ts`);
 * - CR/LF/NUL in any field is refused before a connection is opened;
 * - the transcript and every reply text pass through the secret redactor.
 */
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { Socket } from 'node:net';
import type { Result } from '../../src-preload/contract';
import { ok } from '../../src-preload/contract/result-values';
import { diagnoseFailure } from '../analyze/diagnose-failure';
import type { Diagnosis } from '../../src-preload/contract/analyze';
import { loadReplyCatalogue, type ReplyCatalogue } from '../analyze/reply-catalogue';
import { findResourcesDir } from '../app/resources-dir';
import { defaultEhloName } from './default-ehlo-name';
import { describeCapabilities, parseCapabilities } from './ehlo-capabilities';
import { EngineFailure } from './engine-failure';
import { invalidInput } from './invalid-input';
import { PhaseRunner } from './phase-runner';
import { assessPlatformReadiness, type ReadinessContext } from './platform-readiness';
import { connectOrder, createHostResolver, resolveHost, systemLookup, type HostResolver, type SystemLookup } from './resolve-host';
import { authenticate, authFailure } from './sasl-auth';
import {
  connectionTestInputSchema,
  type AuthResult,
  type Capabilities,
  type ConnectionReport,
  type ConnectionTestInput,
  type ConnectionTestRequest,
  type DnsResult,
  type PhaseEvent,
  type PhaseName,
  type SendAsResult,
  type SmtpFailure,
  type SmtpReply,
  type TestSendResult,
  type TlsResult,
} from '../../src-preload/contract/smtp-schemas';
import { createRedactor, secretForms } from './secret-redactor';
import { envelopeFailure, openEnvelope, resetEnvelope } from './send-as';
import { defaultWireLimits, SmtpWire, type SessionBudget, type WireLimits } from './smtp-wire';
import { netConnect, type Connect } from './tcp-connect';
import type { PerMessageHeaderFormat } from './test-message';
import { openTlsWithPinCheck } from './tls-pin-check';
import { createTlsTrust } from './tls-trust';
import { TranscriptRecorder } from './transcript';
import { describeTls } from './tls-summary';

export const defaultSmtpTimeouts = {
  deadlineMs: 30_000,
  dnsMs: 5_000,
  connectMs: 10_000,
  greetingMs: 10_000,
  commandMs: 10_000,
} as const;

/** I/O the engine uses; every one has a real default. Tests pass local servers' settings. */
export interface SmtpEngineDeps {
  /** DNS for the host; default: Node's resolver on `dnsServers` (or the system's). */
  readonly resolver?: HostResolver;
  /** OS lookup fallback (hosts file) when DNS has no answer; null = none. Default: on unless `dnsServers` was given. */
  readonly lookup?: SystemLookup | null;
  readonly connect?: Connect;
  readonly clock?: () => Date;
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  readonly ca?: readonly string[];
  /** This machine's name, for the default EHLO name. */
  readonly hostname?: () => string;
  /** Token for the test message. */
  readonly token?: () => string;
  readonly limits?: Partial<WireLimits>;
  /** The connector platform's headersToPersist, carried by the test message (smtp/test-message.ts). */
  readonly platformHeaders?: readonly string[] | null;
  /** The platform's per-message headers: the test message carries placeholders of their shape. */
  readonly perMessageHeaders?: readonly PerMessageHeaderFormat[] | null;
  /** The diagnosis catalogue; default: read from the app's resources/ when a test fails. */
  readonly catalogue?: ReplyCatalogue;
  /**
   * The diagnosis catalogue while it is still being read (null: it cannot be), when the
   * caller reads it alongside the connection instead of before it: the test waits for it
   * before it sends credentials, an envelope or a message, and stops there, with nothing
   * more sent than QUIT, when it cannot be read.
   */
  readonly catalogueReading?: Promise<ReplyCatalogue | null>;
  /**
   * When the test began, if before it was called: a one-shot command opens the test's
   * connection while it starts (cli/smtp-services.ts, `connect` takes that connection).
   */
  readonly startedAt?: Date;
  /**
   * The pin is honoured only on a connection to one of these IP addresses; anywhere else
   * the certificate must be publicly trusted for the host. Set when a stored secret is lent
   * after the DNS servers changed: an address it never signed in at, found through
   * resolvers it was never used with, gets no benefit of a pin.
   */
  readonly pinOnlyAt?: readonly string[];
}

export interface ConnectionTestOptions extends SmtpEngineDeps {
  readonly signal?: AbortSignal;
  /** Streams `phase-started` / `phase-finished` (the contract's operation events). */
  readonly onPhase?: (event: PhaseEvent) => void;
  /** The saved address's platform and "continue anyway" reason, for the blockers (platform-readiness.ts). */
  readonly readiness?: ReadinessContext;
}

const TLS_EXPIRY_WARNING_DAYS = 14;

/**
 * Validates the input (CR/LF/NUL and every rule in the schema), then runs the test.
 * `send: true` ends it with a real message: only the `smtp:send-test-message` handler
 * sets it (the contract's `smtp:test-connection` input has no such field).
 */
export async function testConnection(input: ConnectionTestInput, options: ConnectionTestOptions = {}): Promise<Result<ConnectionReport>> {
  // jitless, as the one-shot dispatcher: a test parses one input, and zod would first compile
  // a parser (new Function) for each object schema of it, about 2 ms of every
  // relayproof smtp test; a long-lived app tests too rarely to earn the compiled ones back.
  const parsed = connectionTestInputSchema.safeParse(input, { jitless: true });
  if (!parsed.success) return invalidInput(parsed.error);
  return ok(await runConnectionTest(parsed.data, options));
}

function phaseOrder(security: ConnectionTestRequest['security']): PhaseName[] {
  return security === 'tls'
    ? ['dns', 'tcp', 'tls', 'banner', 'ehlo', 'ehlo-tls', 'auth', 'send-as', 'test-send', 'quit']
    : ['dns', 'tcp', 'banner', 'ehlo', 'tls', 'ehlo-tls', 'auth', 'send-as', 'test-send', 'quit'];
}

/** Runs a validated request. Never throws for anything the server or network does. */
export async function runConnectionTest(req: ConnectionTestRequest, options: ConnectionTestOptions = {}): Promise<ConnectionReport> {
  const clock = options.clock ?? (() => new Date());
  const called = clock();
  const startedAt = options.startedAt !== undefined && options.startedAt < called ? options.startedAt : called;
  // One envelope for send-as, the test message and the report's target.
  const mailFrom = req.from;
  const rcptTo = req.to ?? req.from;
  // The message composer (nodemailer's MailComposer, about 250 kB of bundled code) is loaded
  // only for a test that sends, and the message is built while the connection is being made
  // and the server answers: a test without --send loaded and compiled it for nothing, and
  // building it between DATA and the server's 354 kept the server waiting.
  const message =
    req.send && mailFrom !== undefined && rcptTo !== undefined
      ? import('./test-message').then(({ buildTestMessage }) =>
          buildTestMessage({
            from: mailFrom,
            to: rcptTo,
            token: (options.token ?? (() => randomBytes(9).toString('base64url')))(),
            date: clock(),
            platformHeaders: options.platformHeaders ?? null,
            perMessageHeaders: options.perMessageHeaders ?? null,
          }),
        )
      : null;
  // A test that stops before sending would otherwise leave a failure unobserved.
  message?.catch(() => undefined);
  const t = resolveTimeouts(req.timeouts);
  const creds = req.credentials;
  const redact = createRedactor(creds !== null ? secretForms(creds.username, creds.secret) : []);
  const transcript = new TranscriptRecorder(clock, redact);
  if (startedAt < called) transcript.note(`the test began ${called.getTime() - startedAt.getTime()} ms before the engine ran: its connection was opened while Relayproof started`);
  const limits: WireLimits = { ...defaultWireLimits, ...options.limits };
  const budget: SessionBudget = { received: 0 };
  const phases = new PhaseRunner(phaseOrder(req.security), clock, options.onPhase);

  // One deadline for everything. Each wait is capped by what is left of it, so the
  // phase that was waiting reports its own timeout; the abort is a backstop.
  const deadlineAt = Date.now() + t.deadlineMs;
  const remaining = () => deadlineAt - Date.now();
  const controller = new AbortController();
  const backstop = setTimeout(
    () => controller.abort(new EngineFailure('deadline-exceeded', `The test did not finish within its ${t.deadlineMs} ms deadline.`)),
    t.deadlineMs + 250,
  );
  const onCancel = () => controller.abort(new EngineFailure('cancelled', 'The test was cancelled.'));
  if (options.signal?.aborted === true) onCancel();
  else options.signal?.addEventListener('abort', onCancel, { once: true });
  const signal = controller.signal;

  const connect = options.connect ?? netConnect;
  const resolver = options.resolver ?? createHostResolver(req.dnsServers, t.dnsMs);
  const lookup = options.lookup !== undefined ? options.lookup : req.dnsServers.length > 0 ? null : systemLookup;
  // The wire caps its own waits by the deadline; connect, DNS and TLS are capped here.
  const capped = (ms: number) => Math.max(1, Math.min(ms, remaining()));
  const trust = createTlsTrust(options.ca);
  const newWire = (socket: Socket) => new SmtpWire(socket, { transcript, redact, limits, budget, signal, remaining });

  let dns: DnsResult | null = null;
  let banner: ConnectionReport['banner'] = null;
  let capabilities: Capabilities | null = null;
  let tls: TlsResult | null = null;
  let auth: AuthResult | null = null;
  let sendAs: SendAsResult | null = null;
  let testSend: TestSendResult | null = null;
  let wire: SmtpWire | null = null;
  let address = '';
  /** Every TCP connection this test opened: all of them are closed before the report returns. */
  const opened: Socket[] = [];

  const connectTo = async (target: string): Promise<Socket> => {
    transcript.note(`connecting to ${target} port ${req.port}`);
    // The socket is the test's to close from the moment it exists (one opened before the
    // test, too), not only once it has connected.
    const onOpen = (socket: Socket) => {
      if (!opened.includes(socket)) opened.push(socket);
    };
    const socket = await connect({ address: target, port: req.port, timeoutMs: capped(t.connectMs), signal, onOpen });
    onOpen(socket);
    transcript.note(`connected from ${socket.localAddress ?? '?'}:${socket.localPort ?? '?'}`);
    return socket;
  };

  const handshake = async (plain: Socket | undefined, legacy: boolean) => {
    const pin = options.pinOnlyAt === undefined || options.pinOnlyAt.includes(address) ? req.pinSha256 : undefined;
    if (req.pinSha256 !== undefined && pin === undefined) transcript.note(`the pinned certificate is not accepted at ${address}: only a publicly trusted one`);
    const result = await openTlsWithPinCheck({
      ...(plain !== undefined ? { socket: plain } : {}),
      address,
      port: req.port,
      host: req.host,
      trust,
      ...(pin !== undefined ? { pinSha256: pin } : {}),
      legacy,
      mode: req.security === 'tls' ? 'implicit' : 'starttls',
      timeoutMs: capped(t.commandMs),
      signal,
    });
    transcript.note(`TLS established: ${result.result.protocol ?? '?'} ${result.result.cipher ?? ''} (certificate ${result.result.verdict})`);
    return result;
  };

  /** STARTTLS on a wire already past EHLO; returns the TLS socket (RFC 3207 §4). */
  const startTls = async (current: SmtpWire, legacy: boolean) => {
    const reply = await current.command('STARTTLS', { timeoutMs: t.commandMs, expect: [220], what: 'STARTTLS' });
    if (reply.code >= 400) {
      throw new EngineFailure('starttls-rejected', `The server advertised STARTTLS but refused it: ${reply.text}. Credentials were not sent.`, {
        reply,
        sessionUsable: true,
      });
    }
    return handshake(current.detachForTls(), legacy);
  };

  /**
   * The server refused TLS 1.2+. Reconnect allowing TLS 1.0/1.1, only to name the
   * version for the diagnosis (a fresh connection: a failed handshake leaves nothing to
   * continue on). The caller stops the test after it: nothing is sent over it but QUIT.
   */
  const legacyRetry = async () => {
    transcript.note('the server accepts only TLS below 1.2; reconnecting with TLS 1.0/1.1 allowed to identify it');
    const socket = await connectTo(address);
    if (req.security === 'tls') return handshake(socket, true);
    const again = newWire(socket);
    const greeting = await again.read(t.greetingMs, 'greeting-timeout', 'the greeting on reconnect');
    if (greeting.code !== 220) throw new EngineFailure('greeting-rejected', `The server refused the reconnection: ${greeting.text}`, { reply: greeting });
    await again.command(`EHLO ${capabilities?.ehloName ?? '[127.0.0.1]'}`, { timeoutMs: t.commandMs, expect: [250], what: 'EHLO' });
    return startTls(again, true);
  };

  /** Implicit TLS on the fresh socket, or STARTTLS on the plain session when the server offers it. */
  const tlsPhase = async (from: { readonly socket: Socket } | { readonly wire: SmtpWire; readonly offered: boolean }) =>
    phases.run('tls', async () => {
      if ('wire' in from && !from.offered) {
        throw new EngineFailure(
          'tls-required',
          'The server does not offer STARTTLS, so the connection cannot be encrypted. Relayproof did not send the credentials: a server (or something in between) that drops STARTTLS must never receive them.',
          { sessionUsable: true },
        );
      }
      let established;
      try {
        established = 'wire' in from ? await startTls(from.wire, false) : await handshake(from.socket, false);
      } catch (error) {
        if (error instanceof EngineFailure && error.tls !== undefined) tls = error.tls;
        if (!(error instanceof EngineFailure) || error.code !== 'tls-version-unsupported') throw error;
        const legacy = await legacyRetry();
        tls = legacy.result;
        // After STARTTLS the server waits for EHLO, so a QUIT is in step; after implicit
        // TLS its greeting is on the way, so the connection is simply closed.
        if (req.security === 'starttls') wire = newWire(legacy.socket);
        else legacy.socket.destroy();
        throw legacyOnly(legacy.result, error.errorCode);
      }
      tls = established.result;
      const { outcome, detail } = describeTls(established.result, TLS_EXPIRY_WARNING_DAYS, clock());
      return { value: established.socket, outcome, detail };
    });

  try {
    dns = await phases.run('dns', async () => {
      const result = await resolveHost(req.host, { resolver, lookup, timeoutMs: capped(t.dnsMs), signal });
      const all = connectOrder(result);
      const detail =
        result.source === 'literal'
          ? `${req.host} is an IP address: no lookup.`
          : `${req.host}: A ${result.a.join(', ') || 'none'}; AAAA ${result.aaaa.join(', ') || 'none'}${result.source === 'system' ? ' (from the system lookup, not DNS)' : ''}.`;
      transcript.note(`resolved ${req.host} → ${all.join(', ')}`);
      return { value: result, outcome: 'pass', detail };
    });

    const resolved = dns;
    let socket: Socket = await phases.run('tcp', async () => {
      const attempts: { address: string; error: string }[] = [];
      let last: EngineFailure | null = null;
      for (const candidate of connectOrder(resolved)) {
        try {
          const connected = await connectTo(candidate);
          address = candidate;
          dns = { ...resolved, used: candidate, attempts };
          const tried = attempts.length > 0 ? ` after ${attempts.length} other address(es) failed` : '';
          return { value: connected, outcome: attempts.length > 0 ? 'warn' : 'pass', detail: `Connected to ${candidate} port ${req.port}${tried}.` };
        } catch (error) {
          if (!(error instanceof EngineFailure) || error.code === 'cancelled' || error.code === 'deadline-exceeded') throw error;
          attempts.push({ address: candidate, error: error.message });
          last = error;
        }
      }
      dns = { ...resolved, attempts };
      throw last ?? new EngineFailure('connect-failed', 'No address to connect to.');
    });

    if (req.security === 'tls') socket = await tlsPhase({ socket });
    const greetingWire = newWire(socket);
    wire = greetingWire;
    const ehloName = req.ehloName ?? defaultEhloName((options.hostname ?? osHostname)(), socket.localAddress);

    banner = await phases.run('banner', async () => {
      let reply: SmtpReply;
      try {
        reply = await greetingWire.read(t.greetingMs, 'greeting-timeout', 'greeting (220 banner)');
      } catch (error) {
        if (error instanceof EngineFailure && error.code === 'greeting-timeout' && req.security !== 'tls' && (await speaksImplicitTls())) {
          throw new EngineFailure(
            'port-expects-implicit-tls',
            `Port ${req.port} waits for a TLS handshake before any SMTP: it expects implicit TLS (SSL/TLS), not ${req.security === 'starttls' ? 'STARTTLS' : 'plain SMTP'}.`,
            { errorCode: 'ETIMEDOUT' },
          );
        }
        throw error;
      }
      if (reply.code !== 220) {
        // RFC 5321 §3.1: 554 (or 421) instead of 220 = the server will not talk to this client.
        const usable = reply.code === 554;
        throw reply.code >= 400
          ? new EngineFailure('greeting-rejected', `The server refused the connection at once: ${reply.text}`, { reply, sessionUsable: usable })
          : new EngineFailure('unexpected-reply', `The server greeted with ${reply.code} instead of 220.`, { reply });
      }
      const text = reply.text.slice(4);
      return { value: { code: reply.code, text, hostname: text.split(/\s+/u)[0] || null }, outcome: 'pass', detail: reply.text, reply };
    });

    capabilities = await phases.run('ehlo', () => ehlo(greetingWire, ehloName, 'ehlo'));

    if (req.security === 'starttls') {
      const tlsWire = newWire(await tlsPhase({ wire: greetingWire, offered: capabilities.starttls }));
      wire = tlsWire;
      // RFC 3207 §4.2: forget what was learnt before TLS and ask again.
      capabilities = await phases.run('ehlo-tls', () => ehlo(tlsWire, ehloName, 'ehlo-tls'));
    } else {
      phases.skip('tls', req.security === 'none' ? 'Security "none": no TLS (diagnosis only; no credentials are sent).' : 'Implicit TLS: done before the banner.');
      phases.skip('ehlo-tls', req.security === 'tls' ? 'Implicit TLS: the first EHLO was already encrypted.' : 'No TLS.');
    }

    const activeWire = wire;
    if (creds !== null) {
      const caps = capabilities;
      auth = await phases.run('auth', async () => {
        // Defence in depth: the schema refuses credentials with security none, and the
        // TLS phase stops the test on a rejected certificate or TLS below 1.2.
        requireSafeTls('credentials');
        await catalogueRead();
        const result = await authenticate({ wire: activeWire, credentials: creds, capabilities: caps, timeoutMs: t.commandMs, redact });
        auth = result;
        if (!result.accepted) throw authFailure(result);
        return { value: result, outcome: 'pass', detail: `Authenticated as ${creds.username} with AUTH ${result.mechanism ?? ''} (235).`, reply: result.reply };
      });
    } else phases.skip('auth', 'No credentials given: AUTH was not tested.');

    if (mailFrom !== undefined && rcptTo !== undefined) {
      const caps = capabilities;
      const serverName = `${banner.hostname ?? ''} ${caps.serverName ?? ''}`;
      sendAs = await phases.run('send-as', async () => {
        if (req.security !== 'none') requireSafeTls('MAIL FROM and RCPT TO');
        await catalogueRead();
        const result = await openEnvelope({ wire: activeWire, from: mailFrom, to: rcptTo, capabilities: caps, timeoutMs: t.commandMs });
        sendAs = result;
        if (!result.accepted) throw envelopeFailure(result);
        await resetEnvelope(activeWire, t.commandMs);
        // Exchange Online checks send-as rights only when the message is submitted
        // (554 5.2.0 SendAsDenied after DATA), so MAIL/RCPT alone prove less there.
        const exchange = /outlook\.com|office365\.com|protection\.outlook/iu.test(serverName);
        return exchange && !req.send
          ? {
              value: result,
              outcome: 'warn',
              detail: `MAIL FROM:<${mailFrom}> and RCPT TO:<${rcptTo}> accepted, but Microsoft 365 checks send-as rights only when a message is sent: send a test message to prove it.`,
              reply: result.rcptReply,
            }
          : { value: result, outcome: 'pass', detail: `MAIL FROM:<${mailFrom}> and RCPT TO:<${rcptTo}> accepted; RSET (nothing sent).`, reply: result.rcptReply };
      });
    } else phases.skip('send-as', 'No From address given: send-as was not checked.');

    if (message !== null && mailFrom !== undefined && rcptTo !== undefined) {
      const caps = capabilities;
      testSend = await phases.run('test-send', async () => {
        if (req.security !== 'none') requireSafeTls('a test message');
        await catalogueRead();
        const built = await message;
        const pending: TestSendResult = { token: built.token, messageId: built.messageId, subject: built.subject, queueResponse: null, accepted: false };
        testSend = pending;
        const envelope = await openEnvelope({ wire: activeWire, from: mailFrom, to: rcptTo, capabilities: caps, timeoutMs: t.commandMs });
        if (!envelope.accepted) throw envelopeFailure(envelope);
        const go = await activeWire.command('DATA', { timeoutMs: t.commandMs, expect: [354], what: 'DATA' });
        if (go.code >= 400) throw new EngineFailure('message-rejected', `The server refused DATA: ${go.text}`, { reply: go, sessionUsable: true });
        activeWire.sendData(built.data, `message: ${built.bytes} bytes, Subject: ${built.subject}, Message-ID: ${built.messageId}`);
        // RFC 5321 §4.5.3.2.6 allows 10 minutes here; content scanning can be slow.
        const queued = await activeWire.read(t.commandMs * 3, 'reply-timeout', 'reply to the end of the message');
        const result = { ...pending, queueResponse: queued, accepted: queued.code === 250 };
        testSend = result;
        if (queued.code >= 400) throw new EngineFailure('message-rejected', `The server refused the message: ${queued.text}`, { reply: queued, sessionUsable: true });
        if (queued.code !== 250) throw new EngineFailure('unexpected-reply', `The server answered ${queued.text} to the end of the message.`, { reply: queued });
        return { value: result, outcome: 'pass', detail: `Message accepted for delivery: ${queued.text}`, reply: queued };
      });
    } else phases.skip('test-send', req.send ? 'No From address given.' : 'Not requested.');
  } catch (error) {
    if (!(error instanceof EngineFailure)) throw error;
  } finally {
    if (wire?.usable === true) await quit(wire);
    else phases.skip('quit', 'Not sent: the connection is closed or out of step.');
    wire?.destroy();
    clearTimeout(backstop);
    options.signal?.removeEventListener('abort', onCancel);
    // The connection is gone when the report comes back, so a caller that limits connections
    // per server (smtp/host-limiter.ts) may open the next one at once. A TLS socket reports
    // 'close' before the TCP connection under it has closed: wait for that one.
    for (const socket of opened) socket.destroy();
    await Promise.all([wire?.whenClosed(1_000), ...opened.map((socket) => socketClosed(socket, 1_000))]);
  }

  const records = phases.finish();
  const failed = phases.failed;
  const failure =
    failed === null
      ? null
      : { code: failed.failure.code, phase: failed.phase, message: failed.failure.message, reply: failed.failure.reply, errorCode: failed.failure.errorCode };
  const endedAt = clock();
  const outcome = records.some((r) => r.outcome === 'fail') ? 'fail' : records.some((r) => r.outcome === 'warn') ? 'warn' : 'pass';
  const target = { host: req.host, port: req.port, security: req.security, username: creds?.username ?? null, from: mailFrom ?? null, to: rcptTo ?? null };
  const readiness = assessPlatformReadiness({ ok: outcome !== 'fail', target, dns, tls, capabilities }, options.readiness);
  return {
    ok: outcome !== 'fail',
    platformReady: readiness.platformReady,
    blockers: [...readiness.blockers],
    outcome,
    target,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    ms: endedAt.getTime() - startedAt.getTime(),
    phases: records,
    dns,
    banner,
    capabilities,
    tls,
    auth,
    sendAs,
    testSend,
    failure,
    diagnosis: failure === null ? null : await diagnose(failure, options.catalogue ?? (options.catalogueReading !== undefined ? await options.catalogueReading : undefined)),
    transcript: transcript.lines(),
  };

  async function ehlo(current: SmtpWire, name: string, phase: 'ehlo' | 'ehlo-tls') {
    const reply = await current.command(`EHLO ${name}`, { timeoutMs: t.commandMs, expect: [250], what: 'EHLO' });
    if (reply.code >= 400) {
      throw new EngineFailure('ehlo-rejected', `The server refused EHLO ${name}: ${reply.text}`, { reply, sessionUsable: reply.code !== 421 });
    }
    const caps = parseCapabilities(name, reply);
    const summary = `EHLO ${name} → ${caps.serverName ?? '?'}: ${describeCapabilities(caps)}.`;
    const plainWithTlsOffered = phase === 'ehlo' && req.security === 'none' && caps.starttls;
    return plainWithTlsOffered
      ? { value: caps, outcome: 'warn' as const, detail: `${summary} The server offers STARTTLS: use it.`, reply }
      : { value: caps, outcome: 'pass' as const, detail: summary, reply };
  }

  /**
   * Nothing is sent after TLS and EHLO (credentials, an envelope, a message) before the
   * diagnosis catalogue read alongside the connection is there: a test whose failures
   * could not be explained stops before it signs in, as it once stopped before connecting.
   */
  async function catalogueRead(): Promise<void> {
    if (options.catalogueReading === undefined || (await options.catalogueReading) !== null) return;
    throw new EngineFailure('cancelled', 'Relayproof could not read its reply catalogue, so the test stopped before signing in: nothing more than QUIT was sent.', {
      sessionUsable: true,
    });
  }

  /** Nothing but QUIT goes over TLS that is missing, rejected, or below 1.2 (RFC 8996). */
  function requireSafeTls(what: string): void {
    const current: TlsResult | null = tls;
    if (current === null || current.verdict === 'rejected') {
      throw new EngineFailure('tls-required', `No verified TLS on this connection: ${what} are never sent without it.`, { sessionUsable: true });
    }
    if (!isModernTls(current)) {
      throw new EngineFailure('tls-version-unsupported', `The connection uses ${current.protocol ?? 'an unknown TLS version'}, below TLS 1.2: ${what} are never sent over it.`, {
        sessionUsable: true,
      });
    }
  }

  async function quit(current: SmtpWire) {
    // A QUIT that goes wrong is noted, never the reason a test fails (RFC 5321 §4.1.1.10).
    await phases.runSoft('quit', async () => {
      const reply = await current.command('QUIT', { timeoutMs: Math.min(t.commandMs, 2_000), expect: [221], what: 'QUIT' });
      return reply.code === 221
        ? { value: null, outcome: 'pass', detail: reply.text, reply }
        : { value: null, outcome: 'warn', detail: `QUIT answered ${reply.text}`, reply };
    });
  }

  /** After a silent greeting: does this port answer a TLS handshake instead (RFC 8314 implicit TLS)? */
  async function speaksImplicitTls(): Promise<boolean> {
    const budgetMs = Math.min(2_000, remaining() - 100);
    if (budgetMs < 200 || address === '') return false;
    transcript.note('no greeting: checking whether this port expects implicit TLS');
    let socket: Socket | null = null;
    try {
      socket = await connect({ address, port: req.port, timeoutMs: budgetMs, signal });
      const probe = await openTlsWithPinCheck({ socket, address, port: req.port, host: req.host, trust, legacy: false, mode: 'implicit', timeoutMs: budgetMs, signal });
      probe.socket.destroy();
      return true;
    } catch (error) {
      // A certificate verdict still means the port spoke TLS.
      return error instanceof EngineFailure && (error.tls !== undefined || error.code.startsWith('cert-'));
    } finally {
      socket?.destroy();
    }
  }
}

/** TLS 1.2 or 1.3, negotiated without allowing the legacy versions. */
function isModernTls(result: TlsResult): boolean {
  return !result.legacyVersion && (result.protocol === 'TLSv1.2' || result.protocol === 'TLSv1.3');
}

/** The stop after the legacy handshake: the version, what it means, and that nothing was sent. */
function legacyOnly(result: TlsResult, errorCode: string | null): EngineFailure {
  const version = result.protocol ?? 'TLS 1.0/1.1';
  return new EngineFailure(
    'tls-version-unsupported',
    `The server only speaks TLS 1.0/1.1 (it refused TLS 1.2 and 1.3, and accepted ${version} when Relayproof allowed it only to name the version). ` +
      'Microsoft 365 refuses this with "421 4.7.66 TLS version not supported", and Zendesk and most connector platforms refuse it too. ' +
      'Relayproof stopped here: credentials, MAIL FROM, RCPT TO and test messages are never sent below TLS 1.2. Enable TLS 1.2 or 1.3 on the server.',
    { errorCode, tls: result, sessionUsable: true },
  );
}

/** `given` null: the caller's catalogue could not be read, so its problem is the answer and this report is discarded unread. */
async function diagnose(failure: SmtpFailure, given: ReplyCatalogue | null | undefined): Promise<Diagnosis | null> {
  if (given === null) return null;
  if (given !== undefined) return diagnoseFailure(failure, given);
  const loaded = await loadReplyCatalogue(findResourcesDir());
  return loaded.ok ? diagnoseFailure(failure, loaded.catalogue) : null;
}

/** The request's timeouts over the defaults (an omitted field keeps its default). */
export function resolveTimeouts(given: ConnectionTestRequest['timeouts']): { readonly [K in keyof typeof defaultSmtpTimeouts]: number } {
  return {
    deadlineMs: given.deadlineMs ?? defaultSmtpTimeouts.deadlineMs,
    dnsMs: given.dnsMs ?? defaultSmtpTimeouts.dnsMs,
    connectMs: given.connectMs ?? defaultSmtpTimeouts.connectMs,
    greetingMs: given.greetingMs ?? defaultSmtpTimeouts.greetingMs,
    commandMs: given.commandMs ?? defaultSmtpTimeouts.commandMs,
  };
}

/** Resolves once `socket` has closed, or after `capMs`. */
function socketClosed(socket: Socket, capMs: number): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, capMs);
    socket.once('close', done);
  });
}
