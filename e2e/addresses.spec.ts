import { randomBytes } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { lookupKeychain, readAllFiles } from './fixtures/evidence';
import { focusedName, openView, pressUntilFocused } from './fixtures/views';

interface NewAddress {
  readonly address: string;
  readonly host: string;
  readonly port?: string;
  readonly username: string;
  readonly secret?: string;
}

function uniqueSecret(): string {
  return `rp-e2e-${randomBytes(12).toString('hex')}`;
}

function uniqueAddress(): string {
  return `support-${randomBytes(4).toString('hex')}@example.com`;
}

function rowOf(page: Page, address: string): Locator {
  return page.getByRole('row').filter({ hasText: address });
}

async function addAddress(page: Page, a: NewAddress): Promise<Locator> {
  await page.getByRole('button', { name: 'Add an address manually' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add an address manually' });
  await dialog.getByLabel('Email address').fill(a.address);
  await dialog.getByLabel('SMTP server').fill(a.host);
  if (a.port !== undefined) await dialog.getByLabel('Port').fill(a.port);
  await dialog.getByLabel('Username').fill(a.username);
  if (a.secret !== undefined) await dialog.getByLabel('Password').fill(a.secret);
  await dialog.getByRole('button', { name: 'Add address' }).click();
  await expect(dialog).toBeHidden();
  const row = rowOf(page, a.address);
  await expect(row).toBeVisible();
  return row;
}

async function addressIdOf(row: Locator): Promise<string> {
  const id = await row.getAttribute('data-address-id');
  expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/u);
  return id ?? '';
}

test.describe('addresses', () => {
  test.beforeEach(async ({ page }) => {
    await openView(page, 'addresses');
  });

  test('an address created with a secret shows "Stored in keychain" and the secret is only in the keychain', async ({ page, appSession }) => {
    const secret = uniqueSecret();
    const rpcBodies: Array<Promise<string>> = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/rpc/')) rpcBodies.push(response.text().catch(() => ''));
    });

    const address = uniqueAddress();
    const row = await addAddress(page, { address, host: 'smtp.example.com', username: address, secret });
    await expect(row).toContainText('Stored in keychain');
    await expect(row).toContainText('smtp.example.com:587');
    await expect(row).toContainText('STARTTLS');
    await expect(row).toContainText('Zendesk');
    const id = await addressIdOf(row);

    expect(await page.content(), 'the secret is not in the DOM').not.toContain(secret);
    const bodies = await Promise.all(rpcBodies);
    if (appSession.mode === 'browser') expect(bodies.length, 'the bridge answered the page').toBeGreaterThan(0);
    for (const body of bodies) expect(body, 'no /rpc/ response carries the secret').not.toContain(secret);
    const files = await readAllFiles(appSession.dataDir);
    for (const file of files) expect(file.content.includes(secret), `${file.path} does not contain the secret`).toBe(false);

    const inKeychain = await lookupKeychain(id);
    if (inKeychain.kind === 'unavailable') {
      test.info().annotations.push({ type: 'skipped assertion', description: inKeychain.reason });
      console.log(`keychain assertion skipped: ${inKeychain.reason}`);
    } else {
      expect(inKeychain).toEqual({ kind: 'found', secret });
    }
  });

  test('an address never tested says so once, in its status; the Last test cell is a dash read as "None"', async ({ page }) => {
    const address = uniqueAddress();
    const row = await addAddress(page, { address, host: 'smtp.example.com', username: address, secret: uniqueSecret() });
    await expect(row).toContainText('Stored in keychain');
    const status = row.locator('[data-status]');
    await expect(status).toHaveAttribute('data-status', 'untested');
    await expect(status).toHaveText('Connection not tested yet');
    // The chip's words are the row's only ones about the test: the next cell does not say them again.
    expect(((await row.textContent()) ?? '').split('Connection not tested yet').length - 1).toBe(1);
    const lastTest = row.getByRole('cell').nth(4);
    await expect(lastTest.locator('[data-last-test]')).toHaveAttribute('data-last-test', 'none');
    await expect(lastTest.locator('[aria-hidden="true"]')).toHaveText('—');
    await expect(lastTest).toHaveAccessibleName('None');
    await expectNoAxeViolations(page, 'the addresses list with an address never tested');
  });

  test('editing changes the host; an invalid port is refused with the reason under the field', async ({ page }) => {
    const address = uniqueAddress();
    await addAddress(page, { address, host: 'smtp.example.com', username: address, secret: uniqueSecret() });

    await page.getByRole('button', { name: `Edit ${address}` }).click();
    let dialog = page.getByRole('dialog', { name: `Edit ${address}` });
    // A stored secret is replaced only by Rotate (tested first): no secret field for the same server.
    await expect(dialog.getByLabel('Password')).toHaveCount(0);
    await expect(dialog.getByTestId('secret-kept')).toContainText('use Rotate');
    await dialog.getByLabel('SMTP server').fill('smtp.office365.com');
    // A new server removes the stored secret anyway: the field comes back for the new one.
    await expect(dialog.getByLabel('Password')).toHaveValue('');
    await expect(dialog.getByText('The new server or account removes the stored secret', { exact: false })).toBeVisible();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    const row = rowOf(page, address);
    await expect(row).toContainText('smtp.office365.com:587');
    // The old secret belonged to the old server: it is gone from the keychain.
    await expect(row).toContainText('No secret');

    // Entering the secret with the move keeps the address usable.
    await page.getByRole('button', { name: `Edit ${address}` }).click();
    dialog = page.getByRole('dialog', { name: `Edit ${address}` });
    await dialog.getByLabel('SMTP server').fill('smtp.gmail.com');
    await dialog.getByLabel('Password').fill(uniqueSecret());
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('smtp.gmail.com:587');
    await expect(row).toContainText('Stored in keychain');

    await page.getByRole('button', { name: `Edit ${address}` }).click();
    dialog = page.getByRole('dialog', { name: `Edit ${address}` });
    const port = dialog.getByLabel('Port');
    await port.fill('70000');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    // The main process judged the value; its words appear under the field and the dialog stays open.
    await expect(port).toHaveAttribute('aria-invalid', 'true');
    await expect(port).toBeFocused();
    await expect(dialog.getByText('Check the highlighted fields')).toBeVisible();
    await expect(dialog.getByText(/65535/u).first()).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('smtp.gmail.com:587');
  });

  test('deleting asks first, then removes the row and the keychain entry', async ({ page }) => {
    const address = uniqueAddress();
    const row = await addAddress(page, { address, host: 'smtp.example.com', username: address, secret: uniqueSecret() });
    const id = await addressIdOf(row);

    await page.getByRole('button', { name: `Delete ${address}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete ${address}?` });
    await expect(confirm).toContainText('deletes its secret from the OS keychain');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toBeVisible();

    await page.getByRole('button', { name: `Delete ${address}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete address and secret' }).click();
    await expect(rowOf(page, address)).toHaveCount(0);
    await expect(page.getByRole('status')).toContainText(`Deleted ${address}`);

    const inKeychain = await lookupKeychain(id);
    if (inKeychain.kind === 'unavailable') {
      test.info().annotations.push({ type: 'skipped assertion', description: inKeychain.reason });
      console.log(`keychain assertion skipped: ${inKeychain.reason}`);
    } else {
      expect(inKeychain).toEqual({ kind: 'absent' });
    }
  });

  test('an address can be added with the keyboard alone', async ({ page }) => {
    const address = uniqueAddress();
    await pressUntilFocused(page, 'Tab', 'Add an address manually');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add an address manually' });
    await expect(dialog).toBeVisible();

    // Esc closes the dialog and focus goes back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    expect(await focusedName(page)).toBe('Add an address manually');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();

    await pressUntilFocused(page, 'Tab', 'Email address');
    await page.keyboard.type(address);
    await pressUntilFocused(page, 'Tab', 'Environment');
    await page.keyboard.press('ArrowDown');
    await pressUntilFocused(page, 'Tab', 'SMTP server');
    await page.keyboard.type('smtp.example.net');
    await pressUntilFocused(page, 'Tab', 'Username');
    await page.keyboard.type(address);
    await pressUntilFocused(page, 'Tab', 'Password');
    await page.keyboard.type(uniqueSecret());

    // Focus stays inside the dialog however far we Tab.
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await pressUntilFocused(page, 'Tab', 'Add address');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    const row = rowOf(page, address);
    await expect(row).toContainText('smtp.example.net:587');
    await expect(row).toContainText('Sandbox');
    await expect(row).toContainText('Stored in keychain');
    expect(await focusedName(page)).toBe('Add an address manually');
  });

  test('an internationalised address shows in Unicode, with the punycode form it is stored in beside it', async ({ page }) => {
    const local = `support-${randomBytes(4).toString('hex')}`;
    const row = await addAddress(page, { address: `${local}@bücher.example`, host: 'smtp.example.net', username: `${local}@bücher.example` });
    await expect(row.getByTestId('address-display')).toHaveText(`${local}@bücher.example`);
    await expect(row.getByTestId('address-ascii')).toContainText(`${local}@xn--bcher-kva.example`);
    // An ASCII address keeps one form.
    const plain = await addAddress(page, { address: uniqueAddress(), host: 'smtp.example.net', username: 'user@example.com' });
    await expect(plain.getByTestId('address-ascii')).toHaveCount(0);
    await expectNoAxeViolations(page, 'the addresses table with an internationalised address');
  });
});
