/**
 * The forwarding check in the address's status view, against the real loop on 127.0.0.1:
 * the signing relay forwards mail for the connected address to a second Dovecot mailbox
 * (the "platform's" target), which the admin sets up as the forwarding check mailbox.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startTestDnsServer, type TestDnsServer } from '../src-main/testing/dns-test-server';
import { dovecotUnavailable, startDovecot, type DovecotServer } from '../src-main/testing/dovecot-server';
import { startRelayPeer, type RelayPeer } from '../src-main/testing/relay-peer';
import { createTestPki, type TestPki } from '../src-main/testing/tls-certs';
import { ACME, createVerificationKeys, verificationZones } from '../src-main/testing/verification-zone';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, openView } from './fixtures/views';

const SUPPORT = `support@${ACME}`;
const DESK = `desk@desk.${ACME}`;

interface Loop {
  readonly pki: TestPki;
  readonly dns: TestDnsServer;
  readonly dovecot: DovecotServer;
  readonly relay: RelayPeer;
}

let loop: Loop | null = null;
const unavailable: string | null = dovecotUnavailable();
let caDir = '';
let caFile = '';
const submitSecret = `rp-submit-${randomBytes(10).toString('hex')}`;
const deskPassword = `rp-desk-${randomBytes(10).toString('hex')}`;

test.beforeAll(async () => {
  caDir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-forwarding-'));
  caFile = join(caDir, 'test-ca.pem');
  if (unavailable !== null) return;
  const pki = createTestPki();
  await writeFile(caFile, pki.ca, 'utf8');
  const keys = createVerificationKeys();
  const dns = await startTestDnsServer({ zones: verificationZones(keys) });
  let dovecot: DovecotServer;
  try {
    dovecot = await startDovecot({ certificate: pki.leaf, users: [{ username: DESK, password: deskPassword }] });
  } catch (error) {
    await dns.close();
    pki.cleanup();
    throw new Error(`Dovecot is installed but did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
  const relay = await startRelayPeer({ certificate: pki.leaf, account: { username: SUPPORT, secret: submitSecret }, deliverTo: { host: dovecot.host, port: dovecot.lmtpPort } });
  relay.setBehaviour({ signers: [keys.acmeRelay], forward: { [SUPPORT]: DESK } });
  loop = { pki, dns, dovecot, relay };
});

test.afterAll(async () => {
  await loop?.relay.close();
  await loop?.dovecot.close();
  await loop?.dns.close();
  loop?.pki.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

test.use({
  // eslint-disable-next-line no-empty-pattern
  appEnv: async ({}, use) => {
    await use({ NODE_EXTRA_CA_CERTS: caFile });
  },
});

async function requireLoop(page: Page): Promise<Loop> {
  test.info().skip(unavailable !== null, unavailable ?? '');
  const info = await callBridge<{ keychain: { status: string; message?: string } }>(page, 'app:get-info', {});
  test.info().skip(info.keychain.status !== 'available', `No OS keychain to store the address's secret: ${info.keychain.message ?? info.keychain.status}`);
  if (loop === null) throw new Error('the verification loop did not start');
  return loop;
}

test('a forwarding check mailbox adds the forwarding item, and the verification email run verifies it', async ({ page }) => {
  test.setTimeout(120_000);
  const l = await requireLoop(page);
  await callBridge(page, 'settings:update', { patch: { dnsServers: [l.dns.address] } });
  const { id } = await callBridge<{ id: string }>(page, 'addresses:create', {
    fields: { address: SUPPORT, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: l.relay.port, security: 'starttls', username: SUPPORT, authKind: 'password' },
    secret: submitSecret,
  });
  await openView(page, 'status');
  await page.locator(`tr[data-address-id="${id}"]`).getByRole('link', { name: SUPPORT }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${SUPPORT}`);
  const forwardingItem = page.locator('article[data-item="forwarding"]');
  await expect(forwardingItem).toHaveCount(0);

  const form = page.getByRole('form', { name: 'Forwarding check settings' });
  await form.getByLabel('IMAP server').fill('127.0.0.1');
  await form.getByLabel('IMAP port').fill(String(l.dovecot.imapsPort));
  await form.getByLabel('Mailbox username').fill(DESK);
  await form.getByLabel('Mailbox password').fill(deskPassword);
  await form.getByRole('button', { name: 'Save forwarding check mailbox' }).click();
  await expect(page.getByText(`Forwarding check mailbox saved for ${SUPPORT}: ${DESK} on 127.0.0.1:${l.dovecot.imapsPort}. Its password is in the OS keychain.`)).toBeVisible();
  // Configured: folded to one line with Edit, no password field left on the page.
  await expect(form).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit forwarding check mailbox' })).toBeFocused();
  await expect(forwardingItem).toHaveAttribute('data-state', 'unverified');
  await expect(forwardingItem).toContainText('Inbound forwarding to the platform');
  await expectNoAxeViolations(page, 'the address status with a forwarding check mailbox');

  await page.getByRole('button', { name: 'Send verification email' }).click();
  await expect(forwardingItem).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
  await expect(forwardingItem).toContainText(`Mail sent to ${SUPPORT} arrived in ${DESK}`);
  await expect(page.locator('body')).not.toContainText(deskPassword);
});
