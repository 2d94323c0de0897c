/**
 * The verification-status view against the real loop on 127.0.0.1, through the real
 * bridge: the app's SMTP engine signs in to a DKIM-signing relay (smtp-server, STARTTLS
 * + AUTH), the relay signs with a key the local DNS zone publishes and delivers into a
 * real Dovecot mailbox, and the app finds the message over IMAPS and proves SPF, DKIM
 * and DMARC against that zone. The test CA is trusted the way a workstation with the
 * company CA installed trusts it (NODE_EXTRA_CA_CERTS).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { createTransport } from 'nodemailer';
import { TOKEN_HEADER } from '../src-main/smtp/test-message';
import { startTestDnsServer, type TestDnsServer } from '../src-main/testing/dns-test-server';
import { rr, type Zone } from '../src-main/testing/dns-zone';
import { dovecotUnavailable, startDovecot, type DovecotServer } from '../src-main/testing/dovecot-server';
import { startRelayPeer, type RelayPeer } from '../src-main/testing/relay-peer';
import { createTestPki, type TestPki } from '../src-main/testing/tls-certs';
import { ACME, createVerificationKeys, RELAY_IP, verificationZones, type VerificationKeys } from '../src-main/testing/verification-zone';
import { receiveByImap } from '../src-main/verification/imap-receipt';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, focusedName, openView, pressUntilFocused } from './fixtures/views';

const SUPPORT = `support@${ACME}`;
const INBOX = `inbox@${ACME}`;
const screensDir = join(import.meta.dirname, 'artifacts', 'screens');
const DMARC_GOOD = 'v=DMARC1; p=reject; adkim=r; aspf=r';
const DMARC_BROKEN = 'v=DMARC1; p=rejectt; adkim=r; aspf=r';

interface Loop {
  readonly pki: TestPki;
  readonly keys: VerificationKeys;
  readonly dns: TestDnsServer;
  readonly dovecot: DovecotServer;
  readonly relay: RelayPeer;
}

let loop: Loop | null = null;
const unavailable: string | null = dovecotUnavailable();
let caDir = '';
let caFile = '';
// New secrets per run: finding one anywhere can only be a leak from this run.
const submitSecret = `rp-submit-${randomBytes(10).toString('hex')}`;
const inboxPassword = `rp-inbox-${randomBytes(10).toString('hex')}`;

/** The zones with acme.test's DMARC record replaced (a record someone "fixed"). */
function zonesWith(keys: VerificationKeys, dmarc: string): Zone[] {
  return verificationZones(keys).map((zone) =>
    zone.origin !== ACME ? zone : { ...zone, records: zone.records.map((r) => (r.type === 'TXT' && r.name === `_dmarc.${ACME}` ? rr.txt(`_dmarc.${ACME}`, dmarc) : r)) },
  );
}

