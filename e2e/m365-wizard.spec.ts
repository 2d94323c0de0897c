/**
 * From the connect wizard's Microsoft 365 preset into the guide for the saved address:
 * an Exchange-like smtp-server on 127.0.0.1 answers "535 5.7.139 … SmtpClientAuthentication
 * is disabled for the Mailbox"; the wizard's test step fails and links to
 * `#/m365?address=<id>`; the guide's live test marks the mailbox item as the problem with
 * its one-line Set-CASMailbox fix highlighted; the server is switched (the admin ran the
 * fix), Retest passes and the item turns ok. The app trusts the test CA the way a
 * workstation would (NODE_EXTRA_CA_CERTS); the DNS server in Settings says the domain's
 * MX is Exchange Online, so the wizard offers the preset.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startTestDnsServer, type TestDnsServer } from '../src-main/testing/dns-test-server';
import { rr } from '../src-main/testing/dns-zone';
import { startM365Peer, type M365Peer } from '../src-main/testing/m365-smtp-peer';
import { createTestPki, type TestPki } from '../src-main/testing/tls-certs';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, openView } from './fixtures/views';

const DOMAIN = 'contoso-wizard.test';
const UPN = `support@${DOMAIN}`;
const MAILBOX_DISABLED = { code: 535, message: '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox' };
const FIX = `Set-CASMailbox -Identity '${UPN}' -SmtpClientAuthenticationDisabled $false`;

let pki: TestPki;
let peer: M365Peer;
let dns: TestDnsServer;
let caDir: string;
let caFile: string;
// New per run: finding it anywhere can only be a leak from this run.
const password = `rp-m365wz-${randomBytes(10).toString('hex')}`;

test.beforeAll(async () => {
  pki = createTestPki();
  caDir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-m365wz-'));
  caFile = join(caDir, 'test-ca.pem');
  await writeFile(caFile, pki.ca, 'utf8');
  peer = await startM365Peer({ tls: pki.leaf, mailbox: UPN, password });
  dns = await startTestDnsServer({
    zones: [
      {
        origin: DOMAIN,
        records: [
          rr.ns(DOMAIN, `ns1.${DOMAIN}`),
          rr.a(`ns1.${DOMAIN}`, '127.0.0.1'),
          // Exchange Online's inbound MX: the wizard offers the Microsoft 365 preset.
          rr.mx(DOMAIN, 0, 'contoso-wizard-test.mail.protection.outlook.com'),
        ],
      },
    ],
  });
});

test.afterAll(async () => {
  await peer.close();
  await dns.close();
  pki.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

test.use({
  // Playwright reads a fixture's dependencies from this pattern; this one has none.
  // eslint-disable-next-line no-empty-pattern
  appEnv: async ({}, use) => {
    await use({ NODE_EXTRA_CA_CERTS: caFile });
  },
});

async function next(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
}

function stepHeading(page: Page) {
  return page.locator('#wizard-step-title');
}

test.describe('Microsoft 365 from the connect wizard', () => {
  test('the preset leads into the guide for the saved address: a failed test, the highlighted fix, a passing retest', async ({ page }) => {
    test.setTimeout(120_000);
    const info = await callBridge<{ keychain: { status: string; message?: string } }>(page, 'app:get-info', {});
    test.info().skip(info.keychain.status !== 'available', `No OS keychain to store the mailbox password: ${info.keychain.message ?? info.keychain.status} (run under dbus-run-session with gnome-keyring)`);
    await callBridge(page, 'settings:update', { patch: { dnsServers: [dns.address] } });
    peer.setRefuse({ at: 'auth', reply: MAILBOX_DISABLED });

    await openView(page, 'connect');
    await page.getByRole('radio', { name: 'Other platform' }).check();
    await page.getByRole('radio', { name: 'Production' }).check();
    await next(page);
    await expect(stepHeading(page)).toContainText('Address');
    await page.getByRole('textbox', { name: /^Address/u }).fill(UPN);
    await expect(page.getByText(/can be connected\.$/u)).toBeVisible();
    await next(page);

    await expect(stepHeading(page)).toContainText('Mail service and credentials');
    await page.getByRole('button', { name: 'Use Microsoft 365 (Exchange Online)' }).click();
    await expect(page.getByRole('textbox', { name: /^Username/u })).toHaveValue(UPN);
    // Before the address is saved, the guide can only be opened for the mailbox name.
    await expect(page.getByRole('link', { name: 'Open the Microsoft 365 SMTP AUTH guide' })).toHaveAttribute('href', `#/m365?upn=${encodeURIComponent(UPN)}`);
    // The local Exchange-like server stands in for smtp.office365.com.
    await page.getByRole('textbox', { name: /^SMTP server/u }).fill('127.0.0.1');
    await page.getByRole('textbox', { name: /^Port/u }).fill(String(peer.port));
    await page.getByLabel('Mailbox password').fill(password);
    await next(page);

    await expect(stepHeading(page)).toContainText('Connection test');
    await page.getByRole('button', { name: 'Run test' }).click();
    const verdict = page.locator('[data-verdict]');
    await expect(verdict).toHaveAttribute('data-verdict', 'fail');
    await expect(verdict).toContainText('SmtpClientAuthentication is disabled for the Mailbox');
    const guideLink = verdict.getByRole('link', { name: 'Open the Microsoft 365 guide for this address' });
    await expect(guideLink).toHaveAttribute('href', /^#\/m365\?address=[^&]+$/u);
    const href = (await guideLink.getAttribute('href')) ?? '';
    const addressId = decodeURIComponent(href.slice('#/m365?address='.length));
    await expectNoAxeViolations(page, 'the wizard test step with a Microsoft 365 failure');

    // Back in the credentials step, the preset's guide link now names the saved address too.
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expect(page.getByRole('link', { name: 'Open the Microsoft 365 SMTP AUTH guide' })).toHaveAttribute('href', `#/m365?address=${encodeURIComponent(addressId)}`);
    await next(page);
    await page.getByRole('button', { name: 'Run test' }).click();
    await expect(verdict).toHaveAttribute('data-verdict', 'fail');

    await verdict.getByRole('link', { name: 'Open the Microsoft 365 guide for this address' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Microsoft 365');
    await expect(page.getByLabel('Saved address')).toHaveValue(addressId);
    await expect(page.getByRole('form', { name: 'Mailbox readiness' }).getByLabel('Mailbox sign-in name (UPN)')).toHaveValue(UPN);

    await page.getByRole('button', { name: 'Test this address' }).click();
    await expect(page.getByTestId('m365-live-verdict')).toHaveAttribute('data-verdict', 'fail');
    const item = page.locator('[data-item-id="mailbox-smtp-auth"]');
    await expect(item).toHaveAttribute('data-state', 'problem');
    await expect(item).toHaveAttribute('data-highlighted', 'true');
    await expect(item.getByTestId('fix-mailbox-smtp-auth')).toHaveText(FIX);
    await expect(item.getByTestId('fix-mailbox-smtp-auth')).toHaveAttribute('data-highlighted', 'true');
    await expect(page.getByTestId('m365-next-fix')).toContainText(FIX);
    await expectNoAxeViolations(page, 'the Microsoft 365 guide opened from the wizard');

    // The admin ran the fix: the server now accepts the mailbox's password.
    peer.setRefuse(null);
    await page.getByRole('button', { name: 'Retest' }).click();
    await expect(page.getByTestId('m365-live-verdict')).toHaveAttribute('data-verdict', /pass|warn/u);
    await expect(item).toHaveAttribute('data-state', 'ok');
    await expect(item).toHaveAttribute('data-highlighted', 'false');
    expect(peer.signIns.at(-1)).toEqual({ method: 'LOGIN', username: UPN, accepted: true });
    expect(await page.content()).not.toContain(password);
  });
});
