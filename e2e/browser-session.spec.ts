import { expect, test } from './fixtures/app';
import { openView } from './fixtures/views';

/**
 * Browser mode keeps the token out of cookies and out of the address bar: the page the
 * bridge served for the printed link hands it to sessionStorage, so a reload of `/`
 * keeps working in that tab and nowhere else.
 */
test.describe('browser-mode session', () => {
  test('the token leaves the address bar, no cookie is set, and after a reload calls still work', async ({ page, appSession }) => {
    test.info().skip(appSession.mode !== 'browser', 'browser mode only: Electron loads the page from disk with no token at all');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Addresses');
    expect(appSession.documentResponse?.headers()['set-cookie']).toBeUndefined();
    const address = new URL(page.url());
    expect(address.pathname).toBe('/');
    expect(address.search).toBe('');
    expect(await page.context().cookies()).toEqual([]);

    await openView(page, 'settings');
    const reload = await page.reload();
    // The reloaded `/` carries no token: the page found it in this tab's sessionStorage.
    expect(await reload?.text()).not.toContain('relayproof-token');
    expect(reload?.headers()['set-cookie']).toBeUndefined();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');

    const form = page.getByRole('form', { name: 'Settings' });
    await form.getByLabel('SMTP timeout (seconds)').fill('41');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toContainText('Settings saved.');
    await page.reload();
    await expect(form.getByLabel('SMTP timeout (seconds)')).toHaveValue('41');
    expect(await page.context().cookies()).toEqual([]);
  });

  test('a new tab on / without the printed link says how to get in', async ({ page, appSession }) => {
    test.info().skip(appSession.mode !== 'browser', 'browser mode only');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Addresses');
    const other = await page.context().newPage();
    const response = await other.goto(new URL('/', page.url()).href);
    expect(response?.status()).toBe(200);
    expect(await response?.text()).not.toContain('relayproof-token');
    await expect(other.getByText('Open the link printed by `relayproof serve`').first()).toBeVisible();
    await other.close();
  });
});
