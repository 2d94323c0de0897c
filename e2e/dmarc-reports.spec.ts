/**
 * The DMARC reports view of an address, reached from its Status view: the report messages
 * of three reporters sit in a real Dovecot mailbox on 127.0.0.1 (the address's saved
 * mailbox); the admin reads them with the keyboard and sees the totals, the sources with
 * the relay marked, and the reports. Checked with axe before and after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Page } from '@playwright/test';
import { reportFile, reportMessage, type FixtureReport } from '../src-main/testing/dmarc-report-fixtures';
import { dovecotUnavailable, startDovecot, type DovecotServer } from '../src-main/testing/dovecot-server';
import { createTestPki, type TestPki } from '../src-main/testing/tls-certs';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, openView } from './fixtures/views';

const SUPPORT = 'support@company.test';
const RUA = 'dmarc@company.test';
const BEGIN = 1_793_577_600;
const DAY = 86_400;
const unavailable: string | null = dovecotUnavailable();
const password = `rp-rua-${randomBytes(10).toString('hex')}`;
let pki: TestPki | null = null;
let dovecot: DovecotServer | null = null;
let caDir = '';
let caFile = '';

const reports: FixtureReport[] = [
  { style: 'google', domain: 'company.test', reportId: 'g-e2e', begin: BEGIN, end: BEGIN + 7 * DAY, rows: [{ ip: '192.0.2.10', count: 700, dkim: 'pass', spf: 'pass' }, { ip: '198.51.100.7', count: 12, dkim: 'fail', spf: 'fail' }] },
  { style: 'microsoft', domain: 'company.test', reportId: 'm-e2e', begin: BEGIN + 7 * DAY, end: BEGIN + 14 * DAY, rows: [{ ip: '192.0.2.10', count: 400, dkim: 'pass', spf: 'fail' }] },
  { style: 'yahoo', domain: 'company.test', reportId: 'y-e2e', begin: BEGIN + 2 * DAY, end: BEGIN + 9 * DAY, rows: [{ ip: '192.0.2.10', count: 128, dkim: 'fail', spf: 'pass' }] },
];

test.beforeAll(async () => {
  caDir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-reports-'));
  caFile = join(caDir, 'test-ca.pem');
  if (unavailable !== null) return;
  pki = createTestPki();
  await writeFile(caFile, pki.ca, 'utf8');
  try {
    dovecot = await startDovecot({ certificate: pki.leaf, users: [{ username: RUA, password }] });
  } catch (error) {
    throw new Error(`Dovecot is installed but did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapsPort, secure: true, auth: { user: RUA, pass: password }, logger: false, tls: { ca: [pki.ca] } });
  await client.connect();
  for (const r of reports) await client.append('INBOX', reportMessage(reportFile(r), { domain: 'company.test', subjectId: r.reportId }));
  await client.logout();
});

test.afterAll(async () => {
  await dovecot?.close();
  pki?.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

test.use({
  // eslint-disable-next-line no-empty-pattern
  appEnv: async ({}, use) => {
    await use({ NODE_EXTRA_CA_CERTS: caFile });
  },
});

async function requireMailbox(page: Page): Promise<DovecotServer> {
  test.info().skip(unavailable !== null, unavailable ?? '');
  const info = await callBridge<{ keychain: { status: string; message?: string } }>(page, 'app:get-info', {});
  test.info().skip(info.keychain.status !== 'available', `No OS keychain to store the mailbox password: ${info.keychain.message ?? info.keychain.status}`);
  if (dovecot === null) throw new Error('Dovecot did not start');
  return dovecot;
}

test('the DMARC reports view: reached from Status, reads the mailbox with the keyboard, shows totals and sources with the relay marked', async ({ page }) => {
  test.setTimeout(90_000);
  const mailbox = await requireMailbox(page);
  const { id } = await callBridge<{ id: string }>(page, 'addresses:create', {
    fields: { address: SUPPORT, platform: 'generic', environment: 'production', provider: 'custom', host: '192.0.2.10', port: 587, security: 'starttls', username: SUPPORT, authKind: 'password' },
    secret: `rp-smtp-${randomBytes(6).toString('hex')}`,
  });
  await callBridge(page, 'verification:set-mailbox', { addressId: id, mailbox: { host: '127.0.0.1', port: mailbox.imapsPort, security: 'tls', username: RUA }, secret: password });

  await openView(page, 'status');
  await page.locator(`tr[data-address-id="${id}"]`).getByRole('link', { name: SUPPORT }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${SUPPORT}`);
  await page.getByRole('link', { name: 'DMARC reports' }).click();
  const title = page.getByRole('heading', { level: 1 });
  await expect(title).toHaveText(`DMARC reports of ${SUPPORT}`);
  await expect(title).toBeFocused();
  await expectNoAxeViolations(page, 'the DMARC reports view before reading');

  // Keyboard only: Tab to the button (past the folder field and the checkbox), Enter.
  const button = page.getByRole('button', { name: 'Read reports from the mailbox' });
  await page.getByLabel('Folder').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('checkbox', { name: /reverse name/u })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(button).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(page.getByRole('status')).toContainText('Read 3 DMARC and 0 TLS reports from 3 report messages in INBOX.');
  const totals = page.getByTestId('reports-totals');
  await expect(totals).toContainText('1,240');
  await expect(totals).toContainText('1,228 (99 %)');
  await expect(totals).toContainText('14 days');
  const sources = page.getByTestId('reports-sources');
  await expect(sources.locator('tbody tr')).toHaveCount(2);
  await expect(sources.locator('tbody tr').first()).toContainText('192.0.2.10');
  await expect(sources.locator('tbody tr').first()).toContainText('Your relay');
  await expect(sources.locator('tbody tr').nth(1)).toContainText('Another sender');
  await expect(page.getByTestId('reports-list').locator('tbody tr')).toHaveCount(3);
  await expectNoAxeViolations(page, 'the DMARC reports view with reports');
  await expect(page.locator('body')).not.toContainText(password);

  // Back to the address's status, by its link.
  await page.getByRole('link', { name: 'Back to the status of this address' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${SUPPORT}`);
});

test('the title naming the address stays on one line at 1280 px, and the view reflows without sideways scrolling at 320 px', async ({ page }) => {
  // No mailbox is needed: the view's header and its empty state.
  const address = 'support@contoso.example';
  const { id } = await callBridge<{ id: string }>(page, 'addresses:create', {
    fields: { address, platform: 'generic', environment: 'production', provider: 'custom', host: '192.0.2.10', port: 587, security: 'starttls', username: address, authKind: 'password' },
  });
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, `#/status?address=${id}&reports=1`);
  const title = page.getByRole('heading', { level: 1 });
  await expect(title).toHaveText(`DMARC reports of ${address}`);
  await expect(page.getByRole('heading', { name: 'Read the reports' })).toBeVisible();
  const layout = () =>
    title.evaluate((h1) => {
      const range = document.createRange();
      range.selectNodeContents(h1);
      return {
        lines: new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size,
        titleRight: h1.getBoundingClientRect().right,
        sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
  // 1280 px (the config's viewport): the room is there, so no wrap.
  expect((await layout()).lines).toBe(1);
  await page.setViewportSize({ width: 320, height: 800 });
  const narrow = await layout();
  expect(narrow.sideways, 'nothing wider than the window at 320 px').toBe(0);
  expect(narrow.titleRight).toBeLessThanOrEqual(320);
  expect(narrow.lines).toBeGreaterThan(1);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expectNoAxeViolations(page, 'the DMARC reports view at 320 px');
});
