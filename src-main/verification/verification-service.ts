/**
 * The verification status of the saved addresses, over the engine in this folder: it
 * re-checks (DNS checklist + connection test with the stored secret), sends the
 * verification email and proves it on arrival, verifies a received message, and keeps
 * state and history in `verification/<addressId>.json` (status-store.ts). The channels
 * (rpc/verification-handlers.ts), the CLI and the background scheduler all come here.
 *
 * One run per address at a time: a second "Re-check now" joins the running one; a
 * verification email waits for a running re-check (and the other way round). The
 * scheduler (1, 5, 15 min, then hourly while something is pending) runs only after
 * `startScheduler()`, which the long-running modes call (browser-mode bridge, Electron):
 * a one-shot CLI command never starts a timer.
 */
import { randomUUID } from 'node:crypto';
import { domainToAscii } from '../../src-preload/contract/fields';
import {
  fail,
  ok,
  type Address,
  type AddressStatus,
  type AppError,
  type DnsCountdown,
  type RecheckEvent,
  type RecheckResult,
  type Result,
  type SendEmailEvent,
  type SendEmailResult,
  type VerificationChange,
  type VerifyEmlResult,
} from '../../src-preload/contract';
import { runChecklist } from '../checks/checklist';
import { checklistInputSchema } from '../../src-preload/contract/checks-schemas';
import { toMailauthResolver } from '../dns/mailauth-resolver';
import { resolverFromSpecs, type DnsResolver } from '../dns/resolver';
import type { Logger } from '../log/logger';
import type { EnsureAppToken } from '../m365/background-token';
import type { LoadPlatformsResult } from '../providers/platforms';
import { TOKEN_HEADER } from '../smtp/test-message';
import type { SmtpTestOptions, SmtpTestRequest } from '../smtp/lending-test';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import type { AppStore } from '../store/store';
import { bind, checkLending } from '../vault/lending-binding';
import type { Vault } from '../vault/vault';
import { platformFixedHeaders, runVerificationEmail, sentHeaders } from './email-loop';
import { forwardingObservation, forwardingPendingObservation, type ForwardingContext } from './forwarding-check';
import { recordRun } from './history';
import { receiveByImap, type ReceiveOutcome } from './imap-receipt';
import { verifyMessage, type ExpectedHeader } from './message-proof';
import { asForeign, checklistObservations, connectionObservations, foreignMessageReason, perMessageHeaders, proofObservations, receiptObservation } from './observations';
import { buildReport, reportFileStem, reportJson } from './report';
import { reportHtml } from './report-html';
import { createRecheckScheduler, DEFAULT_BACKOFF_MS, MANUAL_RECHECK_GAP_MS, manualRecheckGate, type RecheckScheduler, type Timers } from './scheduler';
import { isDnsItemId, type AddressVerificationState, type ItemId, type ImapMailbox, type MessageProof, type Observation, type RunRecord } from '../../src-preload/contract/verification-schemas';
import { initialStatus, needsRecheck, reduceStatus, statusView } from './status-machine';
import { historyOf, type VerificationStore } from './status-store';
import { unreadableResource } from '../app/json-resource';
import { forwardingAddress } from '../../src-preload/contract/platform-vocabulary';

/** What a handler gives the service: the call's abort signal and its event stream. */
export interface RunContext {
  readonly signal: AbortSignal;
  emit(event: unknown): void;
}

export type SmtpTest = (request: SmtpTestRequest, options: SmtpTestOptions) => Promise<Result<ConnectionReport>>;

export interface VerificationServiceDeps {
  readonly store: AppStore;
  readonly vault: Vault;
  readonly statusStore: VerificationStore;
  readonly platforms: () => Promise<LoadPlatformsResult>;
  /** The app's one connection-test path (smtp/lending-test.ts): settings, pins, keychain lending. */
  readonly smtpTest: SmtpTest;
  readonly logger: Logger;
  readonly appVersion: string;
  readonly clock?: () => Date;
  /** Extra CA certificates (PEM) trusted for IMAP servers (a company CA; tests: the test CA). */
  readonly imapCa?: readonly string[];
  /** Searches for the verification email (default imap-receipt's 2 s ... 60 s). */
  readonly imapBackoffMs?: readonly number[];
  /** DNS for the checklist and the message proof (default: the resolvers from Settings). */
  readonly resolverOptions?: { readonly timeoutMs?: number; readonly retries?: number };
  readonly schedulerTimers?: Timers;
  readonly schedulerBackoffMs?: readonly number[];
  /** Least time between the end of one re-check of an address and a manual one (default 30 s). */
  readonly manualRecheckGapMs?: number;
  /** The OAuth 2.0 access token held in memory for an address (Microsoft 365 view), or null. */
  readonly heldToken?: (addressId: string) => string | null;
  /** For an OAuth 2.0 address: hold a usable token (a fresh app-only one when none is held) before its connection test. */
  readonly ensureOAuthToken?: EnsureAppToken;
}

