import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { reportFile, reportMessage, type FixtureReport } from '../src-main/testing/dmarc-report-fixtures';
import { dovecotUnavailable, startDovecot, type DovecotServer } from '../src-main/testing/dovecot-server';
import { createTestPki, type TestPki } from '../src-main/testing/tls-certs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { callBridge, openView, views } from './fixtures/views';
import { startTestDnsServer, type TestDnsServer } from '../src-main/testing/dns-test-server';
import { rr } from '../src-main/testing/dns-zone';
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

/** A Zuora (Amazon SES) domain identity with its three CNAMEs published in the test DNS (its Status view checks them on opening). */
const SES_DOMAIN = 'ses-shots.example';
const SES_TOKENS = ['shottoken1aaaaaaaaaaaaaaaaaaaaa1', 'shottoken2bbbbbbbbbbbbbbbbbbbbb2', 'shottoken3ccccccccccccccccccccc3'];

/** Views reached from another view, not from the navigation: their hash route and title. */
interface SubView {
  readonly id: string;
  readonly hash: string;
  readonly h1: string;
}

async function openSubView(page: Page, view: SubView): Promise<void> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, view.hash);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(view.h1);
}

/**
 * The DMARC reports view with reports read: three reporters' messages in a real Dovecot
 * mailbox on 127.0.0.1, its CA given to the app as a workstation would (NODE_EXTRA_CA_CERTS).
 * Without Dovecot, only the view's empty state is taken.
 */
const RUA_ADDRESS = 'support@company.test';
const RUA_MAILBOX = 'dmarc@company.test';
const RUA_PASSWORD = `rp-shots-${randomBytes(8).toString('hex')}`;
const BEGIN = 1_793_577_600;
const DAY = 86_400;
const dmarcReports: FixtureReport[] = [
  { style: 'google', domain: 'company.test', reportId: 'g-shots', begin: BEGIN, end: BEGIN + 7 * DAY, rows: [{ ip: '192.0.2.10', count: 700, dkim: 'pass', spf: 'pass' }, { ip: '198.51.100.7', count: 12, dkim: 'fail', spf: 'fail' }] },
  { style: 'microsoft', domain: 'company.test', reportId: 'm-shots', begin: BEGIN + 7 * DAY, end: BEGIN + 14 * DAY, rows: [{ ip: '192.0.2.10', count: 400, dkim: 'pass', spf: 'fail' }] },
  { style: 'yahoo', domain: 'company.test', reportId: 'y-shots', begin: BEGIN + 2 * DAY, end: BEGIN + 9 * DAY, rows: [{ ip: '192.0.2.10', count: 128, dkim: 'fail', spf: 'pass' }] },
];
let pki: TestPki | null = null;
let dovecot: DovecotServer | null = null;
let caDir = '';
let caFile = '';

test.use({
  // eslint-disable-next-line no-empty-pattern
  appEnv: async ({}, use) => {
    await use({ NODE_EXTRA_CA_CERTS: caFile });
  },
});

