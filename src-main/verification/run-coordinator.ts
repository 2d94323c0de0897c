/**
 * Run coordination of the verification status: one run per address at a time (a second
 * "Re-check now" joins the running one; a verification email waits for a running re-check,
 * and the other way round), recording each run into `verification/<addressId>.json`
 * (status-store.ts) and telling listeners what changed, the re-check itself (DNS checklist
 * + connection test with the stored secret), and the background scheduler's glue.
 *
 * The scheduler (1, 5, 15 min, then hourly while something is pending) runs only after
 * `startScheduler()`, which the long-running modes call (browser-mode bridge, Electron):
 * a one-shot CLI command never starts a timer.
 */
import { randomUUID } from 'node:crypto';
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
  type VerificationChange,
} from '../../src-preload/contract';
import { checklistInputSchema, type ChecklistInputDraft, type ChecklistReport } from '../../src-preload/contract/checks-schemas';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import type { DmarcReportNumbers } from '../../src-preload/contract/reports';
import { isDnsItemId, type AddressVerificationState, type ItemId, type MessageProof, type NotNeededItem, type Observation, type RunRecord } from '../../src-preload/contract/verification-schemas';
import { notFoundAddress } from '../addresses/not-found';
import { unreadableResource } from '../app/json-resource';
import { runChecklist } from '../checks/checklist';
import { resolverFromSpecs, type DnsResolver } from '../dns/resolver';
import type { Logger } from '../log/logger';
import type { EnsureAppToken } from '../m365/background-token';
import type { LoadPlatformsResult, PlatformCatalog } from '../providers/platforms';
import type { LoadProvidersResult } from '../providers/providers';
import { addressChecklistInput, domainOf, notNeededItems } from './address-checklist';
import type { SmtpTestOptions, SmtpTestRequest } from '../smtp/lending-test';
import { DEFAULT_HOST_LIMITS, hostKeyOf, throttledTest, type HostLimiter } from '../smtp/host-limiter';
import type { AppStore } from '../store/store';
import { recordRun, type RecordedRun } from './history';
import { checklistObservations, connectionObservations, untrackedDnsItems } from './observations';
import { createRecheckScheduler, DEFAULT_BACKOFF_MS, MANUAL_RECHECK_GAP_MS, manualRecheckGate, type RecheckScheduler, type Timers } from './scheduler';
import { initialStatus, needsRecheck, reduceStatus, statusView } from './status-machine';
import { historyOf, type VerificationStore } from './status-store';

/** What a handler gives the service: the call's abort signal and its event stream. */
export interface RunContext {
  readonly signal: AbortSignal;
  emit(event: unknown): void;
}

export type RunTrigger = RunRecord['trigger'];

export type SmtpTest = (request: SmtpTestRequest, options: SmtpTestOptions) => Promise<Result<ConnectionReport>>;

/** How a fleet run (fleet-run.ts) has one address re-checked: with the run's DNS answers and its host slot. */
export interface RecheckVia {
  /** DNS shared by the whole run (one memo), so each domain is read once. */
  readonly resolver?: DnsResolver;
  /** The connection test in the run's slot for the address's server (instead of taking one here). */
  readonly smtpTest?: SmtpTest;
  /**
   * Write the run to the address's verification file without blocking the process (its
   * write and fsyncs off the event loop): a fleet run's other re-checks keep talking to
   * their servers meanwhile. "Re-check now" alone keeps the synchronous write.
   */
  readonly recordWithoutBlocking?: boolean;
}

export interface RunCoordinatorDeps {
  readonly store: AppStore;
  readonly statusStore: VerificationStore;
  readonly platforms: () => Promise<LoadPlatformsResult>;
  /** Provider presets: the SPF include that covers an address's mail service (resources/providers). */
  readonly providers?: () => Promise<LoadProvidersResult>;
  /** The app's one connection-test path (smtp/lending-test.ts): settings, pins, keychain lending. */
  readonly smtpTest: SmtpTest;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** DNS for the checklist and the message proof (default: the resolvers from Settings). */
  readonly resolverOptions?: { readonly timeoutMs?: number; readonly retries?: number };
  readonly schedulerTimers?: Timers;
  readonly schedulerBackoffMs?: readonly number[];
  /** Least time between the end of one re-check of an address and a manual one (default 30 s). */
  readonly manualRecheckGapMs?: number;
  /** For an OAuth 2.0 address: hold a usable token (a fresh app-only one when none is held) before its connection test. */
  readonly ensureOAuthToken?: EnsureAppToken;
  /** The numbers of the DMARC aggregate reports read for an address, for the checklist's rollout advice. */
  readonly dmarcReportNumbers?: (addressId: string) => DmarcReportNumbers | null;
  /** Connections per mail server across every re-check (smtp/host-limiter.ts); none = no limit. */
  readonly hostLimiter?: HostLimiter;
}

