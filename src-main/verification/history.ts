/**
 * Run history and drift. Every run (a verification email, a DNS re-check, a scheduled
 * re-check) is kept with its observations, the state changes it caused and the message
 * proof, bounded to the last 500 per address (the oldest are dropped). Drift = an item
 * whose value differs from the value of its last *passing* observation: a record edited,
 * a selector replaced, the relay sending from another IP — shown with before and after.
 */
import { reduceStatus, transitionsBetween } from './status-machine';
import {
  HISTORY_LIMIT,
  isDnsItemId,
  type ItemId,
  type AddressVerificationState,
  type DriftEntry,
  type History,
  type MessageProof,
  type NotNeededItem,
  type Observation,
  type ReceiptFailure,
  type ReceiptInfo,
  type RunRecord,
} from '../../src-preload/contract/verification-schemas';

export function emptyHistory(addressId: string): History {
  return { addressId, runs: [] };
}

/** Append, dropping the oldest runs beyond `limit`. */
export function appendRun(history: History, run: RunRecord, limit = HISTORY_LIMIT): History {
  const runs = [...history.runs, run];
  return { ...history, runs: runs.length > limit ? runs.slice(runs.length - limit) : runs };
}

/** The newest passing observation of an item before this run, if any. */
function lastPass(runs: readonly RunRecord[], itemId: string): Observation | null {
  for (let r = runs.length - 1; r >= 0; r--) {
    const observations = runs[r]?.observations ?? [];
    for (let o = observations.length - 1; o >= 0; o--) {
      const candidate = observations[o];
      if (candidate !== undefined && candidate.itemId === itemId && candidate.outcome === 'pass') return candidate;
    }
  }
  return null;
}

/** Items whose value changed since their last pass (errors say nothing and are skipped). */
export function detectDrift(previous: readonly RunRecord[], observations: readonly Observation[]): DriftEntry[] {
  const out: DriftEntry[] = [];
  const seen = new Set<string>();
  // The last observation of each item in this run decides (a run may report pending, then pass).
  for (const obs of [...observations].reverse()) {
    if (seen.has(obs.itemId) || obs.outcome === 'error') continue;
    seen.add(obs.itemId);
    const before = lastPass(previous, obs.itemId);
    if (before === null) continue;
    if (before.evidence.value === obs.evidence.value) continue;
    // A pending message item has no value yet: not drift, just not arrived.
    if (obs.outcome === 'pending' && !obs.itemId.startsWith('dns:')) continue;
    out.push({
      itemId: obs.itemId,
      outcome: obs.outcome,
      before: before.evidence.value,
      after: obs.evidence.value,
      beforeAt: before.at,
      afterAt: obs.at,
      explanation: obs.explanation,
    });
  }
  return out.reverse();
}

export interface RecordRunInput {
  readonly id: string;
  readonly trigger: RunRecord['trigger'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly observations: readonly Observation[];
  readonly message?: MessageProof | null;
  readonly receipt?: ReceiptInfo | ReceiptFailure | null;
  /** DNS items the address's route no longer needs: dropped from the status, so an old failure cannot linger. */
  readonly retire?: readonly ItemId[];
  /** What this run's checklist said the route does not need (kept on the run for the status and report). */
  readonly notNeeded?: readonly NotNeededItem[];
}

export interface RecordedRun {
  readonly state: AddressVerificationState;
  readonly history: History;
  readonly run: RunRecord;
}

/** Apply a run's observations to the state, and store the run with its transitions and drift. */
export function recordRun(state: AddressVerificationState, history: History, input: RecordRunInput, limit = HISTORY_LIMIT): RecordedRun {
  const retire = new Set<ItemId>((input.retire ?? []).filter(isDnsItemId));
  const kept = retire.size === 0 ? state : { ...state, items: state.items.filter((i) => !retire.has(i.id)) };
  let next = reduceStatus(kept, { type: 'tick', at: input.startedAt });
  const transitions = transitionsBetween(state, next, input.startedAt);
  for (const observation of input.observations) {
    const before = next;
    next = reduceStatus(next, { type: 'observed', observation });
    transitions.push(...transitionsBetween(before, next, observation.at));
  }
  const run: RunRecord = {
    id: input.id,
    addressId: state.addressId,
    trigger: input.trigger,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    observations: [...input.observations],
    transitions,
    drift: detectDrift(history.runs, input.observations),
    message: input.message ?? null,
    receipt: input.receipt ?? null,
    ...(input.notNeeded === undefined ? {} : { notNeeded: [...input.notNeeded] }),
  };
  return { state: next, history: appendRun(history, run, limit), run };
}
