/**
 * The window's security settings, read back from the running Electron app (the
 * electron project; browser mode has its own checks in shell.spec.ts).
 */
import { expect, test } from './fixtures/app';

test.describe('Electron window security', () => {
  test('runs isolated and sandboxed, without Node, denies window.open and navigation, and carries a CSP', async ({ appSession }, testInfo) => {
    test.info().skip(testInfo.project.name !== 'electron', 'Electron-only: reads the BrowserWindow from the main process');
    const app = appSession.electronApp;
    expect(app).not.toBeNull();
    if (app === null) return;

    // getLastWebPreferences is not in Electron's typings but exists at runtime; when it
    // is gone, the behavioural checks below still cover isolation and Node access.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> | null };
      const p = contents.getLastWebPreferences?.() ?? null;
      return p === null ? null : { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity };
    });
    if (prefs !== null) expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    else console.log('getLastWebPreferences unavailable in this Electron: relying on behavioural checks');

    const page = appSession.page;
    expect(await page.evaluate(() => [typeof (globalThis as Record<string, unknown>).require, typeof (globalThis as Record<string, unknown>).process])).toEqual(['undefined', 'undefined']);
    expect(await page.evaluate(() => typeof (window as unknown as { relayproof?: { invoke?: unknown } }).relayproof?.invoke)).toBe('function');

    // window.open is denied: no second window appears.
    await page.evaluate(() => window.open('https://example.com/', '_blank'));
    await page.waitForTimeout(300);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    // Navigation away from the app is denied: the document stays the renderer.
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(300);
    expect(page.url().split('#')[0]).toBe(before.split('#')[0]);

    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
  });
});
