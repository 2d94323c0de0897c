/**
 * Reports read on demand from a real mailbox: Debian's Dovecot on 127.0.0.1 holding report
 * messages from three reporters (and a message that is not a report, and one carrying a
 * zip bomb), read through the `reports:read-mailbox` channel of the real services with
 * the mailbox password lent from the keychain; the checklist's DMARC advice then quotes
 * the numbers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import type { ChecklistReport } from '../../src-preload/contract/checks-schemas';
import type { MailboxReports } from '../../src-preload/contract/reports';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { reportFile, reportMessage, tlsReportJson, zipBomb, type FixtureReport } from '../testing/dmarc-report-fixtures';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { dovecotUnavailable, startDovecot, type DovecotServer } from '../testing/dovecot-server';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { makeTempDir, memoryKeychain, type TempDir } from '../testing/transport-support';

const USER = 'dmarc@company.test';
const PASSWORD = 'mailbox-password-7Qx';
const DAY = 86_400;
const BEGIN = 1_793_577_600;
const unavailable = dovecotUnavailable();
if (unavailable !== null) console.warn(`Mailbox report tests skipped: ${unavailable}`);

let temp: TempDir;
let pki: TestPki;
let dovecot: DovecotServer;
let dns: TestDnsServer;
let services: Services;
let dispatcher: ReturnType<Services['createDispatcher']>;
let addressId: string;

function fixtures(): FixtureReport[] {
  const rows = (n: number, fail: number) => [
    { ip: '192.0.2.10', count: n, dkim: 'pass' as const, spf: 'pass' as const },
    { ip: '198.51.100.7', count: fail, dkim: 'fail' as const, spf: 'fail' as const },
  ];
  return [
    { style: 'google', domain: 'company.test', reportId: 'g-1', begin: BEGIN, end: BEGIN + 7 * DAY, rows: rows(600, 10) },
    { style: 'microsoft', domain: 'company.test', reportId: 'm-1', begin: BEGIN + 7 * DAY, end: BEGIN + 14 * DAY, rows: rows(400, 5) },
    { style: 'yahoo', domain: 'company.test', reportId: 'y-1', begin: BEGIN + 3 * DAY, end: BEGIN + 10 * DAY, rows: rows(215, 10) },
  ];
}

async function append(folder: string, messages: readonly Buffer[]): Promise<void> {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapsPort, secure: true, auth: { user: USER, pass: PASSWORD }, logger: false, tls: { ca: [pki.ca] } });
  await client.connect();
  try {
    if (folder !== 'INBOX') await client.mailboxCreate(folder);
    for (const m of messages) await client.append(folder, m);
  } finally {
    await client.logout();
  }
}

beforeAll(async () => {
  if (unavailable !== null) return;
  temp = await makeTempDir('mailbox-reports');
  pki = createTestPki();
  dovecot = await startDovecot({ certificate: pki.leaf, users: [{ username: USER, password: PASSWORD }] });
  dns = await startTestDnsServer({ zones: [{ origin: 'company.test', records: [rr.txt('company.test', 'v=spf1 ip4:192.0.2.10 -all'), rr.txt('_dmarc.company.test', 'v=DMARC1; p=none; rua=mailto:dmarc@company.test')] }] });
  const messages = fixtures().map((f) => reportMessage(reportFile(f), { domain: 'company.test', subjectId: f.reportId }));
  await append('INBOX', [
    ...messages,
    Buffer.from('From: colleague@company.test\r\nTo: dmarc@company.test\r\nSubject: lunch?\r\n\r\nNot a report.\r\n'),
    // A report message whose attachment is not a report (only text): counted as seen, nothing read from it.
    Buffer.from('From: x@receiver.test\r\nTo: dmarc@company.test\r\nSubject: Report Domain: company.test Submitter: receiver.test\r\n\r\nNo attachment.\r\n'),
  ]);
  await append('DMARC', [
    reportMessage({ name: 'tls.json', bytes: Buffer.from(tlsReportJson('company.test', { successful: 900, failed: 3 })), contentType: 'application/tlsrpt+json' }, { domain: 'company.test', subjectId: 'tls-1' }),
    reportMessage({ name: 'bomb.zip', bytes: zipBomb(20, true), contentType: 'application/zip' }, { domain: 'company.test', subjectId: 'bomb' }),
  ]);
  services = createServices({
    dataDirectory: join(temp.path, 'data'),
    mode: 'cli',
    logger: silentLogger,
    keychain: async () => memoryKeychain(),
    validateOutput: true,
    verification: { imapCa: [pki.ca], resolverOptions: { timeoutMs: 1_000, retries: 0 } },
  });
  dispatcher = services.createDispatcher();
  const settings = await dispatcher.dispatch('settings:update', { patch: { dnsServers: [dns.address] } });
  if (!settings.ok) throw new Error(settings.error.message);
  const created = await dispatcher.dispatch('addresses:create', {
    fields: { address: 'support@company.test', platform: 'generic', environment: 'production', provider: 'custom', host: '192.0.2.10', port: 587, security: 'starttls', username: 'support@company.test', authKind: 'password' },
    secret: 'smtp-secret-not-used',
  });
  if (!created.ok) throw new Error(created.error.message);
  addressId = (created.value as { id: string }).id;
  const mailbox = await dispatcher.dispatch('verification:set-mailbox', { addressId, mailbox: { host: '127.0.0.1', port: dovecot.imapsPort, security: 'tls', username: USER }, secret: PASSWORD });
  if (!mailbox.ok) throw new Error(mailbox.error.message);
}, 120_000);

afterAll(async () => {
  if (unavailable !== null) return;
  await dovecot?.close();
  await dns?.close();
  pki?.cleanup();
  await temp?.remove();
}, 60_000);

describe.skipIf(unavailable !== null)('reports read from the address\'s mailbox on demand', () => {
  it('reads the three reporters\' messages in INBOX, sums them, flags the relay, skips the rest', async () => {
    const before = await dispatcher.dispatch('reports:get', { addressId });
    expect(before).toEqual({ ok: true, value: null });
    const read = await dispatcher.dispatch('reports:read-mailbox', { addressId });
    if (!read.ok) throw new Error(read.error.message);
    const value = read.value as MailboxReports;
    expect(value.mailbox).toEqual({ host: '127.0.0.1', username: USER, folder: 'INBOX' });
    // The colleague's message is not a report by its subject; the empty report message is seen.
    expect(value.messagesSeen).toBe(4);
    expect(value.summary.reports.map((r) => r.org).sort()).toEqual(['Enterprise Outlook', 'Yahoo', 'google.com']);
    expect(value.summary.totals).toEqual({ messages: 1240, dmarcPass: 1215, dmarcFail: 25 });
    expect(value.summary.period?.days).toBe(14);
    expect(value.summary.sources[0]).toMatchObject({ ip: '192.0.2.10', count: 1215, isRelay: true });
    expect(value.summary.sources[1]).toMatchObject({ ip: '198.51.100.7', dmarcFail: 25, isRelay: false });
    expect(value.summary.files.filter((f) => !f.ok).map((f) => f.problem)).toEqual(['not-a-report']);
    expect((await dispatcher.dispatch('reports:get', { addressId })).ok).toBe(true);
  });

  it('the checklist of the address quotes the numbers in its DMARC rollout advice', async () => {
    const report = await dispatcher.dispatch('checks:run-for-address', { operationId: 'op_reports_checklist', addressId });
    if (!report.ok) throw new Error(report.error.message);
    const dmarc = (report.value as ChecklistReport).items.find((i) => i.id === 'dmarc');
    expect(dmarc?.findings.find((f) => f.code === 'dmarc-reports-rollout')?.message).toBe('Aggregate reports: 97 % of 1,240 reported messages aligned in 14 days: not ready for quarantine. 25 failed DMARC; find their sources in the reports (your own servers, other services sending as the domain) and make them pass SPF or DKIM aligned first, until at least 98 % pass.');
  });

  it('reads a dedicated folder: a TLS report is read, a zip bomb is refused', async () => {
    const read = await dispatcher.dispatch('reports:read-mailbox', { addressId, folder: 'DMARC' });
    if (!read.ok) throw new Error(read.error.message);
    const value = read.value as MailboxReports;
    expect(value.summary.tlsTotals).toEqual({ successful: 900, failed: 3 });
    expect(value.summary.files.find((f) => f.problem === 'refused')?.message).toMatch(/zip bomb/u);
  });

  it('a folder that does not exist is named, with the folders there are', async () => {
    const read = await dispatcher.dispatch('reports:read-mailbox', { addressId, folder: 'Reports' });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.message).toBe(`The mailbox ${USER} has no folder named Reports.`);
    expect(read.error.hint).toContain('DMARC');
  });
});
