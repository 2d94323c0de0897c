/**
 * The Checklist view against a real DNS server on 127.0.0.1 (dns2): a healthy domain is
 * green with its evidence, a broken one names each problem with the record to publish,
 * DNS text cannot hide characters, and everything works from the keyboard and passes axe.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { TestDnsServer } from '../src-main/testing/dns-test-server';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { BROKEN, HEALTHY, HEALTHY_IP, HEALTHY_SELECTOR, MISSING_SELECTOR, startChecklistDns } from './fixtures/dns-zones';
import { callBridge, focusedName, openView, pressUntilFocused } from './fixtures/views';

const screensDir = join(import.meta.dirname, 'artifacts', 'screens');

let dns: TestDnsServer;
test.beforeAll(async () => {
  dns = await startChecklistDns();
});
test.afterAll(async () => {
  await dns.close();
});

interface RunOptions {
  readonly domain: string;
  readonly platform?: string;
  readonly selectors?: string;
  readonly ip?: string;
}

async function runChecklist(page: Page, options: RunOptions): Promise<void> {
  await openView(page, 'checklist');
  const form = page.getByRole('form', { name: 'Checklist' });
  await form.getByLabel('Domain').fill(options.domain);
  await form.getByLabel('Platform').selectOption({ label: options.platform ?? 'Other platform' });
  await form.getByLabel("Your relay's DKIM selectors").fill(options.selectors ?? '');
  await form.getByLabel('Sending IP (optional)').fill(options.ip ?? '');
  await form.getByLabel('DNS servers (optional)').fill(dns.address);
  await form.getByRole('button', { name: 'Run checks' }).click();
  await expectFinished(page);
}

async function expectFinished(page: Page): Promise<void> {
  await expect(page.getByTestId('checklist-progress')).toContainText('Checklist finished', { timeout: 30_000 });
}

function checkItem(page: Page, id: string): Locator {
  return page.locator(`[data-check-id="${id}"]`);
}

/** Expand an item by its accordion header (a button inside a heading). */
async function expand(item: Locator): Promise<void> {
  const header = item.getByRole('button').first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await expect(header).toHaveAttribute('aria-expanded', 'true');
}

async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screensDir, { recursive: true });
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

