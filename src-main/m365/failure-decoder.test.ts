/**
 * Local smtp-server instances that answer like smtp.office365.com, each with one of the
 * Microsoft replies an admin meets: a real connection test runs against each, and the
 * readiness checklist built from its report must turn the right item into `problem`
 * with its fix highlighted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReplyCatalogue, repositoryResourcesDir, type ReplyCatalogue } from '../analyze/reply-catalogue';
import type { ConnectionReport, ConnectionTestInput } from '../../src-preload/contract/smtp-schemas';
import { startM365Peer, type M365Peer, type M365PeerOptions } from '../testing/m365-smtp-peer';
import type { PeerReply } from '../testing/smtp-peer';
import { runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { m365Checklist } from './checklist';
import { loadM365Facts } from './facts';
import type { M365Checklist, M365ChecklistInput, M365Facts, ReadinessItemId, ScriptId } from '../../src-preload/contract/m365-schemas';

const MAILBOX = 'support@contoso.com';
const RELAY = 'relay@contoso.com';
const PASSWORD = 'correct horse battery staple';
const TODAY = '2026-11-23';

let pki: TestPki;
let facts: M365Facts;
let catalogue: ReplyCatalogue;
const peers: M365Peer[] = [];

beforeAll(async () => {
  pki = createTestPki();
  const loaded = await loadM365Facts(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  facts = loaded.facts;
  const replies = await loadReplyCatalogue(repositoryResourcesDir());
  if (!replies.ok) throw new Error(replies.problems.join('\n'));
  catalogue = replies.catalogue;
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  pki?.cleanup();
});

async function peer(options: Partial<M365PeerOptions> = {}): Promise<M365Peer> {
  const started = await startM365Peer({ tls: pki.leaf, mailbox: MAILBOX, password: PASSWORD, ...options });
  peers.push(started);
  return started;
}

function test(server: M365Peer, input: Partial<ConnectionTestInput> = {}): Promise<ConnectionReport> {
  return runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: MAILBOX, credentials: { kind: 'password', username: MAILBOX, secret: PASSWORD }, ...input }, { ca: [pki.ca], catalogue });
}

function checklistFor(report: ConnectionReport, input: Partial<M365ChecklistInput> = {}): M365Checklist {
  const result = m365Checklist({ upn: MAILBOX, today: TODAY, report, ...input }, { facts, catalogue });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const ENABLE_LINE = "Set-CASMailbox -Identity 'support@contoso.com' -SmtpClientAuthenticationDisabled $false";
const SEND_AS_LINE = "Add-RecipientPermission -Identity 'support@contoso.com' -Trustee 'relay@contoso.com' -AccessRights SendAs -Confirm:$false";

interface Case {
  readonly name: string;
  readonly peer: Partial<M365PeerOptions>;
  readonly input?: Partial<ConnectionTestInput>;
  readonly checklist?: Partial<M365ChecklistInput>;
  readonly reply: RegExp;
  readonly item: ReadinessItemId;
  readonly script: ScriptId | null;
  readonly command?: string;
}

const refuse = (at: NonNullable<M365PeerOptions['refuse']>['at'], code: number, message: string): Partial<M365PeerOptions> => ({ refuse: { at, reply: { code, message } satisfies PeerReply } });
const asRelay: Partial<ConnectionTestInput> = { credentials: { kind: 'password', username: RELAY, secret: PASSWORD } };

const cases: Case[] = [
  {
    name: '535 5.7.139 SMTP AUTH disabled for the tenant',
    peer: refuse('auth', 535, '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [SN4PR0501CA0056.namprd05.prod.outlook.com]'),
    reply: /disabled for the Tenant/u,
    item: 'tenant-smtp-auth',
    script: 'enable-mailbox',
    command: ENABLE_LINE,
  },
  {
    name: '535 5.7.139 SMTP AUTH disabled for the mailbox',
    peer: refuse('auth', 535, '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.'),
    reply: /disabled for the Mailbox/u,
    item: 'mailbox-smtp-auth',
    script: 'enable-mailbox',
    command: ENABLE_LINE,
  },
  { name: '535 5.7.139 the user credentials were incorrect (a wrong password)', peer: {}, input: { credentials: { kind: 'password', username: MAILBOX, secret: 'old password' } }, reply: /credentials were incorrect/u, item: 'credentials', script: null },
  {
    name: '535 5.7.139 security defaults',
    peer: refuse('auth', 535, "5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator."),
    reply: /security defaults policy/u,
    item: 'security-defaults',
    script: 'oauth-setup',
  },
  { name: '535 5.7.139 basic authentication is disabled', peer: refuse('auth', 535, '5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0412.namprd03.prod.outlook.com]'), reply: /basic authentication is disabled/u, item: 'basic-auth-retirement', script: 'oauth-setup' },
  { name: '535 5.7.139 smart lockout', peer: refuse('auth', 535, "5.7.139 Authentication unsuccessful, user is locked by user's smart lockout"), reply: /smart lockout/u, item: 'account-lockout', script: null },
  { name: '535 5.7.3 Authentication unsuccessful', peer: refuse('auth', 535, '5.7.3 Authentication unsuccessful [BN6PR1101CA0024.namprd11.prod.outlook.com]'), reply: /5\.7\.3/u, item: 'credentials', script: null },
  { name: '530 5.7.57 not authenticated (a connector without credentials)', peer: {}, input: { credentials: null }, reply: /530 5\.7\.57/u, item: 'authenticated-submission', script: null },
  {
    name: '550 5.7.60 no permission to send as',
    peer: { mailbox: RELAY, ...refuse('mail', 550, '5.7.60 SMTP; Client does not have permissions to send as this sender') },
    input: asRelay,
    checklist: { upn: RELAY, from: MAILBOX },
    reply: /5\.7\.60/u,
    item: 'send-as-rights',
    script: 'grant-send-as',
    command: SEND_AS_LINE,
  },
  {
    name: '554 5.2.0 SendAsDenied after DATA (no Send As on the From address)',
    peer: { mailbox: RELAY },
    input: { ...asRelay, send: true, to: 'customer@example.org' },
    checklist: { upn: RELAY, from: MAILBOX },
    reply: /SendAsDenied/u,
    item: 'send-as-rights',
    script: 'grant-send-as',
    command: SEND_AS_LINE,
  },
  { name: '451 4.7.500 access denied', peer: refuse('connect', 451, '4.7.500 Access denied, please try again later'), reply: /451 4\.7\.500/u, item: 'tenant-standing', script: null },
  {
    name: '550 5.7.64 TenantAttribution (sending to the MX host without signing in)',
    peer: { acceptsAnonymous: true, ...refuse('rcpt', 550, '5.7.64 TenantAttribution; Relay Access Denied [BN7NAM10FT029.eop-nam10.prod.protection.outlook.com]') },
    input: { credentials: null, to: 'customer@example.org' },
    reply: /TenantAttribution/u,
    item: 'authenticated-submission',
    script: null,
  },
  { name: '421 4.7.66 TLS version not supported', peer: refuse('secure', 421, '4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2.'), reply: /4\.7\.66/u, item: 'tls-1-2', script: null },
  { name: '550 5.7.30 Basic authentication not supported (after retirement)', peer: refuse('auth', 550, '5.7.30 Basic authentication is not supported for Client Submission.'), reply: /5\.7\.30/u, item: 'basic-auth-retirement', script: 'oauth-setup' },
  { name: '432 4.3.2 concurrent connections limit exceeded', peer: refuse('mail', 432, '4.3.2 Concurrent connections limit exceeded.'), reply: /Concurrent connections limit/u, item: 'concurrency', script: null },
];

describe('each Microsoft 365 reply turns the right readiness item into a problem, with its fix first', () => {
  it.each(cases)('$name → $item', async (c) => {
    const report = await test(await peer(c.peer), c.input);
    expect(report.ok).toBe(false);
    expect(report.failure?.reply?.text ?? report.failure?.message).toMatch(c.reply);
    const list = checklistFor(report, c.checklist);
    const item = list.items.find((i) => i.id === c.item);
    expect(item).toMatchObject({ state: 'problem', setBy: 'test', highlighted: true, fix: { script: c.script } });
    expect(item?.evidence).toMatch(c.reply);
    expect(list.nextFix).toMatchObject({ item: c.item, script: c.script });
    if (c.command !== undefined) expect(list.nextFix?.command).toBe(c.command);
    expect(list.items.filter((i) => i.highlighted)).toHaveLength(1);
    expect(list.counts.problem).toBe(1);
  });

  it('a fourth connection at once gets 432 4.3.2 sender thread limit exceeded → concurrency', async () => {
    const server = await peer({ holdMailFrom: { signedIn: 4, maxMs: 1_000 } });
    const reports = await Promise.all([1, 2, 3, 4].map(() => test(server)));
    const refused = reports.filter((r) => !r.ok);
    expect(refused).toHaveLength(1);
    const [report] = refused;
    if (report === undefined) throw new Error('no refused report');
    expect(report.failure?.reply?.text).toMatch(/^432 4\.3\.2 STOREDRV\.ClientSubmit; sender thread limit exceeded/u);
    const list = checklistFor(report);
    expect(list.nextFix).toMatchObject({ item: 'concurrency', script: null });
    expect(list.items.find((i) => i.id === 'concurrency')?.fix.steps[0]).toMatch(/3 parallel connections/u);
    expect(reports.filter((r) => r.ok)).toHaveLength(3);
  });
});

describe('the mailbox-disabled case, as an admin lives it', () => {
  it('one failed test gives the single PowerShell line that fixes it, the retirement date, and a passing retest once fixed', async () => {
    const disabled = await peer(refuse('auth', 535, '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.'));
    const failed = checklistFor(await test(disabled));
    expect(failed.nextFix).toEqual({ item: 'mailbox-smtp-auth', title: 'SMTP AUTH allowed on this mailbox', script: 'enable-mailbox', command: ENABLE_LINE });
    expect(failed.retirement).toMatchObject({ phase: 'unchanged', next: { id: 'default-off', daysUntil: 38 } });

    // The admin ran the line: the same mailbox now signs in.
    const enabled = await peer();
    const report = await test(enabled);
    expect(report.ok).toBe(true);
    const passed = checklistFor(report);
    expect(passed.nextFix).toBeNull();
    // A mailbox override can hide a tenant with SMTP AUTH off: the tenant item stays unknown, with a note.
    expect(passed.items.find((i) => i.id === 'tenant-smtp-auth')).toMatchObject({ state: 'unknown', evidence: expect.stringMatching(/does not prove the organisation-wide setting/u) });
    for (const id of ['mailbox-smtp-auth', 'credentials', 'security-defaults', 'mfa-basic-auth', 'mailbox-licence', 'tls-1-2', 'basic-auth-retirement'] as const) {
      expect(passed.items.find((i) => i.id === id), id).toMatchObject({ state: 'ok', setBy: 'test' });
    }
    expect(passed.items.find((i) => i.id === 'conditional-access')).toMatchObject({ state: 'unknown', evidence: expect.stringMatching(/Linux/u) });
    expect(enabled.signIns).toEqual([{ method: 'LOGIN', username: MAILBOX, accepted: true }]);
  });

  it('a real test message from the sign-in mailbox’s own address proves nothing extra is needed; from a granted address, Send As is ok', async () => {
    const server = await peer({ mailbox: RELAY, sendAs: [MAILBOX] });
    const report = await test(server, { ...asRelay, send: true, to: 'customer@example.org' });
    expect(report.testSend?.accepted).toBe(true);
    const list = checklistFor(report, { upn: RELAY, from: MAILBOX });
    expect(list.items.find((i) => i.id === 'send-as-rights')).toMatchObject({ state: 'ok', setBy: 'test' });
    expect(server.messages).toHaveLength(1);
  });
});