export type RunTrigger = RunRecord['trigger'];

export interface SendEmailOptions {
  readonly addressId: string;
  readonly recipient?: string | undefined;
  readonly waitSeconds: number;
  readonly trigger: RunTrigger;
  /** Read the mailbox with this password instead of the stored one (`relayproof verify --imap-password-stdin`). */
  readonly mailbox?: { readonly mailbox: ImapMailbox; readonly password: string; readonly ca?: readonly string[] } | undefined;
}

export interface VerificationService {
  status(addressId?: string): Result<AddressStatus[]>;
  recheck(addressId: string, trigger: RunTrigger, ctx: RunContext): Promise<Result<RecheckResult>>;
  sendEmail(options: SendEmailOptions, ctx: RunContext): Promise<Result<SendEmailResult>>;
  /** A received message; with an address, recorded on its status. */
  verifyRaw(raw: Buffer, options: { readonly addressId?: string | undefined; readonly trigger: RunTrigger; readonly dnsServers?: readonly string[] }): Promise<Result<VerifyEmlResult>>;
  history(addressId: string, limit: number): Result<{ runs: RunRecord[]; total: number }>;
  /**
   * Restart the 72-hour window: the given DNS items (default: every DNS item that failed or
   * is pending/stale) go back to unverified, so the next check starts a new window.
   */
  reset(addressId: string, itemIds?: readonly ItemId[]): Result<AddressStatus>;
  report(addressId: string | undefined, format: 'html' | 'json'): Promise<Result<{ filename: string; mediaType: string; content: string }>>;
  /** Background re-checks of every address with pending items; idempotent. */
  startScheduler(): void;
  stopScheduler(): Promise<void>;
  readonly schedulerRunning: boolean;
  /** State changes of any run; returns the unsubscribe function. */
  onChange(listener: (change: VerificationChange) => void): () => void;
}

const RECHECK_ITEMS_DNS = 'dns';

function domainOf(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return domainToAscii(domain) ?? domain;
}

function looksLikeAddress(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(value);
}

/** Does the header section carry Relayproof's token header (our own verification email)? */
function carriesToken(raw: Buffer): boolean {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 1024 * 1024) : end).toString('latin1');
  return new RegExp(`^${TOKEN_HEADER}:`, 'imu').test(head);
}

