/**
 * `relayproof message verify`, `verify`, `status` and `report`, run in-process against
 * the real loop on 127.0.0.1 (signing relay, Dovecot, the acme.test DNS zone). `verify`
 * reads the address's SMTP password from the OS keychain: run under dbus-run-session with
 * gnome-keyring unlocked (as address-commands.test.ts); without it those cases skip with
 * the reason.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { testConnection } from '../smtp/connection-test';
import { runCliCaptured, type CliRun } from '../testing/cli-run';
import { INBOX, INBOX_PASSWORD, SUBMIT_SECRET, SUPPORT, useMailLoop, type MailLoop } from '../testing/verification-fixture';
import { ACME, RELAY_IP } from '../testing/verification-zone';
import { receiveByImap } from '../verification/imap-receipt';
import { emptyHistory, recordRun } from '../verification/history';
import { initialStatus } from '../verification/status-machine';
import { openVerificationStore } from '../verification/status-store';
import { closedUdpPort } from '../testing/closed-ports';

const fixture = useMailLoop();
const dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-verify-'));
const files = mkdtempSync(join(tmpdir(), 'relayproof-cli-eml-'));
const keychain = await createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger }).vault.state();
const keychainSkip = keychain.status !== 'available' ? `the OS keychain is ${keychain.status} (${keychain.message}); run under dbus-run-session with gnome-keyring unlocked` : undefined;
if (keychainSkip !== undefined) console.warn(`[verification-commands.test] SKIPPING the keychain cases: ${keychainSkip}`);

const runs: CliRun[] = [];
let addressId: string | null = null;
async function cli(args: string[], stdin?: string): Promise<CliRun> {
  const run = await runCliCaptured(args, dataDir, stdin);
  runs.push(run);
  return run;
}

let sequence = 0;
/** A verification email through the relay, fetched from Dovecot as the admin would save it. */
async function receivedMessage(loop: MailLoop): Promise<Buffer> {
  loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
  const token = `cli${Date.now().toString(36)}x${(sequence += 1)}`;
  const sent = await testConnection(
    { host: '127.0.0.1', port: loop.relay.port, security: 'starttls', from: SUPPORT, to: INBOX, send: true, credentials: { kind: 'password', username: SUPPORT, secret: SUBMIT_SECRET } },
    { ca: [loop.pki.ca], token: () => token, hostname: () => 'workstation.acme.test' },
  );
  if (!sent.ok || sent.value.testSend?.accepted !== true) throw new Error('the relay did not accept the message');
  const got = await receiveByImap({ mailbox: { host: '127.0.0.1', port: loop.dovecot.imapsPort, security: 'tls', username: INBOX }, password: INBOX_PASSWORD, token, deadlineAt: new Date(Date.now() + 10_000), ca: [loop.pki.ca], backoffMs: [100] });
  if (!got.ok) throw new Error(got.failure.message);
  return got.raw;
}

const dnsArg = () => `127.0.0.1:${fixture.dns.server().port}`;

afterAll(async () => {
  if (addressId !== null && keychainSkip === undefined) await createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger }).vault.delete(addressId, 'smtp');
  for (const run of runs) for (const secret of [SUBMIT_SECRET, INBOX_PASSWORD]) expect(run.stdout + run.stderr).not.toContain(secret);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