/** The status, re-checks, the 72-hour window and the scheduler, as the verification service offers them. */
export interface RunCoordination {
  status(addressId?: string): Result<AddressStatus[]>;
  recheck(addressId: string, trigger: RunTrigger, ctx: RunContext, via?: RecheckVia): Promise<Result<RecheckResult>>;
  /**
   * The address's DNS checklist with its one input (address-checklist.ts), items streamed to
   * `ctx`; its DNS items are recorded as a run, so the status shows the verdicts just shown.
   */
  checklist(addressId: string, trigger: RunTrigger, ctx: RunContext): Promise<Result<ChecklistReport>>;
  history(addressId: string, limit: number): Result<{ runs: RunRecord[]; total: number }>;
  /**
   * Restart the 72-hour window: the given DNS items (default: every DNS item that failed or
   * is pending/stale) go back to unverified, so the next check starts a new window.
   */
  reset(addressId: string, itemIds?: readonly ItemId[]): Result<AddressStatus>;
  /** Background re-checks of every address with pending items; idempotent. */
  startScheduler(): void;
  stopScheduler(): Promise<void>;
  readonly schedulerRunning: boolean;
  /** State changes of any run; returns the unsubscribe function. */
  onChange(listener: (change: VerificationChange) => void): () => void;
}

/** What the verification email and the report build on: the state of an address, and its runs. */
export interface RunCoordinator extends RunCoordination {
  /** The stored state of the address (a fresh one when its domain changed), with the forwarding item exactly while one is configured. */
  stateOf(address: Address): AddressVerificationState;
  addressStatus(address: Address): AddressStatus;
  /** Store a run, tell the listeners what changed, and keep the scheduler watching. */
  record(address: Address, trigger: RunTrigger, startedAt: string, observations: readonly Observation[], extra?: { message?: MessageProof | null; receipt?: RunRecord['receipt']; retire?: readonly ItemId[]; notNeeded?: readonly NotNeededItem[] }): RunRecord;
  /** Runs `work` when nothing else runs for this address; a recheck joins a running recheck. */
  exclusive<T>(addressId: string, kind: 'recheck' | 'email', work: () => Promise<T>): Promise<{ value: T; joined: boolean }>;
  /** An OAuth 2.0 address signs in with a token: make sure one is held (fresh when needed). */
  oauthReady(address: Address, signal: AbortSignal): Promise<Result<unknown>>;
  /** The DNS servers in Settings. */
  dnsServers(): string[];
  /** A resolver over `servers` (default: the DNS servers in Settings). */
  resolver(servers?: readonly string[]): Result<DnsResolver>;
}

const RECHECK_ITEMS_DNS = 'dns';

export { domainOf };

export function errorObservation(itemId: Observation['itemId'], at: string, source: 'smtp' | 'dns' | 'imap', error: AppError): Observation {
  const text = `${error.message}${error.hint === undefined ? '' : ` ${error.hint}`}`;
  return { itemId, at, outcome: 'error', explanation: text, evidence: { source, observedAt: at, summary: error.message, value: null, facts: [] } };
}

/** The connection test of a saved address with its stored secret, as a run makes it. */
export function connectionInput(address: Address, extra: { to?: string; send?: boolean } = {}): SmtpTestRequest {
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
  };
}

