/**
 * What re-checks record on their addresses (the last test, where a secret signed in),
 * gathered and written together: a fleet run of 200 addresses would otherwise rewrite the
 * whole settings document 200 times, each under the cross-process lock and fsync'd, and
 * every write blocks the process while the other re-checks wait on their servers.
 *
 * Each entry is a function of the address as it is when the batch is written, inside the
 * lock (store.setAddressStatuses): what another process changed meanwhile (an address
 * added, edited or deleted by the CLI) is read again there and kept, and an entry can
 * decline (null) when its address changed under it. A crash loses only the entries not
 * yet written (at most `maxPending`, or `maxDelayMs` of them); each write is the store's
 * usual atomic replace, so the file is never left half-written.
 */
import type { AddressStatusUpdate, AppStore } from './store';

export interface AddressStatusBatchOptions {
  /** Written as soon as this many addresses wait. */
  readonly maxPending: number;
  /** Written at most this long after the first waiting entry. */
  readonly maxDelayMs: number;
}

export interface AddressStatusBatch {
  /** Queue `update` for the address (several for one address apply in order). */
  add(addressId: string, update: AddressStatusUpdate): void;
  /** Write what waits now (one locked read-modify-write). */
  flush(): void;
  /** Write what waits and stop the timer; the batch takes no more entries. */
  close(): void;
}

/** Written every 20 addresses or every second, whichever comes first. */
export const FLEET_STATUS_BATCH: AddressStatusBatchOptions = { maxPending: 20, maxDelayMs: 1_000 };

export function createAddressStatusBatch(store: Pick<AppStore, 'setAddressStatuses'>, options: AddressStatusBatchOptions): AddressStatusBatch {
  let pending = new Map<string, AddressStatusUpdate[]>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  function flush(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const taken = pending;
    pending = new Map();
    try {
      store.setAddressStatuses([...taken].map(([id, list]) => ({ id, update: inOrder(list) })));
    } catch (error) {
      // Not written (the lock held too long by another process): kept for the next write,
      // before anything queued since, and the caller hears of it.
      for (const [id, list] of pending) taken.set(id, [...(taken.get(id) ?? []), ...list]);
      pending = taken;
      throw error;
    }
  }

  return {
    add(addressId, update) {
      if (closed) throw new Error('This address status batch is closed.');
      pending.set(addressId, [...(pending.get(addressId) ?? []), update]);
      if (pending.size >= options.maxPending) {
        flush();
        return;
      }
      if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          try {
            flush();
          } catch {
            // Still waiting: the next write or close() tries again and reports the store's trouble.
          }
        }, options.maxDelayMs);
        timer.unref?.();
      }
    },
    flush,
    close() {
      closed = true;
      flush();
    },
  };
}

/** Several updates of one address as one: each sees the address as the ones before it left it. */
function inOrder(list: readonly AddressStatusUpdate[]): AddressStatusUpdate {
  return (address) => {
    let current = address;
    let merged: ReturnType<AddressStatusUpdate> = null;
    for (const each of list) {
      const status = each(current);
      if (status === null) continue;
      current = { ...current, ...status };
      merged = { ...(merged ?? {}), ...status };
    }
    return merged;
  };
}
