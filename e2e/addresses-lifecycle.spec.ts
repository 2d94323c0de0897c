/**
 * The address lifecycle in the Addresses view, against a REAL SMTP server on 127.0.0.1
 * (smtp-server with STARTTLS and AUTH) and the real OS keychain (gnome-keyring in
 * `npm test`'s private session, read back with `secret-tool`): rotation that keeps the
 * old secret on any failure, disconnect with its history record, sandbox → production,
 * export and import. After each test, no secret it used may appear in the page, in any
 * bridge response, or in any file of the data folder (config.json, logs).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startSmtpPeer, type SmtpPeer } from '../src-main/testing/smtp-peer';
import { createTestPki, type TestPki } from '../src-main/testing/tls-certs';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { collectRpcBodies, expectKeychain, expectSecretsNowhere } from './fixtures/evidence';
import { focusedName, invokeChannel, openView, pressUntilFocused } from './fixtures/views';

const USER = 'app@example.com';
const screensDir = join(import.meta.dirname, 'artifacts', 'screens');

let pki: TestPki;
let peer: SmtpPeer;
let caDir: string;
let caFile: string;
/** The password the test server accepts now; changing it is the admin changing it at the provider. */
let serverSecret: string;

function newSecret(label: string): string {
  // Fresh per run: finding one anywhere can only be a leak from this run.
  return `rp-${label}-${randomBytes(12).toString('hex')}`;
}

test.beforeAll(async () => {
  pki = createTestPki();
  caDir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-lifecycle-'));
  caFile = join(caDir, 'test-ca.pem');
  await writeFile(caFile, pki.ca, 'utf8');
  serverSecret = newSecret('initial');
  peer = await startSmtpPeer({
    security: 'starttls',
    certificate: pki.leaf,
    // Read on every AUTH, so a test can change the server's password mid-way.
    get account() {
      return { username: USER, secret: serverSecret };
    },
  });
});