export function createVerificationService(deps: VerificationServiceDeps): VerificationService {
  const { store, vault, statusStore, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const listeners = new Set<(change: VerificationChange) => void>();
  /** The run in progress per address: its kind and its promise. */
  const running = new Map<string, { readonly kind: 'recheck' | 'email'; readonly done: Promise<unknown> }>();
  let scheduler: RecheckScheduler | null = null;

  const notFound = (id: string): Result<never> => fail('not-found', `No address with id ${id} is configured. It may have been removed in another window.`);

  function dnsServers(): string[] {
    return [...store.settings().dnsServers];
  }

  function resolver(servers: readonly string[] = dnsServers()): Result<DnsResolver> {
    const made = resolverFromSpecs(servers, deps.resolverOptions ?? {});
    return 'errors' in made ? fail('invalid-input', made.errors.join(' '), { hint: 'Fix the DNS servers in Settings.' }) : ok(made.resolver);
  }

  function stateOf(address: Address): AddressVerificationState {
    const domain = domainOf(address.address);
    const stored = statusStore.get(address.id)?.state;
    // An address moved to another domain starts over: DKIM alignment is against the new one.
    const state = stored !== undefined && stored.domain === domain ? stored : initialStatus({ addressId: address.id, domain });
    // The forwarding item is there exactly while a forwarding check mailbox is configured.
    const configured = address.forwardingMailbox !== null;
    const has = state.items.some((i) => i.id === 'forwarding');
    if (configured && !has) return { ...state, items: [...state.items, ...initialStatus({ addressId: address.id, domain, forwarding: true }).items.filter((i) => i.id === 'forwarding')] };
    if (!configured && has) return { ...state, items: state.items.filter((i) => i.id !== 'forwarding') };
    return state;
  }

  function addressStatus(address: Address): AddressStatus {
    const now = clock();
    const state = stateOf(address);
    const view = statusView(state, now);
    const runs = historyOf(statusStore.get(address.id), address.id).runs;
    const lastRun = runs.at(-1);
    const nextAt = scheduler?.schedule(address.id)?.nextAt ?? null;
    const dnsWindow: DnsCountdown[] = [];
    for (const item of view.items) {
      const s = item.status;
      if (!isDnsItemId(item.id) || (s.state !== 'pending' && s.state !== 'stale') || s.deadlineAt === null) continue;
      dnsWindow.push({ itemId: item.id, title: item.title, state: s.state, deadlineAt: s.deadlineAt, countdownMs: item.countdownMs ?? 0 });
    }
    return {
      address: { id: address.id, address: address.address, platform: address.platform, environment: address.environment, setup: address.setup, mailbox: address.mailbox, forwardingMailbox: address.forwardingMailbox },
      status: view,
      lastCheckAt: lastRun?.finishedAt ?? view.lastCheckedAt,
      nextCheckAt: nextAt === null ? null : new Date(nextAt).toISOString(),
      checking: running.has(address.id),
      dnsWindow,
    };
  }

  /** Store a run, tell the listeners what changed, and keep the scheduler watching. */
  function record(address: Address, trigger: RunTrigger, startedAt: string, observations: readonly Observation[], extra: { message?: MessageProof | null; receipt?: RunRecord['receipt'] } = {}): RunRecord {
    const entry = statusStore.get(address.id);
    const recorded = recordRun(stateOf(address), historyOf(entry, address.id), {
      id: randomUUID(),
      trigger,
      startedAt,
      finishedAt: clock().toISOString(),
      observations,
      message: extra.message ?? null,
      receipt: extra.receipt ?? null,
    });
    statusStore.record(address.id, recorded.state, recorded.run);
    if (scheduler !== null) scheduler.watch(address.id, { pending: needsRecheck(recorded.state, clock()) });
    const transitions = recorded.run.transitions.filter((t) => t.from !== t.to);
    if (transitions.length > 0 && listeners.size > 0) {
      const titles = new Map(recorded.state.items.map((i) => [i.id, i.title]));
      const titled = transitions.map((t) => ({ ...t, title: titles.get(t.itemId) ?? t.itemId }));
      const view = statusView(recorded.state, clock());
      const shown = titled.slice(0, 3).map((t) => `${t.title} is now ${t.to}`);
      const change: VerificationChange = {
        addressId: address.id,
        address: address.address,
        at: recorded.run.finishedAt,
        trigger: trigger === 'scheduled' ? 'scheduled' : 'manual',
        overall: view.overall,
        transitions: titled,
        summary: `${address.address}: ${shown.join('; ')}${titled.length > 3 ? ` (and ${titled.length - 3} more)` : ''}.`,
      };
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (error) {
          logger.error('verification change listener failed', { error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    return recorded.run;
  }

  /** Runs `work` when nothing else runs for this address; a recheck joins a running recheck. */
  async function exclusive<T>(addressId: string, kind: 'recheck' | 'email', work: () => Promise<T>): Promise<{ value: T; joined: boolean }> {
    for (;;) {
      const current = running.get(addressId);
      if (current === undefined) break;
      if (current.kind === kind && kind === 'recheck') return { value: (await current.done) as T, joined: true };
      await current.done.catch(() => undefined);
    }
    const done = work();
    running.set(addressId, { kind, done });
    try {
      return { value: await done, joined: false };
    } finally {
      if (running.get(addressId)?.done === done) running.delete(addressId);
    }
  }

  function selectorsFor(address: Address): string[] {
    // The selector a received message was really signed with (its DKIM-Signature s=) feeds the checklist:
    // selectors are not discoverable from DNS alone (RFC 6376 §3.1).
    const runs = historyOf(statusStore.get(address.id), address.id).runs;
    const proof = [...runs].reverse().find((r) => r.message !== null)?.message ?? null;
    const domain = domainOf(address.address);
    const used = (proof?.dkim ?? []).filter((d) => d.aligned && d.selector !== null && d.domain !== null && domainOf(`x@${d.domain}`) === domain).map((d) => d.selector as string);
    return [...new Set([...address.selectors, ...used])].slice(0, 16);
  }

  /** When the last re-check (the runs that ran the DNS checklist) of the address ended, or null. */
  function lastRecheckAt(address: Address): number | null {
    const runs = historyOf(statusStore.get(address.id), address.id).runs;
    const last = [...runs].reverse().find((r) => r.observations.some((o) => isDnsItemId(o.itemId)));
    const stored = last === undefined ? null : Date.parse(last.finishedAt);
    const scheduled = scheduler?.schedule(address.id)?.lastFinishedAt ?? null;
    return stored === null ? scheduled : scheduled === null ? stored : Math.max(stored, scheduled);
  }

  /** An OAuth 2.0 address signs in with a token: make sure one is held (fresh when needed). */
  async function oauthReady(address: Address, signal: AbortSignal): Promise<Result<unknown>> {
    if (address.authKind !== 'oauth2' || deps.ensureOAuthToken === undefined) return ok(null);
    return deps.ensureOAuthToken({ id: address.id, address: address.address }, signal);
  }

  function lastSendingIp(address: Address): string | undefined {
    const runs = historyOf(statusStore.get(address.id), address.id).runs;
    return [...runs].reverse().find((r) => r.message !== null)?.message?.sender.ip ?? undefined;
  }

  function errorObservation(itemId: Observation['itemId'], at: string, source: 'smtp' | 'dns' | 'imap', error: AppError): Observation {
    const text = `${error.message}${error.hint === undefined ? '' : ` ${error.hint}`}`;
    return { itemId, at, outcome: 'error', explanation: text, evidence: { source, observedAt: at, summary: error.message, value: null, facts: [] } };
  }

  function connectionInput(address: Address, extra: { to?: string; send?: boolean; messageHeaders?: readonly { name: string; value: string }[] } = {}): SmtpTestRequest {
    return {
      addressId: address.id,
      host: address.host,
      port: address.port,
      security: address.security,
      from: address.address,
      ...(extra.to !== undefined ? { to: extra.to } : {}),
      dnsServers: [],
      timeouts: {},
      credentials: { kind: address.authKind, username: address.username, mechanism: 'auto' },
      send: extra.send === true,
      ...(extra.messageHeaders !== undefined ? { messageHeaders: extra.messageHeaders } : {}),
    };
  }

  async function doRecheck(address: Address, trigger: RunTrigger, ctx: RunContext): Promise<Result<RunRecord>> {
    const emit = (event: RecheckEvent) => ctx.emit(event);
    const startedAt = clock().toISOString();
    const loaded = await deps.platforms();
    if (!loaded.ok) return unreadableResource('platforms', loaded.problems);
    const observations: Observation[] = [];
    const observe = (list: readonly Observation[]) => {
      for (const o of list) {
        observations.push(o);
        emit({ type: 'observation', observation: o });
      }
    };
    const sendingIp = lastSendingIp(address);
    // Where the platform wants inbound mail (resources/platforms: Zendesk's support@<subdomain>.zendesk.com).
    const forwardingPattern = loaded.platforms.get(address.platform)?.forwarding?.addressPattern;
    const checklistInput = checklistInputSchema.safeParse({
      domain: domainOf(address.address),
      platform: address.platform,
      selectors: selectorsFor(address),
      smtpHost: address.host,
      dnsServers: dnsServers(),
      ...(sendingIp !== undefined ? { sendingIp } : {}),
      ...(forwardingPattern !== undefined && address.platformSubdomain !== null ? { forwardingAddress: forwardingAddress(forwardingPattern, address.platformSubdomain) } : {}),
    });
    const dns = async () => {
      emit({ type: 'step', step: RECHECK_ITEMS_DNS, state: 'started' });
      if (!checklistInput.success) {
        observe([errorObservation('dns:spf', clock().toISOString(), 'dns', { code: 'invalid-input', message: `The DNS checklist could not run: ${checklistInput.error.issues[0]?.message ?? 'invalid input'}` })]);
      } else {
        const report = await runChecklist(checklistInput.data, { platforms: loaded.platforms, signal: ctx.signal, ...(deps.resolverOptions ? { resolverOptions: deps.resolverOptions } : {}) });
        if (report.ok) observe(checklistObservations(report.value));
        else observe([errorObservation('dns:spf', clock().toISOString(), 'dns', report.error)]);
      }
      emit({ type: 'step', step: RECHECK_ITEMS_DNS, state: 'done' });
    };
    const connection = async () => {
      emit({ type: 'step', step: 'connection', state: 'started' });
      const token = await oauthReady(address, ctx.signal);
      if (!token.ok) {
        observe([errorObservation('connection-auth', clock().toISOString(), 'smtp', token.error)]);
        emit({ type: 'step', step: 'connection', state: 'done' });
        return;
      }
      const report = await deps.smtpTest(connectionInput(address), { signal: ctx.signal });
      if (report.ok) observe(connectionObservations(report.value));
      else observe([errorObservation('connection-auth', clock().toISOString(), 'smtp', report.error)]);
      emit({ type: 'step', step: 'connection', state: 'done' });
    };
    await Promise.all([dns(), connection()]);
    if (ctx.signal.aborted) return fail('cancelled', 'The re-check was cancelled; nothing was recorded.');
    return ok(record(address, trigger, startedAt, observations));
  }

  /**
   * The forwarding check (the 'forwarding' item): a message with its own token sent TO the
   * address through its credentials, looked for in the forwarding check mailbox with the
   * same backoff and deadline as the verification email. [] when none is configured.
   */
  async function checkForwarding(address: Address, options: SendEmailOptions, ctx: RunContext, fixed: readonly { name: string; value: string }[]): Promise<Observation[]> {
    const mailbox = address.forwardingMailbox;
    if (mailbox === null) return [];
    const out: Observation[] = [];
    const observe = (o: Observation) => {
      out.push(o);
      ctx.emit({ type: 'observation', observation: o } satisfies SendEmailEvent);
    };
    const loaded = await deps.platforms();
    const forwarding = loaded.ok ? (loaded.platforms.get(address.platform)?.forwarding ?? null) : null;
    const context: ForwardingContext = { address: address.address, mailbox, singleHopOnly: forwarding?.singleHopOnly === true, platformNote: forwarding?.note ?? null };
    const token = await oauthReady(address, ctx.signal);
    const sent = token.ok ? await deps.smtpTest(connectionInput(address, { to: address.address, send: true, messageHeaders: fixed }), { signal: ctx.signal }) : token;
    if (!sent.ok) {
      observe(errorObservation('forwarding', clock().toISOString(), 'smtp', { ...sent.error, message: `The forwarding check message to ${address.address} was not sent: ${sent.error.message}` }));
      return out;
    }
    const t = sent.value.testSend;
    if (t?.accepted !== true) {
      const reason = sent.value.failure?.message ?? 'the server did not accept it';
      observe(errorObservation('forwarding', clock().toISOString(), 'smtp', { code: 'conflict', message: `The forwarding check message to ${address.address} was not accepted: ${reason}`, hint: 'Fix the sending problem shown on the other items first; then send again.' }));
      return out;
    }
    const outcome = await receiveWith(address, options, t.token, { signal: ctx.signal, onProgress: (p) => observe(forwardingPendingObservation(p, context)) }, true);
    observe(forwardingObservation(outcome, clock().toISOString(), context));
    return out;
  }

  async function platformHeadersOf(address: Address): Promise<readonly string[] | null> {
    const loaded = await deps.platforms();
    return loaded.ok ? (loaded.platforms.get(address.platform)?.headersToPersist?.headers ?? null) : null;
  }

  async function receiveWith(
    address: Address,
    options: SendEmailOptions,
    token: string,
    context: { signal: AbortSignal; onProgress: Parameters<typeof receiveByImap>[0]['onProgress'] },
    forwarding = false,
  ): Promise<ReceiveOutcome> {
    // The forwarding check always reads the stored forwarding mailbox with its stored password.
    const given = forwarding ? undefined : options.mailbox;
    const mailbox = forwarding ? address.forwardingMailbox : (given?.mailbox ?? address.mailbox);
    if (mailbox === null) throw new Error('receiveWith needs a mailbox');
    const deadlineAt = new Date(clock().getTime() + options.waitSeconds * 1000);
    const receive = (password: string) =>
      receiveByImap({
        mailbox,
        password,
        token,
        deadlineAt,
        signal: context.signal,
        ...(context.onProgress !== undefined ? { onProgress: context.onProgress } : {}),
        ...(deps.imapCa !== undefined || given?.ca !== undefined ? { ca: [...(deps.imapCa ?? []), ...(given?.ca ?? [])] } : {}),
        ...(deps.imapBackoffMs !== undefined ? { backoffMs: deps.imapBackoffMs } : {}),
      });
    if (given !== undefined) return receive(given.password);
    // The stored password goes only to the mailbox it was saved for (src-preload/lending.ts);
    // one saved before bindings existed is bound to the mailbox on this first use.
    const purpose = forwarding ? 'imap-forwarding' : 'imap';
    const check = checkLending(address, purpose, store.settings());
    if (check.hold !== null) return { ok: false, failure: { code: 'auth-failed', message: check.hold.message, hint: check.hold.hint, attempts: 0, elapsedMs: 0 } };
    if (check.binding === null) bind(store, address.id, purpose, clock().toISOString());
    const lent = await vault.withSecret(address.id, purpose, receive);
    if (lent.ok) return lent.value;
    const where = forwarding ? 'Verification → Forwarding check mailbox' : 'Verification → Mailbox';
    return {
      ok: false,
      failure: {
        code: 'auth-failed',
        message: lent.error.code === 'not-found' ? `No password for the mailbox ${mailbox.username} is stored in the keychain.` : `The password of the mailbox ${mailbox.username} could not be read: ${lent.error.message}`,
        hint: lent.error.code === 'not-found' ? `Set the mailbox again with its password (${where}).` : (lent.error.hint ?? 'Unlock the OS keychain and try again.'),
        attempts: 0,
        elapsedMs: 0,
      },
    };
  }

  async function doSendEmail(address: Address, options: SendEmailOptions, ctx: RunContext): Promise<Result<SendEmailResult>> {
    const emit = (event: SendEmailEvent) => ctx.emit(event);
    const startedAt = clock().toISOString();
    const mailbox = options.mailbox?.mailbox ?? address.mailbox;
    const recipient = options.recipient ?? (mailbox !== null && looksLikeAddress(mailbox.username) ? mailbox.username : address.address);
    const made = resolver();
    if (!made.ok) return made;
    // The platform's fixed-value headers go out with the message and are checked on arrival.
    const platformHeaders = await platformHeadersOf(address);
    const fixed = platformFixedHeaders(platformHeaders);
    // With a forwarding check mailbox, a second message goes to the address itself once the
    // verification email is sent; both are then looked for at the same time.
    let forwarded: Promise<Observation[]> = Promise.resolve([]);
    const sendOnce = async (signal: AbortSignal): Promise<Result<ConnectionReport>> => {
      const token = await oauthReady(address, signal);
      if (!token.ok) return token;
      const sent = await deps.smtpTest(connectionInput(address, { to: recipient, send: true, messageHeaders: fixed }), { signal });
      if (sent.ok) {
        const t = sent.value.testSend;
        emit({ type: 'sent', at: clock().toISOString(), accepted: t?.accepted === true, messageId: t?.messageId ?? null, recipient, reply: t?.queueResponse?.text ?? sent.value.failure?.message ?? null });
        // A refused sign-in or server fails both messages alike: the forwarding check needs a working connection.
        if (sent.value.auth?.accepted === true || sent.value.testSend?.accepted === true) forwarded = checkForwarding(address, options, ctx, fixed);
      }
      return sent;
    };

    if (mailbox === null) {
      // No mailbox to read: send, and wait for the admin to drop the received message (.eml).
      const sent = await sendOnce(ctx.signal);
      if (!sent.ok) return sent;
      const observations = [...connectionObservations(sent.value)];
      for (const o of observations) emit({ type: 'observation', observation: o });
      observations.push(...(await forwarded));
      const run = record(address, options.trigger, startedAt, observations);
      return ok({ run, status: addressStatus(address), proof: null, receipt: null, recipient, awaitingEml: sent.value.testSend?.accepted === true });
    }

    const result = await runVerificationEmail(
      {
        domain: domainOf(address.address),
        expectedHeaders: sentHeaders(fixed),
        perMessageHeaders: perMessageHeaders(platformHeaders ?? []),
        signal: ctx.signal,
        onObservation: (o) => emit({ type: 'observation', observation: o }),
      },
      {
        send: sendOnce,
        receive: async (token, receiveCtx) => {
          const outcome = await receiveWith(address, options, token, {
            signal: receiveCtx.signal,
            onProgress: (p) => {
              receiveCtx.onProgress(p);
              emit({ type: 'waiting', attempt: p.attempt, at: p.at, nextAttemptAt: p.nextAttemptAt, deadlineAt: p.deadlineAt, searched: p.searched });
            },
          });
          if (outcome.ok) emit({ type: 'received', at: outcome.receipt.foundAt, mailbox: outcome.receipt.mailbox, elapsedMs: outcome.receipt.elapsedMs, sizeBytes: outcome.receipt.sizeBytes });
          return outcome;
        },
        resolver: toMailauthResolver(made.value),
        clock,
      },
    );
    if (result.report === null) return { ok: false, error: result.error ?? { code: 'internal', message: 'The verification email was not sent.' } };
    const proof = result.proof;
    if (proof !== null) {
      const aligned = proof.dkim.find((d) => d.result === 'pass' && d.aligned) ?? proof.dkim[0];
      emit({ type: 'proved', at: clock().toISOString(), pass: proof.pass, spf: proof.spf.result, dkim: aligned === undefined ? 'none' : aligned.result, dmarc: proof.dmarc.result });
    }
    const observations = [...result.observations];
    if (result.error !== null && result.receipt !== null && 'source' in result.receipt) {
      // Received, but not a message that can be verified: say so on the authentication items.
      observations.push(errorObservation('dkim-aligned', clock().toISOString(), 'imap', result.error));
    }
    observations.push(...(await forwarded));
    const run = record(address, options.trigger, startedAt, observations, { message: proof, receipt: result.receipt });
    return ok({ run, status: addressStatus(address), proof, receipt: result.receipt, recipient, awaitingEml: false });
  }

  function expectedHeadersFor(raw: Buffer, platformHeaders: readonly string[] | null): ReadonlyArray<string | ExpectedHeader> {
    // Relayproof's own verification email carries Relayproof's values; a message the
    // platform sent carries the platform's (resources/platforms headersToPersist).
    if (carriesToken(raw) || platformHeaders === null) return sentHeaders(platformFixedHeaders(platformHeaders));
    return platformHeaders;
  }

  const service: VerificationService = {
    status(addressId) {
      if (addressId !== undefined) {
        const address = store.getAddress(addressId);
        return address === undefined ? notFound(addressId) : ok([addressStatus(address)]);
      }
      return ok(store.listAddresses().map(addressStatus));
    },

    async recheck(addressId, trigger, ctx) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFound(addressId);
      if (trigger !== 'scheduled' && running.get(addressId)?.kind !== 'recheck') {
        // "Re-check now" goes through the same gate as the scheduler: a press within the gap
        // after the last check is refused with when it will be allowed (a running one is joined below).
        const gate = manualRecheckGate(lastRecheckAt(address), clock().getTime(), deps.manualRecheckGapMs ?? MANUAL_RECHECK_GAP_MS);
        if (!gate.allowed) {
          const seconds = Math.max(1, Math.round(gate.agoMs / 1000));
          return fail('conflict', `Checked ${seconds} s ago; next allowed at ${new Date(gate.nextAt).toLocaleTimeString()}.`, {
            hint: `Relayproof checks a server at most once every ${Math.round((deps.manualRecheckGapMs ?? MANUAL_RECHECK_GAP_MS) / 1000)} s on request, so it is not rate-limited or locked out. Press Re-check now again after that.`,
            details: { nextAllowedAt: new Date(gate.nextAt).toISOString() },
          });
        }
      }
      const { value, joined } = await exclusive(addressId, 'recheck', () => doRecheck(address, trigger, ctx));
      if (!value.ok) return value;
      return ok({ run: value.value, status: addressStatus(store.getAddress(addressId) ?? address), joined });
    },

    async sendEmail(options, ctx) {
      const address = store.getAddress(options.addressId);
      if (address === undefined) return notFound(options.addressId);
      const { value } = await exclusive(address.id, 'email', () => doSendEmail(address, options, ctx));
      return value;
    },

    async verifyRaw(raw, options) {
      const address = options.addressId === undefined ? undefined : store.getAddress(options.addressId);
      if (options.addressId !== undefined && address === undefined) return notFound(options.addressId);
      const made = resolver(options.dnsServers !== undefined && options.dnsServers.length > 0 ? options.dnsServers : dnsServers());
      if (!made.ok) return made;
      let platformHeaders: readonly string[] | null = null;
      if (address !== undefined) {
        const loaded = await deps.platforms();
        platformHeaders = loaded.ok ? (loaded.platforms.get(address.platform)?.headersToPersist?.headers ?? null) : null;
      }
      const startedAt = clock().toISOString();
      const verified = await verifyMessage(raw, {
        resolver: toMailauthResolver(made.value),
        expectedHeaders: expectedHeadersFor(raw, platformHeaders),
        ...(address !== undefined ? { domain: domainOf(address.address) } : {}),
      });
      if (!verified.ok) return verified;
      if (address === undefined) return ok({ proof: verified.value, run: null, status: null });
      const at = clock().toISOString();
      const receipt = { source: 'eml' as const, mailbox: null, uid: null, attempts: 1, elapsedMs: 0, sizeBytes: raw.length, foundAt: at };
      const domain = domainOf(address.address);
      const foreign = foreignMessageReason(verified.value, domain);
      const proved = [receiptObservation({ ok: true, receipt, raw }, at), ...proofObservations(verified.value, at, 'eml', domain, { perMessageHeaders: perMessageHeaders(platformHeaders ?? []) })];
      // A message of another domain is recorded with the reason, and proves nothing for this address.
      const observations = foreign?.scope === 'from' ? asForeign(proved, foreign.reason) : proved;
      const { value: run } = await exclusive(address.id, 'email', async () => record(address, options.trigger, startedAt, observations, { message: verified.value, receipt }));
      return ok({ proof: verified.value, run, status: addressStatus(address) });
    },

    reset(addressId, itemIds) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFound(addressId);
      const state = stateOf(address);
      const dnsItems = state.items.filter((i) => isDnsItemId(i.id));
      const unknown = (itemIds ?? []).filter((id) => !dnsItems.some((i) => i.id === id));
      if (unknown.length > 0) {
        return fail('invalid-input', `Only DNS checks of ${address.address} have a 72-hour window; ${unknown.join(', ')} is not one of them.`, {
          hint: `Its DNS checks: ${dnsItems.map((i) => i.id).join(', ') || 'none yet (run Re-check now first)'}.`,
        });
      }
      const ids = itemIds !== undefined ? [...itemIds] : dnsItems.filter((i) => i.status.state !== 'verified' && i.status.state !== 'unverified').map((i) => i.id);
      if (ids.length === 0) return ok(addressStatus(address));
      const at = clock().toISOString();
      const next = reduceStatus(state, { type: 'reset', at, itemIds: ids, reason: 'restart' });
      statusStore.update(address.id, (entry) => ({ state: next, history: historyOf(entry, address.id) }));
      if (scheduler !== null) scheduler.watch(address.id, { pending: true });
      return ok(addressStatus(address));
    },

    history(addressId, limit) {
      const address = store.getAddress(addressId);
      const entry = statusStore.get(addressId);
      if (address === undefined && entry === undefined) return notFound(addressId);
      const runs = historyOf(entry, addressId).runs;
      return ok({ runs: [...runs].reverse().slice(0, limit), total: runs.length });
    },

    async report(addressId, format) {
      const addresses = addressId === undefined ? [...store.listAddresses()] : [store.getAddress(addressId)].filter((a): a is Address => a !== undefined);
      if (addressId !== undefined && addresses.length === 0) return notFound(addressId);
      // Second line of defence: every secret Relayproof holds for these addresses is scrubbed from the text.
      const secrets: { username: string | null; secret: string }[] = [];
      for (const a of addresses) {
        // Every keychain entry of the address (SMTP, mailboxes, OAuth client secret and
        // certificate key) and any access token held for it. Which username went with which
        // secret does not matter here: each is paired with every username of the address, so
        // the SASL forms of any pairing are scrubbed too.
        const stored = await vault.secretsOf(a.id);
        const token = deps.heldToken?.(a.id) ?? null;
        const all = [...(stored.ok ? stored.value : []), ...(token !== null ? [token] : [])];
        const usernames = [null, a.username, a.mailbox?.username ?? null, a.forwardingMailbox?.username ?? null].filter((u, i, list) => list.indexOf(u) === i);
        for (const secret of all) for (const username of usernames) secrets.push({ username, secret });
      }
      const now = clock();
      const report = buildReport(
        addresses.map((a) => ({ id: a.id, address: a.address, platform: a.platform, environment: a.environment, state: stateOf(a), history: historyOf(statusStore.get(a.id), a.id) })),
        { now, appVersion: deps.appVersion, secrets },
      );
      // Named by the address an admin recognises, never the internal id.
      const stem = reportFileStem(addressId === undefined ? undefined : addresses[0]?.address, now);
      return ok(
        format === 'html'
          ? { filename: `${stem}.html`, mediaType: 'text/html; charset=utf-8', content: reportHtml(report) }
          : { filename: `${stem}.json`, mediaType: 'application/json', content: reportJson(report) },
      );
    },

    startScheduler() {
      if (scheduler !== null) return;
      const started = createRecheckScheduler({
        backoffMs: deps.schedulerBackoffMs ?? DEFAULT_BACKOFF_MS,
        ...(deps.schedulerTimers !== undefined ? { timers: deps.schedulerTimers } : {}),
        recheck: async (addressId, context) => {
          const address = store.getAddress(addressId);
          if (address === undefined) {
            started.unwatch(addressId);
            return { pending: false };
          }
          // A manual check just ran (this timer was armed before it): not again so soon — back off instead.
          const backoff = deps.schedulerBackoffMs ?? DEFAULT_BACKOFF_MS;
          if (context.trigger === 'scheduled' && !manualRecheckGate(lastRecheckAt(address), clock().getTime(), backoff[0] ?? MANUAL_RECHECK_GAP_MS).allowed) return { pending: true };
          const result = await service.recheck(addressId, context.trigger === 'scheduled' ? 'scheduled' : 'manual', { signal: context.signal, emit: () => undefined });
          if (!result.ok) throw new Error(result.error.message);
          const state = statusStore.get(addressId)?.state;
          return { pending: state === undefined ? false : needsRecheck(state, clock()) };
        },
        onEvent: (event) => {
          if (event.type === 'failed') logger.warn('scheduled re-check failed', { addressId: event.addressId, message: event.message });
        },
      });
      scheduler = started;
      for (const address of store.listAddresses()) started.watch(address.id, { pending: needsRecheck(stateOf(address), clock()) });
    },

    async stopScheduler() {
      const current = scheduler;
      scheduler = null;
      await current?.stop();
    },

    get schedulerRunning() {
      return scheduler !== null;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return service;
}
