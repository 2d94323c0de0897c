import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryResourcesDir } from './platforms';
import { CUSTOM_PROVIDER_ID, endpointSecurityProblem, loadProviders, type ProviderPreset } from './providers';

const presetsDir = join(repositoryResourcesDir(), 'providers');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function loaded(): Promise<readonly ProviderPreset[]> {
  const result = await loadProviders(repositoryResourcesDir());
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.providers;
}

function byId(presets: readonly ProviderPreset[], id: string): ProviderPreset {
  const preset = presets.find((p) => p.id === id);
  if (preset === undefined) throw new Error(`no preset ${id}`);
  return preset;
}

/** A copy of resources/providers in a temporary resources folder, to edit. */
function copyOfPresets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-providers-'));
  temps.push(dir);
  mkdirSync(join(dir, 'providers'));
  cpSync(presetsDir, join(dir, 'providers'), { recursive: true });
  return dir;
}

describe('provider presets', () => {
  it('every file validates, its id is its file name, and it carries a vendor source and the checked date', async () => {
    const files = readdirSync(presetsDir).filter((f) => f.endsWith('.json'));
    const presets = await loaded();
    expect(presets.map((p) => `${p.id}.json`).sort()).toEqual(files.sort());
    expect(new Set(presets.map((p) => p.id)).size).toBe(presets.length);
    for (const preset of presets) {
      expect(preset.source, preset.id).toMatch(/^https:\/\//u);
      expect(preset.checked, preset.id).toBe('2026-11-23');
      expect(preset.docs.length, `${preset.id} has no documentation link`).toBeGreaterThan(0);
    }
    for (const id of ['microsoft-365', 'google-workspace', 'google-smtp-relay', 'gmail', 'icloud', 'outlook-com', 'amazon-ses', 'sendgrid', 'mailgun-us', 'mailgun-eu', 'postmark', 'custom']) {
      expect(files).toContain(`${id}.json`);
    }
  });

  it('pairs every port with the right kind of TLS: 587 is STARTTLS, 465 implicit TLS, and none is plain', async () => {
    for (const preset of await loaded()) {
      for (const endpoint of preset.endpoints) {
        expect(endpointSecurityProblem(endpoint), `${preset.id} ${endpoint.host}:${endpoint.port}`).toBeNull();
        if (endpoint.port === 587) expect(endpoint.security).toBe('starttls');
        if (endpoint.port === 465) expect(endpoint.security).toBe('tls');
        expect(endpoint.security).not.toBe('none');
      }
      if (!preset.custom) expect(preset.endpoints.filter((e) => e.recommended).length, preset.id).toBeGreaterThan(0);
    }
    expect(endpointSecurityProblem({ host: 'h', port: 465, security: 'starttls' })).toContain('must be "tls"');
    expect(endpointSecurityProblem({ host: 'h', port: 587, security: 'tls' })).toContain('must be "starttls"');
    expect(endpointSecurityProblem({ host: 'h', port: 2525, security: 'none' })).toContain('without TLS');
    expect(endpointSecurityProblem({ host: 'h', port: 2465, security: 'tls' })).toBeNull();
  });

  it('lists the big mailbox services first and Custom last', async () => {
    const ids = (await loaded()).map((p) => p.id);
    expect(ids.slice(0, 2)).toEqual(['microsoft-365', 'google-workspace']);
    expect(ids.at(-1)).toBe(CUSTOM_PROVIDER_ID);
  });

  it('carries the provider facts the wizard relies on', async () => {
    const presets = await loaded();
    const m365 = byId(presets, 'microsoft-365');
    expect(m365.endpoints[0]).toMatchObject({ host: 'smtp.office365.com', port: 587, security: 'starttls', recommended: true });
    expect(m365.guide).toBe('m365');
    expect(m365.detect.mxSuffixes).toContain('mail.protection.outlook.com');
    expect(m365.warnings.join(' ')).toMatch(/turned off by default/u);
    expect(m365.warnings.join(' ')).toMatch(/2027/u);

    const workspace = byId(presets, 'google-workspace');
    expect(workspace.endpoints.map((e) => `${e.host}:${e.port}:${e.security}`)).toEqual(['smtp.gmail.com:587:starttls', 'smtp.gmail.com:465:tls']);
    expect(workspace.secretHelp).toMatch(/2-Step Verification/u);
    expect(byId(presets, 'google-smtp-relay').endpoints[0]?.host).toBe('smtp-relay.gmail.com');
    expect(byId(presets, 'icloud').endpoints[0]).toMatchObject({ host: 'smtp.mail.me.com', port: 587, security: 'starttls' });

    const outlook = byId(presets, 'outlook-com');
    expect(outlook.endpoints[0]?.host).toBe('smtp-mail.outlook.com');
    expect(outlook.authKinds).toEqual(['oauth2']);
    expect(outlook.warnings[0]).toMatch(/no longer works/u);

    const ses = byId(presets, 'amazon-ses');
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2']) {
      const here = ses.endpoints.filter((e) => e.region === region).map((e) => `${e.host}:${e.port}:${e.security}`);
      expect(here).toEqual([`email-smtp.${region}.amazonaws.com:587:starttls`, `email-smtp.${region}.amazonaws.com:465:tls`]);
    }
    expect(ses.secretLabel).toMatch(/not your AWS secret access key/u);

    const sendgrid = byId(presets, 'sendgrid');
    expect(sendgrid.username.fixed).toBe('apikey');
    expect(sendgrid.authKinds).toEqual(['api-key']);
    expect(byId(presets, 'mailgun-us').endpoints[0]?.host).toBe('smtp.mailgun.org');
    expect(byId(presets, 'mailgun-eu').endpoints[0]?.host).toBe('smtp.eu.mailgun.org');
    expect(byId(presets, 'postmark').endpoints[0]).toMatchObject({ host: 'smtp.postmarkapp.com', port: 587 });

    const custom = byId(presets, 'custom');
    expect(custom.custom).toBe(true);
    expect(custom.endpoints).toEqual([]);
  });

  it('knows the selectors each provider signs a custom domain with and the SPF include of its sending IPs, each with its source', async () => {
    const presets = await loaded();
    const selectors = (id: string) => byId(presets, id).dkimSelectors?.selectors;
    const include = (id: string) => byId(presets, id).spfInclude?.include;
    expect(selectors('microsoft-365')).toEqual(['selector1', 'selector2']);
    expect(include('microsoft-365')).toBe('spf.protection.outlook.com');
    expect(selectors('google-workspace')).toEqual(['google']);
    expect(selectors('google-smtp-relay')).toEqual(['google']);
    expect(include('google-workspace')).toBe('_spf.google.com');
    expect(selectors('sendgrid')).toEqual(['s1', 's2']);
    expect(include('sendgrid')).toBe('sendgrid.net');
    expect(selectors('icloud')).toEqual(['sig1']);
    expect(include('icloud')).toBe('icloud.com');
    expect(include('mailgun-us')).toBe('mailgun.org');
    expect(include('mailgun-eu')).toBe('mailgun.org');
    expect(include('amazon-ses')).toBe('amazonses.com');
    expect(include('postmark')).toBe('spf.mtasv.net');
    // Per-domain selectors: no list to offer, and the note says where to find them.
    expect(selectors('amazon-ses')).toEqual([]);
    expect(byId(presets, 'amazon-ses').dkimSelectors?.note).toMatch(/token/u);
    expect(byId(presets, 'postmark').dkimSelectors?.note).toMatch(/YYYYMMDDHHMMSSpm/u);
    expect(selectors('mailgun-us')).toEqual([]);
    expect(selectors('outlook-com')).toEqual([]);
    expect(include('outlook-com')).toBeUndefined();
    expect(byId(presets, 'custom').dkimSelectors).toBeNull();
    expect(byId(presets, 'custom').spfInclude).toBeNull();
    for (const preset of presets) {
      for (const fact of [preset.dkimSelectors, preset.spfInclude]) {
        if (fact === null) continue;
        expect(fact.source, preset.id).toMatch(/^https:\/\//u);
        expect(fact.checked, preset.id).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
      }
    }
  });

  it('refuses a selector list that is empty without saying why, a selector that is not one, and an include that is not a domain', async () => {
    const dir = copyOfPresets();
    const edit = (id: string, change: (json: Record<string, unknown>) => Record<string, unknown>) => {
      const file = join(dir, 'providers', `${id}.json`);
      writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)));
    };
    const fact = { source: 'https://example.com/dkim', checked: '2026-12-06' };
    edit('postmark', (j) => ({ ...j, dkimSelectors: { selectors: [], ...fact } }));
    edit('sendgrid', (j) => ({ ...j, dkimSelectors: { selectors: ['s1._domainkey.example.com; p='], ...fact } }));
    edit('icloud', (j) => ({ ...j, spfInclude: { include: 'include:icloud.com', ...fact } }));
    edit('gmail', (j) => ({ ...j, spfInclude: { include: '_spf.google.com', source: 'a blog', checked: '2026-12-06' } }));
    const result = await loadProviders(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const at = (name: string) => escape(join(dir, 'providers', name));
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${at('postmark.json')}: dkimSelectors\\.note: Without known selectors, say why`, 'u')),
        expect.stringMatching(new RegExp(`^${at('sendgrid.json')}: dkimSelectors\\.selectors\\.0: `, 'u')),
        expect.stringMatching(new RegExp(`^${at('icloud.json')}: spfInclude\\.include: An SPF include is a lowercase domain name`, 'u')),
        expect.stringMatching(new RegExp(`^${at('gmail.json')}: spfInclude\\.source: `, 'u')),
      ]),
    );
    expect(result.problems).toHaveLength(4);
  });

  it('takes a new provider from one more JSON file, listed before Custom', async () => {
    const dir = copyOfPresets();
    const sendgrid = JSON.parse(readFileSync(join(presetsDir, 'sendgrid.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'providers', 'example-mail.json'),
      JSON.stringify({
        ...sendgrid,
        id: 'example-mail',
        name: 'Example Mail',
        endpoints: [{ label: 'Implicit TLS on port 465', host: 'smtp.example-mail.test', port: 465, security: 'tls', recommended: true }],
        detect: { mxSuffixes: ['mx.example-mail.test'] },
      }),
    );
    const result = await loadProviders(dir);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const ids = result.providers.map((p) => p.id);
    expect(ids).toContain('example-mail');
    expect(ids.indexOf('example-mail')).toBe(ids.length - 2);
    expect(result.providers.find((p) => p.id === 'example-mail')?.detect).toEqual({ domains: [], mxSuffixes: ['mx.example-mail.test'], mxHosts: [], confidence: 'high' });
  });

  it('names the file and field of every bad entry instead of loading any', async () => {
    const dir = copyOfPresets();
    const edit = (id: string, change: (json: Record<string, unknown>) => Record<string, unknown>) => {
      const file = join(dir, 'providers', `${id}.json`);
      writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)));
    };
    edit('sendgrid', (j) => ({ ...j, endpoints: [{ label: 'x', host: 'smtp.sendgrid.net', port: 465, security: 'starttls' }] }));
    edit('postmark', (j) => ({ ...j, id: 'postmark-app' }));
    edit('icloud', (j) => ({ ...j, checked: 'last week' }));
    edit('gmail', (j) => ({ ...j, endpoints: [] }));
    writeFileSync(join(dir, 'providers', 'broken.json'), '{ not json');
    const result = await loadProviders(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const at = (name: string) => join(dir, 'providers', name);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${escape(at('sendgrid.json'))}: endpoints\\.0: smtp\\.sendgrid\\.net:465 is an implicit-TLS port`, 'u')),
        `${at('postmark.json')}: id: is "postmark-app", expected "postmark" (the file name)`,
        expect.stringMatching(new RegExp(`^${escape(at('icloud.json'))}: checked: `, 'u')),
        expect.stringMatching(new RegExp(`^${escape(at('gmail.json'))}: endpoints: A preset lists at least one endpoint`, 'u')),
        expect.stringMatching(new RegExp(`^${escape(at('broken.json'))}: `, 'u')),
      ]),
    );
    expect(result.problems).toHaveLength(5);
  });

  it('refuses a folder without the Custom entry, and a missing folder, in words that name it', async () => {
    const dir = copyOfPresets();
    rmSync(join(dir, 'providers', 'custom.json'));
    const withoutCustom = await loadProviders(dir);
    expect(withoutCustom.ok ? [] : withoutCustom.problems).toEqual([`${join(dir, 'providers')}: custom.json is missing; the wizard needs it for servers without a preset`]);
    const missing = await loadProviders(join(dir, 'nowhere'));
    expect(missing.ok ? [] : missing.problems[0]).toContain(join(dir, 'nowhere', 'providers'));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
