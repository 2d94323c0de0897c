/**
 * Zuora advanced SMTP (Amazon SES) identities end to end, through the real bridge and a
 * real DNS server (dns2 on 127.0.0.1) that Settings points at: the wizard asks for no
 * credentials, shows the CNAMEs of the chosen environment's verification group, refuses
 * what Zuora refuses in Zuora's words, and the identity's status goes from Pending to
 * DNS-ready and Success as the three CNAMEs appear. axe after every step, light and dark.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { TestDnsServer } from '../src-main/testing/dns-test-server';
import { startTestDnsServer } from '../src-main/testing/dns-test-server';
import { rr, type Zone } from '../src-main/testing/dns-zone';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, focusedName, openView, pressUntilFocused } from './fixtures/views';

const DOMAIN = 'ses-example.com';
const PLATFORM = 'Zuora (Advanced SMTP server, Amazon SES)';
// Production and API Sandbox share one set; Developer and Central Sandbox get their own tokens from Zuora.
const PROD_TOKENS = ['prodtoken1aaaaaaaaaaaaaaaaaaaaaa1', 'prodtoken2bbbbbbbbbbbbbbbbbbbbbb2', 'prodtoken3cccccccccccccccccccccc3'];
const DEV_TOKENS = ['devtoken1dddddddddddddddddddddddd1', 'devtoken2eeeeeeeeeeeeeeeeeeeeeeee2', 'devtoken3ffffffffffffffffffffffff3'];

const screensDir = join(import.meta.dirname, 'artifacts', 'screens');

let dns: TestDnsServer;

function zone(withCnames: boolean): Zone[] {
  return [
    {
      origin: DOMAIN,
      records: [
        rr.ns(DOMAIN, `ns1.${DOMAIN}`),
        rr.a(`ns1.${DOMAIN}`, '127.0.0.1'),
        rr.txt(DOMAIN, 'v=spf1 mx include:amazonses.com ~all'),
        rr.txt(`_dmarc.${DOMAIN}`, `v=DMARC1; p=none; rua=mailto:dmarc@${DOMAIN}`),
        ...(withCnames ? PROD_TOKENS.map((t) => rr.cname(`${t}._domainkey.${DOMAIN}`, `${t}.dkim.amazonses.com`)) : []),
      ],
    },
  ];
}

test.beforeAll(async () => {
  dns = await startTestDnsServer({ zones: zone(false) });
  await mkdir(screensDir, { recursive: true });
});

test.afterAll(async () => {
  await dns.close();
});

async function useTestDns(page: Page): Promise<void> {
  await callBridge(page, 'settings:update', { patch: { dnsServers: [dns.address] } });
}

function heading(page: Page) {
  return page.locator('#wizard-step-title');
}

async function expectStep(page: Page, n: number, title: string): Promise<void> {
  await expect(heading(page)).toContainText(`Step ${n} of 5`);
  await expect(heading(page)).toContainText(title);
  await expect(heading(page)).toBeFocused();
}

async function next(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
}

/** axe in the light and the dark theme, and a screenshot for the review (e2e/artifacts/screens). */
async function audit(page: Page, name: string): Promise<void> {
  await expectNoAxeViolations(page, `${name} (light)`);
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page, `${name} (dark)`);
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Nothing in the wizard asks for a server, a port, a username, a password or a connection test, and no step is one. */
async function expectNoCredentials(page: Page): Promise<void> {
  await expect(page.locator('input[type="password"]')).toHaveCount(0);
  for (const name of [/SMTP server/iu, /^Port/u, /^Username/u, /password/iu]) await expect(page.getByRole('textbox', { name })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Run test/u })).toHaveCount(0);
  const steps = page.getByRole('list', { name: 'Setup steps' });
  await expect(steps).not.toContainText('Mail service');
  await expect(steps).not.toContainText('Connection test');
}

/** Step 1's platform choice with the keyboard: Tab into the radio group, arrows to the platform (a radio group is one tab stop). */
async function choosePlatformByKeyboard(page: Page): Promise<void> {
  for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement instanceof HTMLInputElement && document.activeElement.type === 'radio')); i++) await page.keyboard.press('Tab');
  for (let i = 0; i < 8 && (await focusedName(page)) !== PLATFORM; i++) await page.keyboard.press('ArrowDown');
  expect(await focusedName(page)).toBe(PLATFORM);
  await page.keyboard.press('Space');
}

