/**
 * The wizard's last step for a Zuora address shows Zuora's External SMTP form as Zuora
 * labels it (StartTLS and SocketFactory for the security that passed, the console path,
 * the Deliver E-Mail Notifications Using switch, the error each wrong choice produces)
 * and the mail service's sending limits; a ClientTether address shows what Relayproof can
 * and cannot test for each of ClientTether's presets. The address and a draft at the
 * summary step are made through the real bridge, as a wizard closed there would leave them.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, openView } from './fixtures/views';

interface Connection {
  readonly platform: 'zuora' | 'clienttether';
  readonly provider: string;
  readonly host: string;
  readonly port: number;
  readonly security: 'starttls' | 'tls';
}

/** An in-progress address and the wizard's draft at its summary, then the wizard opened. */
async function openSummary(page: Page, address: string, c: Connection): Promise<void> {
  const fields = { address, platform: c.platform, environment: 'production', provider: c.provider, host: c.host, port: c.port, security: c.security, username: address, authKind: 'password' };
  const { id } = await callBridge<{ id: string }>(page, 'addresses:create', { fields, setup: 'in-progress' });
  const draft = {
    step: 'summary',
    platform: c.platform,
    route: null,
    environment: 'production',
    address,
    platformSubdomain: '',
    provider: c.provider,
    host: c.host,
    port: c.port,
    security: c.security,
    username: address,
    authKind: 'password',
    addressId: id,
    testPassed: true,
    proceedReason: '',
    prerequisites: [],
    updatedAt: new Date().toISOString(),
  };
  await callBridge(page, 'wizard:save-draft', { draft });
  await page.reload();
  await openView(page, 'connect');
  // The wizard offers the unfinished setup it finds, as after closing the app at step 8.
  await page.getByRole('group', { name: `Resume your unfinished setup of ${address}` }).getByRole('button', { name: 'Resume' }).click();
}

test.describe("the platform's own form on the wizard's summary", () => {
  test('Zuora over Microsoft 365 on 587: StartTLS true, no SocketFactory, the switch, the wrong choices and the sending limits', async ({ page }) => {
    await openSummary(page, 'billing@zuora-form.test', { platform: 'zuora', provider: 'microsoft-365', host: 'smtp.office365.com', port: 587, security: 'starttls' });
    const guide = page.getByTestId('platform-form-guide');
    await expect(guide).toBeVisible({ timeout: 30_000 });
    await expect(guide).toContainText('Platform > Events & Notifications');
    await expect(guide).toContainText('SMTP Server Name');
    await expect(guide).toContainText('smtp.office365.com');
    await expect(guide).toContainText('SMTP Enable StartTLS');
    await expect(guide.getByRole('definition').filter({ hasText: /^true/u })).toHaveCount(1);
    await expect(guide).toContainText('Test Connection And Save');
    await expect(page.getByTestId('platform-form-switch')).toContainText('Deliver E-Mail Notifications Using dropdown list, select External SMTP Server');
    await expect(page.getByTestId('platform-form-wrong-choices').locator('[data-wrong-choice="starttls-off"]')).toContainText('Authentication required');
    await expect(page.getByTestId('platform-form-wrong-choices').locator('[data-wrong-choice="no-socket-factory-on-tls"]')).toHaveCount(0);
    await expect(page.getByTestId('sending-limit-warning')).toContainText('10,000 recipients a day per mailbox and 30 messages a minute per mailbox');
    await expectNoAxeViolations(page, 'the Zuora form on the summary');
  });

  test('Zuora on implicit TLS 465: the SSLSocketFactory on the same port with fallback false', async ({ page }) => {
    await openSummary(page, 'billing@zuora-tls.test', { platform: 'zuora', provider: 'custom', host: 'mail.zuora-tls.test', port: 465, security: 'tls' });
    const guide = page.getByTestId('platform-form-guide');
    await expect(guide).toBeVisible({ timeout: 30_000 });
    await expect(guide).toContainText('javax.net.ssl.SSLSocketFactory');
    await expect(guide.locator('[data-wrong-choice="fallback-on-tls"]')).toContainText('Read timed out');
    await expect(page.getByTestId('sending-limit-warning')).toHaveCount(0);
  });

  test("ClientTether: what Relayproof can and cannot test for each preset, this address's marked", async ({ page }) => {
    await openSummary(page, 'sales@ct-form.test', { platform: 'clienttether', provider: 'google-workspace', host: 'smtp.gmail.com', port: 587, security: 'starttls' });
    const notes = page.getByTestId('platform-preset-notes');
    await expect(notes).toBeVisible({ timeout: 30_000 });
    await expect(notes.locator('[data-preset="Gmail"]')).toHaveAttribute('aria-current', 'true');
    await expect(notes.locator('[data-preset="Gmail"]')).toContainText(/Only ClientTether.s Test SMTP Send shows/u);
    await expect(notes.locator('[data-preset="Outlook"]')).toContainText('you log in to the service inside ClientTether');
    await expect(page.getByTestId('platform-form-guide')).toHaveCount(0);
    await expectNoAxeViolations(page, 'the ClientTether presets on the summary');
  });
});

test.describe('the environment choice follows the platform', () => {
  test("Zuora offers its four environments by Zuora's names, sandboxes first; Zendesk offers sandbox and production", async ({ page }) => {
    await openView(page, 'connect');
    const environments = page.getByRole('radiogroup', { name: 'Environment' }).getByRole('radio');
    const names = () => environments.evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent ?? ''));
    await page.getByRole('radio', { name: 'Zuora (external SMTP server)' }).check();
    await expect.poll(names).toEqual(['API Sandbox', 'Developer Sandbox', 'Central Sandbox', 'Production']);
    await page.getByRole('radio', { name: 'Developer Sandbox' }).check();
    await expect(page.getByRole('radio', { name: 'Developer Sandbox' })).toBeChecked();
    await page.getByRole('radio', { name: 'Zendesk (Authenticated SMTP Connector)' }).check();
    await expect.poll(names).toEqual(['Sandbox', 'Production']);
    await expectNoAxeViolations(page, 'platform step with Zendesk chosen');
  });
});
