/**
 * "Re-check now" and "Send verification email" as the view sees them: the streamed
 * steps, then the result. Reducers, so events, the final answer and a cancel (separate
 * connections in browser mode) meet in one place, tested on their own.
 */
import type { AppError, RecheckEvent, RecheckResult, SendEmailEvent, SendEmailResult } from '../../../../src-preload/contract';
import type { MessageProof, RunRecord } from '../../../../src-preload/contract/verification-schemas';
import type { OperationAction } from '../../api/use-operation-run';

type Finished<R> =
  | { readonly phase: 'idle' }
  | { readonly phase: 'done'; readonly operationId: string; readonly result: R }
  | { readonly phase: 'failed'; readonly operationId: string; readonly error: AppError }
  | { readonly phase: 'cancelled'; readonly operationId: string };

// ---------------------------------------------------------------------------
// Re-check now

export interface RecheckProgress {
  readonly dns: 'waiting' | 'started' | 'done';
  readonly connection: 'waiting' | 'started' | 'done';
  readonly observations: number;
}

export type RecheckRunState = Finished<RecheckResult> | ({ readonly phase: 'running'; readonly operationId: string; readonly cancelling: boolean } & RecheckProgress);

export type RecheckStart = { readonly type: 'start'; readonly operationId: string };

export const idleRecheck: RecheckRunState = { phase: 'idle' };

export function recheckReducer(state: RecheckRunState, action: RecheckStart | OperationAction<RecheckEvent, RecheckResult>): RecheckRunState {
  if (action.type === 'start') return { phase: 'running', operationId: action.operationId, cancelling: false, dns: 'waiting', connection: 'waiting', observations: 0 };
  if (state.phase === 'idle' || state.operationId !== action.operationId) return state;
  switch (action.type) {
    case 'event': {
      if (state.phase !== 'running') return state;
      const event = action.event;
      if (event.type === 'step') return { ...state, [event.step]: event.state };
      return { ...state, observations: state.observations + 1 };
    }
    case 'cancel-requested':
      return state.phase === 'running' ? { ...state, cancelling: true } : state;
    case 'finished':
      return { phase: 'done', operationId: state.operationId, result: action.report };
    case 'failed':
      return action.error.code === 'cancelled' ? { phase: 'cancelled', operationId: state.operationId } : { phase: 'failed', operationId: state.operationId, error: action.error };
  }
}

export function recheckMessage(state: RecheckRunState): string {
  switch (state.phase) {
    case 'idle':
      return '';
    case 'running': {
      if (state.cancelling) return 'Cancelling the re-check…';
      const parts = [`DNS checklist ${stepWord(state.dns)}`, `connection test ${stepWord(state.connection)}`];
      return `Re-checking: ${parts.join(', ')}.`;
    }
    case 'done': {
      const changed = state.result.run.transitions.filter((t) => t.from !== t.to).length;
      const joined = state.result.joined ? ' (it joined a re-check that was already running)' : '';
      return `Re-check finished${joined}: ${changed === 0 ? 'no item changed' : `${changed} item${changed === 1 ? '' : 's'} changed`}.`;
    }
    case 'failed':
      return `The re-check did not run: ${state.error.message}`;
    case 'cancelled':
      return 'The re-check was cancelled; nothing was recorded.';
  }
}

function stepWord(step: RecheckProgress['dns']): string {
  return step === 'waiting' ? 'queued' : step === 'started' ? 'running' : 'done';
}

// ---------------------------------------------------------------------------
// Send verification email: sent → waiting (attempt n) → received → proved

export interface ReceiptSteps {
  readonly sent: Extract<SendEmailEvent, { type: 'sent' }> | null;
  readonly waiting: Extract<SendEmailEvent, { type: 'waiting' }> | null;
  readonly received: Extract<SendEmailEvent, { type: 'received' }> | null;
  readonly proved: Extract<SendEmailEvent, { type: 'proved' }> | null;
}

export type SendRunState =
  | { readonly phase: 'idle' }
  | ({ readonly phase: 'running'; readonly operationId: string; readonly cancelling: boolean } & ReceiptSteps)
  | ({ readonly phase: 'done'; readonly operationId: string; readonly result: SendEmailResult } & ReceiptSteps)
  | ({ readonly phase: 'failed'; readonly operationId: string; readonly error: AppError } & ReceiptSteps)
  | ({ readonly phase: 'cancelled'; readonly operationId: string } & ReceiptSteps);

export type SendStart = { readonly type: 'start'; readonly operationId: string };

export const idleSend: SendRunState = { phase: 'idle' };

const noSteps: ReceiptSteps = { sent: null, waiting: null, received: null, proved: null };

