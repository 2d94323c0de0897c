import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured, type CliRun } from '../testing/cli-run';
import { startTokenEndpoint, type TokenEndpoint } from '../testing/m365-token-endpoint';
import { createTestPki, type TestPki } from '../testing/tls-certs';

const UPN = 'support@contoso.com';
const APP_ID = '6e2f4a1b-93c5-4d7e-8f10-2a3b4c5d6e7f';
const OBJECT_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const GOLDEN = join(__dirname, '..', 'm365', 'golden');

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-m365-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]): Promise<CliRun> {
  return runCliCaptured(args, dataDir);
}

describe('relayproof m365 script', () => {
  it('prints the enable script, starting with Connect-ExchangeOnline and quoting the UPN', async () => {
    const { code, stdout } = await cli(['m365', 'script', 'enable', '--upn', UPN]);
    expect(code).toBe(0);
    expect(stdout.split('\n').find((l) => l !== '' && !l.startsWith('#'))).toBe('Connect-ExchangeOnline');
    expect(stdout).toContain(`Set-CASMailbox -Identity '${UPN}' -SmtpClientAuthenticationDisabled $false`);
  });

  it.each([
    ['check', 'check', ['--upn', UPN]],
    ['enable', 'enable-mailbox', ['--upn', UPN]],
    ['send-as', 'grant-send-as', ['--upn', 'relay@contoso.com', '--from', UPN]],
    ['send-as', 'grant-send-on-behalf', ['--upn', 'relay@contoso.com', '--from', UPN, '--send-on-behalf']],
    ['oauth-setup', 'oauth-setup', ['--upn', UPN, '--app-id', APP_ID, '--object-id', OBJECT_ID]],
  ])('%s matches the engine’s golden file', async (name, golden, extra) => {
    const { code, stdout } = await cli(['m365', 'script', name, ...extra]);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(join(GOLDEN, `${golden}.ps1`), 'utf8'));
  });

  it('enable-many takes several --upn', async () => {
    const { code, stdout } = await cli(['m365', 'script', 'enable-many', '--upn', UPN, '--upn', 'billing@contoso.com']);
    expect(code).toBe(0);
    expect(stdout).toContain("'billing@contoso.com'");
    expect(stdout).toContain('2 mailboxes');
  });

  it('oauth-setup contains New-ServicePrincipal with both ids', async () => {
    const { stdout } = await cli(['m365', 'script', 'oauth-setup', '--upn', UPN, '--app-id', APP_ID, '--object-id', OBJECT_ID]);
    expect(stdout).toContain(`New-ServicePrincipal -AppId '${APP_ID}' -ObjectId '${OBJECT_ID}'`);
  });

  it.each([`o'brien@contoso.com`, 'a@contoso.com; Remove-Mailbox x', 'a`b@contoso.com', '$(whoami)@contoso.com', 'a@contoso.com\nRemove-Mailbox'])(
    'refuses the hostile UPN %j with exit 2 and the engine’s message',
    async (upn) => {
      const { code, stdout, stderr } = await cli(['m365', 'script', 'enable', '--upn', upn]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('The sign-in name (UPN)');
      expect(stderr).not.toContain('Set-CASMailbox');
    },
  );

  it('--json reports the refusal as invalid-input', async () => {
    const { code, stdout } = await cli(['m365', 'script', 'check', '--upn', "x'@contoso.com", '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('--out writes the .ps1 and says where', async () => {
    const file = join(dataDir, 'enable.ps1');
    const { code, stdout } = await cli(['m365', 'script', 'enable', '--upn', UPN, '--out', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(file);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(GOLDEN, 'enable-mailbox.ps1'), 'utf8'));
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['m365', 'script', 'nonsense', '--upn', UPN])).code).toBe(2);
    expect((await cli(['m365', 'script', 'enable'])).code).toBe(2);
    expect((await cli(['m365', 'script', 'oauth-setup', '--upn', UPN])).code).toBe(2);
    expect((await cli(['m365', 'script', 'send-as', '--upn', UPN])).code).toBe(2);
  });
});