test.describe('checklist', () => {
  test('a healthy domain passes every required check and shows its evidence', async ({ page, appSession }) => {
    await runChecklist(page, { domain: HEALTHY, selectors: HEALTHY_SELECTOR, ip: HEALTHY_IP });

    const required = page.getByRole('region', { name: 'Required' });
    const requiredItems = required.locator('[data-check-id]');
    await expect(requiredItems).toHaveCount(4);
    for (const id of ['spf', `dkim:${HEALTHY_SELECTOR}`, 'dmarc', 'mx']) await expect(checkItem(page, id)).toHaveAttribute('data-status', 'pass');
    await expect(required.getByText('Fail', { exact: true })).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Counts' })).toBeVisible();

    // Evidence: the record as published, its TTL, the server that answered.
    const dmarc = checkItem(page, 'dmarc');
    await expand(dmarc);
    const evidence = dmarc.getByRole('group', { name: 'Evidence' });
    await expect(evidence.getByRole('list', { name: 'Records judged' })).toContainText(`v=DMARC1; p=reject; rua=mailto:dmarc@${HEALTHY}`);
    await expect(evidence.getByRole('list', { name: 'Records judged' })).toContainText('TTL 300 s');
    await expect(evidence).toContainText(`Resolver: DNS servers ${dns.address}`);
    await expect(evidence.getByRole('table')).toContainText(`_dmarc.${HEALTHY}`);

    // The SPF tree: nested includes and the lookup budget against 10.
    const spf = checkItem(page, 'spf');
    await expand(spf);
    await expect(spf.getByTestId('spf-lookups')).toContainText('3 of 10 DNS lookups');
    await expect(spf.getByTestId('spf-void-lookups')).toContainText('0 of 2 void lookups');
    const tree = spf.getByRole('list', { name: 'SPF include tree' });
    await expect(tree).toContainText(`include:_spf.${HEALTHY}`);
    await expect(tree).toContainText(`include:_spf2.${HEALTHY}`);
    await expect(tree.locator('ul ul ul li', { hasText: `_spf2.${HEALTHY}` }).first()).toBeVisible();
    await expect(spf.getByRole('progressbar').first()).toHaveAttribute('aria-valuenow', '3');
    // Drawn as a diagram: a box per record, each with its share of the 10-lookup budget as a bar that says so in words.
    await expect(tree.getByTestId('spf-node')).toHaveCount(3);
    await expect(tree.getByRole('img', { name: '3 of the 10-lookup budget' })).toBeVisible();

    if (appSession.mode === 'browser') await shoot(page, 'checklist-healthy');
    await expectNoAxeViolations(page, 'the checklist of a healthy domain');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(page, 'the same in the dark theme');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('a broken domain names each problem with a record to publish and a working Copy button', async ({ page, appSession }) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    await runChecklist(page, { domain: BROKEN, selectors: MISSING_SELECTOR });

    const spf = checkItem(page, 'spf');
    await expect(spf).toHaveAttribute('data-status', 'fail');
    await expect(spf).toContainText('publishes 2 SPF records');
    const dkim = checkItem(page, `dkim:${MISSING_SELECTOR}`);
    await expect(dkim).toHaveAttribute('data-status', 'fail');
    await expect(dkim).toContainText(`No DKIM key at ${MISSING_SELECTOR}._domainkey.${BROKEN}`);
    const dmarc = checkItem(page, 'dmarc');
    await expect(dmarc).toHaveAttribute('data-status', 'fail');
    await expect(dmarc).toContainText('p=rejectt is not a policy');
    // Items speak the admin's words: no internal id (`dns:dkim:…`, `dkim:…`, `connection-auth`) in their text.
    await expect(page.getByRole('main')).not.toContainText(/\bdns:[a-z]|\bdkim:[a-z0-9]|connection-auth/u);

    // The DMARC fix: the record with both names, its value, TTL and copy buttons.
    await expand(dmarc);
    const records = dmarc.getByRole('list', { name: 'Records to publish' });
    await expect(records).toContainText('_dmarc');
    await expect(records).toContainText(`_dmarc.${BROKEN}`);
    // p=rejectt is p=none to receivers today: the record to paste keeps none, reject is a later stage.
    await expect(records).toContainText(`v=DMARC1; p=none; rua=mailto:dmarc@${BROKEN}`);
    await expect(records).toContainText('3600 s (1 h)');
    const copyValue = records.getByRole('button', { name: 'Copy value of TXT _dmarc' });
    await copyValue.click();
    await expect(records.getByRole('button', { name: 'Copied value of TXT _dmarc' })).toBeVisible();
    await expect(records.getByRole('status').filter({ hasText: 'Copied value of TXT _dmarc to the clipboard.' })).toHaveCount(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`v=DMARC1; p=none; rua=mailto:dmarc@${BROKEN}`);

    // The SPF fix merges the two records into one, keeping the less strict all (~all over -all).
    await expand(spf);
    await expect(spf.getByRole('list', { name: 'Records to publish' })).toContainText('v=spf1 ip4:192.0.2.0/24 include:_spf.google.com ~all');
    await expect(spf.getByRole('list', { name: 'Records judged' }).getByRole('listitem')).toHaveCount(2);

    // Every record to publish as one zone-file snippet.
    await page.getByRole('button', { name: 'Copy zone-file snippet' }).click();
    const zone = await page.evaluate(() => navigator.clipboard.readText());
    expect(zone).toContain(`_dmarc.${BROKEN}.\t3600\tIN\tTXT\t"v=DMARC1; p=none; rua=mailto:dmarc@${BROKEN}"`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .zone file' }).click()]);
    expect(download.suggestedFilename()).toBe(`${BROKEN}.zone`);

    if (appSession.mode === 'browser') await shoot(page, 'checklist-broken');
    await expectNoAxeViolations(page, 'the checklist of a broken domain');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(page, 'the checklist of a broken domain (dark theme)');
    if (appSession.mode === 'browser') await shoot(page, 'checklist-broken-dark');
  });

  test('DNS text with bidi and control characters is shown with those characters named', async ({ page, appSession }) => {
    await runChecklist(page, { domain: BROKEN });
    const tlsRpt = checkItem(page, 'tls-rpt');
    await expand(tlsRpt);
    const judged = tlsRpt.getByRole('list', { name: 'Records judged' });
    await expect(judged).toContainText('⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩');
    await expect(judged).toContainText('⟨U+0007 BEL⟩');
    await expect(judged.locator('[data-hidden-character]')).toHaveCount(2);
    const html = await tlsRpt.innerHTML();
    expect(html).not.toContain('\u202E');
    expect(html).not.toContain('\u0007');
    expect(await page.content()).not.toContain('\u202E');
    if (appSession.mode === 'browser') await shoot(page, 'checklist-hidden-characters');
  });

  test('the whole checklist runs and opens from the keyboard alone', async ({ page }) => {
    await openView(page, 'checklist');
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    await pressUntilFocused(page, 'Tab', 'Domain');
    await page.keyboard.type(HEALTHY);
    await pressUntilFocused(page, 'Tab', "Your relay's DKIM selectors");
    await page.keyboard.type(HEALTHY_SELECTOR);
    await pressUntilFocused(page, 'Tab', 'DNS servers (optional)');
    await page.keyboard.type(dns.address);
    await page.keyboard.press('Enter');
    await expectFinished(page);

    // Tab forward to the first check's header and open it with Enter.
    await pressUntilFocused(page, 'Tab', 'Re-run', 20);
    await page.keyboard.press('Tab');
    let header = page.locator(':focus');
    for (let i = 0; i < 10 && (await header.getAttribute('aria-expanded')) === null; i++) {
      await page.keyboard.press('Tab');
      header = page.locator(':focus');
    }
    await expect(header).toHaveAttribute('aria-expanded', 'false');
    expect(await focusedName(page)).toContain('SPF record');
    await page.keyboard.press('Enter');
    await expect(header).toHaveAttribute('aria-expanded', 'true');
    await expect(checkItem(page, 'spf').getByTestId('spf-lookups')).toBeVisible();

    // Re-run from the keyboard too.
    await pressUntilFocused(page, 'Shift+Tab', 'Re-run', 20);
    await page.keyboard.press('Enter');
    await expectFinished(page);
  });

  test('no field of the form covers another at 1280 and 1400 px, with the Platform dropdown closed and open', async ({ page }) => {
    await openView(page, 'checklist');
    const form = page.getByRole('form', { name: 'Checklist' });
    const boxesOverlap = () =>
      form.evaluate((root) => {
        const fields = [...root.querySelectorAll<HTMLElement>('.fui-Field')].map((el) => ({ name: el.querySelector('label')?.textContent ?? '', box: el.getBoundingClientRect() }));
        const hits: string[] = [];
        for (const [i, a] of fields.entries()) {
          for (const b of fields.slice(i + 1)) {
            const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
            const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
            if (x > 0.5 && y > 0.5) hits.push(`${a.name} / ${b.name}: ${Math.round(x)}x${Math.round(y)} px`);
          }
        }
        // The form has a dozen fields: an empty list would prove nothing.
        return fields.length >= 8 ? hits : [`only ${fields.length} fields found`];
      });
    for (const width of [1280, 1400]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await boxesOverlap(), `at ${width} px`).toEqual([]);
      // The open list may cover what is below it, as every dropdown does; once closed, nothing moved.
      await page.getByRole('combobox', { name: 'Platform' }).click();
      await page.keyboard.press('Escape');
      expect(await boxesOverlap(), `at ${width} px after the dropdown`).toEqual([]);
    }
  });

  test('an empty domain is refused on the field, and a run can be cancelled', async ({ page }) => {
    await openView(page, 'checklist');
    const form = page.getByRole('form', { name: 'Checklist' });
    await form.getByRole('button', { name: 'Run checks' }).click();
    await expect(form.getByLabel('Domain')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('Domain')).toBeFocused();
    await expect(form.getByText('Enter the domain to check')).toBeVisible();
    // The message and the hint say different things: the example is given once.
    await expect(form.getByText(/such as example\.com/u)).toHaveCount(1);

    // Main's own validation comes back onto the field that caused it.
    await form.getByLabel('Domain').fill(HEALTHY);
    await form.getByLabel('DNS servers (optional)').fill('dns.example');
    await form.getByRole('button', { name: 'Run checks' }).click();
    await expect(form.getByText('"dns.example": A DNS server is an IP address')).toBeVisible();

    // A server that never answers keeps the run going until Cancel.
    dns.setFault(`_dmarc.${HEALTHY}`, { kind: 'drop' });
    try {
      await form.getByLabel('DNS servers (optional)').fill(dns.address);
      await form.getByRole('button', { name: 'Run checks' }).click();
      await expect(page.getByTestId('checklist-progress')).toContainText(/\d+ of \d+ checks done/u);
      await form.getByRole('button', { name: 'Cancel' }).click();
      await expect(page.getByTestId('checklist-progress')).toContainText(/Cancelled after \d+ of \d+ checks/u);
    } finally {
      dns.setFault(`_dmarc.${HEALTHY}`, null);
    }
  });

  test('a configured address fills in the domain and platform', async ({ page }) => {
    await openView(page, 'addresses');
    await page.getByRole('button', { name: 'Add an address manually' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an address manually' });
    await dialog.getByLabel('Email address').fill(`billing@${HEALTHY}`);
    // Zuora's advanced SMTP has no SMTP credentials (it is an SES identity): not offered here.
    await expect(dialog.getByLabel('Platform').locator('option', { hasText: 'Amazon SES' })).toHaveCount(0);
    await dialog.getByLabel('Platform').selectOption({ label: 'Zuora external SMTP' });
    await dialog.getByLabel('SMTP server').fill('smtp.office365.com');
    await dialog.getByLabel('Username').fill(`billing@${HEALTHY}`);
    await dialog.getByRole('button', { name: 'Add address' }).click();
    await expect(dialog).toBeHidden();

    await openView(page, 'checklist');
    const form = page.getByRole('form', { name: 'Checklist' });
    await form.getByLabel('Fill in from an address').selectOption({ label: `billing@${HEALTHY} (Zuora external SMTP)` });
    await expect(form.getByLabel('Domain')).toHaveValue(HEALTHY);
    await expect(form.getByLabel('Platform')).toHaveValue('zuora');
  });

  test('the propagation panel compares the authoritative answer with each resolver', async ({ page, appSession }) => {
    await runChecklist(page, { domain: BROKEN });
    const dmarc = checkItem(page, 'dmarc');
    await expand(dmarc);
    await dmarc.getByRole('button', { name: 'Check propagation of TXT _dmarc' }).click();
    const panel = page.getByRole('region', { name: 'Propagation' });
    await expect(panel.getByRole('heading', { name: 'Propagation' })).toBeFocused();
    await expect(panel.getByLabel('Record name')).toHaveValue(`_dmarc.${BROKEN}`);
    const table = panel.getByRole('table', { name: `Propagation of TXT _dmarc.${BROKEN}` });
    await expect(table).toBeVisible({ timeout: 30_000 });
    await expect(table.locator('tr[data-role="authoritative"]')).not.toHaveCount(0);
    const resolverRow = table.locator('tr[data-role="resolver"]');
    await expect(resolverRow).toHaveCount(1);
    await expect(resolverRow).toContainText(dns.address);
    await expect(resolverRow).toContainText('v=DMARC1; p=rejectt');
    // The resolver still serves the old (broken) record, not the one to publish.
    await expect(resolverRow).toContainText('✕ No');
    if (appSession.mode === 'browser') await shoot(page, 'checklist-propagation');

    // A name that does not exist: the resolver's negative answer and when it expires.
    await panel.getByLabel('Record name').fill(`${MISSING_SELECTOR}._domainkey.${BROKEN}`);
    await panel.getByLabel('Expected value (optional)').fill('');
    await panel.getByRole('button', { name: 'Check propagation' }).click();
    const missing = panel.getByRole('table', { name: `Propagation of TXT ${MISSING_SELECTOR}._domainkey.${BROKEN}` });
    await expect(missing).toBeVisible({ timeout: 30_000 });
    const negative = missing.locator('tr[data-role="resolver"]');
    await expect(negative).toContainText('Name does not exist (NXDOMAIN)');
    await expect(negative).toContainText('“Does not exist” cached until');
    await expect(negative.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/u);
    if (appSession.mode === 'browser') await shoot(page, 'checklist-propagation-nxdomain');
    await expectNoAxeViolations(page, 'the propagation panel');
  });

  test("Zendesk through the admin's relay: the relay's own key is enough, Zendesk's keys are not needed and nothing fails", async ({ page, appSession }) => {
    await runChecklist(page, { domain: HEALTHY, platform: 'Zendesk', selectors: HEALTHY_SELECTOR, ip: HEALTHY_IP });
    const form = page.getByRole('form', { name: 'Checklist' });
    // The platform's default route is chosen, by its label.
    await expect(form.getByLabel('Sending route')).toHaveValue('connector');
    await expect(form.getByLabel('Sending route').locator('option:checked')).toHaveText('Through your mail server (Authenticated SMTP Connector) (the usual route)');

    // zendesk1/zendesk2 do not exist at the domain, and the route does not need them: grouped last, never a failure.
    const notNeeded = page.getByRole('region', { name: 'Not needed on this route' });
    for (const selector of ['zendesk1', 'zendesk2']) {
      const item = notNeeded.locator(`[data-check-id="dkim:${selector}"]`);
      await expect(item).toHaveAttribute('data-status', 'not-needed');
      await expect(item.locator('[data-status="not-needed"]').first()).toHaveText('–Not needed');
      await expect(item.getByTestId('check-requirement')).toContainText('Not needed on the route “Through your mail server (Authenticated SMTP Connector)”');
      await expect(item).toContainText(`${HEALTHY_SELECTOR} (your mail server's key) already gives an aligned DKIM signature`);
    }
    await expect(page.locator('[data-check-id][data-status="fail"]')).toHaveCount(0);
    await expect(checkItem(page, `dkim:${HEALTHY_SELECTOR}`)).toHaveAttribute('data-status', 'pass');
    await expect(checkItem(page, `dkim:${HEALTHY_SELECTOR}`).getByTestId('check-requirement')).toContainText('Required on the route');
    await expect(page.getByTestId('checklist-verdict')).toHaveText('Nothing required fails. Route: Through your mail server (Authenticated SMTP Connector).');
    await expect(page.getByTestId('checklist-progress')).toContainText('Nothing required fails.');
    // In words: no internal ids (check ids, field names, state names) in what the results say.
    const shown = await page.getByRole('region', { name: `Results for ${HEALTHY}` }).innerText();
    expect(shown).not.toMatch(/relaySelectors|sendingIp|heloName|forwardingAddress|smtpHost|not-needed|needs-input|dkim:/u);

    // An item that needs something from the admin names the field and takes focus there.
    const helo = checkItem(page, 'helo');
    await expect(helo).toHaveAttribute('data-status', 'needs-input');
    await expect(helo.getByTestId('check-needs-input')).toContainText('Needs: HELO name');
    await helo.getByRole('button', { name: 'Enter HELO name' }).click();
    await expect(form.getByLabel('HELO name (optional)')).toBeFocused();
    await page.keyboard.type(`mail.${HEALTHY}`);
    await form.getByRole('button', { name: 'Run checks' }).click();
    await expectFinished(page);
    await expect(checkItem(page, 'helo')).toHaveAttribute('data-status', 'pass');

    if (appSession.mode === 'browser') await shoot(page, 'checklist-zendesk-connector');
    await expectNoAxeViolations(page, 'the checklist of a Zendesk connector domain');
  });

  test('the route decides: on Zendesk\'s direct route its keys are required and fail where missing', async ({ page }) => {
    await openView(page, 'checklist');
    const form = page.getByRole('form', { name: 'Checklist' });
    await form.getByLabel('Domain').fill(HEALTHY);
    await form.getByLabel('Platform').selectOption({ label: 'Zendesk' });
    await form.getByLabel('Sending route').selectOption({ label: "From Zendesk's servers (no connector)" });
    await form.getByLabel("Your relay's DKIM selectors").fill(HEALTHY_SELECTOR);
    await form.getByLabel('DNS servers (optional)').fill(dns.address);
    await form.getByRole('button', { name: 'Run checks' }).click();
    await expectFinished(page);
    const required = page.getByRole('region', { name: 'Required', exact: true });
    await expect(required.locator('[data-check-id="dkim:zendesk1"]')).toHaveAttribute('data-status', 'fail');
    await expect(page.getByTestId('checklist-verdict')).toContainText(/^\d+ required items? fails?/u);
    await expect(page.getByTestId('checklist-verdict')).toContainText("Route: From Zendesk's servers (no connector).");
  });

  test('a saved address is checked as saved (the same checklist as the wizard and Status), and an edit switches to what the form says', async ({ page }) => {
    await callBridge(page, 'settings:update', { patch: { dnsServers: [dns.address] } });
    const { id } = await callBridge<{ id: string }>(page, 'addresses:create', {
      fields: {
        address: `support@${HEALTHY}`,
        platform: 'zendesk',
        environment: 'production',
        provider: 'custom',
        host: `mail.${HEALTHY}`,
        port: 587,
        security: 'starttls',
        username: `support@${HEALTHY}`,
        authKind: 'password',
        selectors: [HEALTHY_SELECTOR],
        platformSubdomain: 'acme',
      },
    });
    // The app read the settings and the addresses when it started.
    await page.reload();
    await openView(page, 'checklist');
    const form = page.getByRole('form', { name: 'Checklist' });
    await form.getByLabel('Fill in from an address').selectOption({ label: `support@${HEALTHY} (Zendesk)` });
    await expectFinished(page);
    await expect(form.getByTestId('checklist-source')).toContainText(`Checking support@${HEALTHY} as saved`);
    await expect(page.getByTestId('checklist-summary')).toContainText('as saved');
    await expect(form.getByLabel("Your relay's DKIM selectors")).toHaveValue(HEALTHY_SELECTOR);
    await expect(form.getByLabel('SMTP host (optional)')).toHaveValue(`mail.${HEALTHY}`);
    await expect(form.getByLabel('Forwarding address (optional)')).toHaveValue('support@acme.zendesk.com');
    await expect(checkItem(page, 'dkim:zendesk1')).toHaveAttribute('data-status', 'not-needed');
    await expect(page.locator('[data-check-id][data-status="fail"]')).toHaveCount(0);
    // The address's own run records its DNS items on the address, as the wizard's and the status re-check do.
    const spfCheckedAt = async () => {
      const [status] = await callBridge<Array<{ status: { items: Array<{ id: string; checkedAt: string | null }> } }>>(page, 'verification:status', { addressId: id });
      return status?.status.items.find((i) => i.id === 'dns:spf')?.checkedAt ?? null;
    };
    const recorded = await spfCheckedAt();
    expect(recorded).not.toBeNull();

    // Editing a field: Run now checks what the form says, and the view says so.
    await form.getByLabel('HELO name (optional)').fill(`mail.${HEALTHY}`);
    await expect(form.getByTestId('checklist-source')).toContainText(`You changed the form, so Run checks what the form says, not support@${HEALTHY} as saved`);
    await form.getByRole('button', { name: 'Run checks' }).click();
    await expectFinished(page);
    await expect(page.getByTestId('checklist-summary')).not.toContainText('as saved');
    await expect(checkItem(page, 'helo')).toHaveAttribute('data-status', 'pass');
    // What the form says is not the address: nothing is recorded on it.
    expect(await spfCheckedAt()).toBe(recorded);

    // A link to the address (#/checklist?address=<id>) checks it as saved at once.
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, `#/status`);
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, `#/checklist?address=${id}`);
    await expectFinished(page);
    await expect(form.getByTestId('checklist-source')).toContainText(`Checking support@${HEALTHY} as saved`);
    await expect(page.getByTestId('checklist-summary')).toContainText('as saved');
    expect(await spfCheckedAt()).not.toBe(recorded);
  });
});