describe('relayproof message verify', () => {
  it('a good message: SPF, DKIM and DMARC pass, exit 0, the documented JSON', async (ctx) => {
    const loop = fixture.loop(ctx);
    const file = join(files, 'good.eml');
    writeFileSync(file, await receivedMessage(loop));
    const run = await cli(['message', 'verify', file, '--dns-server', dnsArg(), '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      spf: 'pass',
      dkim: [{ domain: ACME, selector: 'relay1', result: 'pass' }],
      dmarc: 'pass',
      arc: expect.any(String),
      headers: { 'Auto-Submitted': { present: true, value: 'auto-generated' }, 'X-Auto-Response-Suppress': { present: true, value: 'All' }, 'X-Mailer': { present: true, value: 'Relayproof' } },
      sender: { ip: RELAY_IP, helo: `relay.${ACME}` },
      delayMs: expect.any(Number),
    });
  });

  it('a header altered after signing fails DKIM: exit 1 with the reason', async (ctx) => {
    const loop = fixture.loop(ctx);
    const raw = (await receivedMessage(loop)).toString('latin1').replace('Subject: Relayproof test', 'Subject: [EXTERNAL] Relayproof test');
    const file = join(files, 'altered.eml');
    writeFileSync(file, raw, 'latin1');
    const json = await cli(['message', 'verify', file, '--dns-server', dnsArg(), '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ dkim: [{ domain: ACME, result: 'fail' }], pass: false });
    const text = await cli(['message', 'verify', file, '--dns-server', dnsArg()]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/DKIM: {2}fail d=acme\.test s=relay1.*a signed header changed after acme\.test signed it/u);
    expect(text.stdout).toContain('SPF, DKIM and DMARC do not all pass.');
  });

  it.each([
    ['truncated', () => Buffer.from('From: support@acme.test\r\nTo: inbox@acme.test\r\nSubject: cut'), /the file is truncated/u],
    ['without headers', () => Buffer.from('This is just some text someone saved as a file.\r\n\r\nNothing else.\r\n'), /does not start with email header fields/u],
    ['of 20 MB', () => Buffer.concat([Buffer.from('From: support@acme.test\r\nX-Filler: '), Buffer.alloc(20 * 1024 * 1024, 'a')]), /No end of the header section in the first 1\.0 MB/u],
  ])('a malformed file (%s) is a clear error with exit 1, not a crash', async (_name, make, reason) => {
    const file = join(files, `bad-${sequence++}.eml`);
    writeFileSync(file, make());
    const run = await cli(['message', 'verify', file, '--dns-server', `127.0.0.1:${await closedUdpPort()}`, '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { ok: boolean; error: { code: string; message: string; hint?: string } };
    expect(out).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(out.error.message).toMatch(reason);
    expect(out.error.hint).toEqual(expect.any(String));
  });

  it('a file that is not there is a usage error', async () => {
    const run = await cli(['message', 'verify', join(files, 'missing.eml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No file at');
  });
});

describe('relayproof verify, status and report', () => {
  async function saveAddress(loop: MailLoop): Promise<string> {
    if (addressId !== null) return addressId;
    const services = createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger });
    const d = services.createDispatcher();
    await d.dispatch('settings:update', {
      patch: { dnsServers: [dnsArg()], pinnedCertificates: [{ host: '127.0.0.1', sha256: loop.pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }] },
    });
    const created = await d.dispatch('addresses:create', {
      fields: { address: SUPPORT, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: loop.relay.port, security: 'starttls', username: SUPPORT, authKind: 'password', selectors: [] },
      secret: SUBMIT_SECRET,
    });
    if (!created.ok) throw new Error(created.error.message);
    addressId = (created.value as { id: string }).id;
    return addressId;
  }

  it.skipIf(keychainSkip !== undefined)('verify with a mailbox given on the command line proves the address; a wrong mailbox password is a clear error', async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const id = await saveAddress(loop);
    const ca = join(files, 'ca.pem');
    writeFileSync(ca, loop.pki.ca);
    const mailbox = ['--imap-host', '127.0.0.1', '--imap-port', String(loop.dovecot.imapsPort), '--imap-user', INBOX, '--imap-ca', ca, '--imap-password-stdin', '--wait', '20'];

    const wrong = await cli(['verify', id, ...mailbox], 'Wrong-Mailbox-Pass-3\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`Not received: The IMAP server 127.0.0.1:${loop.dovecot.imapsPort} refused the sign-in for ${INBOX}`);
    expect(wrong.stdout + wrong.stderr).not.toContain('Wrong-Mailbox-Pass-3');

    const good = await cli(['verify', id, ...mailbox, '--json'], `${INBOX_PASSWORD}\n`);
    expect(good.code).toBe(0);
    const out = JSON.parse(good.stdout) as { ok: boolean; proof: { pass: boolean }; status: { items: Array<{ id: string; status: { state: string } }> } };
    expect(out.ok).toBe(true);
    expect(out.status.items.find((i) => i.id === 'dmarc')?.status.state).toBe('verified');
  });

  it.skipIf(keychainSkip !== undefined)("verify of a Zendesk address sends Zendesk's headers, prints the headers verdict the Status view records, and records the run", async (ctx) => {
    const loop = fixture.loop(ctx);
    loop.relay.setBehaviour({ signers: [fixture.keys.acmeRelay] });
    const dir = mkdtempSync(join(tmpdir(), 'relayproof-cli-zendesk-'));
    const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger });
    const d = services.createDispatcher();
    await d.dispatch('settings:update', {
      patch: { dnsServers: [dnsArg()], pinnedCertificates: [{ host: '127.0.0.1', sha256: loop.pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }] },
    });
    const created = await d.dispatch('addresses:create', {
      fields: { address: SUPPORT, platform: 'zendesk', environment: 'production', provider: 'custom', host: '127.0.0.1', port: loop.relay.port, security: 'starttls', username: SUPPORT, authKind: 'password', selectors: [] },
      secret: SUBMIT_SECRET,
    });
    if (!created.ok) throw new Error(created.error.message);
    const id = (created.value as { id: string }).id;
    try {
      const ca = join(dir, 'ca.pem');
      writeFileSync(ca, loop.pki.ca);
      const run = await runCliCaptured(['verify', id, '--imap-host', '127.0.0.1', '--imap-port', String(loop.dovecot.imapsPort), '--imap-user', INBOX, '--imap-ca', ca, '--imap-password-stdin', '--wait', '20'], dir, `${INBOX_PASSWORD}\n`);
      runs.push(run);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Header X-Mailer: "Zendesk Mailer"');
      expect(run.stdout).not.toContain('Relayproof"');
      const line = /^Headers: pass — (.*)$/mu.exec(run.stdout)?.[1];
      expect(line).toMatch(/arrived unchanged: .*X-Mailer/u);
      const history = await createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger }).createDispatcher().dispatch('verification:history', { addressId: id, limit: 5 });
      if (!history.ok) throw new Error(history.error.message);
      const [recorded] = (history.value as { runs: Array<{ trigger: string; observations: Array<{ itemId: string; explanation: string }> }> }).runs;
      expect(recorded?.trigger).toBe('cli');
      expect(recorded?.observations.find((o) => o.itemId === 'headers-intact')?.explanation).toBe(line);
    } finally {
      await services.vault.delete(id, 'smtp');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(keychainSkip !== undefined)('verify --eml records a saved message on the address; report writes a file without secrets', async (ctx) => {
    const loop = fixture.loop(ctx);
    const id = await saveAddress(loop);
    const file = join(files, 'saved.eml');
    writeFileSync(file, await receivedMessage(loop));
    const run = await cli(['verify', id, '--eml', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SPF: {3}pass/mu);

    const out = join(files, 'report.json');
    const report = await cli(['report', id, '--format', 'json', '--out', out]);
    expect(report.code).toBe(0);
    const written = readFileSync(out, 'utf8');
    expect(JSON.parse(written)).toMatchObject({ kind: 'relayproof-verification-report', addresses: [{ id, address: SUPPORT, latestMessage: { pass: true } }] });
    for (const secret of [SUBMIT_SECRET, INBOX_PASSWORD]) expect(written).not.toContain(secret);
    expect(await cli(['report', id, '--format', 'pdf', '--out', out])).toMatchObject({ code: 2 });
  });

  it.skipIf(keychainSkip !== undefined)('status of a pending DNS item shows its 72-hour countdown, and a one-shot command schedules nothing', async (ctx) => {
    const loop = fixture.loop(ctx);
    const id = await saveAddress(loop);
    // A DNS record not visible yet, recorded an hour ago.
    const store = openVerificationStore({ directory: dataDir });
    const at = new Date(Date.now() - 3600_000).toISOString();
    const before = store.get(id);
    const recorded = recordRun(before?.state ?? initialStatus({ addressId: id, domain: ACME }), before?.history ?? emptyHistory(id), {
      id: 'pending-dns',
      trigger: 'scheduled',
      startedAt: at,
      finishedAt: at,
      observations: [{ itemId: 'dns:dkim:s2', at, outcome: 'pending', explanation: 'Not published yet', evidence: { source: 'dns', observedAt: at, summary: 'not there', value: null, facts: [] } }],
    });
    store.record(id, recorded.state, recorded.run);

    const run = await cli(['status', id, '--json']);
    const out = JSON.parse(run.stdout) as { addresses: Array<{ nextCheckAt: string | null; dnsWindow: Array<{ itemId: string; countdownMs: number }> }> };
    const [status] = out.addresses;
    expect(status?.dnsWindow.map((w) => w.itemId)).toEqual(['dns:dkim:s2']);
    expect(status?.dnsWindow[0]?.countdownMs).toBeGreaterThan(70 * 3600_000);
    expect(status?.dnsWindow[0]?.countdownMs).toBeLessThanOrEqual(71 * 3600_000);
    // A scheduler would have set the next re-check of this pending item.
    expect(status?.nextCheckAt).toBeNull();
    const text = await cli(['status', id]);
    expect(text.stdout).toMatch(/\[Pending *\] DNS: DKIM key s2 \((71 h 0|70 h 59) min left\)/u);
    expect(text.stdout).toContain('next check not scheduled');

    // --reset restarts the window: the item is back to unverified, no countdown left.
    const reset = await cli(['status', id, '--reset']);
    expect(reset.stdout).toContain('The 72-hour window was restarted');
    const after = JSON.parse((await cli(['status', id, '--json'])).stdout) as { addresses: Array<{ dnsWindow: unknown[]; status: { items: Array<{ id: string; status: { state: string } }> } }> };
    expect(after.addresses[0]?.dnsWindow).toEqual([]);
    expect(after.addresses[0]?.status.items.find((i) => i.id === 'dns:dkim:s2')?.status.state).toBe('unverified');
    expect((await cli(['status', '--reset'])).stderr).toContain('--reset restarts the 72-hour window of one address');
  });
});
