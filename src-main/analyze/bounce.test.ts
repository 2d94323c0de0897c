import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BounceReport } from '../../src-preload/contract/bounce-schemas';
import { runCliCaptured } from '../testing/cli-run';
import { readBounceBytes } from './bounce-file';
import { loadReplyCatalogue, repositoryResourcesDir, type ReplyCatalogue } from './reply-catalogue';

let catalogue: ReplyCatalogue;
let dir: string;
beforeAll(async () => {
  const loaded = await loadReplyCatalogue(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  catalogue = loaded.catalogue;
  dir = mkdtempSync(join(tmpdir(), 'relayproof-bounce-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const crlf = (text: string) => text.replace(/\r?\n/gu, '\r\n');

/** An RFC 3464 report: a human part, the delivery-status part, the returned headers. */
function dsn(options: { from: string; subject: string; human: string; perMessage: string[]; perRecipient: string[][]; boundary?: string }): string {
  const b = options.boundary ?? 'B-42';
  return crlf(
    [
      `From: ${options.from}`,
      'To: support@example.com',
      `Subject: ${options.subject}`,
      'Date: Sun, 06 Dec 2026 20:00:00 +0000',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="${b}"`,
      '',
      'This is a MIME-encapsulated message.',
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      options.human,
      '',
      `--${b}`,
      'Content-Type: message/delivery-status',
      '',
      options.perMessage.join('\n'),
      '',
      options.perRecipient.map((r) => r.join('\n')).join('\n\n'),
      '',
      `--${b}`,
      'Content-Type: text/rfc822-headers',
      '',
      'From: Support <support@example.com>',
      'To: customer@example.net',
      'Subject: Re: [#1234] Your request',
      '',
      `--${b}--`,
      '',
    ].join('\n'),
  );
}

function plain(headers: string[], body: string): string {
  return crlf([...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\n'));
}

function read(text: string | Buffer): BounceReport {
  const result = readBounceBytes(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), catalogue);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const POSTFIX = dsn({
  from: 'MAILER-DAEMON@mail.example.com (Mail Delivery System)',
  subject: 'Undelivered Mail Returned to Sender',
  human: [
    'This is the mail system at host mail.example.com.',
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients.',
    '',
    '<nobody@example.net>: host mx.example.net[198.51.100.25] said: 550 5.1.1',
    '    <nobody@example.net>: Recipient address rejected: User unknown in virtual',
    '    mailbox table (in reply to RCPT TO command)',
  ].join('\n'),
  perMessage: ['Reporting-MTA: dns; mail.example.com', 'X-Postfix-Queue-ID: 4Abc123', 'Arrival-Date: Sun,  6 Dec 2026 19:59:58 +0000 (UTC)'],
  perRecipient: [
    [
      'Final-Recipient: rfc822; nobody@example.net',
      'Original-Recipient: rfc822;nobody@example.net',
      'Action: failed',
      'Status: 5.1.1',
      'Remote-MTA: dns; mx.example.net',
      'Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected:',
      '    User unknown in virtual mailbox table',
    ],
  ],
});

const EXCHANGE = dsn({
  from: 'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.com>',
  subject: 'Undeliverable: Re: [#1234] Your request',
  human: [
    "Your message to customer@contoso.com couldn't be delivered.",
    'Security or policy settings at contoso.com have rejected your message.',
    '',
    'Diagnostic information for administrators:',
    '',
    'Generating server: BN8PR12MB3300.namprd12.prod.outlook.com',
    '',
    'customer@contoso.com',
    'Remote Server returned \'550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.\'',
  ].join('\n'),
  perMessage: ['Reporting-MTA: dns;BN8PR12MB3300.namprd12.prod.outlook.com', 'Received-From-MTA: dns;mail.example.com', 'Arrival-Date: Sun, 6 Dec 2026 20:00:00 +0000'],
  perRecipient: [
    [
      'Final-Recipient: rfc822;customer@contoso.com',
      'Action: failed',
      'Status: 5.7.509',
      'Diagnostic-Code: smtp;550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject. [BN8NAM11FT012.eop-nam11.prod.protection.outlook.com]',
      'Remote-MTA: dns;BN8NAM11FT012.mail.protection.outlook.com',
    ],
  ],
});

const GOOGLE = dsn({
  from: 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
  subject: 'Delivery Status Notification (Failure)',
  human: [
    "** Message not delivered **",
    '',
    "Your message couldn't be delivered to customer@gmail.com because the remote server is misconfigured. See technical details below for more information.",
    '',
    'The response from the remote server was:',
    '550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.',
  ].join('\n'),
  perMessage: ['Reporting-MTA: dns; googlemail.com', 'Arrival-Date: Sun, 06 Dec 2026 12:00:00 -0800 (PST)'],
  // Google writes no Diagnostic-Code here: the reply is taken from the text part.
  perRecipient: [['Final-Recipient: rfc822; customer@gmail.com', 'Action: failed', 'Status: 5.7.26', 'Remote-MTA: dns; gmail-smtp-in.l.google.com. (2607:f8b0::1b)']],
});

describe('delivery status notifications (RFC 3464)', () => {
  it('reads a Postfix DSN per recipient and explains 5.1.1 from the catalogue', () => {
    const report = read(POSTFIX);
    expect(report.kind).toBe('dsn');
    expect(report.reportingMta).toBe('mail.example.com');
    expect(report.recipients).toEqual([
      {
        address: 'nobody@example.net',
        action: 'failed',
        status: '5.1.1',
        diagnostic: '550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
        remoteMta: 'mx.example.net',
      },
    ]);
    expect(report.explanation).toMatch(/^Not delivered to nobody@example\.net\. The recipient address does not exist/u);
    expect(report.generatedBy).toMatchObject({ party: 'other', sender: 'mailer-daemon@mail.example.com' });
    expect(report.fix.join(' ')).toMatch(/spelling of the recipient address/u);
  });

  it('reads an Exchange Online NDR with 5.7.509 as a DMARC reject and names Microsoft 365', () => {
    const report = read(EXCHANGE);
    expect(report.kind).toBe('dsn');
    expect(report.recipients[0]).toMatchObject({ address: 'customer@contoso.com', action: 'failed', status: '5.7.509', remoteMta: 'BN8NAM11FT012.mail.protection.outlook.com' });
    expect(report.explanation).toMatch(/rejected by the sending domain's DMARC policy/u);
    expect(report.generatedBy.party).toBe('microsoft-365');
    expect(report.fix.join(' ')).toMatch(/relayproof check DOMAIN/u);
  });

  it("reads a Google DSN, taking the server's words from the text when the report has no Diagnostic-Code", () => {
    const report = read(GOOGLE);
    expect(report.generatedBy.party).toBe('google');
    expect(report.recipients[0]).toMatchObject({ address: 'customer@gmail.com', status: '5.7.26' });
    expect(report.recipients[0]?.diagnostic).toMatch(/^550-5\.7\.26 This mail has been blocked because the sender is unauthenticated/u);
    expect(report.explanation).toMatch(/Gmail: the sender is unauthenticated/u);
  });

  it('says a bounce from zdsys.com came from Zendesk itself, not through the connector', () => {
    const report = read(POSTFIX.replace('MAILER-DAEMON@mail.example.com', 'mailer-daemon@out1.zdsys.com').replace('dns; mail.example.com', 'dns; out1.zdsys.com'));
    expect(report.generatedBy.party).toBe('zendesk');
    expect(report.generatedBy.summary).toMatch(/not through your connector/u);
    expect(report.fix.at(-1)).toMatch(/Zendesk Admin Center/u);
  });

  it("says so when the returned message's own headers show it left through zdsys.com, whoever wrote the bounce", () => {
    const returned = EXCHANGE.replace('From: Support <support@example.com>', 'Received: from out7.zdsys.com (out7.zdsys.com [192.161.147.1])\r\n\tby mx.example.com with ESMTPS; Sun, 6 Dec 2026 20:00:00 +0000\r\nFrom: Support <support@example.com>');
    const report = read(returned);
    expect(report.generatedBy.party).toBe('zendesk');
    expect(report.generatedBy.summary).toMatch(/^Written by Microsoft 365 .*left through Zendesk's own mail servers \(zdsys\.com\), not through your connector/su);
    expect(read(EXCHANGE).generatedBy.party).toBe('microsoft-365');
  });

  it('reads RFC 3461 delay and success notifications', () => {
    const delayed = read(
      dsn({
        from: 'MAILER-DAEMON@mail.example.com',
        subject: 'Delayed Mail (still being retried)',
        human: 'This is the mail system at host mail.example.com.\n\n#################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
        perMessage: ['Reporting-MTA: dns; mail.example.com'],
        perRecipient: [['Final-Recipient: rfc822; full@example.net', 'Action: delayed', 'Status: 4.2.2', 'Diagnostic-Code: smtp; 452 4.2.2 Mailbox full', 'Will-Retry-Until: Sun, 11 Dec 2026 20:00:00 +0000']],
      }),
    );
    expect(delayed.recipients[0]?.action).toBe('delayed');
    expect(delayed.explanation).toMatch(/^Not delivered yet to full@example\.net.*keeps trying.*mailbox is full/su);
    const delivered = read(
      dsn({
        from: 'MAILER-DAEMON@mail.example.com',
        subject: 'Successful Mail Delivery Report',
        human: 'Your message was successfully delivered to the destination(s) listed below.',
        perMessage: ['Reporting-MTA: dns; mail.example.com'],
        perRecipient: [['Final-Recipient: rfc822; customer@example.net', 'Action: delivered', 'Status: 2.0.0', 'Remote-MTA: dns; mx.example.net']],
      }),
    );
    expect(delivered.kind).toBe('dsn');
    expect(delivered.explanation).toMatch(/^A success notification \(RFC 3461\): the message was delivered to customer@example\.net/u);
  });

  it('lists at most 100 recipients and counts the rest', () => {
    const many = Array.from({ length: 150 }, (_v, i) => [`Final-Recipient: rfc822; user${i}@example.net`, 'Action: failed', 'Status: 5.1.1']);
    const report = read(dsn({ from: 'MAILER-DAEMON@mail.example.com', subject: 'Undelivered Mail Returned to Sender', human: 'x', perMessage: ['Reporting-MTA: dns; mail.example.com'], perRecipient: many }));
    expect(report.recipients).toHaveLength(100);
    expect(report.explanation).toMatch(/and 50 more recipients not listed/u);
  });
});

describe('text bounces without a delivery-status part', () => {
  it('reads an Exim bounce', () => {
    const report = read(
      plain(
        ['From: Mail Delivery System <Mailer-Daemon@mail.example.com>', 'To: support@example.com', 'Subject: Mail delivery failed: returning message to sender'],
        [
          'This message was created automatically by mail delivery software.',
          '',
          'A message that you sent could not be delivered to one or more of its',
          'recipients. This is a permanent error. The following address(es) failed:',
          '',
          '  nobody@example.net',
          '    host mx.example.net [198.51.100.25]',
          '    SMTP error from remote mail server after RCPT TO:<nobody@example.net>:',
          '    550 5.1.1 <nobody@example.net>: User unknown',
          '',
          '------ This is a copy of the message, including all the headers. ------',
        ].join('\n'),
      ),
    );
    expect(report.kind).toBe('ndr');
    expect(report.recipients).toEqual([{ address: 'nobody@example.net', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <nobody@example.net>: User unknown', remoteMta: 'mx.example.net' }]);
  });

  it('reads a Sendmail bounce and an old Exchange text NDR', () => {
    const sendmail = read(
      plain(
        ['From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.com>', 'To: support@example.com', 'Subject: Returned mail: see transcript for details'],
        '   ----- The following addresses had permanent fatal errors -----\n<nobody@example.net>\n    (reason: 550 5.1.1 <nobody@example.net>... User unknown)\n',
      ),
    );
    expect(sendmail).toMatchObject({ kind: 'ndr', recipients: [{ address: 'nobody@example.net', action: 'failed', status: '5.1.1' }] });
    const exchange = read(
      plain(
        ['From: postmaster@contoso.com', 'To: support@example.com', 'Subject: Undeliverable: Hello'],
        "Delivery has failed to these recipients or groups:\n\nghost@contoso.com\nThe email address you entered couldn't be found.\n\nDiagnostic information for administrators:\n\nGenerating server: EX01.contoso.com\n\nghost@contoso.com\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n",
      ),
    );
    expect(exchange).toMatchObject({ kind: 'ndr', reportingMta: 'EX01.contoso.com', recipients: [{ address: 'ghost@contoso.com', status: '5.1.10' }] });
    expect(exchange.explanation).toMatch(/Microsoft 365: the recipient does not exist/u);
  });
});

describe('messages that are not bounces', () => {
  it('an out-of-office reply is an auto-reply, not a bounce', () => {
    const report = read(plain(['From: Customer <customer@example.net>', 'To: support@example.com', 'Subject: Automatic reply: Your request', 'Auto-Submitted: auto-replied', 'X-Autoreply: yes'], 'I am out of the office until Monday.'));
    expect(report).toMatchObject({ kind: 'auto-reply', recipients: [] });
    expect(report.explanation).toMatch(/not a bounce: the message was delivered/u);
  });

  it('a Precedence: auto_reply vacation notice is an auto-reply too', () => {
    expect(read(plain(['From: customer@example.net', 'Subject: Re: hello', 'Precedence: auto_reply'], 'On vacation.')).kind).toBe('auto-reply');
  });

  it('an ordinary message, even one that mentions failure, is not a bounce', () => {
    const report = read(plain(['From: Customer <customer@example.net>', 'To: support@example.com', 'Subject: delivery failed?'], 'My parcel could not be delivered to me@example.net, please help.'));
    expect(report.kind).toBe('not-a-bounce');
    expect(report.recipients).toEqual([]);
  });
});

describe('hostile and unreadable input', () => {
  it('refuses an empty, binary or header-less file before parsing', () => {
    for (const raw of [Buffer.alloc(0), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]), Buffer.from('just some text\nwithout header fields\n')]) {
      expect(readBounceBytes(raw, catalogue).ok).toBe(false);
    }
  });

  it('refuses a message over the size limit without reading it', () => {
    const result = readBounceBytes(Buffer.from(POSTFIX), catalogue, { maxBytes: 100 });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toMatch(/up to/u);
  });

  it('stops at the depth and part limits of a deeply nested or very wide MIME tree', () => {
    let nested = 'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; deep.example\r\n\r\nFinal-Recipient: rfc822; deep@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n';
    for (let i = 0; i < 2000; i++) nested = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${nested}\r\n--n${i}--\r\n`;
    const deep = read(`From: MAILER-DAEMON@mail.example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n${nested}`);
    expect(deep.recipients).toEqual([]);
    // The report behind 100,000 parts is never reached: the walk stops at its part limit.
    const status = '--w\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; wide.example\r\n\r\nFinal-Recipient: rfc822; wide@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n';
    const wide = read(`From: someone@example.net\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary="w"\r\n\r\n${'--w\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(100_000)}${status}--w--\r\n`);
    expect(wide.kind).toBe('not-a-bounce');
  });
});

describe('relayproof bounce', () => {
  const file = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('prints the JSON shape of the issue and exits 0 for a bounce', async () => {
    const { code, stdout } = await runCliCaptured(['bounce', file('exchange.eml', EXCHANGE), '--json'], dir);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as BounceReport;
    expect(Object.keys(report)).toEqual(['kind', 'reportingMta', 'generatedBy', 'recipients', 'explanation', 'fix']);
    expect(Object.keys(report.recipients[0] ?? {})).toEqual(['address', 'action', 'status', 'diagnostic', 'remoteMta']);
  });

  it('explains in words, and exits 1 for an auto-reply or another message', async () => {
    const text = await runCliCaptured(['bounce', file('postfix.eml', POSTFIX)], dir);
    expect(text.stdout).toMatch(/✗ nobody@example\.net: failed 5\.1\.1/u);
    expect(text.stdout).toMatch(/ {2}1\. /u);
    const auto = await runCliCaptured(['bounce', file('ooo.eml', plain(['From: a@example.net', 'Subject: Out of office', 'Auto-Submitted: auto-replied'], 'Away.'))], dir);
    expect(auto.code).toBe(1);
  });

  it('exits 2 for a missing file, a folder or a binary file', async () => {
    for (const path of [join(dir, 'missing.eml'), dir, file('binary.eml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]))]) {
      expect((await runCliCaptured(['bounce', path], dir)).code, path).toBe(2);
    }
  });
});
