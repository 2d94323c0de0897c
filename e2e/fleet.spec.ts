import { randomBytes } from 'node:crypto';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, openView } from './fixtures/views';

/** Three addresses of a domain of this test's own on one server (nothing listens there: the re-check fails fast). */
async function fleetOf(page: import('@playwright/test').Page): Promise<{ domain: string; addresses: string[] }> {
  const domain = `fleet-${randomBytes(4).toString('hex')}.example`;
  const addresses = ['alpha', 'bravo', 'charlie'].map((local) => `${local}@${domain}`);
  for (const address of addresses) {
    await callBridge(page, 'addresses:create', {
      fields: { address, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: 1, security: 'starttls', username: address, authKind: 'password', selectors: [] },
    });
  }
  return { domain, addresses };
}

test.describe('fleet dashboard', () => {
  test('counts by state, addresses per server, a sortable and filterable table, re-check selected with progress; keyboard and axe', async ({ page }) => {
    await openView(page, 'addresses');
    const { domain, addresses } = await fleetOf(page);
    await page.reload();
    const fleet = page.getByRole('region', { name: 'All addresses' });
    await expect(fleet.getByRole('list', { name: 'Addresses by state' })).toContainText('never checked');
    await expect(fleet.getByRole('list', { name: 'Addresses per mail server' })).toContainText('127.0.0.1:1:');

    // The table is folded until asked for, and opened from the keyboard.
    const toggle = fleet.getByRole('button', { name: 'Sort, filter and select addresses' });
    // Folded means nothing of it on the page: no filter bar, no second row per address.
    await expect(fleet.getByLabel('Filter addresses')).toHaveCount(0);
    await expect(fleet.getByRole('table', { name: 'Every address' })).toHaveCount(0);
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(fleet.getByRole('button', { name: 'Hide the fleet table' })).toHaveAttribute('aria-expanded', 'true');
    const table = fleet.getByRole('table', { name: 'Every address' });
    await fleet.getByLabel('Filter addresses').fill(domain);
    await expect(table.getByRole('row')).toHaveCount(1 + addresses.length);

    // Sorting by address, then the other way, from the keyboard.
    const header = table.getByRole('columnheader', { name: 'Address', exact: true });
    await header.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    await expect(table.getByRole('rowheader').first()).toHaveText(addresses[0] ?? '');
    await page.keyboard.press('Enter');
    await expect(header).toHaveAttribute('aria-sort', 'descending');
    await expect(table.getByRole('rowheader').first()).toHaveText(addresses[2] ?? '');

    await expectNoAxeViolations(page, 'fleet dashboard with its table open');

    // Re-check the one selected address: progress, then what happened, said in the live region.
    await table.getByRole('checkbox', { name: `Select ${addresses[1] ?? ''}` }).check();
    await fleet.getByRole('button', { name: 'Re-check selected (1)' }).click();
    await expect(fleet.getByText('Re-checked 1 of 1 addresses')).toBeVisible({ timeout: 60_000 });
    await expect(table.getByRole('row').filter({ hasText: addresses[1] ?? '' })).not.toContainText('never');

    // Export selected writes the rows shown, without any secret.
    const [download] = await Promise.all([page.waitForEvent('download'), fleet.getByRole('button', { name: 'Export selected' }).click()]);
    expect(download.suggestedFilename()).toBe('relayproof-fleet.json');
  });

  test('one new secret for every address on one server: each is tried, and each says what happened to it', async ({ page }) => {
    await openView(page, 'addresses');
    const { addresses } = await fleetOf(page);
    await page.reload();
    const fleet = page.getByRole('region', { name: 'All addresses' });
    await fleet.getByRole('button', { name: 'Sort, filter and select addresses' }).click();
    const rotation = fleet.getByRole('region', { name: 'New secret for every address on one server' });
    const select = rotation.getByLabel('Mail server');
    const option = (await select.locator('option', { hasText: '127.0.0.1:1 (' }).first().textContent()) ?? '';
    await select.selectOption({ label: option });
    await rotation.getByLabel('New secret').fill('rp-e2e-new-shared-secret');
    await rotation.getByRole('button', { name: /^Rotate \d+ address/u }).click();
    const perRow = rotation.getByRole('list', { name: 'Rotation per address' });
    // Nothing listens on port 1: no address took the new secret, and each one says so.
    for (const address of addresses) await expect(perRow).toContainText(`${address}: kept the old secret`, { timeout: 60_000 });
    await expect(rotation.getByLabel('New secret')).toHaveValue('');
    await expectNoAxeViolations(page, 'fleet rotation results');
  });
});
