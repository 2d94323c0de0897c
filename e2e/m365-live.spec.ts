/**
 * The Microsoft 365 guide opened for a saved address (`#/m365?address=<id>`, the link
 * the wizard's Microsoft 365 preset uses), against an Exchange-like smtp-server on
 * 127.0.0.1 and a local HTTPS Entra token endpoint:
 * - the live test meets "535 5.7.139 … SmtpClientAuthentication is disabled for the
 *   Mailbox", the mailbox item turns problem with its one-line fix highlighted; the
 *   server is switched (the admin ran the fix), Retest passes and the item turns ok;
 * - the OAuth 2.0 tab gets an app-only token (claims shown, never the token), tests
 *   SMTP with XOAUTH2, and signs in by device code — from the keyboard.
 * The app trusts the test CA the way a workstation would (NODE_EXTRA_CA_CERTS) and is
 * pointed at the loopback authority with RELAYPROOF_M365_AUTHORITY; verification stays on.
 * Addresses are created through the bridge as setup (the Addresses view has its own specs).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startTokenEndpoint, type TokenEndpoint } from '../src-main/testing/m365-token-endpoint';
import { startM365Peer, type M365Peer } from '../src-main/testing/m365-smtp-peer';
import { createTestPki, type TestPki } from '../src-main/testing/tls-certs';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { pressUntilFocused } from './fixtures/views';

const UPN = 'support@contoso.com';
const TENANT = '11111111-2222-4333-8444-555555555555';
const APP = 'aaaaaaaa-0000-4000-8000-000000000001';
const PUBLIC_APP = 'aaaaaaaa-0000-4000-8000-000000000007';
const MAILBOX_DISABLED = { code: 535, message: '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox' };
const FIX = `Set-CASMailbox -Identity '${UPN}' -SmtpClientAuthenticationDisabled $false`;

let pki: TestPki;
let peer: M365Peer;
let endpoint: TokenEndpoint;
let caDir: string;
let caFile: string;
// New per run: finding one anywhere can only be a leak from this run.
const password = `rp-m365-${randomBytes(10).toString('hex')}`;
const clientSecret = `q~8Q~${randomBytes(12).toString('hex')}`;

test.beforeAll(async () => {
  pki = createTestPki();
  caDir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-m365-'));
  caFile = join(caDir, 'test-ca.pem');
  await writeFile(caFile, pki.ca, 'utf8');
  peer = await startM365Peer({ tls: pki.leaf, mailbox: UPN, password, tenantId: TENANT });
  endpoint = await startTokenEndpoint({
    tls: pki.leaf,
    tenants: [TENANT],
    clients: [
      { clientId: APP, secret: clientSecret },
      { clientId: PUBLIC_APP, claims: { upn: 'admin@contoso.com' } },
    ],
  });
});

test.afterAll(async () => {
  await peer.close();
  await endpoint.close();
  pki.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

test.use({
  // Playwright reads a fixture's dependencies from this pattern; this one has none.
  // eslint-disable-next-line no-empty-pattern
  appEnv: async ({}, use) => {
    await use({ NODE_EXTRA_CA_CERTS: caFile, RELAYPROOF_M365_AUTHORITY: endpoint.origin });
  },
});

/** Setup through the same bridge the page uses (its token is in sessionStorage). */
async function createAddress(page: Page, authKind: 'password' | 'oauth2', secret: string | null): Promise<{ id: string; stored: boolean | null }> {
  const fields = { address: `s${randomBytes(3).toString('hex')}@contoso.com`, platform: 'generic', environment: 'production', provider: 'microsoft-365', host: '127.0.0.1', port: peer.port, security: 'starttls', username: UPN, authKind };
  const result = await page.evaluate(
    async ({ body }) => {
      const token = sessionStorage.getItem('relayproof-token') ?? '';
      const response = await fetch('/rpc/addresses:create', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Relayproof-Token': token, 'X-Relayproof-Request-Id': crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { ok: boolean; value?: { id: string; secret: { stored: boolean | null } }; error?: { message: string } };
    },
    { body: { fields, ...(secret === null ? {} : { secret }) } },
  );
  if (!result.ok || result.value === undefined) return { id: '', stored: null };
  return { id: result.value.id, stored: result.value.secret.stored };
}

async function openGuide(page: Page, query: string): Promise<void> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, `#/m365?${query}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Microsoft 365');
}

/** Every /rpc/ response body of the page, to prove none carries a secret or a token. */
function collectRpcBodies(page: Page): Array<Promise<string>> {
  const bodies: Array<Promise<string>> = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/rpc/')) bodies.push(response.text().catch(() => ''));
  });
  return bodies;
}

async function expectNothingSecret(page: Page, bodies: Array<Promise<string>>, secrets: readonly string[]): Promise<void> {
  const html = await page.content();
  const settled = await Promise.all(bodies);
  expect(settled.length).toBeGreaterThan(0);
  for (const text of [html, ...settled]) {
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Access tokens are JWTs: `eyJ…` header and payload.
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.eyJ/u);
  }
}

test.describe('Microsoft 365 guide for a saved address', () => {
  test('a failed live test highlights the one-line fix; after the fix, Retest passes and the item turns ok', async ({ page, appSession }) => {
    peer.setRefuse({ at: 'auth', reply: MAILBOX_DISABLED });
    const bodies = collectRpcBodies(page);
    const created = await createAddress(page, 'password', password);
    test.info().skip(created.stored !== true, 'No OS keychain in this environment: run under dbus-run-session with gnome-keyring (the live test uses the stored secret)');

    await openGuide(page, `address=${created.id}`);
    await expect(page.getByLabel('Saved address')).toHaveValue(created.id);
    const form = page.getByRole('form', { name: 'Mailbox readiness' });
    await expect(form.getByLabel('Mailbox sign-in name (UPN)')).toHaveValue(UPN);
    const retirement = page.getByTestId('m365-retirement');
    await expect(retirement.getByRole('list', { name: /Retirement milestones as of \d{4}-\d{2}-\d{2}/u })).toBeVisible();

    await page.getByRole('button', { name: 'Test this address' }).click();
    await expect(page.getByTestId('m365-live-verdict')).toHaveAttribute('data-verdict', 'fail');
    await expect(page.getByTestId('m365-live-verdict')).toContainText('SmtpClientAuthentication is disabled for the Mailbox');
    const item = page.locator('[data-item-id="mailbox-smtp-auth"]');
    await expect(item).toHaveAttribute('data-state', 'problem');
    await expect(item).toHaveAttribute('data-highlighted', 'true');
    await expect(item.getByTestId('fix-mailbox-smtp-auth')).toHaveText(FIX);
    await expect(item.getByTestId('fix-mailbox-smtp-auth')).toHaveAttribute('data-highlighted', 'true');
    await expect(page.getByTestId('m365-next-fix')).toContainText(FIX);
    // The diagnosis's steps name the mailbox too: no placeholder line above the filled-in one.
    await expect(page.getByRole('main')).not.toContainText('<mailbox UPN>');
    await expectNoAxeViolations(page, 'the Microsoft 365 guide after a failed live test');

    // The admin ran the fix: the server now accepts the mailbox's password.
    peer.setRefuse(null);
    await page.getByRole('button', { name: 'Retest' }).click();
    await expect(page.getByTestId('m365-live-verdict')).toHaveAttribute('data-verdict', /pass|warn/u);
    await expect(item).toHaveAttribute('data-state', 'ok');
    await expect(item).toHaveAttribute('data-highlighted', 'false');
    expect(peer.signIns.at(-1)).toEqual({ method: 'LOGIN', username: UPN, accepted: true });
    if (appSession.mode === 'browser') await expectNothingSecret(page, bodies, [password]);
  });

  test('the OAuth 2.0 tab, from the keyboard: an app-only token with its claims, an XOAUTH2 test, and a device-code sign-in', async ({ page, appSession }) => {
    peer.setRefuse(null);
    const bodies = collectRpcBodies(page);
    const created = await createAddress(page, 'oauth2', null);
    expect(created.id).not.toBe('');
    await openGuide(page, `address=${created.id}`);

    // Tabs: Tab reaches the selected tab, the arrow key moves to the next one.
    await pressUntilFocused(page, 'Tab', 'Readiness');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'OAuth 2.0' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('tab', { name: 'OAuth 2.0' })).toHaveAttribute('aria-selected', 'true');
    const panel = page.getByRole('tabpanel', { name: 'OAuth 2.0' });
    await expect(panel.getByRole('heading', { name: 'Set up app-only access (what connectors use)' })).toBeVisible();
    await expect(panel.getByText('SMTP.SendAsApp').first()).toBeVisible();
    await expect(panel.getByText(/New-ServicePrincipal/u).first()).toBeVisible();
    await expect(panel.getByText(/Add-MailboxPermission/u).first()).toBeVisible();

    await pressUntilFocused(page, 'Tab', 'Directory (tenant) ID', 80);
    await page.keyboard.type(TENANT);
    await pressUntilFocused(page, 'Tab', 'Application (client) ID');
    await page.keyboard.type(APP);
    await pressUntilFocused(page, 'Tab', 'Client secret');
    await page.keyboard.type(clientSecret);
    // Enter in a field asks for the token.
    await page.keyboard.press('Enter');
    const outcome = panel.getByTestId('m365-token-outcome').first();
    await expect(outcome).toHaveAttribute('data-usable', 'true');
    await expect(outcome).toContainText('Token usable for SMTP AUTH (XOAUTH2)');
    await expect(outcome).toContainText('SMTP.SendAsApp');
    await expect(outcome).toContainText('https://outlook.office365.com');
    await expect(outcome).toContainText(TENANT);
    await expect(panel.getByRole('form', { name: 'App-only token' }).getByLabel('Client secret')).toHaveValue('');

    await expect(panel.getByRole('button', { name: 'Test SMTP with OAuth' })).toBeEnabled();
    await pressUntilFocused(page, 'Tab', 'Test SMTP with OAuth', 80);
    await page.keyboard.press('Enter');
    await expect(panel.getByTestId('m365-live-verdict')).toHaveAttribute('data-verdict', /pass|warn/u);
    expect(peer.signIns.at(-1)).toEqual({ method: 'XOAUTH2', username: UPN, accepted: true });
    await expectNoAxeViolations(page, 'the OAuth 2.0 tab with a token and a passing XOAUTH2 test');

    // Delegated: the code and URL appear while Relayproof waits for the sign-in.
    await panel.getByRole('form', { name: 'App-only token' }).getByLabel('Application (client) ID').fill(PUBLIC_APP);
    await pressUntilFocused(page, 'Tab', 'Sign in with a device code', 80);
    await page.keyboard.press('Enter');
    await expect(panel.getByTestId('m365-device-user-code')).toHaveText('RPTEST42');
    await expect(panel.getByTestId('m365-token-outcome').last()).toContainText('Delegated (admin@contoso.com)');

    // The XOAUTH2 report also decided the readiness checklist's OAuth item.
    await page.getByRole('tab', { name: 'Readiness' }).click();
    await expect(page.locator('[data-item-id="oauth-app"]')).toHaveAttribute('data-state', 'ok');

    // Opened again, the tab is filled from the registration saved with the app-only token (the delegated one saves none); the secret stays empty.
    await page.evaluate(() => {
      window.location.hash = '#/addresses';
    });
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Microsoft 365');
    await openGuide(page, `address=${created.id}`);
    await page.getByRole('tab', { name: 'OAuth 2.0' }).click();
    const reopened = page.getByRole('tabpanel', { name: 'OAuth 2.0' }).getByRole('form', { name: 'App-only token' });
    await expect(reopened.getByLabel('Directory (tenant) ID')).toHaveValue(TENANT);
    await expect(reopened.getByLabel('Application (client) ID')).toHaveValue(APP);
    await expect(reopened.getByLabel('Client secret')).toHaveValue('');
    if (appSession.mode === 'browser') await expectNothingSecret(page, bodies, [clientSecret]);
  });
});
