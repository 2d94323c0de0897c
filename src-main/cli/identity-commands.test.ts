/**
 * `relayproof address add --platform zuora-ses --identity …`, `address list`, `address
 * verify-identity`, `address remove` and `check --from` end to end, in-process through
 * the real command line and dispatcher, against a real DNS server on 127.0.0.1. An SES
 * identity has no secret, so no keychain is involved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SesIdentity } from '../../src-preload/contract/ses-identities';
import { runCliCaptured, type CliRun } from '../testing/cli-run';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';

const T1 = 'aaaaaaaabbbbbbbbccccccccdddddddd';
const T2 = 'eeeeeeeeffffffffgggggggghhhhhhhh';
const T3 = 'iiiiiiiijjjjjjjjkkkkkkkkllllllll';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-cli-ses-'));
  dirs.push(dir);
  return dir;
}

const dns = useTestDns([
  {
    origin: 'yourcompany.test',
    records: [
      rr.txt('yourcompany.test', 'v=spf1 include:amazonses.com ~all'),
      rr.txt('_dmarc.yourcompany.test', 'v=DMARC1; p=none'),
      rr.cname(`${T1}._domainkey.yourcompany.test`, `${T1}.dkim.amazonses.com`),
      rr.cname(`${T2}._domainkey.yourcompany.test`, `${T2}.dkim.amazonses.com`),
      rr.cname(`${T3}._domainkey.yourcompany.test`, `${T3}.dkim.amazonses.com`),
    ],
  },
]);
const dnsServer = () => `127.0.0.1:${dns.server().port}`;

function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

describe('relayproof address add --platform zuora-ses', () => {
  it('refuses --password-stdin (exit 2) in the admin\u2019s words, and stores nothing', async () => {
    const dir = freshDir();
    const run = await runCliCaptured(
      ['address', 'add', '--platform', 'zuora-ses', '--identity', 'email', '--address', 'billing@yourcompany.test', '--environment', 'production', '--work-email-domain-confirmed', '--password-stdin'],
      dir,
      'not-a-password\n',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Zuora's advanced SMTP has no password: Zuora sends from its own Amazon SES account");
    const listed = await runCliCaptured(['address', 'list', '--json'], dir);
    expect(json<{ sesIdentities: unknown[]; addresses: unknown[] }>(listed)).toMatchObject({ sesIdentities: [], addresses: [] });
  });

  it('adds an email identity without any password, lists it beside the addresses, and records Zuora\u2019s Success', async () => {
    const dir = freshDir();
    const add = await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--identity', 'email', '--address', 'Billing@YourCompany.test', '--environment', 'sandbox', '--work-email-domain-confirmed'], dir);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Added the email identity billing@yourcompany.test for Zuora advanced SMTP (Amazon SES) (API Sandbox)');
    expect(add.stdout).toContain('expire');

    const list = await runCliCaptured(['address', 'list'], dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/billing@yourcompany\.test\s+email\s+API Sandbox\s+Pending/u);
    const listed = json<{ sesIdentities: Array<SesIdentity & { advice: { action: string } }> }>(await runCliCaptured(['address', 'list', '--json'], dir));
    const [identity] = listed.sesIdentities;
    expect(identity).toMatchObject({ kind: 'email', value: 'billing@yourcompany.test', environment: 'sandbox', verification: { state: 'pending' }, advice: { action: 'open-link' } });

    const verified = await runCliCaptured(['address', 'verify-identity', identity?.id ?? '', '--state', 'success'], dir);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('is Success in Zuora');
  });

  it('a domain identity from an address at the domain stores the domain; without the confirmation it is refused with why (exit 2)', async () => {
    const dir = freshDir();
    const refused = await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--identity', 'domain', '--address', 'billing@yourcompany.test', '--environment', 'production'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Zuora only allows for identity types that can be actively identified in your Zuora tenant');
    expect(refused.stderr).toContain('--work-email-domain-confirmed');

    const added = await runCliCaptured(
      ['address', 'add', '--platform', 'zuora-ses', '--identity', 'domain', '--address', 'billing@yourcompany.test', '--environment', 'production', '--work-email-domain-confirmed', '--dkim-token', T1, '--dkim-token', T2, '--dkim-token', T3, '--json'],
      dir,
    );
    expect(added.code).toBe(0);
    const body = json<{ identity: SesIdentity; cnames: Array<{ name: string; target: string }> }>(added);
    expect(body.identity).toMatchObject({ kind: 'domain', value: 'yourcompany.test', dkimTokens: [T1, T2, T3] });
    expect(body.cnames).toContainEqual({ name: `${T1}._domainkey.yourcompany.test`, target: `${T1}.dkim.amazonses.com` });

    const ready = await runCliCaptured(['address', 'verify-identity', body.identity.id, '--dns', '--dns-server', dnsServer()], dir);
    expect(ready.code).toBe(0);
    expect(ready.stdout).toContain('DNS is ready');
  });

  it('a fourth email identity in one Zuora tenant is refused (exit 1) in Zuora\u2019s words', async () => {
    const dir = freshDir();
    for (const address of ['a@yourcompany.test', 'b@yourcompany.test', 'c@yourcompany.test']) {
      const run = await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--identity', 'email', '--address', address, '--environment', 'production', '--work-email-domain-confirmed'], dir);
      expect(run.code).toBe(0);
    }
    const fourth = await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--identity', 'email', '--address', 'd@yourcompany.test', '--environment', 'sandbox', '--work-email-domain-confirmed'], dir);
    expect(fourth.code).toBe(1);
    expect(fourth.stderr).toContain('You can create up to three email identities for your Zuora tenant.');
  });

  it('SMTP options and a Zendesk-only environment are refused for an identity', async () => {
    const dir = freshDir();
    const host = await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--identity', 'email', '--address', 'a@yourcompany.test', '--environment', 'production', '--host', 'smtp.example.test'], dir);
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('--host has no meaning for an SES identity');
    const missing = await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--address', 'a@yourcompany.test', '--environment', 'production'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--identity email');
  });

  it('address remove removes an identity; check --from says which identity covers an address, and exits 1 when none does', async () => {
    const dir = freshDir();
    const added = json<{ identity: SesIdentity }>(
      await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--identity', 'domain', '--address', 'yourcompany.test', '--environment', 'production', '--work-email-domain-confirmed', '--dkim-token', T1, '--dkim-token', T2, '--dkim-token', T3, '--json'], dir),
    );
    await runCliCaptured(['address', 'verify-identity', added.identity.id, '--state', 'success'], dir);

    const covered = await runCliCaptured(['check', 'yourcompany.test', '--platform', 'zuora-ses', '--from', 'noreply@en.yourcompany.test', '--dns-server', dnsServer(), '--json'], dir);
    const coveredBody = json<{ ok: boolean; from: { covered: boolean; identity: string; how: string }; items: Array<{ id: string; status: string }> }>(covered);
    expect(coveredBody.from).toMatchObject({ covered: true, identity: 'yourcompany.test', how: 'subdomain' });
    // The checklist looks for the three CNAMEs of the tokens saved on the identity (their keys at amazonses.com are not served here).
    const dkim = coveredBody.items.filter((i) => i.id.startsWith('dkim:'));
    expect(dkim.map((i) => i.id)).toEqual([`dkim:${T1}`, `dkim:${T2}`, `dkim:${T3}`]);
    expect(dkim.map((i) => i.status)).not.toContain('needs-input');
    expect(covered.code).toBe(coveredBody.ok ? 0 : 1);

    const notCovered = await runCliCaptured(['check', 'yourcompany.test', '--platform', 'zuora-ses', '--from', 'billing@elsewhere.test', '--dns-server', dnsServer()], dir);
    expect(notCovered.code).toBe(1);
    expect(notCovered.stdout).toContain('✗ From: No identity covers billing@elsewhere.test');

    const removed = await runCliCaptured(['address', 'remove', added.identity.id, '--yes'], dir);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Removed the domain identity yourcompany.test');
    expect(json<{ sesIdentities: unknown[] }>(await runCliCaptured(['address', 'list', '--json'], dir)).sesIdentities).toEqual([]);
  });

  it('check --from --environment counts only identities of that environment\u2019s verification group; without it, says where each is', async () => {
    const dir = freshDir();
    const added = json<{ identity: SesIdentity }>(
      await runCliCaptured(['address', 'add', '--platform', 'zuora-ses', '--identity', 'domain', '--address', 'yourcompany.test', '--environment', 'production', '--work-email-domain-confirmed', '--dkim-token', T1, '--dkim-token', T2, '--dkim-token', T3, '--json'], dir),
    );
    await runCliCaptured(['address', 'verify-identity', added.identity.id, '--state', 'success'], dir);
    const check = (more: string[]) => runCliCaptured(['check', 'yourcompany.test', '--platform', 'zuora-ses', '--from', 'billing@yourcompany.test', ...more, '--dns-server', dnsServer(), '--json'], dir);

    const developer = await check(['--environment', 'developer-sandbox']);
    expect(developer.code).toBe(1);
    const devFrom = json<{ from: { covered: boolean; environment: string; elsewhere: Array<{ environment: string }>; message: string } }>(developer).from;
    expect(devFrom).toMatchObject({ covered: false, environment: 'developer-sandbox', elsewhere: [{ environment: 'production' }] });
    expect(devFrom.message).toContain('No identity in Developer Sandbox covers billing@yourcompany.test');

    const apiSandbox = json<{ from: { covered: boolean; verified: boolean; identityEnvironment: string } }>(await check(['--environment', 'sandbox'])).from;
    expect(apiSandbox).toMatchObject({ covered: true, verified: true, identityEnvironment: 'production' });

    const anywhere = await runCliCaptured(['check', 'yourcompany.test', '--platform', 'zuora-ses', '--from', 'billing@yourcompany.test', '--dns-server', dnsServer()], dir);
    expect(anywhere.stdout).toContain('verified in Production (verification shared with API Sandbox)');
    expect(anywhere.stdout).toContain('Not covered in Developer Sandbox or Central Sandbox');

    const noFrom = await runCliCaptured(['check', 'yourcompany.test', '--platform', 'zuora-ses', '--environment', 'sandbox', '--dns-server', dnsServer()], dir);
    expect(noFrom.code).toBe(2);
  });

  it('a zuora-ses entry saved with SMTP fields before identities existed still lists, with what to do', async () => {
    const dir = freshDir();
    const legacy = {
      id: 'a-legacy',
      address: 'billing@yourcompany.test',
      platform: 'zuora-ses',
      environment: 'production',
      provider: 'custom',
      host: 'email-smtp.us-east-1.amazonaws.com',
      port: 587,
      security: 'starttls',
      username: 'AKIAEXAMPLE',
      authKind: 'password',
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
      secretChangedAt: null,
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ schemaVersion: 2, settings: {}, addresses: [legacy], notices: [] }));
    const list = await runCliCaptured(['address', 'list'], dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('a-legacy: saved as SMTP credentials for Zuora advanced SMTP, which has none');
    expect(list.stdout).toContain('relayproof address add --platform zuora-ses --identity email|domain');
  });
});
