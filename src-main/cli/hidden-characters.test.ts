/**
 * Issue 12 on the command line: every option that carries an identifier refuses control,
 * bidi and zero-width characters with exit 2 before anything is asked of the network (a
 * recording DNS server and a recording TCP listener for SMTP and Entra on 127.0.0.1) or
 * stored; and nothing the CLI prints about them carries the raw character.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_IDENTIFIER_CHARACTERS, hiddenPayloads } from '../../src-preload/contract/testing/hidden-payloads';
import { runCliCaptured } from '../testing/cli-run';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { startHostileServer } from '../testing/hostile-servers';

const SMTP_HOST = 'smtp.relay.test';

let dataDir: string;
let dns: TestDnsServer;
let listener: Server;
let connections = 0;
const sockets = new Set<Socket>();
let port = 0;
let eml: string;
let authorityBefore: string | undefined;

interface CliOption {
  readonly name: string;
  readonly valid: string;
  readonly args: (value: string) => string[];
  readonly stdin?: string;
}

/** Every CLI option (or positional) that carries an identifier; `args` builds an otherwise valid command. */
function cliOptions(): CliOption[] {
  const smtpTest = (o: Partial<Record<'host' | 'user' | 'from' | 'to' | 'ehlo' | 'dns', string>>) => [
    'smtp', 'test', '--host', o.host ?? SMTP_HOST, '--port', String(port), '--security', 'starttls',
    '--from', o.from ?? 'support@example.test', '--to', o.to ?? 'admin@example.test', '--ehlo', o.ehlo ?? 'relay.example.test',
    '--dns-server', o.dns ?? dns.address, ...(o.user !== undefined ? ['--user', o.user, '--password-stdin'] : []),
  ];
  const addressAdd = (o: Partial<Record<'address' | 'host' | 'user' | 'subdomain', string>>) => [
    'address', 'add', '--address', o.address ?? 'support@example.test', '--platform', 'zendesk', '--environment', 'production',
    '--provider', 'custom', '--host', o.host ?? SMTP_HOST, '--port', '587', '--security', 'starttls',
    '--user', o.user ?? 'support@example.test', '--subdomain', o.subdomain ?? 'example', '--password-stdin',
  ];
  const verify = (o: Partial<Record<'host' | 'user', string>>) => ['verify', 'addr-1', '--imap-host', o.host ?? 'imap.example.test', '--imap-user', o.user ?? 'inbox@example.test', '--imap-password-stdin'];
  const token = (o: Partial<Record<'tenant' | 'client', string>>) => ['m365', 'token', '--tenant', o.tenant ?? '11111111-2222-4333-8444-555555555555', '--client-id', o.client ?? 'aaaaaaaa-0000-4000-8000-000000000001', '--client-secret-stdin'];
  return [
    { name: 'smtp test --host', valid: SMTP_HOST, args: (v) => smtpTest({ host: v }) },
    { name: 'smtp test --user', valid: 'support@example.test', args: (v) => smtpTest({ user: v }), stdin: 'app-password\n' },
    { name: 'smtp test --from', valid: 'support@example.test', args: (v) => smtpTest({ from: v }) },
    { name: 'smtp test --to', valid: 'admin@example.test', args: (v) => smtpTest({ to: v }) },
    { name: 'smtp test --ehlo', valid: 'relay.example.test', args: (v) => smtpTest({ ehlo: v }) },
    { name: 'smtp test --dns-server', valid: '127.0.0.1:53', args: (v) => smtpTest({ dns: v.replace('127.0.0.1:53', dns.address) }) },
    { name: 'smtp probe HOST', valid: SMTP_HOST, args: (v) => ['smtp', 'probe', v, '--port', String(port), '--dns-server', dns.address] },
    { name: 'smtp probe --dns-server', valid: '127.0.0.1:53', args: (v) => ['smtp', 'probe', SMTP_HOST, '--port', String(port), '--dns-server', v.replace('127.0.0.1:53', dns.address)] },
    { name: 'check DOMAIN', valid: 'example.test', args: (v) => ['check', v, '--dns-server', dns.address] },
    { name: 'check --selector', valid: 'relay1', args: (v) => ['check', 'example.test', '--selector', v, '--dns-server', dns.address] },
    { name: 'check --dns-server', valid: '127.0.0.1:53', args: (v) => ['check', 'example.test', '--dns-server', v.replace('127.0.0.1:53', dns.address)] },
    { name: 'spf DOMAIN', valid: 'example.test', args: (v) => ['spf', v, '--dns-server', dns.address] },
    { name: 'spf --sender', valid: 'bounce@example.test', args: (v) => ['spf', 'example.test', '--ip', '192.0.2.1', '--sender', v, '--dns-server', dns.address] },
    { name: 'spf --helo', valid: 'relay.example.test', args: (v) => ['spf', 'example.test', '--ip', '192.0.2.1', '--helo', v, '--dns-server', dns.address] },
    { name: 'spf --dns-server', valid: '127.0.0.1:53', args: (v) => ['spf', 'example.test', '--dns-server', v.replace('127.0.0.1:53', dns.address)] },
    { name: 'message verify --dns-server', valid: '127.0.0.1:53', args: (v) => ['message', 'verify', eml, '--dns-server', v.replace('127.0.0.1:53', dns.address)] },
    { name: 'address add --address', valid: 'support@example.test', args: (v) => addressAdd({ address: v }), stdin: 'app-password\n' },
    { name: 'address add --host', valid: SMTP_HOST, args: (v) => addressAdd({ host: v }), stdin: 'app-password\n' },
    { name: 'address add --user', valid: 'support@example.test', args: (v) => addressAdd({ user: v }), stdin: 'app-password\n' },
    { name: 'address add --subdomain', valid: 'example', args: (v) => addressAdd({ subdomain: v }), stdin: 'app-password\n' },
    { name: 'verify --imap-host', valid: 'imap.example.test', args: (v) => verify({ host: v }), stdin: 'imap-password\n' },
    { name: 'verify --imap-user', valid: 'inbox@example.test', args: (v) => verify({ user: v }), stdin: 'imap-password\n' },
    { name: 'm365 checklist --upn', valid: 'support@contoso.com', args: (v) => ['m365', 'checklist', '--upn', v] },
    { name: 'm365 checklist --from', valid: 'billing@contoso.com', args: (v) => ['m365', 'checklist', '--upn', 'support@contoso.com', '--from', v] },
    { name: 'm365 script check --upn', valid: 'support@contoso.com', args: (v) => ['m365', 'script', 'check', '--upn', v] },
    { name: 'm365 token --tenant', valid: '11111111-2222-4333-8444-555555555555', args: (v) => token({ tenant: v }), stdin: 'client-secret\n' },
    { name: 'm365 token --client-id', valid: 'aaaaaaaa-0000-4000-8000-000000000001', args: (v) => token({ client: v }), stdin: 'client-secret\n' },
  ];
}

