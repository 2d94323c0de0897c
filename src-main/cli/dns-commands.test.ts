import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { closedUdpPort } from '../testing/closed-ports';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { runCliCaptured, type CliRun } from '../testing/cli-run';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const dns = useTestDns([
  {
    origin: 'test',
    records: [
      rr.txt('healthy.test', 'v=spf1 ip4:192.0.2.0/24 include:mail.zendesk.com -all'),
      // Zendesk's DKIM is delegated by CNAME to keys Zendesk publishes.
      rr.cname('zendesk1._domainkey.healthy.test', 'zendesk1.healthy.test._domainkey.zendesk.com'),
      rr.cname('zendesk2._domainkey.healthy.test', 'zendesk2.healthy.test._domainkey.zendesk.com'),
      rr.txt('_dmarc.healthy.test', 'v=DMARC1; p=reject; rua=mailto:dmarc@healthy.test'),
      rr.mx('healthy.test', 10, 'mail.healthy.test'),
      rr.a('mail.healthy.test', '192.0.2.25'),
      rr.txt('broken.test', 'v=spf1 include:mail.zendesk.com ~all'),
      rr.txt('broken.test', 'v=spf1 -all'),
      rr.txt('_dmarc.broken.test', 'v=DMARC1; p=rejectt'),
    ],
  },
  {
    origin: 'com',
    records: [
      rr.txt('mail.zendesk.com', 'v=spf1 ip4:198.51.100.0/24 ~all'),
      rr.txt('zendesk1.healthy.test._domainkey.zendesk.com', `v=DKIM1; k=rsa; p=${key}`),
      rr.txt('zendesk2.healthy.test._domainkey.zendesk.com', `v=DKIM1; k=rsa; p=${key}`),
    ],
  },
]);

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-dns-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]): Promise<CliRun> {
  return runCliCaptured(args, dataDir);
}

const server = () => `127.0.0.1:${dns.server().port}`;

