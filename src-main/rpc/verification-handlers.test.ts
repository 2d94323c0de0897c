/**
 * The verification channels end to end through the dispatcher, with real peers on
 * 127.0.0.1: the signing relay (STARTTLS + AUTH), Dovecot (IMAPS), the test DNS zone of
 * acme.test. The keychain is an in-memory KeychainBackend (the vault's own tests cover
 * the OS keychain). Each test builds the services it needs on its own data directory.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AddressStatus, OperationEvent, RecheckResult, SendEmailEvent, SendEmailResult, VerificationChange } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { INBOX, INBOX_PASSWORD, SUBMIT_SECRET, SUPPORT, useMailLoop, type MailLoop } from '../testing/verification-fixture';
import { ACME, RELAY_IP, verificationZones } from '../testing/verification-zone';
import type { RunRecord } from '../../src-preload/contract/verification-schemas';
import { memoryKeychain } from '../testing/transport-support';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { receiveByImap } from '../verification/imap-receipt';

const fixture = useMailLoop();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});


interface Setup {
  readonly dir: string;
  readonly keychain: ReturnType<typeof memoryKeychain>;
  readonly open: (extra?: Partial<Parameters<typeof createServices>[0]>) => Services;
}

function setup(loop: MailLoop): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-vchannels-'));
  dirs.push(dir);
  const keychain = memoryKeychain();
  const open = (extra: Partial<Parameters<typeof createServices>[0]> = {}) =>
    createServices({
      dataDirectory: dir,
      mode: 'cli',
      logger: silentLogger,
      keychain: async () => keychain,
      validateOutput: true,
      verification: { imapCa: [loop.pki.ca], imapBackoffMs: [100, 200, 400], resolverOptions: { timeoutMs: 1_000, retries: 0 } },
      ...extra,
    });
  return { dir, keychain, open };
}

async function saveAddress(services: Services, loop: MailLoop, withMailbox: { password: string } | null, platform = 'generic', setup?: 'in-progress'): Promise<string> {
  const d = services.createDispatcher();
  const settings = await d.dispatch('settings:update', {
    patch: {
      dnsServers: [`127.0.0.1:${fixture.dns.server().port}`],
      pinnedCertificates: [{ host: '127.0.0.1', sha256: loop.pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }],
    },
  });
  if (!settings.ok) throw new Error(settings.error.message);
  const created = await d.dispatch('addresses:create', {
    fields: { address: SUPPORT, platform, environment: 'production', provider: 'custom', host: '127.0.0.1', port: loop.relay.port, security: 'starttls', username: SUPPORT, authKind: 'password', selectors: [] },
    secret: SUBMIT_SECRET,
    ...(setup === undefined ? {} : { setup }),
  });
  if (!created.ok) throw new Error(created.error.message);
  const id = (created.value as { id: string }).id;
  if (withMailbox !== null) {
    const set = await d.dispatch('verification:set-mailbox', { addressId: id, mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: INBOX }, secret: withMailbox.password });
    if (!set.ok) throw new Error(set.error.message);
    expect(set.value).toMatchObject({ mailboxSecret: { stored: true }, address: { mailbox: { host: '127.0.0.1', username: INBOX } } });
    expect(JSON.stringify(set.value)).not.toContain(withMailbox.password);
  }
  return id;
}

const itemState = (status: AddressStatus, id: string) => status.status.items.find((i) => i.id === id)?.status;

describe('verification channels', () => {
  it('sends the verification email, finds it over IMAP, proves it, and records every item; the status survives a restart', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const s = setup(loop);
    const services = s.open();
    const id = await saveAddress(services, loop, { password: INBOX_PASSWORD });
    const events: OperationEvent[] = [];
    const d = services.createDispatcher((e) => events.push(e));

    const sent = await d.dispatch('verification:send-email', { operationId: 'op_sendmail1', addressId: id, waitSeconds: 15 });
    if (!sent.ok) throw new Error(sent.error.message);
    const result = sent.value as SendEmailResult;
    expect(result).toMatchObject({ recipient: INBOX, awaitingEml: false, receipt: { source: 'imap', mailbox: 'INBOX' }, proof: { pass: true, spf: { result: 'pass' }, dmarc: { result: 'pass' } } });
    const kinds = events.filter((e) => e.operationId === 'op_sendmail1').map((e) => (e.event as SendEmailEvent).type).filter((t) => t !== 'observation');
    expect(kinds[0]).toBe('sent');
    expect(kinds.slice(-2)).toEqual(['received', 'proved']);
    for (const item of ['connection-auth', 'send-as', 'email-accepted', 'email-received', 'headers-intact', 'spf', 'dkim-aligned', 'dmarc']) {
      expect(itemState(result.status, item)?.state, item).toBe('verified');
    }
    // The DNS records were never read yet: the address is not Verified on the message alone.
    expect(result.status.status.overall).toBe('unverified');

    // "Re-check now": the DNS checklist (with the selector the message was really signed
    // with) and the connection test with the stored secret.
    const rechecked = await d.dispatch('verification:recheck', { operationId: 'op_recheck01', addressId: id });
    if (!rechecked.ok) throw new Error(rechecked.error.message);
    const recheck = rechecked.value as RecheckResult;
    expect(recheck.joined).toBe(false);
    for (const item of ['dns:spf', 'dns:dmarc', 'dns:dkim:relay1', 'connection-auth']) expect(itemState(recheck.status, item)?.state, item).toBe('verified');
    expect(events.some((e) => e.operationId === 'op_recheck01' && (e.event as { type: string }).type === 'step')).toBe(true);

    // A second services instance on the same data directory: state and history from verification.json.
    const restarted = s.open().createDispatcher();
    const status = await restarted.dispatch('verification:status', { addressId: id });
    if (!status.ok) throw new Error(status.error.message);
    const [after] = status.value as AddressStatus[];
    expect(after?.status.items.map((i) => [i.id, i.status.state])).toEqual(recheck.status.status.items.map((i) => [i.id, i.status.state]));
    expect(after?.nextCheckAt).toBeNull();
    const history = await restarted.dispatch('verification:history', { addressId: id, limit: 10 });
    expect(history.ok && (history.value as { runs: RunRecord[]; total: number }).runs.map((r) => r.id)).toEqual([recheck.run.id, result.run.id]);

    const report = await restarted.dispatch('verification:report', { addressId: id, format: 'html' });
    if (!report.ok) throw new Error(report.error.message);
    const { filename, content } = report.value as { filename: string; content: string };
    // Named by the address, never by the internal id.
    expect(filename).toBe(`relayproof-verification-${SUPPORT.toLowerCase().replace('@', '-at-')}-${new Date().toISOString().slice(0, 10)}.html`);
    expect(filename).not.toContain(id);
    expect(content).toContain('relay1');
    for (const secret of [SUBMIT_SECRET, INBOX_PASSWORD]) {
      expect(content).not.toContain(secret);
      expect(JSON.stringify(events)).not.toContain(secret);
    }
  });

  it('a verification email that arrives with SPF, DKIM and DMARC passing proves a "continue anyway" at the verification-email step: the reason and its blocker go, the history keeps both', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const services = setup(loop).open();
    const id = await saveAddress(services, loop, { password: INBOX_PASSWORD }, 'generic', 'in-progress');
    const d = services.createDispatcher();
    const reason = 'Verification email not accepted: the inbox was not reachable from the office';
    const completed = await d.dispatch('addresses:complete-setup', { id, proceedReason: reason });
    if (!completed.ok) throw new Error(completed.error.message);

    const sent = await d.dispatch('verification:send-email', { operationId: 'op_proceed01', addressId: id, waitSeconds: 15 });
    if (!sent.ok) throw new Error(sent.error.message);
    expect((sent.value as SendEmailResult).proof?.pass).toBe(true);
    const listed = await d.dispatch('addresses:list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    const row = (listed.value as Array<{ id: string; proceedReason: string | null; lastTest: { blockers: Array<{ code: string }> } | null }>).find((a) => a.id === id);
    expect(row?.proceedReason).toBeNull();
    expect(row?.lastTest?.blockers.map((b) => b.code)).not.toContain('continued-anyway');
    const events = await d.dispatch('addresses:events', { addressId: id });
    if (!events.ok) throw new Error(events.error.message);
    const proven = (events.value as Array<{ kind: string; detail: string }>).find((e) => e.kind === 'continue-anyway-proven');
    expect(proven?.detail).toContain('The verification email arrived');
    expect(proven?.detail).toContain(reason);
    expect((events.value as Array<{ kind: string }>).map((e) => e.kind)).toContain('continued-past-failure');
  });

  it("the verification email carries the platform's fixed-value headers (Zendesk) and checks them on arrival", async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const s = setup(loop);
    const services = s.open();
    const id = await saveAddress(services, loop, { password: INBOX_PASSWORD }, 'zendesk');
    const d = services.createDispatcher();
    const sent = await d.dispatch('verification:send-email', { operationId: 'op_zdhdrs01', addressId: id, waitSeconds: 15 });
    if (!sent.ok) throw new Error(sent.error.message);
    const headers = (sent.value as SendEmailResult).proof?.headers ?? {};
    expect(headers['X-Mailer']).toMatchObject({ present: true, value: 'Zendesk Mailer', expected: 'Zendesk Mailer', unchanged: true });
    expect(headers['Auto-Submitted']).toMatchObject({ present: true, value: 'auto-generated', unchanged: true });
    expect(headers['X-Auto-Response-Suppress']).toMatchObject({ present: true, value: 'All', unchanged: true });
    expect(itemState((sent.value as SendEmailResult).status, 'headers-intact')?.state).toBe('verified');

    // A relay rule that rewrites the platform's mailer header is caught.
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay], stripHeaders: ['X-Mailer'] });
    const again = await d.dispatch('verification:send-email', { operationId: 'op_zdhdrs02', addressId: id, waitSeconds: 15 });
    if (!again.ok) throw new Error(again.error.message);
    expect(itemState((again.value as SendEmailResult).status, 'headers-intact')).toMatchObject({ state: 'stale' });
    expect((again.value as SendEmailResult).run.observations.find((o) => o.itemId === 'headers-intact')?.explanation).toMatch(/^X-Mailer was removed on the way/u);
  });

  it("the wizard's verification email is the same message: Zendesk's headers arrive intact and the run is recorded on the address as the wizard's", async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const s = setup(loop);
    const services = s.open();
    const id = await saveAddress(services, loop, { password: INBOX_PASSWORD }, 'zendesk');
    const events: OperationEvent[] = [];
    const d = services.createDispatcher((e) => events.push(e));
    const sent = await d.dispatch('verification:send-email', { operationId: 'op_wizard01', addressId: id, waitSeconds: 15, from: 'wizard' });
    if (!sent.ok) throw new Error(sent.error.message);
    const result = sent.value as SendEmailResult;
    // What step 7 shows: the server took it, with its reply and the connection test behind it.
    const first = events.find((e) => e.operationId === 'op_wizard01' && (e.event as SendEmailEvent).type === 'sent')?.event;
    expect(first).toMatchObject({ type: 'sent', accepted: true, recipient: INBOX, messageId: expect.stringMatching(/^<relayproof-/u) });
    expect(result.connection?.testSend).toMatchObject({ accepted: true });
    expect(result.proof?.headers['X-Mailer']).toMatchObject({ present: true, value: 'Zendesk Mailer', expected: 'Zendesk Mailer', unchanged: true });
    const headersItem = result.run.observations.find((o) => o.itemId === 'headers-intact');
    expect(headersItem?.outcome).toBe('pass');
    expect(headersItem?.explanation).not.toMatch(/remove the relay rule/u);
    expect(result.run.trigger).toBe('wizard');
    expect(itemState(result.status, 'headers-intact')?.state).toBe('verified');

    // The Status view shows the wizard's run in the address's history.
    const history = await d.dispatch('verification:history', { addressId: id, limit: 10 });
    if (!history.ok) throw new Error(history.error.message);
    expect((history.value as { runs: RunRecord[] }).runs.map((r) => [r.id, r.trigger])).toEqual([[result.run.id, 'wizard']]);
    const status = await d.dispatch('verification:status', { addressId: id });
    if (!status.ok) throw new Error(status.error.message);
    expect(itemState((status.value as AddressStatus[])[0]!, 'headers-intact')?.state).toBe('verified');
  });

  it("a test message sent for a saved Zendesk address carries Zendesk's headers, not Relayproof's, and passes the headers item on arrival", async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const s = setup(loop);
    const services = s.open();
    const id = await saveAddress(services, loop, null, 'zendesk');
    const d = services.createDispatcher();
    const sent = await d.dispatch('smtp:send-test-message', {
      operationId: 'op_zdtest01',
      addressId: id,
      host: '127.0.0.1',
      port: loop.relay.port,
      security: 'starttls',
      from: SUPPORT,
      to: INBOX,
      credentials: { kind: 'password', username: SUPPORT },
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const token = (sent.value as ConnectionReport).testSend?.token;
    if (token === undefined) throw new Error('no message was sent');
    const got = await receiveByImap({ mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: INBOX }, password: INBOX_PASSWORD, token, deadlineAt: new Date(Date.now() + 10_000), ca: [loop.pki.ca], backoffMs: [100, 200] });
    if (!got.ok) throw new Error(got.failure.message);
    const head = got.raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^X-Mailer: Zendesk Mailer\r?$/mu);
    expect(head).not.toMatch(/^X-Mailer: Relayproof/mu);
    const verified = await d.dispatch('verification:verify-eml', { addressId: id, raw: got.raw.toString('base64') });
    if (!verified.ok) throw new Error(verified.error.message);
    expect((verified.value as { run: RunRecord }).run.observations.find((o) => o.itemId === 'headers-intact')?.outcome).toBe('pass');
  });

  it('a wrong mailbox password is a clear error at once and keeps the item state', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const s = setup(loop);
    const services = s.open();
    const wrong = 'Not-The-Mailbox-Password-1';
    const id = await saveAddress(services, loop, { password: wrong });
    const started = Date.now();
    const sent = await services.createDispatcher().dispatch('verification:send-email', { operationId: 'op_wrongpw1', addressId: id, waitSeconds: 60 });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(Date.now() - started).toBeLessThan(20_000);
    const result = sent.value as SendEmailResult;
    expect(result.receipt).toMatchObject({ code: 'auth-failed', message: `The IMAP server 127.0.0.1:${loop.dovecot.imapsPort} refused the sign-in for ${INBOX} (AUTHENTICATIONFAILED: Authentication failed.).` });
    const received = result.status.status.items.find((i) => i.id === 'email-received');
    expect(received?.status.state).toBe('unverified');
    expect(received?.lastError?.message).toMatch(/refused the sign-in.*app password/u);
    expect(itemState(result.status, 'email-accepted')?.state).toBe('verified');
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('a message that never arrives streams "waiting" for each search, then fails email-received at the deadline with the reason', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay], drop: true });
    const s = setup(loop);
    const services = s.open();
    const id = await saveAddress(services, loop, { password: INBOX_PASSWORD });
    const events: OperationEvent[] = [];
    const started = Date.now();
    const sent = await services.createDispatcher((e) => events.push(e)).dispatch('verification:send-email', { operationId: 'op_dropped1', addressId: id, waitSeconds: 5 });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    const waiting = events.map((e) => e.event as SendEmailEvent).filter((e): e is Extract<SendEmailEvent, { type: 'waiting' }> => e.type === 'waiting');
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(waiting.map((w) => w.attempt).slice(0, 2)).toEqual([1, 2]);
    const result = sent.value as SendEmailResult;
    expect(result.receipt).toMatchObject({ code: 'not-arrived' });
    expect(itemState(result.status, 'email-accepted')?.state).toBe('verified');
    expect(itemState(result.status, 'email-received')).toMatchObject({ state: 'failed', explanation: expect.stringMatching(new RegExp(`^No message with token \\S+ reached ${INBOX}`, 'u')) });
    expect(result.proof).toBeNull();
  });

  it('a received .eml proves the address; without a mailbox the email waits for it', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay], stripHeaders: ['X-Auto-Response-Suppress'] });
    const s = setup(loop);
    const services = s.open();
    const id = await saveAddress(services, loop, null);
    const d = services.createDispatcher();
    const sent = await d.dispatch('verification:send-email', { operationId: 'op_noimap01', addressId: id, recipient: INBOX });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(sent.value).toMatchObject({ awaitingEml: true, proof: null, recipient: INBOX });

    // The admin saves the message from the mailbox and drops it in.
    const { receiveByImap } = await import('../verification/imap-receipt');
    const token = (sent.value as SendEmailResult).run.observations.find((o) => o.itemId === 'email-accepted')?.evidence.facts.find((f) => f.label === 'Subject')?.value.split(' ').at(-1) ?? '';
    const fetched = await receiveByImap({ mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: INBOX }, password: INBOX_PASSWORD, token, deadlineAt: new Date(Date.now() + 10_000), ca: [loop.pki.ca], backoffMs: [100] });
    if (!fetched.ok) throw new Error(fetched.failure.message);
    const verified = await d.dispatch('verification:verify-eml', { addressId: id, raw: fetched.raw.toString('base64') });
    if (!verified.ok) throw new Error(verified.error.message);
    const value = verified.value as { proof: { pass: boolean }; status: AddressStatus };
    expect(value.proof.pass).toBe(true);
    expect(itemState(value.status, 'email-received')?.state).toBe('verified');
    expect(itemState(value.status, 'headers-intact')).toMatchObject({ state: 'failed', explanation: expect.stringMatching(/^X-Auto-Response-Suppress was removed on the way/u) });

    const garbage = await d.dispatch('verification:verify-eml', { raw: Buffer.from('no headers here at all').toString('base64') });
    expect(garbage).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('background re-checks run only once started, and a change they find reaches the renderer as an event', async (ctx) => {
    const loop = fixture.loop(ctx);
    const dns = fixture.dns.server();
    const s = setup(loop);
    const services = s.open({ verification: { imapCa: [loop.pki.ca], resolverOptions: { timeoutMs: 1_000, retries: 0 }, schedulerBackoffMs: [300] } });
    const id = await saveAddress(services, loop, null);
    const events: OperationEvent[] = [];
    const d = services.createDispatcher((e) => events.push(e));
    const zones = verificationZones(fixture.keys);
    try {
      // DMARC not published yet: pending, inside the 72-hour window.
      // (The empty `test` zone answers NXDOMAIN for _dmarc.test, the organizational-domain fallback.)
      dns.setZones([...zones.map((z) => (z.origin === ACME ? { ...z, records: z.records.filter((r) => r.name !== `_dmarc.${ACME}`) } : z)), { origin: 'test', records: [] }]);
      const first = await d.dispatch('verification:recheck', { operationId: 'op_sched001', addressId: id });
      if (!first.ok) throw new Error(first.error.message);
      const pending = (first.value as RecheckResult).status;
      expect(itemState(pending, 'dns:dmarc')?.state).toBe('pending');
      expect(pending.dnsWindow.find((w) => w.itemId === 'dns:dmarc')?.countdownMs).toBeGreaterThan(71 * 3600_000);
      // A one-shot CLI (this is mode 'cli') never schedules anything.
      expect(services.verification.schedulerRunning).toBe(false);
      expect(pending.nextCheckAt).toBeNull();
      await new Promise((r) => setTimeout(r, 600));
      expect(services.verification.history(id, 10)).toMatchObject({ ok: true, value: { total: 1 } });

      services.verification.startScheduler();
      const scheduled = services.verification.status(id);
      expect(scheduled.ok && scheduled.value[0]?.nextCheckAt).toEqual(expect.any(String));
      dns.setZones(zones);
      const deadline = Date.now() + 15_000;
      const scheduledChange = () => events.find((e) => e.channel === 'verification:changes' && (e.event as VerificationChange).trigger === 'scheduled');
      while (scheduledChange() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // The manual re-check above announced its own changes too (the UI may ignore those).
      expect(events.find((e) => e.channel === 'verification:changes')?.event).toMatchObject({ trigger: 'manual' });
      const change = scheduledChange();
      expect(change?.operationId).toBe('verification-changes');
      expect(change?.event as VerificationChange).toMatchObject({ addressId: id, trigger: 'scheduled', transitions: expect.arrayContaining([expect.objectContaining({ itemId: 'dns:dmarc', from: 'pending', to: 'verified' })]) });
      const history = services.verification.history(id, 10);
      expect(history.ok && history.value.runs[0]?.trigger).toBe('scheduled');
    } finally {
      await services.verification.stopScheduler();
      dns.setZones(zones);
    }
  });

  it("a corrupt address's verification history file is moved aside and shown as a notice in About until dismissed", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relayproof-vcorrupt-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'verification'));
    writeFileSync(join(dir, 'verification', 'a-damaged.json'), '{"schemaVersion":2,"addressId":');
    const keychain = memoryKeychain();
    const d = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => keychain, validateOutput: true }).createDispatcher();
    const info = await d.dispatch('app:get-info', {});
    if (!info.ok) throw new Error(info.error.message);
    const notices = (info.value as { notices: Array<{ id: string; kind: string; message: string; backupPath: string | null }> }).notices;
    const notice = notices.find((n) => n.backupPath?.includes('a-damaged.corrupt-') === true);
    expect(notice).toMatchObject({ kind: 'corrupt-json', message: expect.stringContaining("Relayproof's verification history of address a-damaged could not be used") });
    expect(existsSync(notice?.backupPath ?? '')).toBe(true);
    expect(await d.dispatch('app:dismiss-notice', { id: notice?.id ?? '' })).toEqual({ ok: true, value: { dismissed: true } });
    const again = await d.dispatch('app:get-info', {});
    expect(again.ok && (again.value as { notices: unknown[] }).notices).toEqual([]);
  });

  it('two re-checks of one address never overlap: the second joins the first', async (ctx) => {
    const loop = fixture.loop(ctx);
    const s = setup(loop);
    const services = s.open();
    const id = await saveAddress(services, loop, null);
    const d = services.createDispatcher();
    const [a, b] = await Promise.all([
      d.dispatch('verification:recheck', { operationId: 'op_overlap1', addressId: id }),
      d.dispatch('verification:recheck', { operationId: 'op_overlap2', addressId: id }),
    ]);
    if (!a.ok || !b.ok) throw new Error('recheck failed');
    expect([(a.value as RecheckResult).joined, (b.value as RecheckResult).joined].sort()).toEqual([false, true]);
    expect((a.value as RecheckResult).run.id).toBe((b.value as RecheckResult).run.id);
    const history = services.verification.history(id, 10);
    expect(history.ok && history.value.total).toBe(1);

    // A third press right after: refused with when it is allowed — nothing reached the server.
    const third = await d.dispatch('verification:recheck', { operationId: 'op_overlap3', addressId: id });
    expect(third).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/^Checked \d+ s ago; next allowed at .+\.$/u), details: { nextAllowedAt: expect.any(String) } } });
    const nextAllowed = Date.parse((third as unknown as { error: { details: { nextAllowedAt: string } } }).error.details.nextAllowedAt);
    expect(nextAllowed - Date.parse((a.value as RecheckResult).run.finishedAt)).toBe(30_000);
    // The gap holds across processes (it is read from the history), e.g. a second CLI call.
    expect(await s.open().createDispatcher().dispatch('verification:recheck', { operationId: 'op_overlap4', addressId: id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(services.verification.history(id, 10)).toMatchObject({ ok: true, value: { total: 1 } });
    // Once the gap has passed, it runs.
    const quick = s.open({ verification: { resolverOptions: { timeoutMs: 1_000, retries: 0 }, manualRecheckGapMs: 200 } });
    await new Promise((r) => setTimeout(r, 250));
    expect(await quick.createDispatcher().dispatch('verification:recheck', { operationId: 'op_overlap5', addressId: id })).toMatchObject({ ok: true, value: { joined: false } });
  });

  it('a report never carries the OAuth client secret or a held access token of the address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relayproof-vscrub-'));
    dirs.push(dir);
    const keychain = memoryKeychain();
    const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => keychain, validateOutput: true, verification: { resolverOptions: { timeoutMs: 500, retries: 0 } } });
    const d = services.createDispatcher();
    await d.dispatch('settings:update', { patch: { dnsServers: [`127.0.0.1:${fixture.dns.server().port}`] } });
    const created = await d.dispatch('addresses:create', {
      fields: { address: SUPPORT, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: 2525, security: 'starttls', username: SUPPORT, authKind: 'oauth2', selectors: [] },
      secret: SUBMIT_SECRET,
    });
    if (!created.ok) throw new Error(created.error.message);
    const id = (created.value as { id: string }).id;
    const clientSecret = 'Qx8Q~client.secret.value-2026';
    const token = 'eyJhbGciOi.eyJhdWQiOiJodHRwczovL291dGxvb2s.c2lnbmF0dXJlLXZhbHVl';
    expect(await d.dispatch('m365:set-client-secret', { addressId: id, secret: clientSecret })).toMatchObject({ ok: true });
    services.m365Tokens.hold(id, token, { flow: 'client-credentials', tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555', expiresAt: null });
    // A received message that (absurdly) echoes both into its headers lands in the history.
    const raw = [`From: ${clientSecret}@${ACME}`, `To: ${INBOX}`, `Subject: ${token}`, `Message-ID: <${token}@${ACME}>`, 'Date: Mon, 23 Nov 2026 10:00:00 +0000', '', 'body', ''].join('\r\n');
    const verified = await d.dispatch('verification:verify-eml', { addressId: id, raw: Buffer.from(raw).toString('base64') });
    if (!verified.ok) throw new Error(verified.error.message);
    const history = await d.dispatch('verification:history', { addressId: id, limit: 1 });
    expect(JSON.stringify(history)).toContain(token);
    for (const format of ['json', 'html'] as const) {
      const report = await d.dispatch('verification:report', { addressId: id, format });
      if (!report.ok) throw new Error(report.error.message);
      const { content } = report.value as { content: string };
      expect(content, format).not.toContain(clientSecret);
      expect(content, format).not.toContain(token);
    }
  });

  it('an expired DNS item can be restarted: back to unverified, the next re-check starts a new 72-hour window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relayproof-vreset-'));
    dirs.push(dir);
    const keychain = memoryKeychain();
    const dns = fixture.dns.server();
    const zones = verificationZones(fixture.keys);
    let now = Date.now();
    const open = () =>
      createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => keychain, validateOutput: true, clock: () => new Date(now), verification: { resolverOptions: { timeoutMs: 1_000, retries: 0 } } });
    const d = open().createDispatcher();
    await d.dispatch('settings:update', { patch: { dnsServers: [`127.0.0.1:${dns.port}`] } });
    const created = await d.dispatch('addresses:create', {
      fields: { address: SUPPORT, platform: 'generic', environment: 'production', provider: 'custom', host: RELAY_IP, port: 1, security: 'starttls', username: SUPPORT, authKind: 'password', selectors: [] },
      secret: SUBMIT_SECRET,
    });
    // The relay's own address (RELAY_IP) is the one SPF authorises: with no message yet, SPF is judged for the SMTP host.
    if (!created.ok) throw new Error(created.error.message);
    const id = (created.value as { id: string }).id;
    try {
      dns.setZones([...zones.map((z) => (z.origin === ACME ? { ...z, records: z.records.filter((r) => r.name !== `_dmarc.${ACME}`) } : z)), { origin: 'test', records: [] }]);
      const first = await d.dispatch('verification:recheck', { operationId: 'op_reset001', addressId: id });
      if (!first.ok) throw new Error(first.error.message);
      expect(itemState((first.value as RecheckResult).status, 'dns:dmarc')?.state).toBe('pending');

      // 73 hours later: out of the window, with how to restart it.
      now += 73 * 3600_000;
      const later = open().createDispatcher();
      const expired = await later.dispatch('verification:status', { addressId: id });
      const [before] = (expired.ok ? expired.value : []) as AddressStatus[];
      expect(before?.status.items.find((i) => i.id === 'dns:dmarc')?.status).toMatchObject({ state: 'failed', explanation: expect.stringContaining('Restart the 72-hour window') });

      expect(await later.dispatch('verification:reset', { addressId: id, itemIds: ['email-received'] })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('Only DNS checks') } });
      const reset = await later.dispatch('verification:reset', { addressId: id });
      if (!reset.ok) throw new Error(reset.error.message);
      expect(itemState(reset.value as AddressStatus, 'dns:dmarc')?.state).toBe('unverified');
      expect(itemState(reset.value as AddressStatus, 'dns:spf')?.state).toBe('verified');

      // Still missing at the next re-check: a new window starts (unverified → pending, 72 hours from that check).
      const again = await later.dispatch('verification:recheck', { operationId: 'op_reset002', addressId: id });
      if (!again.ok) throw new Error(again.error.message);
      const run = (again.value as RecheckResult).run;
      expect(run.transitions).toContainEqual(expect.objectContaining({ itemId: 'dns:dmarc', from: 'unverified', to: 'pending' }));
      const observed = run.observations.find((o) => o.itemId === 'dns:dmarc');
      expect(observed?.outcome).toBe('pending');
      expect(await later.dispatch('verification:reset', { addressId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    } finally {
      dns.setZones(zones);
    }
  });
});