export function createRunCoordinator(deps: RunCoordinatorDeps): RunCoordinator {
  const { store, statusStore, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const listeners = new Set<(change: VerificationChange) => void>();
  /** The run in progress per address: its kind and its promise. */
  const running = new Map<string, { readonly kind: 'recheck' | 'email'; readonly done: Promise<unknown> }>();
  let scheduler: RecheckScheduler | null = null;

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
  type RecordExtra = { message?: MessageProof | null; receipt?: RunRecord['receipt']; retire?: readonly ItemId[]; notNeeded?: readonly NotNeededItem[] };

  function record(address: Address, trigger: RunTrigger, startedAt: string, observations: readonly Observation[], extra: RecordExtra = {}): RunRecord {
    const recorded = runOf(address, trigger, startedAt, observations, extra);
    statusStore.record(address.id, recorded.state, recorded.run);
    return announce(address, trigger, recorded);
  }

  /** record, with the file written off the event loop (RecheckVia.recordWithoutBlocking). */
  async function recordWithoutBlocking(address: Address, trigger: RunTrigger, startedAt: string, observations: readonly Observation[], extra: RecordExtra = {}): Promise<RunRecord> {
    const recorded = runOf(address, trigger, startedAt, observations, extra);
    await statusStore.recordAsync(address.id, recorded.state, recorded.run);
    return announce(address, trigger, recorded);
  }

  function runOf(address: Address, trigger: RunTrigger, startedAt: string, observations: readonly Observation[], extra: RecordExtra): RecordedRun {
    const entry = statusStore.get(address.id);
    return recordRun(stateOf(address), historyOf(entry, address.id), {
      id: randomUUID(),
      trigger,
      startedAt,
      finishedAt: clock().toISOString(),
      observations,
      message: extra.message ?? null,
      receipt: extra.receipt ?? null,
      ...(extra.retire === undefined ? {} : { retire: extra.retire }),
      ...(extra.notNeeded === undefined ? {} : { notNeeded: extra.notNeeded }),
    });
  }

  /** Once the run is stored: tell the listeners what changed, and keep the scheduler watching. */
  function announce(address: Address, trigger: RunTrigger, recorded: RecordedRun): RunRecord {
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

  /** The last message proof of the address: its sending IP and the selectors it was really signed with. */
  function lastProof(address: Address): MessageProof | null {
    const runs = historyOf(statusStore.get(address.id), address.id).runs;
    return [...runs].reverse().find((r) => r.message !== null)?.message ?? null;
  }

  /** The address's one checklist input (address-checklist.ts): the same for every view. */
  async function checklistInputOf(address: Address, platforms: PlatformCatalog): Promise<ChecklistInputDraft> {
    const providers = deps.providers === undefined ? null : await deps.providers();
    const provider = providers !== null && providers.ok ? providers.providers.find((p) => p.id === address.provider) : undefined;
    return addressChecklistInput(address, { platform: platforms.get(address.platform), provider, lastProof: lastProof(address), dnsServers: dnsServers(), dmarcReports: deps.dmarcReportNumbers?.(address.id) ?? null });
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
    return deps.ensureOAuthToken({ id: address.id, address: address.address, lending: address.lending }, signal);
  }

  /** A connection test of a saved address in a slot of its server (at most 2 at once), waiting out the server's throttling. */
  async function limitedTest(address: Address, request: SmtpTestRequest, options: SmtpTestOptions): Promise<Result<ConnectionReport>> {
    const limiter = deps.hostLimiter;
    if (limiter === undefined) return deps.smtpTest(request, options);
    const dns = resolver();
    const key = await hostKeyOf(address.host, address.port, dns.ok ? dns.value : null, options.signal);
    const slot = await limiter.acquire(key, DEFAULT_HOST_LIMITS, options.signal);
    if (slot === null) return fail('cancelled', 'The re-check was cancelled before its server had a free connection.');
    try {
      return (await throttledTest(limiter, slot, options.signal, () => deps.smtpTest(request, options))).result;
    } finally {
      slot.release();
    }
  }

  async function doRecheck(address: Address, trigger: RunTrigger, ctx: RunContext, via: RecheckVia = {}): Promise<Result<RunRecord>> {
    const emit = (event: RecheckEvent) => ctx.emit(event);
    const startedAt = clock().toISOString();
    const loaded = await deps.platforms();
    if (!loaded.ok) return unreadableResource('platforms', loaded.problems);
    const observations: Observation[] = [];
    let retire: ItemId[] = [];
    let notNeeded: NotNeededItem[] | undefined;
    const observe = (list: readonly Observation[]) => {
      for (const o of list) {
        observations.push(o);
        emit({ type: 'observation', observation: o });
      }
    };
    const checklistInput = checklistInputSchema.safeParse(await checklistInputOf(address, loaded.platforms));
    const dns = async () => {
      emit({ type: 'step', step: RECHECK_ITEMS_DNS, state: 'started' });
      if (!checklistInput.success) {
        observe([errorObservation('dns:spf', clock().toISOString(), 'dns', { code: 'invalid-input', message: `The DNS checklist could not run: ${checklistInput.error.issues[0]?.message ?? 'invalid input'}` })]);
      } else {
        const report = await runChecklist(checklistInput.data, { platforms: loaded.platforms, signal: ctx.signal, ...(via.resolver ? { resolver: via.resolver } : {}), ...(deps.resolverOptions ? { resolverOptions: deps.resolverOptions } : {}) });
        if (report.ok) {
          retire = untrackedDnsItems(report.value);
          notNeeded = notNeededItems(report.value);
          observe(checklistObservations(report.value));
        }
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
      const request = connectionInput(address);
      const report = await (via.smtpTest === undefined ? limitedTest(address, request, { signal: ctx.signal }) : via.smtpTest(request, { signal: ctx.signal }));
      if (report.ok) observe(connectionObservations(report.value));
      else observe([errorObservation('connection-auth', clock().toISOString(), 'smtp', report.error)]);
      emit({ type: 'step', step: 'connection', state: 'done' });
    };
    await Promise.all([dns(), connection()]);
    if (ctx.signal.aborted) return fail('cancelled', 'The re-check was cancelled; nothing was recorded.');
    const extra = { retire, ...(notNeeded === undefined ? {} : { notNeeded }) };
    return ok(via.recordWithoutBlocking === true ? await recordWithoutBlocking(address, trigger, startedAt, observations, extra) : record(address, trigger, startedAt, observations, extra));
  }

  const coordinator: RunCoordinator = {
    stateOf,
    addressStatus,
    record,
    exclusive,
    oauthReady,
    dnsServers,
    resolver,

    status(addressId) {
      if (addressId !== undefined) {
        const address = store.getAddress(addressId);
        return address === undefined ? notFoundAddress(addressId) : ok([addressStatus(address)]);
      }
      return ok(store.listAddresses().map(addressStatus));
    },

    async recheck(addressId, trigger, ctx, via) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFoundAddress(addressId);
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
      const { value, joined } = await exclusive(addressId, 'recheck', () => doRecheck(address, trigger, ctx, via));
      if (!value.ok) return value;
      return ok({ run: value.value, status: addressStatus(store.getAddress(addressId) ?? address), joined });
    },

    async checklist(addressId, trigger, ctx) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFoundAddress(addressId);
      const loaded = await deps.platforms();
      if (!loaded.ok) return unreadableResource('platforms', loaded.problems);
      const startedAt = clock().toISOString();
      const input = checklistInputSchema.safeParse(await checklistInputOf(address, loaded.platforms));
      if (!input.success) return fail('invalid-input', `The DNS checklist of ${address.address} could not run: ${input.error.issues[0]?.message ?? 'invalid input'}`);
      const report = await runChecklist(input.data, { platforms: loaded.platforms, signal: ctx.signal, onEvent: (e) => ctx.emit(e), ...(deps.resolverOptions ? { resolverOptions: deps.resolverOptions } : {}) });
      if (!report.ok || ctx.signal.aborted) return report;
      await exclusive(addressId, 'recheck', () => Promise.resolve(record(store.getAddress(addressId) ?? address, trigger, startedAt, checklistObservations(report.value), { retire: untrackedDnsItems(report.value), notNeeded: notNeededItems(report.value) })));
      return report;
    },

    reset(addressId, itemIds) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFoundAddress(addressId);
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
      if (address === undefined && entry === undefined) return notFoundAddress(addressId);
      const runs = historyOf(entry, addressId).runs;
      return ok({ runs: [...runs].reverse().slice(0, limit), total: runs.length });
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
          const result = await coordinator.recheck(addressId, context.trigger === 'scheduled' ? 'scheduled' : 'manual', { signal: context.signal, emit: () => undefined });
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
  return coordinator;
}
