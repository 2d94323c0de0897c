/**
 * "Re-check all": every saved address (or the selected ones, or one platform's) re-checked
 * in one run, as fast as the mail servers allow and never harder:
 *   - DNS is read once per name for the whole run (one memo over Settings' resolvers), so
 *     fifty addresses of one domain ask for its SPF record once;
 *   - each address's re-check holds a slot of its server (address:port after resolution)
 *     in the process-wide host limiter: at most `perHost` per server and `concurrency` in
 *     all, so a server with a long queue never holds up the others;
 *   - a server that throttles ("421 too many connections") pauses only its own queue, the
 *     connection test is tried again after the pause, and the address says it was throttled;
 *   - each address keeps its manual gap: one checked moments ago is reported as it stands,
 *     with when it may be checked again, instead of being asked again.
 * Every re-check is recorded exactly like "Re-check now", so the scheduler's backoff
 * (1, 5, 15 min, hourly) carries on from it for each address. Its run goes to the
 * address's own verification file at once, written and fsync'd off the event loop (an
 * fsync took 22 ms under load, 4.4 s over 200 addresses, during which no other re-check
 * could read its server's reply); what the connection test records on the
 * address in the settings (last test, where the secret signed in) is written in batches
 * (store/address-status-batch.ts): one settings write per 20 addresses or per second,
 * instead of one per address that blocked every other re-check while it was fsync'd.
 */
import { setMaxListeners } from 'node:events';
import type { Address, AddressStatus, Result } from '../../src-preload/contract';
import { fail, ok } from '../../src-preload/contract/result-values';
import type { FleetAddress, FleetEvent, FleetHost, FleetRun } from '../../src-preload/contract/fleet-schemas';
import type { PlatformId } from '../../src-preload/contract/platform-vocabulary';
import { notFoundAddress } from '../addresses/not-found';
import type { DnsResolver } from '../dns/resolver';
import { withRunMemo } from '../dns/run-memo';
import { hostKeyOf, throttledTest, type HostLimiter } from '../smtp/host-limiter';
import { createAddressStatusBatch, FLEET_STATUS_BATCH, type AddressStatusBatchOptions } from '../store/address-status-batch';
import type { AppStore } from '../store/store';
import type { SmtpTestOptions } from '../smtp/lending-test';
import type { RunContext, RunCoordinator, RunTrigger, SmtpTest } from './run-coordinator';

export interface FleetRunDeps {
  readonly store: AppStore;
  readonly runs: RunCoordinator;
  readonly limiter: HostLimiter;
  /** The app's one connection-test path (smtp/lending-test.ts): the lending rules apply to every address. */
  readonly smtpTest: SmtpTest;
  readonly clock?: () => Date;
  /** When the addresses' last tests are written (default: every 20 addresses or every second). */
  readonly statusBatch?: AddressStatusBatchOptions;
}

export interface FleetSelection {
  /** These addresses only ("Re-check selected"); every address when absent. */
  readonly addressIds?: readonly string[] | undefined;
  readonly platform?: PlatformId | undefined;
}

export interface FleetRunOptions extends FleetSelection {
  readonly perHost: number;
  readonly concurrency: number;
  readonly trigger?: RunTrigger;
}

export interface FleetRuns {
  recheckAll(options: FleetRunOptions, ctx: RunContext): Promise<Result<FleetRun>>;
  /** The stored status of the selection in the fleet shape, without checking anything. */
  fleetStatus(selection: FleetSelection): Result<FleetAddress[]>;
}

/** The fleet shape of an address's status. */
export function fleetAddressOf(status: AddressStatus, extra: { readonly throttled: boolean; readonly rechecked: boolean; readonly note: string | null }): FleetAddress {
  const a = status.address;
  return {
    id: a.id,
    address: a.address,
    platform: a.platform,
    environment: a.environment,
    overall: status.status.overall,
    items: status.status.items.map((item) => ({ id: item.id, title: item.title, state: item.status.state, explanation: item.status.state === 'unverified' ? null : item.status.explanation })),
    checkedAt: status.lastCheckAt,
    ...extra,
  };
}

