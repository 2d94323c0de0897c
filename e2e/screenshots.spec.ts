import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { openView, views } from './fixtures/views';
import { waitForRpcIdle } from './fixtures/rpc-idle';

const screensDir = join(import.meta.dirname, 'artifacts', 'screens');

async function shoot(page: Page, name: string): Promise<void> {
  await waitForRpcIdle(page);
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/**
 * The README's pictures: the first screen (1280 x 800, what an admin sees on opening the
 * view) of the wizard, checklist, status and Microsoft 365 guide, in one theme. Named
 * `readme-<view>-<theme>.png`; `npm run screenshots` copies them into resources/screenshots.
 */
const readmeViews = ['connect', 'checklist', 'status', 'm365'] as const;

async function shootReadme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  for (const id of readmeViews) {
    await openView(page, id);
    await waitForRpcIdle(page);
    await page.screenshot({ path: join(screensDir, `readme-${id}-${theme}.png`), animations: 'disabled' });
  }
}

// Pictures for people reviewing the UI; one browser is enough.
test('screenshots of every view (browser project)', async ({ page, appSession }) => {
  test.info().skip(appSession.mode !== 'browser', 'Screenshots are taken in the browser project only');
  test.setTimeout(120_000);
  await mkdir(screensDir, { recursive: true });

  await openView(page, 'addresses');
  await shoot(page, 'addresses-empty');
  for (const [address, host, secret] of [
    ['support@contoso.example', 'smtp.office365.com', 'e2e-shot-secret-1'],
    ['billing@fabrikam.example', 'smtp.gmail.com', undefined],
  ] as const) {
    await page.getByRole('button', { name: 'Add an address manually' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an address manually' });
    await dialog.getByLabel('Email address').fill(address);
    await dialog.getByLabel('SMTP server').fill(host);
    await dialog.getByLabel('Username').fill(address);
    if (secret !== undefined) await dialog.getByLabel('Password').fill(secret);
    await dialog.getByRole('button', { name: 'Add address' }).click();
    await expect(dialog).toBeHidden();
  }

  for (const view of views) {
    await openView(page, view.id);
    await shoot(page, view.id);
  }
  await shootReadme(page, 'light');

  await openView(page, 'addresses');
  await page.getByRole('button', { name: 'Add an address manually' }).click();
  await shoot(page, 'addresses-create-dialog');
  const dialog = page.getByRole('dialog', { name: 'Add an address manually' });
  await dialog.getByLabel('Port').fill('70000');
  await dialog.getByRole('button', { name: 'Add address' }).click();
  await expect(dialog.getByText('Check the highlighted fields')).toBeVisible();
  await shoot(page, 'addresses-create-dialog-errors');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Delete billing@fabrikam.example' }).click();
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await shoot(page, 'addresses-delete-dialog');
  await page.keyboard.press('Escape');

  await page.emulateMedia({ colorScheme: 'dark' });
  await openView(page, 'addresses');
  await shoot(page, 'addresses-dark');
  await openView(page, 'settings');
  await shoot(page, 'settings-dark');
  await shootReadme(page, 'dark');
});

test.describe('banners', () => {
  test.use({
    seedFiles: { 'config.json': '{"schemaVersion": 1, "addresses": [' },
    appEnv: { DBUS_SESSION_BUS_ADDRESS: null, DISPLAY: null },
  });

  test('screenshot of the store notice and keychain banners (browser project)', async ({ page, appSession }) => {
    test.info().skip(appSession.mode !== 'browser', 'Screenshots are taken in the browser project only');
    await mkdir(screensDir, { recursive: true });
    await openView(page, 'addresses');
    await expect(page.getByRole('region', { name: 'Notices' })).toContainText('Secrets cannot be stored right now');
    await shoot(page, 'banners');
  });
});
