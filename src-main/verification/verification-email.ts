/**
 * The verification email: send it through the address's own connection, find it in the
 * verification mailbox over IMAP and prove it on arrival (SPF, DKIM, DMARC, the headers
 * that must survive the relay), with the forwarding check alongside; and the proof of a
 * received message handed in as a file. Each run is recorded through the run coordinator.
 */
import {
  ok,
  type Address,
  type Result,
  type SendEmailEvent,
  type SendEmailResult,
  type VerifyEmlResult,
} from '../../src-preload/contract';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import type { ImapMailbox, MessageProof, Observation } from '../../src-preload/contract/verification-schemas';
import { notFoundAddress } from '../addresses/not-found';
import { proveContinuedStep } from '../addresses/proceed-reason';
import { toMailauthResolver } from '../dns/mailauth-resolver';
import type { LoadPlatformsResult } from '../providers/platforms';
import { TOKEN_HEADER, verificationHeaders, verificationHeadersFor, type PerMessageHeaderFormat } from '../smtp/test-message';
import type { AppStore } from '../store/store';
import { bind, checkLending } from '../vault/lending-binding';
import type { Vault } from '../vault/vault';
import { runVerificationEmail } from './email-loop';
import { forwardingObservation, forwardingPendingObservation, type ForwardingContext } from './forwarding-check';
import { receiveByImap, type ReceiveOutcome } from './imap-receipt';
import { verifyMessage, type ExpectedHeader } from './message-proof';
import { asForeign, connectionObservations, foreignMessageReason, perMessageHeaders, proofObservations, receiptObservation } from './observations';
import { connectionInput, domainOf, errorObservation, type RunContext, type RunCoordinator, type RunTrigger, type SmtpTest } from './run-coordinator';

export interface VerificationEmailDeps {
  readonly store: AppStore;
  readonly vault: Vault;
  readonly platforms: () => Promise<LoadPlatformsResult>;
  /** The app's one connection-test path (smtp/lending-test.ts): settings, pins, keychain lending. */
  readonly smtpTest: SmtpTest;
  readonly clock?: () => Date;
  /** Extra CA certificates (PEM) trusted for IMAP servers (a company CA; tests: the test CA). */
  readonly imapCa?: readonly string[];
  /** Searches for the verification email (default imap-receipt's 2 s ... 60 s). */
  readonly imapBackoffMs?: readonly number[];
}

export interface SendEmailOptions {
  readonly addressId: string;
  readonly recipient?: string | undefined;
  readonly waitSeconds: number;
  readonly trigger: RunTrigger;
  /** Read the mailbox with this password instead of the stored one (`relayproof verify --imap-password-stdin`). */
  readonly mailbox?: { readonly mailbox: ImapMailbox; readonly password: string; readonly ca?: readonly string[] } | undefined;
}

export interface VerificationEmail {
  sendEmail(options: SendEmailOptions, ctx: RunContext): Promise<Result<SendEmailResult>>;
  /** A received message; with an address, recorded on its status. */
  verifyRaw(raw: Buffer, options: { readonly addressId?: string | undefined; readonly trigger: RunTrigger; readonly dnsServers?: readonly string[] }): Promise<Result<VerifyEmlResult>>;
}

function looksLikeAddress(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(value);
}

/** The token of Relayproof's own verification email (its token header), or null for any other message. */
function tokenOf(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 1024 * 1024) : end).toString('latin1');
  return new RegExp(`^${TOKEN_HEADER}:[ \\t]*(\\S+)`, 'imu').exec(head)?.[1] ?? null;
}

