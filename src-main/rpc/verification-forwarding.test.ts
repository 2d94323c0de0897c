/**
 * The forwarding check through the channels, with real peers on 127.0.0.1: the signing
 * relay (whose `forward` rules play the address's mailbox forwarding its mail), Dovecot
 * with two mailboxes (the verification inbox and the forwarding target), the test DNS
 * zone of acme.test. The keychain is an in-memory KeychainBackend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AddressStatus, OperationEvent, SendEmailEvent, SendEmailResult } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { DESK, DESK_PASSWORD, INBOX, INBOX_PASSWORD, SUBMIT_SECRET, SUPPORT, useMailLoop, type MailLoop } from '../testing/verification-fixture';
import type { KeychainBackend } from '../vault/vault';

const fixture = useMailLoop();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function memoryKeychain(): KeychainBackend & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (s, a) => entries.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => void entries.set(`${s}/${a}`, p),
    deletePassword: async (s, a) => entries.delete(`${s}/${a}`),
    findCredentials: async (s) => [...entries].filter(([k]) => k.startsWith(`${s}/`)).map(([k, password]) => ({ account: k.slice(s.length + 1), password })),
  };
}

function open(loop: MailLoop): { services: Services; keychain: ReturnType<typeof memoryKeychain> } {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-vforward-'));
  dirs.push(dir);
  const keychain = memoryKeychain();
  const services = createServices({
    dataDirectory: dir,
    mode: 'cli',
    logger: silentLogger,
    keychain: async () => keychain,
    validateOutput: true,
    verification: { imapCa: [loop.pki.ca], imapBackoffMs: [100, 200, 400], resolverOptions: { timeoutMs: 1_000, retries: 0 } },
  });
  return { services, keychain };
}

async function saveAddress(services: Services, loop: MailLoop, options: { platform?: string; forwarding: boolean }): Promise<string> {
  const d = services.createDispatcher();
  const settings = await d.dispatch('settings:update', {
    patch: {
      dnsServers: [`127.0.0.1:${fixture.dns.server().port}`],
      pinnedCertificates: [{ host: '127.0.0.1', sha256: loop.pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }],
    },
  });
  if (!settings.ok) throw new Error(settings.error.message);
  const created = await d.dispatch('addresses:create', {
    fields: { address: SUPPORT, platform: options.platform ?? 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: loop.relay.port, security: 'starttls', username: SUPPORT, authKind: 'password', selectors: [] },
    secret: SUBMIT_SECRET,
  });
  if (!created.ok) throw new Error(created.error.message);
  const id = (created.value as { id: string }).id;
  const set = await d.dispatch('verification:set-mailbox', { addressId: id, mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: INBOX }, secret: INBOX_PASSWORD });
  if (!set.ok) throw new Error(set.error.message);
  if (options.forwarding) {
    const forwarding = await d.dispatch('verification:set-forwarding-mailbox', { addressId: id, mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: DESK }, secret: DESK_PASSWORD });
    if (!forwarding.ok) throw new Error(forwarding.error.message);
    expect(forwarding.value).toMatchObject({ mailboxSecret: { stored: true }, address: { forwardingMailbox: { host: '127.0.0.1', username: DESK }, mailbox: { username: INBOX } } });
    expect(JSON.stringify(forwarding.value)).not.toContain(DESK_PASSWORD);
  }
  return id;
}

const itemOf = (status: AddressStatus, id: string) => status.status.items.find((i) => i.id === id);

describe('forwarding check', () => {
  it('mail sent to the address and forwarded once arrives in the forwarding check mailbox: forwarding verified', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay], forward: { [SUPPORT]: DESK } });
    const { services, keychain } = open(loop);
    const id = await saveAddress(services, loop, { forwarding: true });
    expect([...keychain.entries.keys()].some((k) => k.endsWith(`/${id}--imap-forwarding`))).toBe(true);
    const d = services.createDispatcher();

    const before = await d.dispatch('verification:status', { addressId: id });
    if (!before.ok) throw new Error(before.error.message);
    expect(itemOf((before.value as AddressStatus[])[0] as AddressStatus, 'forwarding')?.status.state).toBe('unverified');

    const events: OperationEvent[] = [];
    const sent = await services.createDispatcher((e) => events.push(e)).dispatch('verification:send-email', { operationId: 'op_forward01', addressId: id, waitSeconds: 15 });
    if (!sent.ok) throw new Error(sent.error.message);
    const result = sent.value as SendEmailResult;
    // The verification email went to the inbox as before; the forwarding message to the address itself.
    expect(result).toMatchObject({ recipient: INBOX, receipt: { source: 'imap' }, proof: { pass: true } });
    expect(loop.relay.deliveries.some((del) => del.rcptTo.includes(DESK) && del.delivered?.includes(`for <${DESK}>`) === true)).toBe(true);
    const forwarding = itemOf(result.status, 'forwarding');
    expect(forwarding?.status).toMatchObject({ state: 'verified', explanation: expect.stringMatching(new RegExp(`^Mail sent to ${SUPPORT} arrived in ${DESK} \\(INBOX\\) after \\d+ s; one forwarding hop \\(${SUPPORT} → ${DESK}\\)\\.$`, 'u')) });
    expect(result.run.observations.filter((o) => o.itemId === 'forwarding').at(-1)?.evidence.value).toBe(`1 hop(s): ${SUPPORT} → ${DESK}`);
    // Every message item verified; the DNS records are not read by a send, so not Verified overall yet.
    expect(result.status.status.items.filter((i) => !i.id.startsWith('dns:')).every((i) => i.status.state === 'verified')).toBe(true);
    expect(result.status.status.overall).toBe('unverified');
    const streamed = events.map((e) => e.event as SendEmailEvent).filter((e) => e.type === 'observation' && e.observation.itemId === 'forwarding');
    expect(streamed.length).toBeGreaterThanOrEqual(1);
    for (const secret of [SUBMIT_SECRET, INBOX_PASSWORD, DESK_PASSWORD]) expect(JSON.stringify([result, events])).not.toContain(secret);

    // The report scrubs the forwarding mailbox password too, and disconnecting deletes it.
    const report = await d.dispatch('verification:report', { addressId: id, format: 'json' });
    expect(report.ok && (report.value as { content: string }).content).toContain('forwarding');
    const deleted = await d.dispatch('addresses:delete', { id });
    expect(deleted.ok).toBe(true);
    expect([...keychain.entries.keys()].filter((k) => k.includes(id))).toEqual([]);
  });

  it('forwarding through two hops fails for a platform that takes only direct forwards (Zendesk): "forward once, directly"', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay], forward: { [SUPPORT]: 'helpdesk@acme.test', 'helpdesk@acme.test': DESK } });
    const { services } = open(loop);
    const id = await saveAddress(services, loop, { platform: 'zendesk', forwarding: true });
    const sent = await services.createDispatcher().dispatch('verification:send-email', { operationId: 'op_forward02', addressId: id, waitSeconds: 15 });
    if (!sent.ok) throw new Error(sent.error.message);
    const forwarding = itemOf((sent.value as SendEmailResult).status, 'forwarding');
    expect(forwarding?.status.state).toBe('failed');
    expect(forwarding?.status.state === 'failed' && forwarding.status.explanation).toMatch(
      new RegExp(`through 2 forwarding hops \\(${SUPPORT} → helpdesk@acme\\.test → ${DESK}\\)\\. The platform accepts only one: forward once, directly from ${SUPPORT} to ${DESK}`, 'u'),
    );
  });

  it('mail that is forwarded elsewhere never reaches the forwarding check mailbox: pending, then failed at the deadline with the reason', async (ctx) => {
    const loop = fixture.loop(ctx);
    // The address forwards to the wrong mailbox (the verification inbox), not to the target.
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay], forward: { [SUPPORT]: INBOX } });
    const { services } = open(loop);
    const id = await saveAddress(services, loop, { forwarding: true });
    const events: OperationEvent[] = [];
    const started = Date.now();
    const sent = await services.createDispatcher((e) => events.push(e)).dispatch('verification:send-email', { operationId: 'op_forward03', addressId: id, waitSeconds: 5 });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    const pending = events.map((e) => e.event as SendEmailEvent).filter((e) => e.type === 'observation' && e.observation.itemId === 'forwarding' && e.observation.outcome === 'pending');
    expect(pending.length).toBeGreaterThanOrEqual(2);
    const result = sent.value as SendEmailResult;
    expect(itemOf(result.status, 'email-received')?.status.state).toBe('verified');
    const forwarding = itemOf(result.status, 'forwarding');
    expect(forwarding?.status).toMatchObject({
      state: 'failed',
      explanation: expect.stringMatching(new RegExp(`^Mail sent to ${SUPPORT} did not arrive in the forwarding check mailbox ${DESK} on 127\\.0\\.0\\.1: No message with token \\S+ reached ${DESK}.*Check that ${SUPPORT} forwards to ${DESK}`, 'u')),
    });
    expect(result.status.status.overall).toBe('failed');
  });

  it('without a forwarding check mailbox there is no forwarding item and no second message; removing the mailbox removes the item', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const { services, keychain } = open(loop);
    const id = await saveAddress(services, loop, { forwarding: false });
    const d = services.createDispatcher();
    const deliveriesBefore = loop.relay.deliveries.length;
    const sent = await d.dispatch('verification:send-email', { operationId: 'op_forward04', addressId: id, waitSeconds: 15 });
    if (!sent.ok) throw new Error(sent.error.message);
    const result = sent.value as SendEmailResult;
    expect(result.status.status.items.map((i) => i.id)).not.toContain('forwarding');
    expect(result.run.observations.map((o) => o.itemId)).not.toContain('forwarding');
    expect(loop.relay.deliveries.slice(deliveriesBefore).map((del) => del.rcptTo)).toEqual([[INBOX]]);
    expect(result.status.status.items.filter((i) => !i.id.startsWith('dns:')).every((i) => i.status.state === 'verified')).toBe(true);

    const set = await d.dispatch('verification:set-forwarding-mailbox', { addressId: id, mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: DESK }, secret: DESK_PASSWORD });
    expect(set.ok).toBe(true);
    const withItem = await d.dispatch('verification:status', { addressId: id });
    expect(withItem.ok && (withItem.value as AddressStatus[])[0]?.status.items.map((i) => i.id)).toContain('forwarding');
    const removed = await d.dispatch('verification:set-forwarding-mailbox', { addressId: id, mailbox: null });
    expect(removed.ok && (removed.value as { mailboxSecret: { stored: boolean | null } }).mailboxSecret.stored).toBe(false);
    expect([...keychain.entries.keys()].some((k) => k.endsWith(`/${id}--imap-forwarding`))).toBe(false);
    const without = await d.dispatch('verification:status', { addressId: id });
    expect(without.ok && (without.value as AddressStatus[])[0]?.status.items.map((i) => i.id)).not.toContain('forwarding');
  });
});
