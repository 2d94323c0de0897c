/**
 * The verification email loop: send a message with a unique token
 * through the address's credentials, wait for it in a mailbox (or take an .eml), prove
 * it with mailauth, and turn each step into status observations — streamed as they
 * happen (`onObservation`), so the address view shows "accepted", then "waiting", then
 * the proof, live.
 *
 * The I/O comes in as functions (`send`, `receive`): services.ts wires the SMTP engine's
 * `sendTestMessage` with the vault's secret and `receiveByImap` / `receiveFromEml`;
 * tests wire a real relay and a real Dovecot.
 */
import type { AppError, Result } from '../../src-preload/contract';
import type { MailauthResolver } from '../dns/mailauth-resolver';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { perMessagePlaceholders, verificationHeaders, type PerMessageHeaderFormat } from '../smtp/test-message';
import type { ReceiveOutcome } from './imap-receipt';
import { verifyMessage, type ExpectedHeader } from './message-proof';
import { connectionObservations, proofObservations, receiptObservation, receiptPendingObservation } from './observations';
import type { MessageProof, Observation, ReceiptFailure, ReceiptInfo, ReceiptProgress } from '../../src-preload/contract/verification-schemas';

export interface ReceiveContext {
  readonly signal: AbortSignal;
  readonly onProgress: (progress: ReceiptProgress) => void;
}

export interface VerificationEmailDeps {
  /** The SMTP engine's test send with the address's credentials (`sendTestMessage`). */
  readonly send: (signal: AbortSignal) => Promise<Result<ConnectionReport>>;
  /** Find the message by its token: IMAP polling, or an .eml the admin supplies. */
  readonly receive: (token: string, context: ReceiveContext) => Promise<ReceiveOutcome>;
  /** mailauth-shaped resolver over the configured DNS servers. */
  readonly resolver: MailauthResolver;
  readonly clock?: () => Date;
}

export interface VerificationEmailInput {
  /** The address's domain (DKIM `d=` alignment). */
  readonly domain: string;
  /** Default: the headers the verification email of no platform carries (smtp/test-message.ts). */
  readonly expectedHeaders?: readonly (string | ExpectedHeader)[];
  /** The platform's headers whose value varies per message (named in the headers item as not tested). */
  readonly perMessageHeaders?: readonly string[];
  /**
   * Their formats (resources/platforms perMessageHeaders): the message carries a placeholder
   * per header, derived from the token, and each is checked unchanged like the fixed ones.
   */
  readonly perMessageFormats?: readonly PerMessageHeaderFormat[];
  readonly signal?: AbortSignal;
  readonly onObservation?: (observation: Observation) => void;
}

export interface VerificationEmailResult {
  readonly observations: readonly Observation[];
  readonly report: ConnectionReport | null;
  readonly token: string | null;
  readonly receipt: ReceiptInfo | ReceiptFailure | null;
  readonly proof: MessageProof | null;
  /** Input refused, or the received message could not be verified. */
  readonly error: AppError | null;
}

export async function runVerificationEmail(input: VerificationEmailInput, deps: VerificationEmailDeps): Promise<VerificationEmailResult> {
  const clock = deps.clock ?? (() => new Date());
  const signal = input.signal ?? new AbortController().signal;
  const observations: Observation[] = [];
  const emit = (o: Observation) => {
    observations.push(o);
    input.onObservation?.(o);
  };
  const result = (rest: Omit<VerificationEmailResult, 'observations'>): VerificationEmailResult => ({ observations, ...rest });

  const sent = await deps.send(signal);
  if (!sent.ok) return result({ report: null, token: null, receipt: null, proof: null, error: sent.error });
  const report = sent.value;
  for (const o of connectionObservations(report)) emit(o);
  const token = report.testSend?.accepted === true ? report.testSend.token : null;
  if (token === null) return result({ report, token: null, receipt: null, proof: null, error: null });

  const received = await deps.receive(token, { signal, onProgress: (p) => emit(receiptPendingObservation(p)) });
  emit(receiptObservation(received, clock().toISOString()));
  if (!received.ok) return result({ report, token, receipt: received.failure, proof: null, error: null });

  const placeholders = perMessagePlaceholders(token, input.perMessageFormats);
  const expectedHeaders = [...(input.expectedHeaders ?? verificationHeaders()), ...placeholders];
  const verified = await verifyMessage(received.raw, { resolver: deps.resolver, expectedToken: token, expectedHeaders, domain: input.domain });
  if (!verified.ok) return result({ report, token, receipt: received.receipt, proof: null, error: verified.error });
  for (const o of proofObservations(verified.value, clock().toISOString(), received.receipt.source, input.domain, input.perMessageHeaders !== undefined ? { perMessageHeaders: input.perMessageHeaders } : {})) emit(o);
  return result({ report, token, receipt: received.receipt, proof: verified.value, error: null });
}
