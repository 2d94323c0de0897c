/**
 * The verification loop with real peers on 127.0.0.1: Relayproof's SMTP engine signs in
 * to the signing relay (STARTTLS + AUTH), the relay DKIM-signs and delivers over LMTP
 * into Dovecot, Relayproof finds the message over IMAP and proves it against the test
 * DNS zone. Each case changes what the relay does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toMailauthResolver } from '../dns/mailauth-resolver';
import { testConnection } from '../smtp/connection-test';
import type { RelayBehaviour } from '../testing/relay-peer';
import { INBOX, INBOX_PASSWORD, SUBMIT_SECRET, SUPPORT, useMailLoop, type MailLoop } from '../testing/verification-fixture';
import { ACME, RELAY_IP, RELAY_PROVIDER, ROGUE_IP } from '../testing/verification-zone';
import { receiveFromEml } from './eml-file';
import { runVerificationEmail, type VerificationEmailResult } from './email-loop';
import { emptyHistory, recordRun } from './history';
import { receiveByImap, type ImapReceiveOptions } from './imap-receipt';
import { verifyMessage } from './message-proof';
import { buildReport, reportJson } from './report';
import { reportHtml } from './report-html';
import type { AddressVerificationState, ItemId, ItemState, Observation } from '../../src-preload/contract/verification-schemas';
import { initialStatus, reduceStatus, statusView } from './status-machine';
import { verificationHeaders, type PerMessageHeaderFormat } from '../smtp/test-message';
import { perMessageHeaders } from './observations';
import { loadPlatforms, repositoryResourcesDir } from '../providers/platforms';

const fixture = useMailLoop();
const tmp = mkdtempSync(join(tmpdir(), 'relayproof-eml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let sequence = 0;
const newToken = () => `loop${Date.now().toString(36)}x${(sequence += 1)}`;

interface LoopRun {
  readonly result: VerificationEmailResult;
  readonly observations: Observation[];
  readonly state: AddressVerificationState;
  readonly token: string;
}

function imap(loop: MailLoop, token: string, extra: Partial<ImapReceiveOptions> = {}): ImapReceiveOptions {
  return {
    mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: INBOX },
    password: INBOX_PASSWORD,
    token,
    deadlineAt: new Date(Date.now() + 5_000),
    ca: [loop.pki.ca],
    backoffMs: [100, 200, 400],
    ...extra,
  };
}

/** `waitMs`: the receipt deadline, counted from when waiting starts (not from the send). */
/** A platform's headers, as resources/platforms gives them: the message carries them and the proof checks them. */
interface PlatformHeaders {
  readonly headersToPersist: readonly string[];
  readonly formats: readonly PerMessageHeaderFormat[];
}

async function verificationRun(loop: MailLoop, behaviour: RelayBehaviour, receive: Partial<ImapReceiveOptions> & { waitMs?: number } = {}, platform?: PlatformHeaders): Promise<LoopRun> {
  const { waitMs = 5_000, ...receiveOptions } = receive;
  loop.relay.setBehaviour(behaviour);
  const token = newToken();
  const observations: Observation[] = [];
  const platformInput =
    platform === undefined
      ? {}
      : { expectedHeaders: verificationHeaders(platform.headersToPersist), perMessageHeaders: perMessageHeaders(platform.headersToPersist), perMessageFormats: platform.formats };
  const result = await runVerificationEmail(
    { domain: ACME, onObservation: (o) => observations.push(o), ...platformInput },
    {
      send: (signal) =>
        testConnection(
          {
            host: '127.0.0.1',
            port: loop.relay.port,
            security: 'starttls',
            from: SUPPORT,
            to: INBOX,
            send: true,
            credentials: { kind: 'password', username: SUPPORT, secret: SUBMIT_SECRET },
            timeouts: { deadlineMs: 15_000 },
          },
          {
            ca: [loop.pki.ca],
            signal,
            token: () => token,
            hostname: () => 'workstation.acme.test',
            ...(platform === undefined ? {} : { platformHeaders: platform.headersToPersist, perMessageHeaders: platform.formats }),
          },
        ),
      receive: (t, ctx) => receiveByImap(imap(loop, t, { signal: ctx.signal, onProgress: ctx.onProgress, deadlineAt: new Date(Date.now() + waitMs), ...receiveOptions })),
      resolver: toMailauthResolver(fixture.dns.resolver({ timeoutMs: 10_000, retries: 2 })),
    },
  );
  const recorded = recordRun(initialStatus({ addressId: 'support-acme', domain: ACME }), emptyHistory('support-acme'), {
    id: token,
    trigger: 'manual',
    startedAt: observations[0]?.at ?? new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    observations,
    message: result.proof,
    receipt: result.receipt,
  });
  return { result, observations, state: recorded.state, token };
}

