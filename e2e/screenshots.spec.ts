import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { openView, views } from './fixtures/views';
import { waitForRpcIdle } from './fixtures/rpc-idle';
import AxeBuilder from '@axe-core/playwright';

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

/** Text that must never reach the screen: template placeholders, JavaScript leftovers, internal item ids. */
const LEAKS = [/\{\{/u, /\{subdomain\}/u, /\bundefined\b/u, /\bNaN\b/u, /\[object Object\]/u, /\bdns:(dkim|spf|dmarc):?/u, /\bconnection-auth\b/u, /\bemail-received\b/u];

interface Review {
  readonly view: string;
  readonly theme: 'light' | 'dark';
  readonly axe: readonly string[];
  readonly overflowPx: number;
  readonly leaks: readonly string[];
}

/** The machine half of e2e/screenshot-review.md for the view on screen. */
async function review(page: Page, view: string, theme: 'light' | 'dark'): Promise<Review> {
  await page.evaluate(() => Promise.race([Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))), new Promise((r) => setTimeout(r, 2_000))]));
  const axe = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
  const overflowPx = await page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));
  const text = await page.locator('body').innerText();
  return {
    view,
    theme,
    axe: axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    overflowPx,
    leaks: LEAKS.filter((re) => re.test(text)).map((re) => (re.exec(text)?.[0] ?? re.source)),
  };
}

async function writeReview(reviews: readonly Review[]): Promise<void> {
  const template = await readFile(join(import.meta.dirname, 'screenshot-review.md'), 'utf8');
  const human = template.slice(template.indexOf('## Human checks'));
  const rows = reviews.map((r) => `| ${r.view} | ${r.theme} | ${r.axe.length === 0 ? 'pass' : `FAIL: ${r.axe.join('; ')}`} | ${r.overflowPx === 0 ? 'pass' : `FAIL: ${r.overflowPx} px wider`} | ${r.leaks.length === 0 ? 'pass' : `FAIL: ${r.leaks.join(', ')}`} | \`${r.view}${r.theme === 'dark' ? '-dark' : ''}.png\` |`);
  const views = [...new Set(reviews.map((r) => r.view))];
  const body = [
    '# Screenshot review (filled by e2e/screenshots.spec.ts)',
    '',
    '## Machine checks',
    '',
    '| View | Theme | axe | No horizontal scroll | No template or internal text | Picture |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    ...views.flatMap((v) => [`${human.replace('## Human checks (per view)', `## Human checks: ${v}`)}`]),
  ].join('\n');
  await writeFile(join(screensDir, 'review.md'), body);
}

// Pictures for people reviewing the UI; one browser is enough.
test('screenshots of every view (browser project)', async ({ page, appSession }) => {
  test.info().skip(appSession.mode !== 'browser', 'Screenshots are taken in the browser project only');
  test.setTimeout(300_000);
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

  const reviews: Review[] = [];
  for (const view of views) {
    await openView(page, view.id);
    await shoot(page, view.id);
    reviews.push(await review(page, view.id, 'light'));
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
  for (const view of views) {
    await openView(page, view.id);
    await shoot(page, `${view.id}-dark`);
    reviews.push(await review(page, view.id, 'dark'));
  }
  await shootReadme(page, 'dark');
  // e2e/screenshot-review.md, filled: the machine checks must pass; the human ones are boxes to tick.
  await writeReview(reviews);
  expect(reviews.filter((r) => r.axe.length > 0 || r.overflowPx > 0 || r.leaks.length > 0)).toEqual([]);
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
