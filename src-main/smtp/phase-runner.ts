/**
 * Runs the phases of one test in order, timing each, streaming `phase-started` and
 * `phase-finished` events, and turning a thrown EngineFailure into a failed phase.
 */
import { EngineFailure } from './engine-failure';
import type { PhaseEvent, PhaseName, PhaseRecord, SmtpReply } from '../../src-preload/contract/smtp-schemas';

export interface PhaseSuccess<T> {
  readonly value: T;
  readonly outcome: 'pass' | 'warn';
  readonly detail: string;
  readonly reply?: SmtpReply | null;
}

/** The failure that stopped the test, and the phase it stopped in. */
export interface PhaseFailure {
  readonly phase: PhaseName;
  readonly failure: EngineFailure;
}

export class PhaseRunner {
  readonly #order: readonly PhaseName[];
  readonly #clock: () => Date;
  readonly #onPhase: ((event: PhaseEvent) => void) | undefined;
  readonly #records = new Map<PhaseName, PhaseRecord>();
  #failed: PhaseFailure | null = null;

  constructor(order: readonly PhaseName[], clock: () => Date, onPhase?: (event: PhaseEvent) => void) {
    this.#order = order;
    this.#clock = clock;
    this.#onPhase = onPhase;
  }

  get failed(): PhaseFailure | null {
    return this.#failed;
  }

  async run<T>(name: PhaseName, work: () => Promise<PhaseSuccess<T>>): Promise<T> {
    const started = this.#clock();
    this.#emit({ type: 'phase-started', name, at: started.toISOString() });
    try {
      const result = await work();
      this.#record(name, started, result.outcome, result.detail, result.reply ?? null, null);
      return result.value;
    } catch (error) {
      const failure = error instanceof EngineFailure ? error : null;
      if (failure === null) throw error;
      this.#failed = { phase: name, failure };
      this.#record(name, started, 'fail', failure.message, failure.reply, failure.code);
      throw failure;
    }
  }

  /** A phase whose failure is only a warning (QUIT): it never becomes the test's failure. */
  async runSoft(name: PhaseName, work: () => Promise<PhaseSuccess<null>>): Promise<void> {
    const started = this.#clock();
    this.#emit({ type: 'phase-started', name, at: started.toISOString() });
    try {
      const result = await work();
      this.#record(name, started, result.outcome, result.detail, result.reply ?? null, null);
    } catch (error) {
      if (!(error instanceof EngineFailure)) throw error;
      this.#record(name, started, 'warn', error.message, error.reply, null);
    }
  }

  skip(name: PhaseName, detail: string): void {
    if (this.#records.has(name)) return;
    this.#record(name, null, 'skipped', detail, null, null);
  }

  /** Every phase of the mode, in order; those never reached are skipped with the reason. */
  finish(): PhaseRecord[] {
    const reason = this.#failed !== null ? `Not run: the ${this.#failed.phase} phase failed.` : 'Not run.';
    for (const name of this.#order) this.skip(name, reason);
    return this.#order.map((name) => this.#records.get(name)).filter((r): r is PhaseRecord => r !== undefined);
  }

  #record(name: PhaseName, started: Date | null, outcome: PhaseRecord['outcome'], detail: string, reply: SmtpReply | null, failure: PhaseRecord['failure']): void {
    const ended = started === null ? null : this.#clock();
    const record: PhaseRecord = {
      name,
      outcome,
      startedAt: started?.toISOString() ?? null,
      endedAt: ended?.toISOString() ?? null,
      ms: started === null || ended === null ? null : ended.getTime() - started.getTime(),
      detail,
      reply,
      failure,
    };
    this.#records.set(name, record);
    this.#emit({ type: 'phase-finished', phase: record });
  }

  #emit(event: PhaseEvent): void {
    try {
      this.#onPhase?.(event);
    } catch {
      // A listener's bug must not change the test's result.
    }
  }
}