export function createFleetRuns(deps: FleetRunDeps): FleetRuns {
  const { store, runs, limiter } = deps;
  const clock = deps.clock ?? (() => new Date());

  function select(selection: FleetSelection): Result<readonly Address[]> {
    const all = store.listAddresses();
    let chosen = all;
    if (selection.addressIds !== undefined) {
      const wanted = new Set(selection.addressIds);
      const missing = [...wanted].find((id) => !all.some((a) => a.id === id));
      if (missing !== undefined) return notFoundAddress(missing);
      chosen = all.filter((a) => wanted.has(a.id));
    }
    if (selection.platform !== undefined) chosen = chosen.filter((a) => a.platform === selection.platform);
    return ok(chosen);
  }

  async function runFleet(addresses: readonly Address[], base: DnsResolver, options: FleetRunOptions, emitTo: RunContext['emit'], signal: AbortSignal, startedAt: string): Promise<Result<FleetRun>> {
    const batch = createAddressStatusBatch(store, deps.statusBatch ?? FLEET_STATUS_BATCH);
    try {
      return await checkAll(addresses, base, options, emitTo, signal, startedAt, batch.add);
    } finally {
      batch.close();
    }
  }

  async function checkAll(
    addresses: readonly Address[],
    base: DnsResolver,
    options: FleetRunOptions,
    emitTo: RunContext['emit'],
    signal: AbortSignal,
    startedAt: string,
    recordStatus: NonNullable<SmtpTestOptions['recordStatus']>,
  ): Promise<Result<FleetRun>> {
    const limits = { perHost: options.perHost, concurrency: options.concurrency };
    const emit = (event: FleetEvent) => emitTo(event);
    // One memo for the whole run: every address of a domain (and every server name) is read once.
    const resolver = withRunMemo(base, signal);
    const keys = await Promise.all(addresses.map((a) => hostKeyOf(a.host, a.port, resolver, signal)));
    const hosts = new Map<string, { names: Set<string>; addresses: number; maxConcurrent: number; throttled: number }>();
    addresses.forEach((a, i) => {
      const key = keys[i] ?? `${a.host}:${a.port}`;
      const host = hosts.get(key) ?? { names: new Set<string>(), addresses: 0, maxConcurrent: 0, throttled: 0 };
      host.names.add(`${a.host.toLowerCase()}:${a.port}`);
      host.addresses += 1;
      hosts.set(key, host);
    });
    emit({ type: 'started', total: addresses.length, hosts: [...hosts].map(([host, h]) => ({ host, addresses: h.addresses })) });

    let done = 0;
    const finish = (entry: FleetAddress) => {
      done += 1;
      emit({ type: 'done', address: entry, done, total: addresses.length });
      return entry;
    };
    const one = async (address: Address, key: string): Promise<FleetAddress> => {
      const host = hosts.get(key);
      if (signal.aborted) return finish(fleetAddressOf(runs.addressStatus(address), { throttled: false, rechecked: false, note: 'Not checked: the run was cancelled.' }));
      let throttled = false;
      emit({ type: 'checking', addressId: address.id, host: key });
      // Only the connection holds a slot of the server: the DNS half of the re-check reads the
      // run's shared answers and occupies no connection.
      const smtpTest: SmtpTest = async (request, testOptions) => {
        const slot = await limiter.acquire(key, limits, testOptions.signal);
        if (slot === null) return fail('cancelled', 'The re-check was cancelled before its server had a free connection.');
        try {
          if (host !== undefined) host.maxConcurrent = Math.max(host.maxConcurrent, limiter.active(key));
          const tested = await throttledTest(limiter, slot, testOptions.signal, () => deps.smtpTest(request, { ...testOptions, recordStatus }), {
            onThrottled: (pausedMs, reply) => {
              if (host !== undefined && !throttled) host.throttled += 1;
              throttled = true;
              emit({ type: 'throttled', addressId: address.id, host: key, pausedMs, reply: reply.text });
            },
          });
          if (host !== undefined) host.maxConcurrent = Math.max(host.maxConcurrent, limiter.active(key));
          return tested.result;
        } finally {
          slot.release();
        }
      };
      const result = await runs.recheck(address.id, options.trigger ?? 'manual', { signal, emit: () => undefined }, { resolver, smtpTest, recordWithoutBlocking: true });
      if (result.ok) return finish(fleetAddressOf(result.value.status, { throttled, rechecked: true, note: null }));
      const current = store.getAddress(address.id) ?? address;
      // Checked moments ago (its manual gap), removed meanwhile, cancelled: reported as it stands, with why.
      return finish(fleetAddressOf(runs.addressStatus(current), { throttled, rechecked: false, note: `Not checked: ${result.error.message}` }));
    };

    // `concurrency` re-checks at a time. Each free worker takes the first waiting address whose
    // server has fewer than `perHost` addresses in the works, so workers spread over the
    // servers instead of queueing behind one server's limit.
    const queue = addresses.map((address, i) => ({ address, key: keys[i] ?? `${address.host}:${address.port}`, index: i }));
    const working = new Map<string, number>();
    const results: FleetAddress[] = new Array<FleetAddress>(addresses.length);
    const worker = async () => {
      for (;;) {
        const at = queue.findIndex((q) => (working.get(q.key) ?? 0) < limits.perHost);
        const [next] = queue.splice(at < 0 ? 0 : at, 1);
        if (next === undefined) return;
        working.set(next.key, (working.get(next.key) ?? 0) + 1);
        try {
          results[next.index] = await one(next.address, next.key);
        } finally {
          working.set(next.key, (working.get(next.key) ?? 1) - 1);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limits.concurrency, addresses.length) }, worker));
    if (signal.aborted && results.every((r) => !r.rechecked)) return fail('cancelled', 'The re-check of all addresses was cancelled before any address was checked; nothing was recorded.');
    const hostList: FleetHost[] = [...hosts].map(([key, h]) => ({ host: key, names: [...h.names].sort(), addresses: h.addresses, maxConcurrent: h.maxConcurrent, throttled: h.throttled }));
    return ok({
      addresses: results,
      run: { startedAt, finishedAt: clock().toISOString(), concurrency: limits.concurrency, perHost: limits.perHost, hosts: hostList, cancelled: signal.aborted },
    });
  }
  return {
    fleetStatus(selection) {
      const chosen = select(selection);
      if (!chosen.ok) return chosen;
      return ok(chosen.value.map((a) => fleetAddressOf(runs.addressStatus(a), { throttled: false, rechecked: false, note: null })));
    },

    async recheckAll(options, ctx) {
      const chosen = select(options);
      if (!chosen.ok) return chosen;
      const dns = runs.resolver();
      if (!dns.ok) return dns;
      const startedAt = clock().toISOString();
      // One listener on the caller's signal; the run's own signal has one per waiting address
      // (200 addresses wait on it at once, past Node's default warning at 10).
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      const forward = () => controller.abort(ctx.signal.reason);
      if (ctx.signal.aborted) forward();
      else ctx.signal.addEventListener('abort', forward, { once: true });
      try {
        return await runFleet(chosen.value, dns.value, options, (event) => ctx.emit(event), controller.signal, startedAt);
      } finally {
        ctx.signal.removeEventListener('abort', forward);
      }
    },
  };
}