export function sendReducer(state: SendRunState, action: SendStart | OperationAction<SendEmailEvent, SendEmailResult>): SendRunState {
  if (action.type === 'start') return { phase: 'running', operationId: action.operationId, cancelling: false, ...noSteps };
  if (state.phase === 'idle' || state.operationId !== action.operationId) return state;
  const steps: ReceiptSteps = { sent: state.sent, waiting: state.waiting, received: state.received, proved: state.proved };
  switch (action.type) {
    case 'event': {
      // Events and the answer travel on different connections: a step may arrive after the
      // answer, and then only fills in what the answer did not say.
      const event = action.event;
      const late = state.phase !== 'running';
      switch (event.type) {
        case 'sent':
          return late && state.sent !== null ? state : { ...state, sent: event };
        case 'waiting':
          return late ? state : { ...state, waiting: event };
        case 'received':
          return late && state.received !== null ? state : { ...state, received: event };
        case 'proved':
          return late && state.proved !== null ? state : { ...state, proved: event };
        case 'observation':
          return state;
      }
      return state;
    }
    case 'cancel-requested':
      return state.phase === 'running' ? { ...state, cancelling: true } : state;
    case 'finished':
      return { phase: 'done', operationId: state.operationId, result: action.report, ...stepsFromResult(steps, action.report) };
    case 'failed':
      return action.error.code === 'cancelled' ? { phase: 'cancelled', operationId: state.operationId, ...steps } : { phase: 'failed', operationId: state.operationId, error: action.error, ...steps };
  }
}

/** What the answer itself proves, for the steps whose events have not arrived (yet). */
function stepsFromResult(steps: ReceiptSteps, result: SendEmailResult): ReceiptSteps {
  const receipt = result.receipt !== null && !('code' in result.receipt) ? result.receipt : null;
  const proof = result.proof;
  return {
    ...steps,
    received: steps.received ?? (receipt === null ? null : { type: 'received', at: receipt.foundAt, mailbox: receipt.mailbox, elapsedMs: receipt.elapsedMs, sizeBytes: receipt.sizeBytes }),
    proved: steps.proved ?? (proof === null ? null : provedEvent(proof, result.run.finishedAt)),
  };
}

type ProvedEvent = Extract<SendEmailEvent, { type: 'proved' }>;

function provedEvent(proof: MessageProof, at: string): ProvedEvent {
  return { type: 'proved', at, pass: proof.pass, spf: proof.spf.result, dkim: proof.dkim.find((d) => d.aligned)?.result ?? proof.dkim[0]?.result ?? 'none', dmarc: proof.dmarc.result };
}

/**
 * The verification email's proof from a received message opened as .eml after this send
 * (no mailbox to read, or it was not found there): the steps it proves are done, not
 * "not yet". null while the send runs, when it proved itself, or no .eml was opened since.
 */
export function provedByEml(state: SendRunState, latest: Pick<RunRecord, 'finishedAt' | 'message' | 'receipt'> | undefined): ProvedEvent | null {
  if (state.phase !== 'done' || state.proved !== null || latest === undefined || latest.message === null) return null;
  const receipt = latest.receipt;
  if (receipt === null || 'code' in receipt || receipt.source !== 'eml') return null;
  const sentAt = state.sent?.at ?? state.result.run.startedAt;
  return Date.parse(latest.finishedAt) >= Date.parse(sentAt) ? provedEvent(latest.message, latest.finishedAt) : null;
}

export type ReceiptStage = 'sent' | 'waiting' | 'received' | 'proved';

/** The furthest stage reached, for the live status line. */
export function receiptStage(state: SendRunState): ReceiptStage | null {
  if (state.phase === 'idle') return null;
  if (state.proved !== null) return 'proved';
  if (state.received !== null) return 'received';
  if (state.waiting !== null) return 'waiting';
  if (state.sent !== null) return 'sent';
  return null;
}

/** One line for the polite live region: what just happened to the verification email. */
export function sendMessage(state: SendRunState, formatTime: (iso: string) => string): string {
  switch (state.phase) {
    case 'idle':
      return '';
    case 'running': {
      if (state.cancelling) return 'Cancelling…';
      if (state.proved !== null) return provedLine(state.proved);
      if (state.received !== null) return `Received${state.received.mailbox === null ? '' : ` in ${state.received.mailbox}`} after ${Math.round(state.received.elapsedMs / 1000)} s; checking SPF, DKIM and DMARC…`;
      if (state.waiting !== null) {
        const next = state.waiting.nextAttemptAt === null ? '' : `, next search ${formatTime(state.waiting.nextAttemptAt)}`;
        return `Waiting for it to arrive (search ${state.waiting.attempt}${next}; gives up ${formatTime(state.waiting.deadlineAt)}).`;
      }
      if (state.sent !== null) return state.sent.accepted ? `Sent to ${state.sent.recipient}; looking for it in the mailbox…` : `The server did not accept the message for ${state.sent.recipient}.`;
      return 'Sending the verification email…';
    }
    case 'done': {
      const r = state.result;
      if (r.awaitingEml) return `Sent to ${r.recipient}. No mailbox is set up to read it: save the received message as .eml and open it below.`;
      if (r.proof !== null) return provedLine({ pass: r.proof.pass, spf: r.proof.spf.result, dkim: r.proof.dkim.find((d) => d.aligned)?.result ?? r.proof.dkim[0]?.result ?? 'none', dmarc: r.proof.dmarc.result });
      if (r.receipt !== null && 'code' in r.receipt) return `${r.receipt.message} ${r.receipt.hint}`;
      return `Sent to ${r.recipient}, but it was not proved.`;
    }
    case 'failed':
      return `The verification email was not sent: ${state.error.message}`;
    case 'cancelled':
      return 'Stopped waiting for the verification email.';
  }
}

function provedLine(p: { readonly pass: boolean; readonly spf: string; readonly dkim: string; readonly dmarc: string }): string {
  return `${p.pass ? 'Proved' : 'Not proved'}: SPF ${p.spf}, DKIM ${p.dkim}, DMARC ${p.dmarc}.`;
}
