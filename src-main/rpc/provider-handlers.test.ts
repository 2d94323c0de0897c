/**
 * Platform and provider channels through the real dispatcher (contract validation of
 * input and output), on real services: the repository's resources, and autodetect
 * against a DNS server on 127.0.0.1.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelResult } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { repositoryResourcesDir } from '../providers/platforms';
import { createServices, type Services } from '../services';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { runCliCaptured } from '../testing/cli-run';

let dir: string;
let services: Services;
let dns: TestDnsServer;
let other: TestDnsServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-provider-handlers-'));
  services = createServices({ dataDirectory: join(dir, 'data'), mode: 'cli', logger: silentLogger, validateOutput: true });
  dns = await startTestDnsServer({ zones: [{ origin: 'contoso.example', records: [rr.mx('contoso.example', 0, 'contoso-example.mail.protection.outlook.com')] }] });
  other = await startTestDnsServer({ zones: [{ origin: 'contoso.example', records: [rr.mx('contoso.example', 0, 'alt1.aspmx.l.google.com')] }] });
});
afterAll(async () => {
  await dns.close();
  await other.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>, on: Services = services): Promise<ChannelResult<C>> {
  return (await on.createDispatcher().dispatch(channel, input)) as ChannelResult<C>;
}

describe('platform and provider channels', () => {
  it('platforms:list gives every platform in the wizard order, Generic last', async () => {
    const result = await call('platforms:list', {});
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.map((p) => p.id)).toEqual(['zendesk', 'zuora', 'zuora-ses', 'clienttether', 'generic']);
    expect(result.value[0]?.limits.find((l) => l.key === 'addresses-per-domain')?.value).toBe(50);
  });

  it('providers:list gives every preset, Microsoft 365 and Google Workspace first, Custom last', async () => {
    const result = await call('providers:list', {});
    if (!result.ok) throw new Error(result.error.message);
    const ids = result.value.map((p) => p.id);
    expect(ids.slice(0, 2)).toEqual(['microsoft-365', 'google-workspace']);
    expect(ids.at(-1)).toBe('custom');
    expect(ids).toHaveLength(12);
    expect(result.value.find((p) => p.id === 'sendgrid')?.username.fixed).toBe('apikey');
  });

  it('providers:detect asks the DNS servers from Settings when the call names none', async () => {
    services.store.updateSettings({ dnsServers: [dns.address] });
    dns.resetQueries();
    const result = await call('providers:detect', { domain: 'contoso.example' });
    if (!result.ok) throw new Error(result.error.message);
    expect(dns.queries.map((q) => q.name)).toContain('contoso.example');
    expect(result.value.suggestions[0]).toMatchObject({ providerId: 'microsoft-365', confidence: 'high', endpoint: { host: 'smtp.office365.com', port: 587, security: 'starttls' } });
  });

  it('providers:detect asks the servers the call names instead of Settings', async () => {
    services.store.updateSettings({ dnsServers: [dns.address] });
    dns.resetQueries();
    const result = await call('providers:detect', { domain: 'contoso.example', dnsServers: [other.address] });
    if (!result.ok) throw new Error(result.error.message);
    expect(dns.queries).toEqual([]);
    expect(result.value.suggestions[0]?.providerId).toBe('google-workspace');
  });

  it('providers:detect refuses a DNS server that is not an IP address before asking anything', async () => {
    const result = await call('providers:detect', { domain: 'contoso.example', dnsServers: ['resolver.example'] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-input');
  });

  it('reports a broken preset file as an installation problem, naming it', async () => {
    const resources = join(dir, 'resources');
    mkdirSync(resources, { recursive: true });
    cpSync(join(repositoryResourcesDir(), 'providers'), join(resources, 'providers'), { recursive: true });
    writeFileSync(join(resources, 'providers', 'postmark.json'), '{ not json');
    const broken = createServices({ dataDirectory: join(dir, 'data-broken'), mode: 'cli', logger: silentLogger, validateOutput: true, resourcesDir: resources });
    for (const channel of ['providers:list', 'providers:detect'] as const) {
      const result = await call(channel, channel === 'providers:list' ? {} : { domain: 'contoso.example' }, broken);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('internal');
      expect(result.error.message).toContain('resources/providers');
      expect(JSON.stringify(result.error.details)).toContain('postmark.json');
    }
  });

  it('gives one answer for every data file it cannot read, in the app and in the CLI', async () => {
    const empty = join(dir, 'resources-empty');
    mkdirSync(empty, { recursive: true });
    const broken = createServices({ dataDirectory: join(dir, 'data-empty'), mode: 'cli', logger: silentLogger, validateOutput: true, resourcesDir: empty });
    const answers = [
      ['platform data (resources/platforms)', await call('platforms:list', {}, broken)],
      ['mail-provider presets (resources/providers)', await call('providers:list', {}, broken)],
      ['reply catalogue (resources/replies)', await call('analyze:explain', { text: '535 5.7.8 Username and Password not accepted' }, broken)],
      ['Microsoft 365 data (resources/m365.json)', await call('m365:get-facts', {}, broken)],
    ] as const;
    for (const [what, result] of answers) {
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'internal',
          message: `Relayproof could not read its ${what}, so this part of the app cannot work.`,
          hint: 'Reinstall Relayproof (from a source checkout: `git status resources` shows what changed there).',
          details: { problems: expect.arrayContaining([expect.stringContaining(empty)]) },
        },
      });
    }
    // The CLI finds resources/ from its environment, as an installed `relayproof` would.
    process.env['RELAYPROOF_RESOURCES_DIR'] = empty;
    let cli: Awaited<ReturnType<typeof runCliCaptured>>;
    try {
      cli = await runCliCaptured(['m365', 'token', '--tenant', 'contoso.onmicrosoft.com', '--client-id', '11111111-2222-3333-4444-555555555555', '--client-secret-stdin', '--json'], join(dir, 'data-empty-cli'), 'not-a-real-secret');
    } finally {
      delete process.env['RELAYPROOF_RESOURCES_DIR'];
    }
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: false, error: { code: 'internal', message: 'Relayproof could not read its Microsoft 365 data (resources/m365.json), so this part of the app cannot work.' } });
  });
});