export function createVerificationEmail(deps: VerificationEmailDeps, runs: RunCoordinator): VerificationEmail {
  const { store, vault } = deps;
  const clock = deps.clock ?? (() => new Date());
  const { record, addressStatus, exclusive, oauthReady, resolver, dnsServers } = runs;

  /**
   * The forwarding check (the 'forwarding' item): a message with its own token sent TO the
   * address through its credentials, looked for in the forwarding check mailbox with the
   * same backoff and deadline as the verification email. [] when none is configured.
   */
  async function checkForwarding(address: Address, options: SendEmailOptions, ctx: RunContext): Promise<Observation[]> {
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
    const sent = token.ok ? await deps.smtpTest(connectionInput(address, { to: address.address, send: true }), { signal: ctx.signal }) : token;
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

  /** The formats of the platform's per-message headers (the test carries placeholders of them). */
  async function perMessageFormatsOf(address: Address): Promise<readonly PerMessageHeaderFormat[]> {
    const loaded = await deps.platforms();
    return loaded.ok ? (loaded.platforms.get(address.platform)?.perMessageHeaders ?? []) : [];
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
    // The stored password goes only to the mailbox it was saved for (src-preload/contract/lending.ts);
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
    // The message carries the platform's headers (the smtp tester adds them for a saved
    // address); the proof checks the same list.
    const platformHeaders = await platformHeadersOf(address);
    const perMessageFormats = await perMessageFormatsOf(address);
    // With a forwarding check mailbox, a second message goes to the address itself once the
    // verification email is sent; both are then looked for at the same time.
    let forwarded: Promise<Observation[]> = Promise.resolve([]);
    const sendOnce = async (signal: AbortSignal): Promise<Result<ConnectionReport>> => {
      const token = await oauthReady(address, signal);
      if (!token.ok) return token;
      const sent = await deps.smtpTest(connectionInput(address, { to: recipient, send: true }), { signal });
      if (sent.ok) {
        const t = sent.value.testSend;
        emit({ type: 'sent', at: clock().toISOString(), accepted: t?.accepted === true, messageId: t?.messageId ?? null, recipient, reply: t?.queueResponse?.text ?? sent.value.failure?.message ?? null });
        // A refused sign-in or server fails both messages alike: the forwarding check needs a working connection.
        if (sent.value.auth?.accepted === true || sent.value.testSend?.accepted === true) forwarded = checkForwarding(address, options, ctx);
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
      return ok({ run, status: addressStatus(address), connection: sent.value, proof: null, receipt: null, recipient, awaitingEml: sent.value.testSend?.accepted === true });
    }

    const result = await runVerificationEmail(
      {
        domain: domainOf(address.address),
        expectedHeaders: verificationHeaders(platformHeaders),
        perMessageHeaders: perMessageHeaders(platformHeaders ?? []),
        perMessageFormats,
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
    if (proof !== null) provedDelivery(address, proof, `The verification email arrived in ${mailbox.username}'s mailbox`);
    return ok({ run, status: addressStatus(address), connection: result.report, proof, receipt: result.receipt, recipient, awaitingEml: false });
  }

  /**
   * A message from the address that arrived with SPF, DKIM and DMARC passing proves what a
   * verification-email "continue anyway" reason left open (addresses/proceed-reason.ts).
   */
  function provedDelivery(address: Address, proof: MessageProof, how: string): void {
    const domain = domainOf(address.address);
    if (!proof.pass || foreignMessageReason(proof, domain) !== null) return;
    proveContinuedStep(store, address.id, 'verify', `${how} with SPF, DKIM and DMARC passing for ${domain}`);
  }

  function expectedHeadersFor(raw: Buffer, platformHeaders: readonly string[] | null, perMessageFormats: readonly PerMessageHeaderFormat[]): ReadonlyArray<string | ExpectedHeader> {
    // Relayproof's own verification email carries Relayproof's values and, for the
    // per-message headers, placeholders derived from its token; a message the platform
    // sent carries the platform's (resources/platforms headersToPersist).
    const token = tokenOf(raw);
    if (token !== null) return verificationHeadersFor(token, platformHeaders, perMessageFormats);
    if (platformHeaders === null) return verificationHeaders(platformHeaders);
    return platformHeaders;
  }

  return {
    async sendEmail(options, ctx) {
      const address = store.getAddress(options.addressId);
      if (address === undefined) return notFoundAddress(options.addressId);
      const { value } = await exclusive(address.id, 'email', () => doSendEmail(address, options, ctx));
      return value;
    },

    async verifyRaw(raw, options) {
      const address = options.addressId === undefined ? undefined : store.getAddress(options.addressId);
      if (options.addressId !== undefined && address === undefined) return notFoundAddress(options.addressId);
      const made = resolver(options.dnsServers !== undefined && options.dnsServers.length > 0 ? options.dnsServers : dnsServers());
      if (!made.ok) return made;
      let platformHeaders: readonly string[] | null = null;
      let perMessageFormats: readonly PerMessageHeaderFormat[] = [];
      if (address !== undefined) {
        const loaded = await deps.platforms();
        platformHeaders = loaded.ok ? (loaded.platforms.get(address.platform)?.headersToPersist?.headers ?? null) : null;
        perMessageFormats = loaded.ok ? (loaded.platforms.get(address.platform)?.perMessageHeaders ?? []) : [];
      }
      const startedAt = clock().toISOString();
      const verified = await verifyMessage(raw, {
        resolver: toMailauthResolver(made.value),
        expectedHeaders: expectedHeadersFor(raw, platformHeaders, perMessageFormats),
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
      provedDelivery(address, verified.value, 'A received message from the address was opened (.eml)');
      return ok({ proof: verified.value, run, status: addressStatus(address) });
    },

  };
}