function seedIdentity(page: Page, fields: Record<string, unknown>) {
  return callBridge<{ id: string }>(page, 'ses-identities:create', { fields: { eligibilityConfirmed: true, dkimTokens: [], ...fields } });
}

test.describe('Zuora advanced SMTP identities', () => {
  test.beforeEach(async ({ page }) => {
    await useTestDns(page);
    await openView(page, 'connect');
  });

  test('the wizard asks for no credentials, shows the developer sandbox its own CNAMEs (not production\'s), says what is covered, with axe on every step', async ({ page }) => {
    test.setTimeout(180_000);
    // Production already has the domain with its own three tokens, before the wizard starts
    // (reloaded: a change made while the page was still connecting its event stream could
    // reach it only with the list's next refetch).
    await seedIdentity(page, { kind: 'domain', value: DOMAIN, environment: 'production', dkimTokens: PROD_TOKENS });
    await page.reload();
    await openView(page, 'connect');

    await page.getByRole('radio', { name: PLATFORM }).check();
    await expect(page.getByTestId('ses-no-credentials')).toBeVisible();
    await expect(page.getByRole('radiogroup', { name: /Environment/u })).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Setup steps' }).getByRole('listitem')).toHaveText(['1. Platform', '2. Identity', '3. DKIM tokens', '4. DNS records', '5. Summary']);
    await expectNoCredentials(page);
    await audit(page, 'ses-1-platform');
    await next(page);

    await expectStep(page, 2, 'Identity');
    await expectNoCredentials(page);
    await expect(page.getByTestId('ses-limits')).toContainText('at most one domain identity and up to three email identities');
    await expect(page.getByText(/Production and API Sandbox share verifications; Developer Sandbox and Central Sandbox need their own 3 CNAMEs/u)).toBeVisible();
    // Next with nothing chosen says what is missing, on each field.
    await next(page);
    await expect(page.getByText('Choose an email identity (one address) or a domain identity (the domain and its subdomains).')).toBeVisible();
    await expect(page.getByText(/Confirm that an active Zuora user has a work email on this domain/u)).toBeVisible();
    await audit(page, 'ses-2-identity-refused');
    await page.getByRole('radio', { name: 'Domain identity' }).check();
    await page.getByRole('textbox', { name: /^Domain/u }).fill(`billing@${DOMAIN}`);
    await page.getByRole('radio', { name: 'Developer Sandbox' }).check();
    await page.getByRole('checkbox', { name: 'An active Zuora user has a work email on this domain' }).check();
    await audit(page, 'ses-2-identity');
    await next(page);

    await expectStep(page, 3, 'DKIM tokens');
    await expectNoCredentials(page);
    await next(page);
    await expect(page.getByText(/token 1 is empty/u)).toBeVisible();
    // Paste-friendly: the whole table Zuora shows, pasted into the first field, fills all three.
    const table = DEV_TOKENS.map((t) => `${t}._domainkey.${DOMAIN}\tCNAME\t${t}.dkim.amazonses.com`).join('\n');
    await page.getByRole('textbox', { name: /^DKIM token 1/u }).focus();
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, table);
    for (const [i, t] of DEV_TOKENS.entries()) await expect(page.getByRole('textbox', { name: new RegExp(`^DKIM token ${i + 1}`, 'u') })).toHaveValue(t);
    await audit(page, 'ses-3-tokens');
    await next(page);

    await expectStep(page, 4, 'DNS records');
    const records = page.getByRole('table', { name: `Records to publish for ${DOMAIN} (Developer Sandbox and Central Sandbox)` });
    await expect(records.locator('[data-cname-name]')).toHaveText(DEV_TOKENS.map((t) => `${t}._domainkey.${DOMAIN}`));
    await expect(records.locator('[data-cname-target]')).toHaveText(DEV_TOKENS.map((t) => `${t}.dkim.amazonses.com`));
    await expect(records).not.toContainText(PROD_TOKENS[0] ?? '');
    await expect(records).toContainText('include:amazonses.com');
    await expect(page.getByTestId('ses-txt-not-needed').first()).toContainText('you do not need to add it');
    // Production's own set stays published beside it: six CNAMEs in all.
    const other = page.getByTestId('ses-other-set');
    await expect(other).toContainText('Production and API Sandbox');
    await expect(other.locator('[data-cname-name]')).toHaveText(PROD_TOKENS.map((t) => `${t}._domainkey.${DOMAIN}`));
    // The checklist of the domain on Zuora's SES route, with these tokens, against the local DNS.
    await expect(page.getByText(/^Checklist finished:/u)).toBeVisible({ timeout: 30_000 });
    await audit(page, 'ses-4-dns');
    await next(page);

    await expectStep(page, 5, 'Summary');
    await expect(page.getByTestId('ses-covered')).toHaveText(`Zuora can send from every address on ${DOMAIN} and its subdomains, such as billing@${DOMAIN} or noreply@mail.${DOMAIN}.`);
    const simulator = page.getByTestId('ses-simulator');
    for (const address of ['success', 'bounce', 'complaint', 'ooto', 'suppressionlist']) await expect(simulator.locator(`[data-simulator="${address}@simulator.amazonses.com"]`)).toBeVisible();
    await expectNoCredentials(page);
    await audit(page, 'ses-5-summary');
    await page.getByRole('button', { name: 'Finish' }).click();

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${DOMAIN}`);
    await expect(page.getByTestId('ses-verdict')).toHaveAttribute('data-zuora-state', 'pending');
    const saved = await callBridge<Array<{ value: string; environment: string; dkimTokens: string[] }>>(page, 'ses-identities:list', {});
    expect(saved.find((i) => i.environment === 'developer-sandbox')).toMatchObject({ value: DOMAIN, dkimTokens: DEV_TOKENS });
  });

  test('a fourth email identity in one verification group is refused with Zuora\'s words; another group counts apart', async ({ page }) => {
    for (const [i, environment] of ['production', 'sandbox', 'production'].entries()) await seedIdentity(page, { kind: 'email', value: `user${i}@${DOMAIN}`, environment });
    await page.getByRole('radio', { name: PLATFORM }).check();
    await next(page);
    await expectStep(page, 2, 'Identity');
    await page.getByRole('radio', { name: 'Email identity' }).check();
    await page.getByRole('textbox', { name: /^Address/u }).fill(`billing@${DOMAIN}`);
    // API Sandbox shares verifications with production: the same tenant's three.
    await page.getByRole('radio', { name: 'API Sandbox' }).check();
    await page.getByRole('checkbox', { name: 'An active Zuora user has a work email on this domain' }).check();
    await next(page);
    await expect(page.getByText(/“You can create up to three email identities for your Zuora tenant\.”/u)).toBeVisible();
    await expect(heading(page)).toContainText('Step 2 of 5');
    await expect(page.getByRole('textbox', { name: /^Address/u })).toBeFocused();
    await audit(page, 'ses-fourth-email-refused');
    // The developer sandbox verifies on its own: there it is the first.
    await page.getByRole('radio', { name: 'Developer Sandbox' }).check();
    await next(page);
    await expectStep(page, 3, 'Verification link');
    await expect(page.getByTestId('ses-email-link')).toContainText('expires after 24 hours');
  });

  test('every step with the keyboard alone', async ({ page }) => {
    test.setTimeout(120_000);
    await page.getByRole('link', { name: 'Connect an address' }).focus();
    await choosePlatformByKeyboard(page);
    await pressUntilFocused(page, 'Tab', 'Next');
    await page.keyboard.press('Enter');
    await expectStep(page, 2, 'Identity');
    await pressUntilFocused(page, 'Tab', 'Email identity');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toMatch(/^Address/u);
    await page.keyboard.type(`keys@${DOMAIN}`);
    await pressUntilFocused(page, 'Tab', 'Production');
    await page.keyboard.press('Space');
    await pressUntilFocused(page, 'Tab', 'An active Zuora user has a work email on this domain');
    await page.keyboard.press('Space');
    await pressUntilFocused(page, 'Tab', 'Next');
    await page.keyboard.press('Enter');
    await expectStep(page, 3, 'Verification link');
    await pressUntilFocused(page, 'Tab', 'Next');
    await page.keyboard.press('Enter');
    await expectStep(page, 4, 'DNS records');
    await pressUntilFocused(page, 'Tab', 'Next', 80);
    await page.keyboard.press('Enter');
    await expectStep(page, 5, 'Summary');
    await expect(page.getByTestId('ses-covered')).toContainText(`exactly keys@${DOMAIN}`);
    // Back with the keyboard keeps everything; Back on the identity step returns to step 1.
    await pressUntilFocused(page, 'Tab', 'Back', 80);
    await page.keyboard.press('Enter');
    await expectStep(page, 4, 'DNS records');
    await pressUntilFocused(page, 'Tab', 'Next', 80);
    await page.keyboard.press('Enter');
    await expectStep(page, 5, 'Summary');
    await pressUntilFocused(page, 'Tab', 'Finish', 80);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of keys@${DOMAIN}`);
    // Finished: the wizard does not offer to resume it.
    await openView(page, 'connect');
    await expect(page.getByRole('radio', { name: PLATFORM })).toBeVisible();
    await expect(page.getByText('Resume your unfinished setup')).toHaveCount(0);
  });

  test('Pending → DNS-ready → Success against real DNS, with the 72-hour window; the Addresses list shows the identity', async ({ page }) => {
    test.setTimeout(120_000);
    dns.setZones(zone(false));
    const identity = await seedIdentity(page, { kind: 'domain', value: DOMAIN, environment: 'production', dkimTokens: PROD_TOKENS });
    // Made behind the page's back (as the CLI would): a fresh page reads it.
    await page.reload();
    await page.evaluate((id) => {
      window.location.hash = `#/status?identity=${id}`;
    }, identity.id);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${DOMAIN}`);
    const verdict = page.getByTestId('ses-verdict');
    await expect(verdict).toHaveAttribute('data-zuora-state', 'pending');
    await expect(verdict).toHaveAttribute('data-action', 'wait');
    // Zuora's word once, in its chip, which the heading names as Zuora's ("What Zuora shows: Pending" to a screen reader).
    await expect(verdict.getByRole('heading', { level: 2 })).toHaveAccessibleName('What Zuora shows: Pending');
    const besideAdvice = async () => ((await verdict.textContent()) ?? '').replace((await page.getByTestId('ses-advice').textContent()) ?? '', '');
    expect((await besideAdvice()).split('Pending').length - 1).toBe(1);
    await expect(page.getByTestId('ses-window')).toContainText("Zuora's 72-hour window");
    await expect(page.getByTestId('window-timeline')).toBeVisible();
    const readiness = page.getByTestId('ses-dns-readiness');
    await expect(readiness).toHaveAttribute('data-ready', 'false');
    await expect(readiness.locator('[data-cname-ok="false"]')).toHaveCount(3);
    await audit(page, 'ses-status-pending');

    // The admin publishes the three CNAMEs; Relayproof sees what Amazon SES will see.
    dns.setZones(zone(true));
    await page.getByRole('button', { name: 'Check DNS again' }).click();
    await expect(readiness).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('ses-dns-verdict')).toContainText('DNS ready');
    await expect(readiness.locator('[data-cname-ok="true"]')).toHaveCount(3);

    // Zuora shows Success: recorded here, the advice follows.
    await page.getByRole('radio', { name: 'Success' }).check();
    await page.getByRole('button', { name: 'Save the state' }).click();
    await expect(verdict).toHaveAttribute('data-zuora-state', 'success');
    await expect(verdict).toHaveAttribute('data-action', 'none');
    await expect(verdict.getByRole('heading', { level: 2 })).toHaveAccessibleName('What Zuora shows: Success');
    expect((await besideAdvice()).split('Success').length - 1).toBe(1);
    await expect(page.getByTestId('ses-window')).toHaveCount(0);
    await audit(page, 'ses-status-success');

    await openView(page, 'addresses');
    const row = page.locator(`[data-identity-id="${identity.id}"]`);
    await expect(row).toContainText(DOMAIN);
    await expect(row).toContainText('Success');
    await expect(row).toContainText('Production');
    // The identity's kind is a line of its own under its name, never run into it ("example.comDomain identity").
    const name = await row.getByRole('link', { name: DOMAIN }).boundingBox();
    const kind = await row.getByText(/^Domain identity/u).boundingBox();
    expect(name !== null && kind !== null && kind.y >= name.y + name.height - 1).toBe(true);

    // The Status dashboard lists the identity and does not say there is nothing to show.
    await openView(page, 'status');
    await expect(page.getByRole('heading', { name: 'No SMTP address yet' })).toBeVisible();
    await expect(page.locator(`[data-identity-id="${identity.id}"]`)).toContainText(DOMAIN);
  });
});
