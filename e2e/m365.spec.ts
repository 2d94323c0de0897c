/**
 * The Microsoft 365 view: a pasted 535 5.7.139 marks the mailbox item as the problem and
 * highlights its one-line fix; the retirement timeline for today is shown; the script
 * generator refuses hostile input; all of it from the keyboard and clean under axe.
 */
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { openView, pressUntilFocused } from './fixtures/views';

const UPN = 'support@contoso.com';
const MAILBOX_DISABLED = '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox';
const FIX = `Set-CASMailbox -Identity '${UPN}' -SmtpClientAuthenticationDisabled $false`;

test.describe('Microsoft 365', () => {
  test('a pasted error marks the mailbox item as a problem and highlights its fix', async ({ page }) => {
    await openView(page, 'm365');
    const retirement = page.getByTestId('m365-retirement');
    await expect(retirement.getByRole('heading', { name: 'Basic authentication retirement' })).toBeVisible();
    await expect(retirement.getByText(/Basic authentication for SMTP AUTH/u).first()).toBeVisible();
    await expect(retirement.getByRole('list', { name: /Retirement milestones as of \d{4}-\d{2}-\d{2}/u })).toBeVisible();
    // Each sentence once: the summary does not repeat its milestones, nor a milestone its title.
    const sentences = ((await retirement.textContent()) ?? '').split(/(?<=\.)\s*/u).map((t) => t.trim().toLowerCase()).filter((t) => t.length > 20);
    expect(sentences.filter((t, i) => sentences.indexOf(t) !== i)).toEqual([]);

    const form = page.getByRole('form', { name: 'Mailbox readiness' });
    await form.getByLabel('Mailbox sign-in name (UPN)').fill(UPN);
    await form.getByLabel('Paste an error').fill(MAILBOX_DISABLED);
    await form.getByRole('button', { name: 'Find what it proves wrong' }).click();

    const item = page.locator('[data-item-id="mailbox-smtp-auth"]');
    await expect(item).toHaveAttribute('data-state', 'problem');
    await expect(item).toHaveAttribute('data-highlighted', 'true');
    await expect(item.getByTestId('fix-mailbox-smtp-auth')).toHaveText(FIX);
    await expect(item.getByTestId('fix-mailbox-smtp-auth')).toBeVisible();
    await expect(page.getByTestId('m365-next-fix')).toContainText(FIX);
    await expect(page.getByTestId('m365-status')).toContainText('1 problem');
    await expectNoAxeViolations(page, 'the Microsoft 365 checklist with a pasted error');

    // The admin sets an item by hand: it keeps that state; the pasted error still decides its own item.
    const defaults = page.locator('[data-item-id="security-defaults"]');
    await defaults.getByRole('button').first().click();
    await defaults.getByLabel(/State of “/u).selectOption('not-applicable');
    await expect(defaults).toHaveAttribute('data-state', 'not-applicable');
    await item.getByLabel(/State of “/u).selectOption('ok');
    await expect(item).toHaveAttribute('data-state', 'problem');
    await expect(page.getByTestId('m365-status')).toContainText('1 problem');
    await defaults.getByLabel(/State of “/u).selectOption('auto');
    await expect(defaults).toHaveAttribute('data-state', 'unknown');
    await expectNoAxeViolations(page, 'the Microsoft 365 checklist with a state set by hand');
  });

  test('a hostile UPN is refused on the field, and the generator writes the enable script', async ({ page }) => {
    await openView(page, 'm365');
    const form = page.getByRole('form', { name: 'Mailbox readiness' });
    await form.getByLabel('Mailbox sign-in name (UPN)').fill("o'brien@contoso.com; Remove-Mailbox");
    await form.getByRole('button', { name: 'Check readiness' }).click();
    await expect(form.getByLabel('Mailbox sign-in name (UPN)')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('Mailbox sign-in name (UPN)')).toBeFocused();

    const generator = page.getByRole('form', { name: 'Script generator' });
    await generator.getByLabel('Script').selectOption({ label: 'Turn on SMTP AUTH for this mailbox' });
    await generator.getByLabel('Mailbox (UPN)').fill(UPN);
    await generator.getByRole('button', { name: 'Generate script' }).click();
    await expect(page.getByTestId('m365-generated-script')).toContainText('Connect-ExchangeOnline');
    await expect(page.getByTestId('m365-generated-script')).toContainText(FIX);
    await expect(page.getByRole('button', { name: 'Download relayproof-enable-mailbox.ps1' })).toBeVisible();
    await expectNoAxeViolations(page, 'the Microsoft 365 script generator');
  });

  test('everything works from the keyboard alone', async ({ page }) => {
    await openView(page, 'm365');
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    await pressUntilFocused(page, 'Tab', 'Mailbox sign-in name (UPN)');
    await page.keyboard.type(UPN);
    await pressUntilFocused(page, 'Tab', 'Paste an error');
    await page.keyboard.type(MAILBOX_DISABLED);
    await pressUntilFocused(page, 'Tab', 'Find what it proves wrong');
    await page.keyboard.press('Enter');
    const item = page.locator('[data-item-id="mailbox-smtp-auth"]');
    await expect(item).toHaveAttribute('data-state', 'problem');
    await expect(item.getByTestId('fix-mailbox-smtp-auth')).toHaveText(FIX);

    // The highlighted item's header is reachable and toggles with Enter.
    const header = item.getByRole('button').first();
    await header.focus();
    await expect(header).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Enter');
    await expect(header).toHaveAttribute('aria-expanded', 'false');
    await page.keyboard.press('Enter');
    await expect(header).toHaveAttribute('aria-expanded', 'true');

    // The script generator from the keyboard.
    await pressUntilFocused(page, 'Tab', 'Script', 120);
    await pressUntilFocused(page, 'Tab', 'Generate script');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('m365-generated-script')).toContainText(`Get-CASMailbox -Identity '${UPN}'`);
  });
});
