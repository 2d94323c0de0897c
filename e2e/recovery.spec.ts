import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { readAllFiles } from './fixtures/evidence';
import { openView } from './fixtures/views';

test.describe('a damaged settings file', () => {
  test.use({ seedFiles: { 'config.json': '{"schemaVersion": 1, "addresses": [' } });

  test('is reported on every view with where the old file was kept, until dismissed', async ({ page }) => {
    const notices = page.getByRole('region', { name: 'Notices' });
    await expect(notices).toContainText('The settings file was damaged');
    await expect(notices).toContainText('corrupt');
    await openView(page, 'about');
    await expect(notices).toContainText('The settings file was damaged');
    await expectNoAxeViolations(page, 'the About view with a store notice');
    await notices.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByRole('region', { name: 'Notices' })).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('About Relayproof');
    await expect(page.getByRole('region', { name: 'Notices' })).toHaveCount(0);
  });
});

test.describe('without an OS keychain', () => {
  // No session bus: the Secret Service cannot be reached, as on a bare server.
  test.use({ appEnv: { DBUS_SESSION_BUS_ADDRESS: null, DISPLAY: null } });

  test('says so with the fix, and a secret is refused instead of written anywhere else', async ({ page, appSession }) => {
    const notices = page.getByRole('region', { name: 'Notices' });
    await expect(notices).toContainText('Secrets cannot be stored right now');
    await expect(notices).toContainText('To fix it:');
    await expectNoAxeViolations(page, 'the keychain banner');

    await openView(page, 'addresses');
    await page.getByRole('button', { name: 'Add an address manually' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an address manually' });
    await dialog.getByLabel('Email address').fill('nokeychain@example.com');
    await dialog.getByLabel('SMTP server').fill('smtp.example.com');
    await dialog.getByLabel('Username').fill('nokeychain@example.com');
    await dialog.getByLabel('Password').fill('never-stored-in-a-file');
    await dialog.getByRole('button', { name: 'Add address' }).click();
    await expect(dialog.getByText('Not saved')).toBeVisible();
    await expect(dialog.getByLabel('Password')).toHaveValue('');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    for (const file of await readAllFiles(appSession.dataDir)) {
      expect(file.content.includes('never-stored-in-a-file'), `${file.path} does not contain the secret`).toBe(false);
    }

    await openView(page, 'about');
    const status = page.getByRole('main').locator('dt', { hasText: /^Status$/u }).locator('xpath=following-sibling::dd[1]');
    await expect(status).not.toHaveText('Available');
  });
});