describe('relayproof check', () => {
  it('exits 1 and names each problem with the record to publish on a broken domain', async () => {
    const { code, stdout } = await cli(['check', 'broken.test', '--platform', 'zendesk', '--dns-server', server(), '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { domain: string; items: Array<{ id: string; status: string; summary: string; fix: { records: unknown[] } | null }> };
    expect(report.domain).toBe('broken.test');
    const byId = new Map(report.items.map((i) => [i.id, i]));
    expect(byId.get('spf')?.status).toBe('fail');
    expect(byId.get('spf')?.summary).toMatch(/SPF/u);
    expect(byId.get('dmarc')?.status).toBe('fail');
    expect(byId.get('dmarc')?.summary).toMatch(/rejectt/u);
    expect(byId.get('spf')?.fix?.records.length).toBeGreaterThan(0);
  });

  it('prints a readable checklist without --json', async () => {
    const { stdout } = await cli(['check', 'broken.test', '--platform', 'zendesk', '--dns-server', server()]);
    expect(stdout).toMatch(/^broken\.test \(zendesk, route connector\) — \d+ required items? fails?/u);
    expect(stdout).toMatch(/✗ .*DMARC/u);
  });

  it('a required record that could not be read is said to be unchecked, not failing, in the Checklist view\'s words', async () => {
    const silent = `127.0.0.1:${await closedUdpPort()}`;
    const { code, stdout } = await cli(['check', 'healthy.test', '--platform', 'zendesk', '--dns-server', silent]);
    expect(code).toBe(1);
    const headline = stdout.split('\n')[0] ?? '';
    expect(headline).toMatch(/^healthy\.test \(zendesk, route connector\) — \d+ required items could not be checked\. 0 passed, /u);
    expect(headline).not.toMatch(/items? fails?\b/u);
  });

  it('passes the required items of a healthy domain', async () => {
    const { stdout } = await cli(['check', 'healthy.test', '--platform', 'zendesk', '--ip', '192.0.2.7', '--dns-server', server(), '--json']);
    const report = JSON.parse(stdout) as { route: string; items: Array<{ id: string; status: string; required: boolean }> };
    const byId = new Map(report.items.map((i) => [i.id, i.status]));
    expect(report.route).toBe('connector');
    expect(report.items.find((i) => i.id === 'spf')?.required).toBe(true);
    expect(byId.get('spf')).toBe('pass');
    expect(byId.get('dmarc')).toBe('pass');
    expect(byId.get('dkim:zendesk1')).toBe('pass');
  });

  it('judges the domain for the route: not-needed items never fail it, needs-input names the flag, an unknown route is a usage error', async () => {
    // Zendesk's keys pass, so a relay selector without a key is not needed on the connector route.
    const connector = await cli(['check', 'healthy.test', '--platform', 'zendesk', '--relay-selector', 'nokey', '--ip', '192.0.2.7', '--dns-server', server(), '--json']);
    const report = JSON.parse(connector.stdout) as { ok: boolean; route: string; items: Array<{ id: string; status: string; required: boolean; requirement: { level: string; why: string } }> };
    expect(report.items.find((i) => i.id === 'dkim:nokey')).toMatchObject({ status: 'not-needed', required: false, requirement: { level: 'not-needed' } });
    expect(report.ok).toBe(true);
    expect(connector.code).toBe(0);
    // Direct: Zendesk's own servers send; the include and both CNAMEs are required (present here).
    const direct = await cli(['check', 'healthy.test', '--platform', 'zendesk', '--route', 'direct', '--dns-server', server(), '--json']);
    expect(JSON.parse(direct.stdout)).toMatchObject({ route: 'direct', ok: true });
    // Zuora's relay: nothing tells which IP sends or which selector signs, so both are asked for by their flags.
    const zuora = await cli(['check', 'healthy.test', '--platform', 'zuora', '--dns-server', server()]);
    expect(zuora.stdout).toContain('enter: Sending IP of your mail server (--ip)');
    expect(zuora.stdout).toContain('enter: DKIM selector your mail server signs with (--relay-selector)');
    const unknown = await cli(['check', 'healthy.test', '--platform', 'zuora', '--route', 'direct', '--dns-server', server()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Zuora external SMTP has no "direct" sending route. Choose one of: connector');
  });

  it('refuses bad input with exit 2', async () => {
    expect((await cli(['check'])).code).toBe(2);
    expect((await cli(['check', 'not a domain', '--dns-server', server()])).code).toBe(2);
    expect((await cli(['check', 'healthy.test', '--dns-server', 'nonsense'])).code).toBe(2);
    expect((await cli(['check', 'healthy.test', '--platform', 'hotmail'])).code).toBe(2);
  });
});

describe('the DNS servers saved in Settings', () => {
  // check reads the settings only when --dns-server does not name the servers (blocklist too).
  let savedDir: string;
  beforeAll(async () => {
    savedDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-dns-saved-'));
    const saved = await createServices({ dataDirectory: savedDir, mode: 'cli', logger: silentLogger }).createDispatcher().dispatch('settings:update', { patch: { dnsServers: [server()] } });
    if (!saved.ok) throw new Error(saved.error.message);
  });
  afterAll(() => rmSync(savedDir, { recursive: true, force: true }));

  it('are asked by check without --dns-server, and its verdict is the same as with it', async () => {
    const withSaved = await runCliCaptured(['check', 'healthy.test', '--platform', 'zendesk', '--json'], savedDir);
    const named = await runCliCaptured(['check', 'healthy.test', '--platform', 'zendesk', '--dns-server', server(), '--json'], savedDir);
    const report = JSON.parse(withSaved.stdout) as { resolver: { servers: string[] }; items: Array<{ id: string; status: string }> };
    expect(report.resolver.servers).toEqual([server()]);
    expect(withSaved.code).toBe(named.code);
    expect(report.items.map((i) => `${i.id} ${i.status}`)).toEqual((JSON.parse(named.stdout) as typeof report).items.map((i) => `${i.id} ${i.status}`));
  });

  it('are asked by blocklist without --dns-server', async () => {
    dns.server().resetQueries();
    const { stdout } = await runCliCaptured(['blocklist', '192.0.2.10', '--list', 'zen.spamhaus.org', '--json'], savedDir);
    expect(JSON.parse(stdout)).toMatchObject({ target: '192.0.2.10' });
    expect(dns.server().queries.map((q) => q.name.toLowerCase())).toContain('10.2.0.192.zen.spamhaus.org');
  });
});

describe('relayproof spf', () => {
  it('gives the verdict a receiver would reach for an IP, with the lookup budget', async () => {
    const inside = await cli(['spf', 'healthy.test', '--ip', '192.0.2.7', '--dns-server', server(), '--json']);
    expect(inside.code).toBe(0);
    const json = JSON.parse(inside.stdout) as { result: string; lookups: { total: number; limit: number } };
    expect(json.result).toBe('pass');
    expect(json.lookups).toMatchObject({ total: 1, limit: 10 });

    const outside = await cli(['spf', 'healthy.test', '--ip', '203.0.113.9', '--dns-server', server(), '--json']);
    expect(outside.code).toBe(1);
    expect(JSON.parse(outside.stdout).result).toBe('fail');
  });

  it('draws the include tree in text', async () => {
    const { stdout, code } = await cli(['spf', 'healthy.test', '--dns-server', server()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/mail\.zendesk\.com/u);
    expect(stdout).toMatch(/DNS lookups: 1 of 10/u);
  });

  it('two SPF records are invalid (exit 1)', async () => {
    const { code, stdout } = await cli(['spf', 'broken.test', '--dns-server', server(), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).status).toBe('fail');
  });
});
