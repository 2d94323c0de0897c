/**
 * Zendesk as Zendesk works, through the real bridge: the prerequisites before the wizard
 * starts (ticked with the keyboard, kept in the draft), the relay modes, the allowlist and
 * the relay's SPF exception; the Status view's fallback-sending sentence and the status
 * page next to a failure (a broken DMARC record served by a real local DNS server); and
 * the disconnect script made from the export in the Addresses view.
 */
import { readFile } from 'node:fs/promises';
import { startTestDnsServer, type TestDnsServer } from '../src-main/testing/dns-test-server';
import { rr } from '../src-main/testing/dns-zone';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, focusedName, openView, pressUntilFocused } from './fixtures/views';

const DOMAIN = 'zd-e2e.test';

let dns: TestDnsServer;

test.beforeAll(async () => {
  dns = await startTestDnsServer({
    zones: [
      {
        origin: DOMAIN,
        records: [
          rr.ns(DOMAIN, `ns1.${DOMAIN}`),
          rr.a(`ns1.${DOMAIN}`, '127.0.0.1'),
          rr.mx(DOMAIN, 10, `mx.${DOMAIN}`),
          rr.a(`mx.${DOMAIN}`, '127.0.0.1'),
          rr.txt(DOMAIN, 'v=spf1 ip4:127.0.0.1 -all'),
          // A typo in the policy: the DMARC item fails.
          rr.txt(`_dmarc.${DOMAIN}`, 'v=DMARC1; p=rejectt'),
        ],
      },
    ],
  });
});
test.afterAll(async () => {
  await dns.close();
});

interface Created {
  readonly id: string;
}

async function createZendeskAddress(page: Parameters<typeof callBridge>[0], address: string): Promise<string> {
  const created = await callBridge<Created>(page, 'addresses:create', {
    fields: {
      address,
      platform: 'zendesk',
      environment: 'production',
      provider: 'custom',
      host: '127.0.0.1',
      port: 1,
      security: 'starttls',
      username: address,
      authKind: 'password',
      selectors: [],
      route: null,
      platformSubdomain: 'zde2e',
      rotationReminderDays: null,
      mailbox: null,
      forwardingMailbox: null,
    },
  });
  return created.id;
}

test.describe('Zendesk', () => {
  test('the wizard lists the prerequisites to tick (keyboard), keeps them in the draft, and explains relay modes, the allowlist and the SPF exception', async ({ page }) => {
    await openView(page, 'connect');
    await page.getByRole('radio', { name: 'Zendesk (Authenticated SMTP Connector)' }).check();
    // One line until opened, with the count.
    const panel = page.getByTestId('platform-prerequisites');
    await expect(panel.locator('summary')).toHaveText('Before you start with Zendesk: 0 of 4 confirmed');
    await panel.locator('summary').focus();
    await page.keyboard.press('Enter');
    const prerequisites = page.getByRole('group', { name: 'Before you start with Zendesk' });
    await expect(prerequisites).toBeVisible();
    await expect(prerequisites.getByRole('checkbox')).toHaveCount(4);
    await expect(prerequisites).toContainText('0 of 4 confirmed');
    await expect(prerequisites).toContainText('CCs and followers');
    await expect(prerequisites).toContainText('not @yoursubdomain.zendesk.com');

    // Keyboard: Tab to the first box, Space ticks it.
    await pressUntilFocused(page, 'Tab', 'CCs and followers are turned on in your Zendesk account');
    expect(await focusedName(page)).toBe('CCs and followers are turned on in your Zendesk account');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await expect(prerequisites).toContainText('2 of 4 confirmed');

    await expect(page.getByTestId('relay-modes')).toContainText('Outbound-only authenticated relay');
    await expect(page.getByTestId('relay-modes')).toContainText('cannot reuse support addresses already connected with standard auto-forwarding');
    await expect(page.getByTestId('network-allowlist')).toContainText('https://yoursubdomain.zendesk.com/ips');
    await expect(page.getByTestId('relay-spf-skip')).toContainText('skip that check for the hop from Zendesk');
    await expectNoAxeViolations(page, 'wizard platform step with Zendesk prerequisites');

    // The ticks are in the draft: a reload restores them.
    await expect.poll(async () => (await callBridge<{ prerequisites: string[] } | null>(page, 'wizard:get-draft', {}))?.prerequisites).toEqual(['ccs-followers', 'own-address']);
    await page.reload();
    await openView(page, 'connect');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('platform-prerequisites').locator('summary')).toHaveText('Before you start with Zendesk: 2 of 4 confirmed');
    await page.getByTestId('platform-prerequisites').locator('summary').click();
    const restored = page.getByRole('group', { name: 'Before you start with Zendesk' });
    await expect(restored).toContainText('2 of 4 confirmed');
    await expect(restored.getByRole('checkbox', { name: 'CCs and followers are turned on in your Zendesk account' })).toBeChecked();
  });

  test('the Status view says where mail leaves meanwhile and links the Zendesk status page next to a failure', async ({ page }) => {
    await callBridge(page, 'settings:update', { patch: { dnsServers: [dns.address] } });
    const id = await createZendeskAddress(page, `support@${DOMAIN}`);
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, `#/status?address=${id}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of support@${DOMAIN}`);
    const verdict = page.getByTestId('status-verdict');
    await expect(verdict.getByTestId('fallback-sending')).toContainText('default address of your account or brand');
    await expect(verdict.getByTestId('fallback-sending')).toContainText("sent from Zendesk's own servers");

    await page.getByRole('button', { name: 'Re-check now' }).click();
    const dmarc = page.locator('article[data-item="dns:dmarc"]');
    await expect(dmarc).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
    const link = dmarc.getByRole('link', { name: 'Zendesk status page' });
    await expect(link).toHaveAttribute('href', 'https://status.zendesk.com');
    await expect(verdict.getByRole('link', { name: 'Zendesk status page' })).toBeVisible();
    await expectNoAxeViolations(page, 'status view of a failing Zendesk address');
  });

  test('the Addresses view makes the disconnect script from the export: addresses looked up by email, no token inside', async ({ page }) => {
    await createZendeskAddress(page, `help@${DOMAIN}`);
    // Created through the bridge: a reload shows it in the list.
    await page.reload();
    await openView(page, 'addresses');
    const section = page.getByTestId('disconnect-script-zendesk');
    await expect(section).toContainText('Disconnect Zendesk addresses in bulk');
    const download = page.waitForEvent('download');
    await section.getByRole('button', { name: 'Zendesk disconnect script (bash)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^zendesk-remove-addresses-zde2e-\d{4}-\d{2}-\d{2}\.sh$/u);
    const path = await file.path();
    const script = await readFile(path, 'utf8');
    expect(script).toContain("base_url='https://zde2e.zendesk.com'");
    expect(script).toContain(`  'help@${DOMAIN}'`);
    expect(script).toContain('/api/v2/recipient_addresses');
    expect(script).toContain('ZENDESK_API_TOKEN');
    await expect(section.getByTestId('disconnect-script-note')).toContainText('low-traffic time');
    await expectNoAxeViolations(page, 'addresses view with the Zendesk disconnect script');
  });
});
