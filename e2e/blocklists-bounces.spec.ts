/**
 * The address's Blocklists card and bounce drop zone on its Status view, through the real
 * bridge: the blocklists are local dns2 zones on 127.0.0.1 under the lists' real names
 * (asked through the DNS servers saved in Settings), and the bounce is an Exchange Online
 * DSN built here and handed to the file input. Checked with axe after each answer.
 */
import { startTestDnsServer, type TestDnsServer } from '../src-main/testing/dns-test-server';
import { rr } from '../src-main/testing/dns-zone';
import { expect, test } from './fixtures/app';
import { expectNoAxeViolations } from './fixtures/axe';
import { callBridge, openView } from './fixtures/views';

const SUPPORT = 'support@company.test';
let dns: TestDnsServer | null = null;

test.beforeAll(async () => {
  dns = await startTestDnsServer({
    zones: [
      // The SMTP host 192.0.2.10 is on the SBL; the domain is on no list.
      { origin: 'zen.spamhaus.org', records: [rr.a('10.2.0.192.zen.spamhaus.org', '127.0.0.2'), rr.txt('10.2.0.192.zen.spamhaus.org', 'https://check.spamhaus.org/listed/?searchterm=192.0.2.10')] },
      ...['dbl.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org', 'bl.mailspike.net', 'psbl.surriel.com', 'multi.uribl.com'].map((origin) => ({ origin, records: [] })),
    ],
  });
});

test.afterAll(async () => {
  await dns?.close();
});

const EXCHANGE_DSN = [
  'From: Microsoft Outlook <postmaster@company.test>',
  'To: support@company.test',
  'Subject: Undeliverable: Your request',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  "Your message to customer@contoso.com couldn't be delivered.",
  '',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns;BN8PR12MB3300.namprd12.prod.outlook.com',
  '',
  'Final-Recipient: rfc822;customer@contoso.com',
  'Action: failed',
  'Status: 5.7.509',
  'Diagnostic-Code: smtp;550 5.7.509 Access denied, sending domain company.test does not pass DMARC verification and has a DMARC policy of reject.',
  'Remote-MTA: dns;contoso-com.mail.protection.outlook.com',
  '',
  '--b1--',
  '',
].join('\r\n');

test("the Status view checks the relay's IP and the domain on the blocklists, and reads a dropped bounce", async ({ page }) => {
  if (dns === null) throw new Error('the test DNS server did not start');
  await callBridge(page, 'settings:update', { patch: { dnsServers: [dns.address] } });
  const { id } = await callBridge<{ id: string }>(page, 'addresses:create', {
    fields: { address: SUPPORT, platform: 'generic', environment: 'production', provider: 'custom', host: '192.0.2.10', port: 587, security: 'starttls', username: SUPPORT, authKind: 'password' },
  });

  await openView(page, 'status');
  await page.locator(`tr[data-address-id="${id}"]`).getByRole('link', { name: SUPPORT }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Status of ${SUPPORT}`);

  const card = page.getByTestId('blocklists');
  await card.getByRole('button', { name: 'Check blocklists' }).click();
  await expect(card.getByRole('status')).toHaveText('Listed where it costs delivery: 192.0.2.10 on Spamhaus ZEN.');
  await expect(card).toContainText('SMTP server IP 192.0.2.10');
  await expect(card).toContainText('Spamhaus ZEN: Listed: this will cost delivery');
  await expect(card.getByRole('link', { name: 'Ask Spamhaus ZEN for removal' })).toHaveAttribute('href', 'https://check.spamhaus.org/');
  await expect(card).toContainText('Domain company.test');
  await expect(card).toContainText('No verification email has been received yet');
  await expectNoAxeViolations(page, 'the Status view with blocklist results');

  await page.getByLabel('Bounce (.eml)').setInputFiles({ name: 'undeliverable.eml', mimeType: 'message/rfc822', buffer: Buffer.from(EXCHANGE_DSN) });
  const report = page.getByTestId('bounce-report');
  await expect(report).toContainText('A delivery status notification');
  await expect(report).toContainText('customer@contoso.com');
  await expect(report).toContainText("Microsoft 365: rejected by the sending domain's DMARC policy");
  await expect(report.getByRole('list', { name: 'What to do' }).getByRole('listitem').first()).toContainText('Checklist');
  await expectNoAxeViolations(page, 'the Status view with a bounce read');
});
