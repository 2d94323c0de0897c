import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured, type CliRun } from '../testing/cli-run';

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

  it('refuses a hostile UPN with exit 2', async () => {
    const { code, stderr } = await cli(['m365', 'checklist', '--upn', "x'; Remove-Mailbox@contoso.com"]);
    expect(code).toBe(2);
    expect(stderr).toContain('The sign-in name (UPN)');
  });
});
