import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { focusedName, openView, pressUntilFocused, views } from './fixtures/views';
import { waitForRpcIdle } from './fixtures/rpc-idle';

test.describe('shell', () => {
  test('every view is reachable from the navigation with Tab and Enter alone', async ({ page }) => {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Addresses');
    // The first Tab lands on the skip link, which moves focus into the main landmark.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('main')).toBeFocused();

    for (const view of [...views.slice(1), views[0]]) {
      // From inside main, the navigation is behind us.
      await pressUntilFocused(page, 'Shift+Tab', view.nav);
      await page.keyboard.press('Enter');
      const heading = page.getByRole('heading', { level: 1 });
      await expect(heading).toHaveText(view.h1);
      await expect(heading).toHaveCount(1);
      await expect(heading).toBeFocused();
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view.nav, exact: true })).toHaveAttribute('aria-current', 'page');
      expect(page.url()).toContain(`#/${view.id}`);
    }
  });

  test('every view is built (no placeholder left), and a reload keeps the view', async ({ page }) => {
    for (const view of views) {
      await openView(page, view.id);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(view.h1);
      await expect(page.getByRole('main').getByText('Not available yet')).toHaveCount(0);
    }
    await openView(page, 'checklist');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Checklist');
    // A route may carry parameters after `?` (a Test button passes the address id); they survive a reload too.
    await page.evaluate(() => {
      window.location.hash = '#/connection-test?address=gone-address';
    });
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connection test');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connection test', exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByText('The address this test was opened for no longer exists.')).toBeVisible();
  });

  test('the connector platforms and provider presets are asked for once per page, however long it stays open (counted at the bridge)', async ({ page, appSession }) => {
    test.info().skip(appSession.mode !== 'browser', 'Counts the calls at the HTTP bridge, which only browser mode has');
    const calls = new Map<string, number>();
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (!pathname.startsWith('/rpc/')) return;
      const channel = decodeURIComponent(pathname.slice('/rpc/'.length));
      calls.set(channel, (calls.get(channel) ?? 0) + 1);
    });
    const lists = () => ({ platforms: calls.get('platforms:list') ?? 0, providers: calls.get('providers:list') ?? 0 });
    // The page's own clock, so that "an hour later" takes no hour.
    await page.clock.install();
    // Opened on Addresses: the entry asks for both lists before the app has loaded, and the view reads them.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Addresses');
    await waitForRpcIdle(page);
    expect(lists()).toEqual({ platforms: 1, providers: 1 });

    // An hour on, every view (the wizard, the checklist and the status read both lists), and the
    // window brought back to the front (queries refetch what is stale then).
    await page.clock.fastForward('01:00:00');
    for (const view of views) {
      await openView(page, view.id);
      await waitForRpcIdle(page);
    }
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
    await waitForRpcIdle(page);
    expect(lists()).toEqual({ platforms: 1, providers: 1 });
    // Lists that can change are still asked again once they are old: the addresses were.
    expect(calls.get('addresses:list') ?? 0).toBeGreaterThan(1);
  });

  test('About shows the mode and the keychain state', async ({ page, appSession }) => {
    await openView(page, 'about');
    const main = page.getByRole('main');
    const value = (term: string) => main.locator('dt', { hasText: new RegExp(`^${term}$`, 'u') }).locator('xpath=following-sibling::dd[1]');
    await expect(value('Mode')).toContainText(appSession.mode === 'browser' ? 'Browser mode' : 'Desktop app');
    await expect(value('Backend')).toHaveText('keytar');
    await expect(value('Status')).toHaveText(/^(Available|Keychain support not installed|No keychain service running|Locked|Error)$/u);
    await expect(value('Details')).not.toBeEmpty();
    await expect(value('Data directory')).toHaveText(appSession.dataDir);
  });

  test('axe finds no violations on any view or in the open dialogs', async ({ page }) => {
    for (const view of views) {
      await openView(page, view.id);
      await waitForRpcIdle(page);
      await expectNoAxeViolations(page, view.id);
    }
    await openView(page, 'addresses');
    await page.getByRole('button', { name: 'Add an address manually' }).click();
    await expect(page.getByRole('dialog', { name: 'Add an address manually' })).toBeVisible();
    await expectNoAxeViolations(page, 'the Add an address manually dialog');
    // A rejected form (errors shown inline) must stay accessible too.
    await page.getByRole('dialog').getByRole('button', { name: 'Add address' }).click();
    await expect(page.getByRole('dialog').getByText('Check the highlighted fields')).toBeVisible();
    await expectNoAxeViolations(page, 'the Add an address manually dialog with errors');
  });

  test('a focused link, button and text field show a solid outline of at least 2 px, in light and dark', async ({ page }) => {
    // The outline that draws the ring: a Fluent field draws it on its frame, not on the inner input.
    const ring = (target: Locator) =>
      target.evaluate((el) => {
        const drawn = el.closest('.fui-Input, .fui-Textarea, .fui-Select, .fui-SpinButton, .fui-Combobox') ?? el;
        const style = getComputedStyle(drawn);
        return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth), color: style.outlineColor, visible: el.matches(':focus-visible') };
      });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await openView(page, 'checklist');
      const form = page.getByRole('form', { name: 'Checklist' });
      // A Tab first puts the page in keyboard modality, so focus moved afterwards shows the ring as it does for a keyboard user.
      await page.keyboard.press('Tab');
      const targets: Array<[string, Locator]> = [
        ['link', page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Checklist', exact: true })],
        ['text field', form.getByLabel('Domain')],
        ['button', form.getByRole('button').first()],
      ];
      for (const [kind, target] of targets) {
        await target.focus();
        await expect(target).toBeFocused();
        const seen = await ring(target);
        expect(seen.visible, `${kind} (${scheme}) matches :focus-visible`).toBe(true);
        expect(seen.style, `${kind} (${scheme}) outline style`).toBe('solid');
        expect(seen.width, `${kind} (${scheme}) outline width`).toBeGreaterThanOrEqual(2);
        expect(seen.color, `${kind} (${scheme}) outline colour`).not.toMatch(/^(?:transparent|rgba\(0, 0, 0, 0\))$/u);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('the page carries a Content Security Policy and has no Node globals', async ({ page, appSession }) => {
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toContain("default-src 'self'");
    expect(meta).toContain("script-src 'self'");
    expect(meta).toContain("object-src 'none'");
    if (appSession.mode === 'browser') {
      const header = appSession.documentResponse?.headers()['content-security-policy'];
      expect(header).toContain("script-src 'self'");
      expect(header).not.toContain('unsafe-eval');
    }
    const globals = await page.evaluate(() => [typeof require, typeof process, typeof module]);
    expect(globals).toEqual(['undefined', 'undefined', 'undefined']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });
});