test.afterAll(async () => {
  await peer.close();
  pki.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

// The workstation trusts the server's CA (NODE_EXTRA_CA_CERTS), as with a company CA.
test.use({
  // Playwright reads a fixture's dependencies from this pattern; this one has none.
  // eslint-disable-next-line no-empty-pattern
  appEnv: async ({}, use) => {
    await use({ NODE_EXTRA_CA_CERTS: caFile });
  },
});

async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screensDir, { recursive: true });
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

interface Created {
  readonly id: string;
  readonly address: string;
}

async function createAddress(page: Page, fields: Record<string, unknown>, secret?: string): Promise<Created> {
  const input = {
    fields: {
      platform: 'zendesk',
      environment: 'sandbox',
      provider: 'custom',
      host: '127.0.0.1',
      port: peer.port,
      security: 'starttls',
      username: USER,
      authKind: 'password',
      ...fields,
    },
    ...(secret === undefined ? {} : { secret }),
  };
  const result = await invokeChannel(page, 'addresses:create', input);
  expect(result, 'addresses:create through the bridge').toMatchObject({ ok: true });
  const value = result.value as { id: string; address: string };
  return { id: value.id, address: value.address };
}

/** The list re-read from main (a reload keeps the session's token). */
async function reloadAddresses(page: Page): Promise<void> {
  await page.reload();
  await openView(page, 'addresses');
  await expect(page.getByRole('table', { name: 'Addresses' })).toBeVisible();
}

function rowOf(page: Page, id: string): Locator {
  return page.locator(`tr[data-address-id="${id}"]`);
}

function rotateDialog(page: Page, address: string): Locator {
  return page.getByRole('dialog', { name: new RegExp(`(Rotate credentials for|Enter the password for) ${address.replace(/[.+]/gu, '\\$&')}`, 'u') });
}

async function runStoredTest(page: Page, id: string): Promise<string | null> {
  await rowOf(page, id).getByRole('button', { name: /^Test / }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connection test');
  const form = page.getByRole('form', { name: 'Connection test settings' });
  await form.getByRole('button', { name: 'Run test' }).click();
  const verdict = page.locator('[data-verdict]').first();
  await expect(verdict).toBeVisible({ timeout: 30_000 });
  return verdict.getAttribute('data-verdict');
}

test.describe('address lifecycle', () => {
  test('rotation keeps the old password on failure and replaces it only after the new one signs in; disconnect deletes it and keeps a record', async ({
    page,
    appSession,
  }) => {
    // Two rotations, two tests and a disconnect, each against the keychain and the server:
    // about 35 s alone, near a minute beside the other specs on two cores.
    test.setTimeout(120_000);
    const bodies = collectRpcBodies(page);
    const oldSecret = serverSecret;
    const wrong = newSecret('wrong');
    const created = await createAddress(page, { address: USER }, oldSecret);
    await reloadAddresses(page);
    const row = rowOf(page, created.id);
    await expect(row).toContainText('Stored in keychain');
    // Just created: the secret was saved, never rotated.
    await expect(row).toContainText('saved today');
    await expect(row).not.toContainText('rotated today');
    await expect(row).toContainText('Connection not tested yet');
    await expect(row).toContainText('Sandbox');
    await expect(row).toContainText('Custom');
    await expect(row).toContainText('every 90 days (Settings default)');
    await expectNoAxeViolations(page, 'the addresses list');
    await shoot(page, 'addresses-list');

    // Keyboard only: reach Rotate, type the wrong password, submit with Enter.
    await pressUntilFocused(page, 'Tab', `Rotate credentials of ${USER}`, 80);
    await page.keyboard.press('Enter');
    let dialog = rotateDialog(page, USER);
    await expect(dialog).toBeVisible();
    await pressUntilFocused(page, 'Tab', 'New password');
    await page.keyboard.type(wrong);
    await page.keyboard.press('Enter');
    const kept = dialog.locator('[data-rotation="kept-old"]');
    await expect(kept).toBeVisible({ timeout: 30_000 });
    await expect(kept).toContainText('Nothing was changed: the old password is still stored and in use.');
    await expect(dialog.locator('li[data-phase="auth"]')).toHaveAttribute('data-state', 'fail');
    await expect(dialog.getByRole('article', { name: /Diagnosis/u })).toContainText('The server refused the username or secret');
    await expect(dialog.getByLabel('New password')).toHaveValue('');
    await expectNoAxeViolations(page, 'the rotate dialog after a refused password');
    await shoot(page, 'addresses-rotate-refused');
    await expectKeychain(created.id, { kind: 'found', secret: oldSecret });
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    expect(await focusedName(page)).toBe(`Rotate credentials of ${USER}`);

    // The old password still signs in.
    expect(await runStoredTest(page, created.id)).toBe('pass');

    // The admin changes the password at the provider; only the new one signs in now.
    const newPassword = newSecret('rotated');
    serverSecret = newPassword;
    await openView(page, 'addresses');
    await rowOf(page, created.id).getByRole('button', { name: `Rotate credentials of ${USER}` }).click();
    dialog = rotateDialog(page, USER);
    await dialog.getByLabel('New password').fill(newPassword);
    await dialog.getByRole('button', { name: 'Test and replace' }).click();
    const rotated = dialog.locator('[data-rotation="rotated"]');
    await expect(rotated).toBeVisible({ timeout: 30_000 });
    await expect(rotated).toContainText('The new password works and replaced the old one');
    await expect(dialog.locator('li[data-phase="auth"]')).toHaveAttribute('data-state', 'pass');
    // After success: no empty required field nor a second Rotate, but the way to paste the new one into the platform.
    await expect(dialog.getByLabel('New password', { exact: true })).toHaveCount(0);
    await expect(dialog.getByRole('button', { name: 'Test and replace' })).toHaveCount(0);
    await expect(dialog.locator('[data-rotation="copy"]')).toContainText('Now paste the same password into');
    await expect(dialog.getByRole('button', { name: 'Copy password' })).toBeVisible();
    // Where the app already knows it cannot copy (browser mode without a desktop session), the
    // button says why up front instead of failing on the click.
    const info = (await invokeChannel(page, 'app:get-info', {})).value as { clipboard: { available: boolean } };
    if (!info.clipboard.available) {
      await expect(dialog.getByRole('button', { name: 'Copy password' })).toHaveAttribute('aria-disabled', 'true');
      await expect(dialog.getByRole('button', { name: 'Copy password' })).toHaveAccessibleDescription(/clipboard/u);
    }
    await expectNoAxeViolations(page, 'the rotate dialog after a replaced password');
    await shoot(page, 'addresses-rotate-replaced');
    await expectKeychain(created.id, { kind: 'found', secret: newPassword });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'is now the one stored in the OS keychain' })).toBeVisible();
    // The relay is on 127.0.0.1: it passed here, and the row says the platform cannot reach it.
    await expect(rowOf(page, created.id)).toContainText('Passed here, not platform-ready');
    await expect(rowOf(page, created.id).getByTestId('address-blockers')).toContainText('host not reachable from the internet');
    await expect(rowOf(page, created.id)).not.toContainText('Last test passed');
    // Said once, by the status chip: the Last test cell gives the time and the server's line.
    expect(((await rowOf(page, created.id).textContent()) ?? '').split('Passed here, not platform-ready').length - 1).toBe(1);
    // Now it was rotated (the lifecycle event says so), and the exact UTC time is on hover.
    await expect(rowOf(page, created.id)).toContainText('rotated today');
    await expect(rowOf(page, created.id).locator('time', { hasText: 'rotated today' })).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/u);
    expect(await runStoredTest(page, created.id)).toBe('pass');

    // History of the address: the refused and the successful rotation, never a secret.
    await openView(page, 'addresses');
    await rowOf(page, created.id).getByRole('button', { name: `More for ${USER}` }).click();
    await page.getByRole('menuitem', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: `History of ${USER}` });
    await expect(history.locator('[data-event-kind="rotation-failed"]')).toHaveCount(1);
    await expect(history.locator('[data-event-kind="rotated"]')).toHaveCount(1);
    await expectNoAxeViolations(page, 'the history dialog');
    await history.getByRole('button', { name: 'Close' }).click();
    await expect(history).toBeHidden();

    // Disconnect: the seed's advice, then the keychain entry is gone and a record stays.
    await rowOf(page, created.id).getByRole('button', { name: `Disconnect and delete ${USER}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Disconnect and delete ${USER}?` });
    await expect(confirm).toContainText('low-traffic time');
    await expect(confirm).toContainText('pause ticket updates');
    await expectNoAxeViolations(page, 'the disconnect confirmation');
    await shoot(page, 'addresses-disconnect-confirm');
    await confirm.getByRole('button', { name: 'Disconnect: delete address and secret' }).click();
    await expect(confirm).toBeHidden();
    await expect(rowOf(page, created.id)).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: `Deleted ${USER} and its password from the OS keychain` })).toBeVisible();
    await expectKeychain(created.id, { kind: 'absent' });
    const record = page.locator(`[data-disconnected-id="${created.id}"]`);
    await expect(record).toContainText(USER);
    await expect(record.locator('[data-event-kind="disconnected"]')).toHaveCount(1);
    await expect(record.locator('[data-event-kind="rotated"]')).toHaveCount(1);
    await shoot(page, 'addresses-disconnected-history');

    await expectSecretsNowhere(page, appSession, bodies, [oldSecret, wrong, newPassword]);
  });

  test('sandbox → production is a checklist: a production twin blocks the switch; after it, the test runs again', async ({ page, appSession }) => {
    const bodies = collectRpcBodies(page);
    const secret = serverSecret;
    const sandbox = await createAddress(page, { address: USER, environment: 'sandbox' }, secret);
    const twin = await createAddress(page, { address: USER, environment: 'production' }, secret);
    await reloadAddresses(page);

    const openMove = async () => {
      await rowOf(page, sandbox.id).getByRole('button', { name: `More for ${USER}` }).click();
      await page.getByRole('menuitem', { name: 'Move to production' }).click();
      const dialog = page.getByRole('dialog', { name: `Move ${USER} from sandbox to production` });
      await expect(dialog).toBeVisible();
      return dialog;
    };

    let dialog = await openMove();
    const step1 = dialog.locator('[data-step="1"]');
    const step2 = dialog.locator('[data-step="2"]');
    const step3 = dialog.locator('[data-step="3"]');
    await expect(dialog).toContainText('delete the test addresses there before adding them to production');
    await expect(step2.getByRole('button', { name: 'Switch to production' })).toHaveAttribute('aria-disabled', 'true');
    await step1.getByRole('checkbox').check();
    await expect(step1).toHaveAttribute('data-done', 'true');
    // The production twin: the switch stays refused, with main's reason.
    await expect(step2.getByText('Not possible yet')).toBeVisible();
    await expect(step2.getByRole('button', { name: 'Switch to production' })).toHaveAttribute('aria-disabled', 'true');
    await expectNoAxeViolations(page, 'the move checklist, blocked');
    await shoot(page, 'addresses-move-blocked');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();

    expect(await invokeChannel(page, 'addresses:delete', { id: twin.id })).toMatchObject({ ok: true, value: { deleted: true } });
    await reloadAddresses(page);
    dialog = await openMove();
    await step1.getByRole('checkbox').check();
    await step2.getByRole('button', { name: 'Switch to production' }).click();
    await expect(step2).toHaveAttribute('data-done', 'true');
    await step3.getByRole('button', { name: 'Run the connection test' }).click();
    await expect(step3.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'pass', { timeout: 30_000 });
    await step3.getByRole('checkbox').check();
    await expect(step3).toHaveAttribute('data-done', 'true');
    await expect(dialog).toContainText('is in production, proven from here');
    await expectNoAxeViolations(page, 'the move checklist, done');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(page, 'the move checklist, done, dark');
    await shoot(page, 'addresses-move-done-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(rowOf(page, sandbox.id).locator('[data-environment]')).toHaveText('Production');

    await expectSecretsNowhere(page, appSession, bodies, [secret]);
  });

  test('export has no passwords; an import with 10 malformed rows (and one duplicate) reports each, imports the rest and leaves existing addresses untouched', async ({
    page,
    appSession,
  }) => {
    const bodies = collectRpcBodies(page);
    const existingSecret = serverSecret;
    const leaked = newSecret('in-file');
    const existing = await createAddress(page, { address: USER }, existingSecret);
    await reloadAddresses(page);
    const before = await invokeChannel(page, 'addresses:list', {});

    // Export: a dated JSON file without any secret.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export addresses' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^relayproof-addresses-\d{4}-\d{2}-\d{2}\.json$/u);
    const exported = await readFile(await download.path(), 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ format: 'relayproof-addresses', version: 1, addresses: [{ address: USER, host: '127.0.0.1' }] });
    expect(exported).not.toContain(existingSecret);
    await expect(page.getByRole('status').filter({ hasText: 'No passwords are included' })).toBeVisible();

    const valid = (address: string, extra: Record<string, unknown> = {}) => ({
      address,
      platform: 'zendesk',
      environment: 'sandbox',
      provider: 'custom',
      host: '127.0.0.1',
      port: peer.port,
      security: 'starttls',
      username: USER,
      authKind: 'password',
      ...extra,
    });
    const rows: unknown[] = [
      valid('billing@example.com'),
      'not an address row',
      valid('missing-host@example.com', { host: undefined }),
      valid('bad-port@example.com', { port: 70000 }),
      valid('orders@example.org', { environment: 'production' }),
      valid('not-an-email'),
      valid('unknown-platform@example.com', { platform: 'myspace' }),
      valid('staging@example.com', { environment: 'staging' }),
      valid('with-password@example.com', { password: leaked }),
      valid('with-id@example.com', { id: 'a-123' }),
      null,
      valid(USER),
      valid('alerts@example.net', { rotationReminderDays: 30 }),
      valid('bad-security@example.com', { security: 'ssl3' }),
    ];
    // Malformed: rows 2, 3, 4, 6, 7, 8, 9, 10, 11 and 14 (ten); row 12 is well-formed but already connected.
    const file = join(caDir, `import-${randomBytes(4).toString('hex')}.json`);
    await writeFile(file, JSON.stringify({ format: 'relayproof-addresses', version: 1, exportedAt: new Date().toISOString(), addresses: rows }), 'utf8');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import from file…' }).click()]);
    await chooser.setFiles(file);

    const result = page.getByTestId('import-result');
    await expect(result).toContainText('Imported 3 addresses');
    await expect(result).toContainText('11 rows were not imported');
    const rejected = result.getByRole('list', { name: 'Rows not imported' }).getByRole('listitem');
    await expect(rejected).toHaveCount(11);
    const rejectedRows = await rejected.evaluateAll((items) => items.map((i) => Number(i.getAttribute('data-row'))));
    expect(rejectedRows).toEqual([2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 14]);
    for (const text of await rejected.allInnerTexts()) expect(text, 'each rejected row says why').toMatch(/^Row \d+.*: .{10,}/u);
    await expect(result.locator('[data-row="9"]')).toContainText('never imports secrets');
    await expect(result.locator('[data-row="12"]')).toContainText('existing address is kept unchanged');
    await expect(result.locator('[data-row="14"]')).toContainText('security');
    await expect(result.getByRole('list', { name: 'Imported addresses' }).getByRole('listitem')).toHaveCount(3);
    await expectNoAxeViolations(page, 'the import result');
    await shoot(page, 'addresses-import-result');

    // Existing addresses untouched: same record, same keychain entry.
    const after = await invokeChannel(page, 'addresses:list', {});
    const find = (list: typeof before, id: string) => (list.value as Array<{ id: string }>).find((a) => a.id === id);
    expect(find(after, existing.id)).toEqual(find(before, existing.id));
    await expectKeychain(existing.id, { kind: 'found', secret: existingSecret });

    // Imported rows ask for their password; entering it tests it first, then stores it.
    const imported = page.locator('tr', { hasText: 'billing@example.com' });
    await expect(imported).toContainText('Secret missing');
    const importedId = (await imported.getAttribute('data-address-id')) ?? '';
    await expectKeychain(importedId, { kind: 'absent' });
    await imported.getByRole('button', { name: 'Enter the password for billing@example.com' }).click();
    const dialog = rotateDialog(page, 'billing@example.com');
    await dialog.getByLabel('New password').fill(existingSecret);
    await dialog.getByRole('button', { name: 'Test and store' }).click();
    await expect(dialog.locator('[data-rotation="rotated"]')).toBeVisible({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(imported).toContainText('Stored in keychain');
    await expectKeychain(importedId, { kind: 'found', secret: existingSecret });
    await expect(page.locator('tr', { hasText: 'alerts@example.net' })).toContainText('every 30 days');

    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(page, 'the addresses list after import, dark');
    await shoot(page, 'addresses-after-import-dark');
    await expectSecretsNowhere(page, appSession, bodies, [existingSecret, leaked]);
  });
});