const item = (state: AddressVerificationState, id: ItemId): ItemState | undefined => state.items.find((i) => i.id === id)?.status;
const explanation = (s: ItemState | undefined) => (s === undefined || s.state === 'unverified' ? '' : s.explanation);

describe('the verification email loop through a real relay and a real mailbox', () => {
  it('passes SPF, DKIM and DMARC end to end, and every delivery and authentication item is verified', async (ctx) => {
    const loop = fixture.loop(ctx);
    const { result, state, token } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay] });
    expect(result.error).toBeNull();
    expect(result.receipt).toMatchObject({ source: 'imap', mailbox: 'INBOX' });
    expect(result.proof).toMatchObject({
      pass: true,
      spf: { result: 'pass', ip: RELAY_IP, domain: ACME },
      dkim: [{ domain: ACME, selector: 'relay1', result: 'pass', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject' },
      sender: { ip: RELAY_IP, helo: `relay.${ACME}` },
      token: { expected: token, found: token, matches: true },
    });
    expect(result.proof?.headers).toMatchObject({
      'Auto-Submitted': { present: true, unchanged: true },
      'X-Auto-Response-Suppress': { present: true, unchanged: true },
      'X-Mailer': { present: true, value: 'Relayproof', unchanged: true },
    });
    // Dovecot's LMTP hop recorded the relay's real source address; the relay's own hop is ESMTPSA.
    expect(result.proof?.received.map((h) => [h.ip, h.with])).toEqual([
      [RELAY_IP, 'LMTP'],
      ['127.0.0.1', 'ESMTPSA'],
    ]);
    expect(result.proof?.delayMs).toBeGreaterThanOrEqual(0);
    expect(result.proof?.delayMs).toBeLessThan(5_000);
    for (const id of ['connection-auth', 'send-as', 'email-accepted', 'email-received', 'headers-intact', 'spf', 'dkim-aligned', 'dmarc'] as const) {
      expect(item(state, id)?.state, id).toBe('verified');
    }
    expect(explanation(item(state, 'dkim-aligned'))).toBe(`DKIM pass: signed by ${ACME} with selector relay1, aligned with ${ACME}.`);
  });

  it('a header changed after signing fails DKIM, with the explanation', async (ctx) => {
    const loop = fixture.loop(ctx);
    const { state, result } = await verificationRun(loop, {
      signers: [fixture.keys.acmeRelay],
      afterSigning: (m) => m.replace('Subject: Relayproof test', 'Subject: [EXTERNAL] Relayproof test'),
    });
    expect(result.proof?.dkim[0]).toMatchObject({ result: 'fail', comment: 'bad signature', bodyHashMatches: true });
    expect(item(state, 'dkim-aligned')?.state).toBe('failed');
    expect(explanation(item(state, 'dkim-aligned'))).toMatch(/a signed header changed after acme\.test signed it/u);
    // SPF still aligns, so DMARC passes on SPF alone.
    expect(item(state, 'dmarc')?.state).toBe('verified');
    expect(item(state, 'email-received')?.state).toBe('verified');
  });

  it('a relay sending from an IP outside SPF fails SPF', async (ctx) => {
    const loop = fixture.loop(ctx);
    const { state, result } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay], localAddress: ROGUE_IP });
    expect(result.proof?.sender.ip).toBe(ROGUE_IP);
    expect(result.proof?.spf).toMatchObject({ result: 'fail', ip: ROGUE_IP });
    expect(item(state, 'spf')?.state).toBe('failed');
    expect(explanation(item(state, 'spf'))).toContain(`${ROGUE_IP} is not allowed to send for ${ACME}`);
    expect(item(state, 'dkim-aligned')?.state).toBe('verified');
  });

  it('a relay that signs and bounces as its own domain fails DMARC as misaligned', async (ctx) => {
    const loop = fixture.loop(ctx);
    const { state, result } = await verificationRun(loop, { signers: [fixture.keys.provider], mailFrom: `bounces@${RELAY_PROVIDER}` });
    expect(result.proof?.spf).toMatchObject({ result: 'pass', domain: RELAY_PROVIDER });
    expect(result.proof?.dkim).toEqual([expect.objectContaining({ domain: RELAY_PROVIDER, result: 'pass', aligned: false })]);
    expect(result.proof?.dmarc).toMatchObject({ result: 'fail', spfAligned: null, dkimAligned: null });
    expect(item(state, 'dmarc')?.state).toBe('failed');
    // SPF passed for the provider's bounce domain: that says nothing about acme.test's SPF.
    expect(item(state, 'spf')?.state).toBe('unverified');
    expect(state.items.find((i) => i.id === 'spf')?.lastError?.message).toMatch(/envelope sender \(Return-Path\) is at relay-provider\.test, not acme\.test/u);
    expect(explanation(item(state, 'dmarc'))).toMatch(/neither SPF nor DKIM passed with a domain aligned to acme\.test/u);
    expect(item(state, 'dkim-aligned')?.state).toBe('failed');
    expect(explanation(item(state, 'dkim-aligned'))).toMatch(/relay-provider\.test is not aligned with acme\.test/u);
  });

  it('a required header stripped by the relay fails headers-intact (read over IMAP with STARTTLS)', async (ctx) => {
    const loop = fixture.loop(ctx);
    const { state, result } = await verificationRun(
      loop,
      { signers: [fixture.keys.acmeRelay], stripHeaders: ['X-Auto-Response-Suppress'] },
      { mailbox: { host: '127.0.0.1', port: loop.dovecot.imapPort, security: 'starttls', username: INBOX } },
    );
    expect(result.proof?.headers['X-Auto-Response-Suppress']).toEqual({ present: false, value: null, expected: 'All', unchanged: null });
    expect(item(state, 'headers-intact')?.state).toBe('failed');
    expect(explanation(item(state, 'headers-intact'))).toMatch(/^X-Auto-Response-Suppress was removed on the way/u);
    expect(result.proof?.pass).toBe(true);
  });

  describe("a Zendesk address: the per-message headers carry placeholders in Zendesk's format and are checked", () => {
    async function zendeskHeaders(): Promise<PlatformHeaders> {
      const loaded = await loadPlatforms(repositoryResourcesDir());
      if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
      const zendesk = loaded.platforms.get('zendesk');
      return { headersToPersist: zendesk?.headersToPersist?.headers ?? [], formats: zendesk?.perMessageHeaders ?? [] };
    }

    it('arriving unchanged, they pass the headers item (not "not tested")', async (ctx) => {
      const loop = fixture.loop(ctx);
      const { state, result } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay] }, {}, await zendeskHeaders());
      expect(result.proof?.headers['X-Zendesk-From-Account-Id']).toMatchObject({ present: true, unchanged: true });
      expect(result.proof?.headers['X-Zendesk-From-Account-Id']?.value).toMatch(/^[0-9a-z]{6}$/u);
      expect(result.proof?.headers['X-Zendesk-Email-Id']?.value).toMatch(/^[0-9a-z]{24}$/u);
      expect(result.proof?.headers['X-Mailer']).toMatchObject({ value: 'Zendesk Mailer', unchanged: true });
      expect(item(state, 'headers-intact')?.state).toBe('verified');
      expect(explanation(item(state, 'headers-intact'))).toContain('X-Zendesk-From-Account-Id, X-Zendesk-Email-Id');
      expect(explanation(item(state, 'headers-intact'))).not.toMatch(/Not part of the test/u);
    });

    it('a relay that strips X-Zendesk-Email-Id fails the headers item, naming it', async (ctx) => {
      const loop = fixture.loop(ctx);
      const { state, result } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay], stripHeaders: ['X-Zendesk-Email-Id'] }, {}, await zendeskHeaders());
      expect(result.proof?.headers['X-Zendesk-Email-Id']).toMatchObject({ present: false, unchanged: null });
      expect(result.proof?.headers['X-Zendesk-From-Account-Id']).toMatchObject({ present: true, unchanged: true });
      expect(item(state, 'headers-intact')?.state).toBe('failed');
      expect(explanation(item(state, 'headers-intact'))).toMatch(/^X-Zendesk-Email-Id was removed on the way/u);
    });

    it('a relay that rewrites X-Zendesk-From-Account-Id fails the headers item with both values', async (ctx) => {
      const loop = fixture.loop(ctx);
      const { state, result } = await verificationRun(
        loop,
        { signers: [fixture.keys.acmeRelay], afterSigning: (m) => m.replace(/^(X-Zendesk-From-Account-Id): \S+/imu, '$1: 000000') },
        {},
        await zendeskHeaders(),
      );
      expect(result.proof?.headers['X-Zendesk-From-Account-Id']).toMatchObject({ present: true, value: '000000', unchanged: false });
      expect(item(state, 'headers-intact')?.state).toBe('failed');
      expect(explanation(item(state, 'headers-intact'))).toMatch(/^X-Zendesk-From-Account-Id changed: sent "[0-9a-z]{6}", received "000000"/u);
    });
  });

  it('a message that never arrives is pending while polled, then failed at the deadline with an explanation', async (ctx) => {
    const loop = fixture.loop(ctx);
    const started = Date.now();
    const { state, observations, token } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay], drop: true }, { waitMs: 1_500, backoffMs: [250] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    const received = observations.filter((o) => o.itemId === 'email-received');
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.slice(0, -1).every((o) => o.outcome === 'pending' && o.deadlineAt !== undefined && o.deadlineAt !== null)).toBe(true);
    expect(received.at(-1)?.outcome).toBe('fail');
    expect(item(state, 'email-accepted')?.state).toBe('verified');
    expect(item(state, 'email-received')).toMatchObject({ state: 'failed', reason: 'check-failed' });
    expect(explanation(item(state, 'email-received'))).toMatch(new RegExp(`No message with token ${token} reached ${INBOX} \\(INBOX, Junk\\) within [0-9.]+ s`, 'u'));

    // The same wait seen by the reducer alone: pending with a countdown, failed by the clock at the deadline.
    const pendingOnly = received.slice(0, -1).reduce((s, o) => reduceStatus(s, { type: 'observed', observation: o }), initialStatus({ addressId: 'x', domain: ACME }));
    const deadline = new Date(received[0]?.deadlineAt ?? '');
    const view = statusView(pendingOnly, new Date(deadline.getTime() - 500)).items.find((i) => i.id === 'email-received');
    expect(view).toMatchObject({ status: { state: 'pending' }, countdownMs: 500 });
    expect(item(reduceStatus(pendingOnly, { type: 'tick', at: deadline.toISOString() }), 'email-received')).toMatchObject({ state: 'failed', reason: 'deadline-expired' });
  });

  it('a wrong IMAP password is a clear error at once, keeps the item state and never shows the password', async (ctx) => {
    const loop = fixture.loop(ctx);
    const wrong = 'Wrong-Passw0rd-9931';
    const started = Date.now();
    const { state, result, observations } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay] }, { password: wrong, waitMs: 30_000 });
    // No retrying a refused password until the deadline (that locks accounts).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.receipt).toMatchObject({ code: 'auth-failed', attempts: 1 });
    expect(result.receipt && 'message' in result.receipt && result.receipt.message).toBe(`The IMAP server 127.0.0.1:${loop.dovecot.imapsPort} refused the sign-in for ${INBOX} (AUTHENTICATIONFAILED: Authentication failed.).`);
    expect(item(state, 'email-received')?.state).toBe('unverified');
    expect(state.items.find((i) => i.id === 'email-received')?.lastError?.message).toMatch(/refused the sign-in/u);
    const everything = JSON.stringify({ result, observations, state });
    for (const secret of [wrong, Buffer.from(wrong).toString('base64'), SUBMIT_SECRET, INBOX_PASSWORD]) expect(everything).not.toContain(secret);
  });

  it('a message that arrives while polling is found by a later search', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const token = newToken();
    const progress: number[] = [];
    const waiting = receiveByImap(imap(loop, token, { mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: INBOX, mailboxes: ['INBOX'] }, backoffMs: [150], onProgress: (p) => progress.push(p.attempt) }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = await testConnection(
      { host: '127.0.0.1', port: loop.relay.port, security: 'starttls', from: SUPPORT, to: INBOX, send: true, credentials: { kind: 'password', username: SUPPORT, secret: SUBMIT_SECRET } },
      { ca: [loop.pki.ca], token: () => token, hostname: () => 'workstation.acme.test' },
    );
    expect(sent.ok && sent.value.testSend?.accepted).toBe(true);
    const outcome = await waiting;
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && outcome.receipt.attempts).toBeGreaterThan(1);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('waiting can be cancelled: it stops at once with "cancelled"', async (ctx) => {
    const loop = fixture.loop(ctx);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const outcome = await receiveByImap(imap(loop, 'never-sent-token', { signal: controller.signal, deadlineAt: new Date(Date.now() + 60_000), backoffMs: [5_000] }));
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'cancelled' } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('the same message verifies from an .eml file; a truncated .eml is refused clearly', async (ctx) => {
    const loop = fixture.loop(ctx);
    const { token } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay] });
    const fetched = await receiveByImap(imap(loop, token));
    if (!fetched.ok) throw new Error(fetched.failure.message);
    const file = join(tmp, 'received.eml');
    writeFileSync(file, fetched.raw);
    const fromFile = await receiveFromEml(file);
    if (!fromFile.ok) throw new Error(fromFile.failure.message);
    expect(fromFile.receipt).toMatchObject({ source: 'eml', sizeBytes: fetched.raw.length });
    const proof = await verifyMessage(fromFile.raw, { resolver: toMailauthResolver(fixture.dns.resolver({ timeoutMs: 10_000, retries: 2 })), expectedToken: token, domain: ACME });
    expect(proof.ok && proof.value.pass).toBe(true);

    const cut = join(tmp, 'cut.eml');
    writeFileSync(cut, fetched.raw.subarray(0, fetched.raw.indexOf('Subject:') + 12));
    expect(await receiveFromEml(cut)).toMatchObject({ ok: false, failure: { code: 'malformed', message: 'The message ends in the middle of its header section: the file is truncated.' } });
    expect(await receiveFromEml(join(tmp, 'missing.eml'))).toMatchObject({ ok: false, failure: { code: 'malformed', message: expect.stringContaining('No file at') } });
  });

  it('a run feeds a report: JSON and HTML with the proof, and no secret', async (ctx) => {
    const loop = fixture.loop(ctx);
    const { state, result, observations, token } = await verificationRun(loop, { signers: [fixture.keys.acmeRelay] });
    const recorded = recordRun(initialStatus({ addressId: 'support-acme', domain: ACME }), emptyHistory('support-acme'), {
      id: token,
      trigger: 'manual',
      startedAt: observations[0]?.at ?? '',
      finishedAt: new Date().toISOString(),
      observations,
      message: result.proof,
      receipt: result.receipt,
    });
    expect(recorded.state).toEqual(state);
    const report = buildReport([{ id: 'support-acme', address: SUPPORT, platform: 'zendesk', environment: 'production', state, history: recorded.history }], {
      now: new Date(),
      appVersion: '0.1.0',
      secrets: [
        { username: SUPPORT, secret: SUBMIT_SECRET },
        { username: INBOX, secret: INBOX_PASSWORD },
      ],
    });
    // The message passed every check, but the DNS records were never read: not verified yet.
    const reported = report.addresses[0]?.status;
    expect(reported?.items.filter((i) => i.group !== 'dns').every((i) => i.status.state === 'verified')).toBe(true);
    expect(reported?.items.filter((i) => i.group === 'dns').map((i) => [i.id, i.status.state])).toEqual([
      ['dns:spf', 'unverified'],
      ['dns:dmarc', 'unverified'],
    ]);
    expect(reported?.overall).toBe('unverified');
    expect(report.addresses[0]?.latestMessage?.pass).toBe(true);
    const json = reportJson(report);
    const html = reportHtml(report);
    for (const text of [json, html]) {
      expect(text).toContain('relay1');
      expect(text).not.toContain(SUBMIT_SECRET);
      expect(text).not.toContain(INBOX_PASSWORD);
    }
    expect(html).toContain(`v=spf1 ip4:${RELAY_IP} -all`);
  });
});