let dns: TestDnsServer;
test.beforeAll(async () => {
  caDir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-shots-'));
  caFile = join(caDir, 'test-ca.pem');
  if (dovecotUnavailable() === null) {
    pki = createTestPki();
    await writeFile(caFile, pki.ca, 'utf8');
    dovecot = await startDovecot({ certificate: pki.leaf, users: [{ username: RUA_MAILBOX, password: RUA_PASSWORD }] });
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapsPort, secure: true, auth: { user: RUA_MAILBOX, pass: RUA_PASSWORD }, logger: false, tls: { ca: [pki.ca] } });
    await client.connect();
    for (const r of dmarcReports) await client.append('INBOX', reportMessage(reportFile(r), { domain: 'company.test', subjectId: r.reportId }));
    await client.logout();
  }
  dns = await startTestDnsServer({
    zones: [
      {
        origin: SES_DOMAIN,
        records: [
          rr.ns(SES_DOMAIN, `ns1.${SES_DOMAIN}`),
          rr.a(`ns1.${SES_DOMAIN}`, '127.0.0.1'),
          rr.txt(SES_DOMAIN, 'v=spf1 include:amazonses.com ~all'),
          ...SES_TOKENS.map((t) => rr.cname(`${t}._domainkey.${SES_DOMAIN}`, `${t}.dkim.amazonses.com`)),
        ],
      },
    ],
  });
});
test.afterAll(async () => {
  await dns.close();
  await dovecot?.close();
  pki?.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

// Pictures for people reviewing the UI; one browser is enough.
test('screenshots of every view (browser project)', async ({ page, appSession }) => {
  test.info().skip(appSession.mode !== 'browser', 'Screenshots are taken in the browser project only');
  test.setTimeout(300_000);
  await mkdir(screensDir, { recursive: true });
  // Every DNS question goes to the test server on 127.0.0.1, never to the network.
  await callBridge(page, 'settings:update', { patch: { dnsServers: [dns.address] } });

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

  const identity = await callBridge<{ id: string }>(page, 'ses-identities:create', {
    fields: { kind: 'domain', value: SES_DOMAIN, environment: 'production', dkimTokens: SES_TOKENS, eligibilityConfirmed: true },
  });
  const listed = await callBridge<Array<{ id: string; address: string }>>(page, 'addresses:list', {});
  const support = listed.find((a) => a.address === 'support@contoso.example');
  if (support === undefined) throw new Error('support@contoso.example was not saved');
  const subViews: SubView[] = [
    { id: 'identity-status', hash: `#/status?identity=${identity.id}`, h1: `Status of ${SES_DOMAIN}` },
    { id: 'dmarc-reports', hash: `#/status?address=${support.id}&reports=1`, h1: 'DMARC reports of support@contoso.example' },
  ];
  if (dovecot !== null) {
    const { id } = await callBridge<{ id: string }>(page, 'addresses:create', {
      fields: { address: RUA_ADDRESS, platform: 'generic', environment: 'production', provider: 'custom', host: '192.0.2.10', port: 587, security: 'starttls', username: RUA_ADDRESS, authKind: 'password' },
      secret: `rp-smtp-${randomBytes(6).toString('hex')}`,
    });
    await callBridge(page, 'verification:set-mailbox', { addressId: id, mailbox: { host: '127.0.0.1', port: dovecot.imapsPort, security: 'tls', username: RUA_MAILBOX }, secret: RUA_PASSWORD });
    const read: SubView = { id: 'dmarc-reports-read', hash: `#/status?address=${id}&reports=1`, h1: `DMARC reports of ${RUA_ADDRESS}` };
    await openSubView(page, read);
    await page.getByRole('button', { name: 'Read reports from the mailbox' }).click();
    await expect(page.getByRole('status')).toContainText('Read 3 DMARC and 0 TLS reports');
    subViews.push(read);
  }

  const reviews: Review[] = [];
  for (const view of views) {
    await openView(page, view.id);
    await shoot(page, view.id);
    reviews.push(await review(page, view.id, 'light'));
  }
  for (const view of subViews) {
    await openSubView(page, view);
    await shoot(page, view.id);
    reviews.push(await review(page, view.id, 'light'));
  }
  // Seen in these pictures: the advice's deadline in the page's own time format, and simulator addresses not broken mid-name.
  await openSubView(page, subViews[0] ?? { id: '', hash: '', h1: '' });
  await expect(page.getByTestId('ses-advice').locator('time')).toHaveCount(1);
  await expect(page.getByTestId('ses-advice')).not.toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/u);
  const simulatorLines = await page.locator('[data-simulator="success@simulator.amazonses.com"] span > span').first().evaluate((el) => el.getClientRects().length);
  expect(simulatorLines).toBe(1);
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
  for (const view of subViews) {
    await openSubView(page, view);
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