test.beforeAll(async () => {
  caDir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-status-'));
  caFile = join(caDir, 'test-ca.pem');
  if (unavailable !== null) return;
  const pki = createTestPki();
  await writeFile(caFile, pki.ca, 'utf8');
  const keys = createVerificationKeys();
  const dns = await startTestDnsServer({ zones: zonesWith(keys, DMARC_GOOD) });
  let dovecot: DovecotServer;
  try {
    dovecot = await startDovecot({ certificate: pki.leaf, users: [{ username: INBOX, password: inboxPassword }] });
  } catch (error) {
    // Installed but broken is a failure, not a skip (only a missing binary skips).
    await dns.close();
    pki.cleanup();
    throw new Error(`Dovecot is installed but did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
  const relay = await startRelayPeer({ certificate: pki.leaf, account: { username: SUPPORT, secret: submitSecret }, deliverTo: { host: dovecot.host, port: dovecot.lmtpPort } });
  relay.setBehaviour({ signers: [keys.acmeRelay] });
  loop = { pki, keys, dns, dovecot, relay };
});

test.afterAll(async () => {
  await loop?.relay.close();
  await loop?.dovecot.close();
  await loop?.dns.close();
  loop?.pki.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

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

/** The loop, or skip with why it cannot run here; also skips without a keychain (the address's secret lives there). */
async function requireLoop(page: Page): Promise<Loop> {
  test.info().skip(unavailable !== null, unavailable ?? '');
  const info = await callBridge<{ keychain: { status: string; message?: string } }>(page, 'app:get-info', {});
  test.info().skip(info.keychain.status !== 'available', `No OS keychain to store the address's secret: ${info.keychain.message ?? info.keychain.status}`);
  if (loop === null) throw new Error('the verification loop did not start');
  return loop;
}

/** An address at the signing relay, with the DNS of the local zone in Settings. */
async function seedAddress(page: Page, l: Loop): Promise<string> {
  await callBridge(page, 'settings:update', { patch: { dnsServers: [l.dns.address] } });
  const created = await callBridge<{ id: string }>(page, 'addresses:create', {
    fields: { address: SUPPORT, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: l.relay.port, security: 'starttls', username: SUPPORT, authKind: 'password' },
    secret: submitSecret,
  });
  return created.id;
}

function item(page: Page, id: string): Locator {
  return page.locator(`article[data-item="${id}"]`);
}

function progress(page: Page): Locator {
  return page.getByTestId('status-progress');
}

test.describe('verification status', () => {
  test('dashboard → address → verification email proves SPF/DKIM/DMARC; a changed DNS record goes stale with before/after; the report is self-contained', async ({ page }) => {
    test.setTimeout(240_000);
    const l = await requireLoop(page);
    const id = await seedAddress(page, l);
    const rpcBodies: Array<Promise<string>> = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/rpc/')) rpcBodies.push(response.text().catch(() => ''));
    });

    await openView(page, 'status');
    const row = page.locator(`tr[data-address-id="${id}"]`);
    await expect(row).toContainText(SUPPORT);
    await expect(row.getByTestId('overall')).toContainText('Never checked');
    await expect(row).toContainText('Never');
    await expectNoAxeViolations(page, 'the status dashboard');
    await shoot(page, 'status-dashboard');

    await row.getByRole('link', { name: SUPPORT }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${SUPPORT}`);
    await expect(page.locator('[data-view-title]')).toBeFocused();
    // The first screen (1280×800) leads with the answer: the verdict and the first item, not the mailbox forms.
    expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
    await expect(page.getByRole('heading', { name: /^Verdict: / })).toBeInViewport({ ratio: 1 });
    await expect(page.locator('article[data-item]').first()).toBeInViewport();
    await expect(page.getByRole('form', { name: 'Mailbox settings' })).not.toBeInViewport();
    // "Open a received .eml" sits beside "Send verification email", in the same section and row.
    const prove = page.getByRole('region', { name: 'Prove delivery' });
    const sendBox = await prove.getByRole('button', { name: 'Send verification email' }).boundingBox();
    const emlBox = await prove.getByLabel('Received message (.eml)').boundingBox();
    expect(sendBox !== null && emlBox !== null && Math.abs(emlBox.y - sendBox.y) < 200 && emlBox.x > sendBox.x).toBe(true);
    await shoot(page, 'status-first-screen');

    // The mailbox the verification email is read from; its password goes to the keychain.
    const mailbox = page.getByRole('form', { name: 'Mailbox settings' });
    await mailbox.getByLabel('IMAP server').fill('127.0.0.1');
    await mailbox.getByLabel('IMAP port').fill(String(l.dovecot.imapsPort));
    await mailbox.getByLabel('Mailbox username').fill(INBOX);
    await mailbox.getByLabel('Mailbox password').fill(inboxPassword);
    await mailbox.getByRole('button', { name: 'Save mailbox' }).click();
    await expect(page.getByText(`Mailbox saved for ${SUPPORT}: ${INBOX} on 127.0.0.1:${l.dovecot.imapsPort}. Its password is in the OS keychain.`)).toBeVisible();
    // Configured: one line with Edit (focus moves to it), and no password field left on the page.
    await expect(mailbox).toHaveCount(0);
    await expect(page.getByTestId('verification-mailbox-summary')).toContainText(`Relayproof reads ${INBOX} on 127.0.0.1:${l.dovecot.imapsPort}`);
    const edit = page.getByRole('button', { name: 'Edit mailbox', exact: true });
    await expect(edit).toBeFocused();
    // Still reachable by keyboard: Edit opens the form on its first field, Cancel folds it back onto Edit.
    await page.keyboard.press('Enter');
    await expect(mailbox.getByLabel('IMAP server')).toBeFocused();
    await expect(mailbox.getByLabel('IMAP server')).toHaveValue('127.0.0.1');
    await expect(mailbox.getByLabel('Mailbox password')).toHaveValue('');
    await mailbox.getByRole('button', { name: 'Cancel' }).press('Enter');
    await expect(mailbox).toHaveCount(0);
    await expect(edit).toBeFocused();

    // Send verification email: sent → waiting → received → proved, live.
    await page.getByRole('button', { name: 'Send verification email' }).click();
    const steps = page.getByTestId('receipt-progress');
    await expect(steps).toHaveAttribute('data-stage', 'proved', { timeout: 60_000 });
    await expect(progress(page)).toHaveText('Proved: SPF pass, DKIM pass, DMARC pass.');
    await expect(steps.locator('[data-step="sent"]')).toContainText(`accepted for ${INBOX}`);
    await expect(steps.locator('[data-step="received"]')).toContainText('INBOX');

    for (const itemId of ['connection-auth', 'send-as', 'email-accepted', 'email-received', 'headers-intact', 'spf', 'dkim-aligned', 'dmarc']) {
      await expect(item(page, itemId), itemId).toHaveAttribute('data-state', 'verified');
    }
    await expect(item(page, 'dkim-aligned')).toContainText(`DKIM pass: signed by ${ACME} with selector relay1, aligned with ${ACME}.`);
    await expect(item(page, 'spf')).toContainText(RELAY_IP);
    const proof = page.getByTestId('message-proof');
    await expect(proof).toHaveAttribute('data-pass', 'true');
    await expect(proof.getByTestId('proof-dkim')).toContainText('relay1');
    await expect(proof.getByTestId('proof-spf')).toContainText(RELAY_IP);
    await expect(proof.getByTestId('proof-dmarc')).toContainText(DMARC_GOOD);
    await expect(proof).toContainText('No signature was broken on the way.');
    await expect(proof.locator('tr[data-header="X-Auto-Response-Suppress"]')).toContainText('Intact');
    await expect(proof).toContainText(/Delivery delay\s*\d/u);
    // Evidence of one item, opened by keyboard.
    const spfEvidence = item(page, 'spf').locator('summary');
    await spfEvidence.focus();
    await page.keyboard.press('Enter');
    await expect(item(page, 'spf').getByText(`v=spf1 ip4:${RELAY_IP} -all`, { exact: true }).first()).toBeVisible();

    // Re-check now reads the DNS records: DMARC is verified as published.
    await page.getByRole('button', { name: 'Re-check now' }).click();
    await expect(progress(page)).toContainText('Re-check finished', { timeout: 60_000 });
    await expect(item(page, 'dns:dmarc')).toHaveAttribute('data-state', 'verified');
    await expect(item(page, 'dns:dkim:relay1')).toHaveAttribute('data-state', 'verified');

    // Someone edits the DMARC record. Pressing again at once is refused: manual presses respect a 30 s gap.
    l.dns.setZones(zonesWith(l.keys, DMARC_BROKEN));
    await page.getByRole('button', { name: 'Re-check now' }).click();
    await expect(progress(page)).toContainText(/Checked \d+ s ago; next allowed at/u);
    const dmarc = item(page, 'dns:dmarc');
    await expect(dmarc).toHaveAttribute('data-state', 'verified');
    // Once allowed, the re-check marks it stale with before/after.
    await expect(async () => {
      await page.getByRole('button', { name: 'Re-check now' }).click();
      await expect(dmarc).toHaveAttribute('data-state', 'stale', { timeout: 10_000 });
    }).toPass({ timeout: 60_000, intervals: [5_000] });
    await expect(dmarc.getByTestId('drift-before')).toHaveText(DMARC_GOOD);
    await expect(dmarc.getByTestId('drift-after')).toHaveText(DMARC_BROKEN);
    await expect(dmarc.getByTestId('countdown')).toContainText(/Fails in 7[01] h \d+ min if the record is not put back or corrected\./u);
    // The 72-hour window as a picture: a bar from start to deadline, a sliver of it elapsed, the ends in words.
    const windowBar = page.getByRole('region', { name: 'DNS records inside the 72-hour window' }).getByTestId('window-timeline');
    await expect(windowBar).toHaveCount(1);
    expect(Number(await windowBar.getAttribute('data-elapsed'))).toBeLessThan(0.05);
    await expect(windowBar).toContainText(/Started .+Deadline .+/u);
    const fix = dmarc.getByRole('link', { name: /Open the fix for DMARC record in the Checklist/u });
    // The Checklist on this saved address: its own input and route, the same verdicts.
    await expect(fix).toHaveAttribute('href', `#/checklist?address=${id}`);
    // The change is pushed as 'verification:changes' and shown as a toast in browser mode.
    // Titled and coloured by what changed: a drifted record is a warning, never a red "Failed".
    const toast = page.getByTestId('verification-toast').filter({ hasText: 'DNS: DMARC record: Verified → Changed since verified' });
    await expect(toast).toBeVisible();
    await expect(toast).toHaveAttribute('data-intent', 'warning');
    await expect(toast).toContainText(`${SUPPORT}: DNS: DMARC record changed since verified`);
    await expect(page.getByRole('list', { name: 'Runs, newest first' })).toContainText('DNS: DMARC record: Verified → Changed since verified');

    await expectNoAxeViolations(page, 'an address with a proved message and a stale DNS item');
    await shoot(page, 'status-address-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(page, 'the same in the dark theme');
    await shoot(page, 'status-address-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Export report (HTML): self-contained, with the evidence, and no secret.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report (HTML)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.html$/u);
    const html = await readFile(await download.path(), 'utf8');
    expect(html).toContain('relay1');
    expect(html).toContain('p=rejectt');
    // The route the address is judged on, as the checklist judged it.
    expect(html).toContain('Route: through your mail server (connector).');
    expect(html, 'no external resource').not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//iu);
    expect(html, 'no external stylesheet or import').not.toMatch(/<link\b|@import|url\(\s*["']?(?:https?:)?\/\//iu);
    expect(html, 'no script').not.toMatch(/<script\b[^>]*\bsrc=/iu);
    for (const secret of [submitSecret, inboxPassword, Buffer.from(inboxPassword).toString('base64')]) expect(html).not.toContain(secret);

    // The fix link opens the checklist with the domain filled in and run.
    await fix.click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Checklist');
    await expect(page.getByRole('form', { name: 'Checklist' }).getByLabel('Domain')).toHaveValue(ACME);
    await expect(page.getByTestId('checklist-progress')).not.toHaveText('', { timeout: 30_000 });

    const bodies = await Promise.all(rpcBodies);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) for (const secret of [submitSecret, inboxPassword]) expect(body, 'no /rpc/ response carries a secret').not.toContain(secret);
  });

  test('a DKIM item waiting for the relay\'s selector has its field in the Status view: relay1 saved there re-checks to verified', async ({ page }) => {
    test.setTimeout(120_000);
    const l = await requireLoop(page);
    // No selector saved and no message received yet: the checklist cannot know which DKIM key the relay signs with.
    const id = await seedAddress(page, l);
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, `#/status?address=${id}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${SUPPORT}`);
    await page.getByRole('button', { name: 'Re-check now' }).click();
    await expect(progress(page)).toContainText('Re-check finished', { timeout: 60_000 });

    const asking = item(page, 'dns:dkim:*');
    await expect(asking).toHaveAttribute('data-state', 'unverified');
    await expect(asking.getByTestId('item-needs-input')).toContainText('Enter the DKIM selector your mail server signs with');
    await expect(asking).toContainText('Needs input');
    await expect(asking).not.toContainText('could not decide');
    const form = asking.getByRole('form', { name: 'Enter: DKIM selector your mail server signs with' });
    const field = form.getByLabel('DKIM selector your mail server signs with');
    await expect(field).toHaveValue('');

    // SPF was judged for 127.0.0.1 (the SMTP host) but the zone authorises the relay's real IP: it asks for the sending IP, which only a received message gives.
    const spf = item(page, 'dns:spf');
    await expect(spf.getByTestId('item-input')).toHaveAttribute('data-field', 'sendingIp');
    await spf.getByRole('button', { name: 'Go to: send the verification email' }).click();
    await expect(page.getByRole('button', { name: 'Send verification email', exact: true })).toBeFocused();
    await spf.getByRole('button', { name: 'Go to: open a received .eml' }).click();
    await expect(page.getByLabel('Received message (.eml)')).toBeFocused();
    await expectNoAxeViolations(page, 'DNS items waiting for input');
    await shoot(page, 'status-needs-input');

    // A bad selector is refused before anything is saved.
    await field.fill('relay 1!');
    await expect(form).toContainText('"1U+0021": A DKIM selector is letters, digits, hyphens and dots');
    await expect(form.getByRole('button', { name: 'Save the selector and check again' })).toHaveAttribute('aria-disabled', 'true');

    await field.fill('relay1');
    await form.getByRole('button', { name: 'Save the selector and check again' }).click();
    await expect(page.getByTestId('item-input-result')).toContainText(`Saved relay1 on ${SUPPORT} and checked the DNS again: DKIM relay1 pass.`, { timeout: 60_000 });
    await expect(item(page, 'dns:dkim:relay1')).toHaveAttribute('data-state', 'verified');
    // Its times ("In this state since …", "checked …") are local times with the exact UTC time on hover.
    const times = item(page, 'dns:dkim:relay1').locator('time');
    expect(await times.count()).toBeGreaterThanOrEqual(2);
    for (const time of await times.all()) await expect(time).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/u);
    // The question is answered: the item that asked is retired from the status.
    await expect(item(page, 'dns:dkim:*')).toHaveCount(0);
    const saved = await callBridge<Array<{ id: string; selectors: string[] }>>(page, 'addresses:list', {});
    expect(saved.find((a) => a.id === id)?.selectors).toEqual(['relay1']);
  });

  test('keyboard only: a received .eml is verified, a malformed one is refused clearly, and a dropped file is checked too', async ({ page }) => {
    test.setTimeout(120_000);
    const l = await requireLoop(page);
    const id = await seedAddress(page, l);

    // A verification email sent through the relay and fetched from the mailbox, saved as .eml.
    const token = `e2e${randomBytes(6).toString('hex')}`;
    const transport = createTransport({ host: '127.0.0.1', port: l.relay.port, secure: false, requireTLS: true, auth: { user: SUPPORT, pass: submitSecret }, tls: { ca: [l.pki.ca] } });
    await transport.sendMail({ from: SUPPORT, to: INBOX, subject: 'Relayproof test', text: 'verification', headers: { [TOKEN_HEADER]: token } });
    transport.close();
    const fetched = await receiveByImap({
      mailbox: { host: '127.0.0.1', port: l.dovecot.imapsPort, security: 'tls', username: INBOX },
      password: inboxPassword,
      token,
      deadlineAt: new Date(Date.now() + 15_000),
      ca: [l.pki.ca],
      backoffMs: [200],
    });
    if (!fetched.ok) throw new Error(fetched.failure.message);
    const dir = await mkdtemp(join(tmpdir(), 'relayproof-e2e-eml-'));
    const good = join(dir, 'verification.eml');
    const cut = join(dir, 'truncated.eml');
    await writeFile(good, fetched.raw);
    await writeFile(cut, fetched.raw.subarray(0, fetched.raw.indexOf('Subject:') + 12));

    try {
      await page.evaluate((hash) => {
        window.location.hash = hash;
      }, `#/status?address=${id}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${SUPPORT}`);
      await page.locator('[data-view-title]').focus();

      // Tab to the file input and open the chooser with the keyboard.
      await pressUntilFocused(page, 'Tab', 'Received message (.eml)', 80);
      let [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
      await chooser.setFiles(cut);
      await expect(page.getByText('truncated.eml could not be verified')).toBeVisible();
      await expect(page.getByText('The message ends in the middle of its header section: the file is truncated.', { exact: false })).toBeVisible();
      await expect(item(page, 'email-received')).toHaveAttribute('data-state', 'unverified');

      [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
      await chooser.setFiles(good);
      await expect(page.getByText(/verification\.eml verified: SPF pass, DKIM pass \(d=acme\.test s=relay1\), DMARC pass\. It proves the setup\./u)).toBeVisible({ timeout: 30_000 });
      await expect(page.getByText('verification.eml could not be verified')).toHaveCount(0);
      for (const itemId of ['email-received', 'spf', 'dkim-aligned', 'dmarc']) await expect(item(page, itemId), itemId).toHaveAttribute('data-state', 'verified');
      await expect(item(page, 'email-received')).toContainText('Read from the .eml file supplied.');
      await expect(page.getByTestId('message-proof')).toHaveAttribute('data-pass', 'true');

      // Dropped on the box: a file with no header section at all.
      const zone = page.getByTestId('eml-drop-zone');
      const data = await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['just some words, not a message\n'], 'notes.eml', { type: 'message/rfc822' }));
        return transfer;
      });
      await zone.dispatchEvent('dragover', { dataTransfer: data });
      await zone.dispatchEvent('drop', { dataTransfer: data });
      await expect(page.getByText('notes.eml could not be verified')).toBeVisible();

      // Re-check now by keyboard from the heading.
      await page.locator('[data-view-title]').focus();
      await pressUntilFocused(page, 'Tab', 'Re-check now');
      expect(await focusedName(page)).toBe('Re-check now');
      await page.keyboard.press('Enter');
      await expect(progress(page)).toContainText('Re-check finished', { timeout: 60_000 });
      await expect(item(page, 'connection-auth')).toHaveAttribute('data-state', 'verified');

      await expectNoAxeViolations(page, 'the .eml path with an error shown');
      await shoot(page, 'status-eml');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