/** Anything a terminal would obey or hide, except the line breaks of the output itself. */
const RAW_HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-hidden-'));
  eml = join(dataDir, 'message.eml');
  writeFileSync(eml, 'From: support@example.test\r\nTo: admin@example.test\r\nSubject: hi\r\n\r\nhello\r\n');
  dns = await startTestDnsServer({
    zones: [
      { origin: 'relay.test', records: [rr.a(SMTP_HOST, '127.0.0.1')] },
      { origin: 'example.test', records: [rr.txt('example.test', 'v=spf1 -all')] },
      // Published text is anyone's to write: a DMARC record and an SPF record full of terminal controls and bidi overrides.
      { origin: 'hidden.test', records: [rr.txt('hidden.test', 'v=spf1 \u001b[2J\u202Einclude:evil.test\u202C -all'), rr.txt('_dmarc.hidden.test', 'v=DMARC1; p=none; rua=mailto:a@hidden.test\u001b]0;owned\u0007\u2066x\u2069\r\n✓ DKIM: pass')] },
    ],
  });
  listener = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end('421 4.3.2 recording listener, closing\r\n');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
  // `m365 token` would ask this Entra authority: the recording listener.
  authorityBefore = process.env.RELAYPROOF_M365_AUTHORITY;
  process.env.RELAYPROOF_M365_AUTHORITY = `https://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (authorityBefore === undefined) delete process.env.RELAYPROOF_M365_AUTHORITY;
  else process.env.RELAYPROOF_M365_AUTHORITY = authorityBefore;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  await dns.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The options' names (the commands are built lazily: the peers' ports are known only in beforeAll). */
const NAMES = cliOptions().map((o) => o.name);

describe(`${NAMES.length} CLI options with an identifier refuse hidden characters with exit 2, before any network or storage`, () => {
  it.each(NAMES)('%s', async (name) => {
    const option = cliOptions().find((o) => o.name === name);
    if (option === undefined) throw new Error(`no option ${name}`);
    const payloads = hiddenPayloads(option.valid, HIDDEN_IDENTIFIER_CHARACTERS);
    expect(payloads.length).toBeGreaterThanOrEqual(50);
    const before = { dns: dns.queries.length, connections };
    for (const payload of payloads) {
      const run = await runCliCaptured(option.args(payload.value), dataDir, option.stdin);
      const what = `${option.name} ${payload.label}: ${run.stderr}${run.stdout}`;
      expect(run.code, what).toBe(2);
      expect(RAW_HIDDEN.test(run.stdout + run.stderr), `${what} printed a raw hidden character`).toBe(false);
    }
    expect({ dns: dns.queries.length, connections }, option.name).toEqual(before);
    const listed = await runCliCaptured(['address', 'list', '--json'], dataDir);
    expect(JSON.stringify(JSON.parse(listed.stdout))).not.toMatch(/support@example/u);
  });

  it('the table names every option, and a valid command does reach the recording DNS server and listener', async () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(25);
    const before = { dns: dns.queries.length, connections };
    const probe = await runCliCaptured(['smtp', 'probe', SMTP_HOST, '--port', String(port), '--dns-server', dns.address], dataDir);
    expect(probe.code).toBe(1);
    expect(dns.queries.length).toBeGreaterThan(before.dns);
    expect(connections).toBeGreaterThan(before.connections);
  });

  it('the refusal names the character and its position, shown escaped', async () => {
    const run = await runCliCaptured(['smtp', 'test', '--host', SMTP_HOST, '--port', String(port), '--security', 'starttls', '--from', 'supp\u202Eort@example.test', '--dns-server', dns.address], dataDir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('from: Address contains an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE) at position 5.');
  });
});

describe('text from outside reaches the terminal escaped, never raw', () => {
  it('an SMTP server whose banner and EHLO carry ESC sequences, CR, C1, bidi and zero-width characters', async () => {
    const hostile = await startHostileServer('hidden-characters');
    try {
      const args = ['smtp', 'test', '--host', '127.0.0.1', '--port', String(hostile.port), '--security', 'none', '--from', 'support@example.test', '--transcript'];
      const human = await runCliCaptured(args, dataDir);
      expect(RAW_HIDDEN.test(human.stdout + human.stderr), human.stdout).toBe(false);
      expect(human.stdout).toContain('<U+202E>evil<U+202C>');
      expect(human.stdout).toContain('\\x1b[2J');
      expect(human.stdout).toContain('<U+200B>');
      const json = await runCliCaptured([...args, '--json'], dataDir);
      expect(RAW_HIDDEN.test(json.stdout), json.stdout).toBe(false);
      expect(json.stdout).toContain('\\u202e');
      // The same JSON value: a program reading it still gets the server's exact characters.
      expect((JSON.parse(json.stdout) as { transcript: string }).transcript).toContain('\u202Eevil\u202C');
    } finally {
      await hostile.close();
    }
  });

  it('DNS text full of terminal controls: the human checklist and its JSON', async () => {
    const human = await runCliCaptured(['check', 'hidden.test', '--dns-server', dns.address], dataDir);
    expect(RAW_HIDDEN.test(human.stdout + human.stderr), human.stdout).toBe(false);
    // The record's own "line" cannot pose as a checklist line.
    expect(human.stdout.split('\n').some((l) => l.startsWith('✓ DKIM: pass'))).toBe(false);
    const json = await runCliCaptured(['check', 'hidden.test', '--dns-server', dns.address, '--json'], dataDir);
    expect(RAW_HIDDEN.test(json.stdout)).toBe(false);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('\\u001b]0;owned');
  });

  it('a received message whose headers carry them', async () => {
    const file = join(dataDir, 'hostile.eml');
    writeFileSync(
      file,
      'From: support@hidden.test\r\nTo: admin@example.test\r\nSubject: \u202Eevil\u001b[2J\r\nDKIM-Signature: v=1; a=rsa-sha256; d=hid\u202Eden.test; s=se\u001b[31mlector; h=from; bh=AAAA; b=AAAA\r\nReceived: from helo\u202E.test ([192.0.2.1]) by mx.example.test\r\n\r\nhello\r\n',
    );
    const run = await runCliCaptured(['message', 'verify', file, '--dns-server', dns.address], dataDir);
    expect(RAW_HIDDEN.test(run.stdout + run.stderr), run.stdout + run.stderr).toBe(false);
    expect(run.stdout).toMatch(/DKIM/u);
  });
});