describe('relayproof m365 checklist', () => {
  it('lists the readiness items and the retirement status, exit 0 when nothing is proven wrong', async () => {
    const { code, stdout } = await cli(['m365', 'checklist', '--upn', UPN]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Microsoft 365 readiness for ${UPN}`);
    expect(stdout).toMatch(/Basic authentication for SMTP AUTH/u);
  });

  it('a pasted error marks the mailbox item as a problem with its one-line fix, exit 1', async () => {
    const { code, stdout } = await cli([
      'm365',
      'checklist',
      '--upn',
      UPN,
      '--error',
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox',
      '--json',
    ]);
    expect(code).toBe(1);
    const parsed = JSON.parse(stdout) as { ok: boolean; checklist: { items: Array<{ id: string; state: string; highlighted: boolean }>; nextFix: { command: string } } };
    expect(parsed.ok).toBe(false);
    expect(parsed.checklist.items.find((i) => i.id === 'mailbox-smtp-auth')).toMatchObject({ state: 'problem', highlighted: true });
    expect(parsed.checklist.nextFix.command).toBe(`Set-CASMailbox -Identity '${UPN}' -SmtpClientAuthenticationDisabled $false`);
  });

  it('--mark sets an item by hand; an unknown item or state is refused with exit 2', async () => {
    const { code, stdout } = await cli(['m365', 'checklist', '--upn', UPN, '--mark', 'security-defaults=not-applicable', '--mark', 'mfa-basic-auth=problem', '--json']);
    expect(code).toBe(1);
    const items = (JSON.parse(stdout) as { checklist: { items: Array<{ id: string; state: string; setBy: string }> } }).checklist.items;
    expect(items.find((i) => i.id === 'security-defaults')).toMatchObject({ state: 'not-applicable', setBy: 'admin' });
    expect(items.find((i) => i.id === 'mfa-basic-auth')).toMatchObject({ state: 'problem', setBy: 'admin' });
    const badItem = await cli(['m365', 'checklist', '--upn', UPN, '--mark', 'nope=ok']);
    expect(badItem.code).toBe(2);
    expect(badItem.stderr).toContain('"nope" is not a readiness item');
    const badState = await cli(['m365', 'checklist', '--upn', UPN, '--mark', 'security-defaults=maybe']);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain('the state must be one of unknown, ok, problem, not-applicable');
  });

  it('refuses a hostile UPN with exit 2', async () => {
    const { code, stderr } = await cli(['m365', 'checklist', '--upn', "x'; Remove-Mailbox@contoso.com"]);
    expect(code).toBe(2);
    expect(stderr).toContain('The sign-in name (UPN)');
  });
});

describe('relayproof m365 token', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const GOOD = 'aaaaaaaa-0000-4000-8000-000000000001';
  const GRAPH = 'aaaaaaaa-0000-4000-8000-000000000002';
  const SECRET = 'q~8Q~cli-client-secret-value';
  let pki: TestPki;
  let endpoint: TokenEndpoint;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    pki = createTestPki();
    endpoint = await startTokenEndpoint({
      tls: pki.leaf,
      tenants: [TENANT],
      clients: [
        { clientId: GOOD, secret: SECRET },
        { clientId: GRAPH, secret: SECRET, claims: { aud: 'https://graph.microsoft.com', roles: ['Mail.Send'] } },
      ],
    });
    const caFile = join(dataDir, 'test-ca.pem');
    writeFileSync(caFile, pki.ca, 'utf8');
    // The environment a workstation would give the command: the loopback authority and the CA it trusts.
    for (const [name, value] of [['RELAYPROOF_M365_AUTHORITY', endpoint.origin], ['NODE_EXTRA_CA_CERTS', caFile]] as const) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await endpoint.close();
    pki.cleanup();
  });

  const token = (args: string[], stdin?: string) => runCliCaptured(['m365', 'token', '--tenant', TENANT, ...args], dataDir, stdin);

  it('prints the claims explanation and never the token unless --show-token', async () => {
    const { code, stdout } = await token(['--client-id', GOOD, '--client-secret-stdin'], `${SECRET}\n`);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^✓ Token usable for SMTP AUTH XOAUTH2 \(client-credentials\)/u);
    expect(stdout).toContain('Roles: SMTP.SendAsApp');
    expect(stdout).toContain(`Tenant: ${TENANT}`);
    expect(stdout).not.toMatch(/eyJ/u);
    expect(stdout).not.toContain(SECRET);

    const shown = await token(['--client-id', GOOD, '--client-secret-stdin', '--show-token'], SECRET);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/Access token \(a bearer credential.*\):\neyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.\n$/u);
  });

  it('--json: the outcome, and the token only with --show-token', async () => {
    const { code, stdout } = await token(['--client-id', GOOD, '--client-secret-stdin', '--json'], SECRET);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { ok: boolean; outcome: { status: string; explanation: { usable: boolean } }; accessToken?: string };
    expect(parsed).toMatchObject({ ok: true, outcome: { status: 'acquired', explanation: { usable: true } } });
    expect(parsed.accessToken).toBeUndefined();
    const shown = JSON.parse((await token(['--client-id', GOOD, '--client-secret-stdin', '--json', '--show-token'], SECRET)).stdout) as { accessToken?: string };
    expect(shown.accessToken).toMatch(/^eyJ/u);
  });

  it('a token for the wrong audience exits 1 with the reason', async () => {
    const { code, stdout } = await token(['--client-id', GRAPH, '--client-secret-stdin'], SECRET);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ Token acquired, but Exchange Online will refuse it/u);
    expect(stdout).toMatch(/graph\.microsoft\.com \(Microsoft Graph\), not for Exchange Online/u);
  });

  it('an invalid client secret exits 1 with AADSTS7000215 and the secret nowhere', async () => {
    const wrong = 'q~8Q~wrong-cli-secret';
    const { code, stdout, stderr } = await token(['--client-id', GOOD, '--client-secret-stdin'], wrong);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ No token: Invalid client secret \(AADSTS7000215\)/u);
    expect(stdout + stderr).not.toContain(wrong);
  });

  it('refuses a secret on the command line, a missing --client-secret-stdin and a terminal on stdin (exit 2)', async () => {
    expect((await token(['--client-id', GOOD, '--client-secret', SECRET])).code).toBe(2);
    const missing = await token(['--client-id', GOOD], SECRET);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('add --client-secret-stdin');
    const tty = await token(['--client-id', GOOD, '--client-secret-stdin']);
    expect(tty.code).toBe(2);
    expect(tty.stderr).toContain('reads the client secret from a pipe');
  });
});
