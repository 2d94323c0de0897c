import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { openView } from './fixtures/views';

test.describe('settings', () => {
  test('settings are saved, survive a reload, and a bad DNS server is refused on its line', async ({ page }) => {
    await openView(page, 'settings');
    const form = page.getByRole('form', { name: 'Settings' });
    const dns = form.getByLabel('DNS servers');
    await expect(form.getByLabel('SMTP timeout (seconds)')).toHaveValue('30');

    await dns.fill('192.0.2.53\nnot a server');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(dns).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByText(/^Line 2: /u)).toBeVisible();

    await dns.fill('192.0.2.53\n198.51.100.7:5353');
    await form.getByLabel('SMTP timeout (seconds)').fill('45');
    await form.getByLabel('Secret rotation reminder (days)').fill('');
    await form.getByRole('radio', { name: 'Dark' }).check();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toContainText('Settings saved.');

    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
    await expect(dns).toHaveValue('192.0.2.53\n198.51.100.7:5353');
    await expect(form.getByLabel('SMTP timeout (seconds)')).toHaveValue('45');
    await expect(form.getByLabel('Secret rotation reminder (days)')).toHaveValue('');
    await expect(form.getByRole('radio', { name: 'Dark' })).toBeChecked();
    // The dark theme is applied to the whole window, not just remembered.
    const background = await page.locator('main').evaluate((el) => getComputedStyle(el.parentElement?.parentElement ?? el).backgroundColor);
    expect(background).not.toBe('rgb(255, 255, 255)');
  });

  test('at 320 px the form reflows without sideways scrolling: the two number fields stack, each as wide as the form', async ({ page }) => {
    await openView(page, 'settings');
    const form = page.getByRole('form', { name: 'Settings' });
    const timeout = form.getByLabel('SMTP timeout (seconds)');
    const reminder = form.getByLabel('Secret rotation reminder (days)');
    await expect(timeout).toBeVisible();
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    // Side by side where there is room.
    expect((await timeout.boundingBox())?.y).toBe((await reminder.boundingBox())?.y);
    await page.setViewportSize({ width: 320, height: 800 });
    await expect.poll(sideways, 'nothing wider than the window at 320 px').toBe(0);
    const [top, bottom] = [await timeout.boundingBox(), await reminder.boundingBox()];
    expect(bottom?.y ?? 0).toBeGreaterThan((top?.y ?? 0) + (top?.height ?? 0));
    expect((top?.x ?? 0) + (top?.width ?? 0)).toBeLessThanOrEqual(320);
    await expectNoAxeViolations(page, 'Settings at 320 px');
  });
});
