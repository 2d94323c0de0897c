import { beforeAll, describe, expect, it } from 'vitest';
import { connectorFormGuide, formatCount, providerForHost, sendingLimitNotice, type ConnectorFormGuide, type FormConnection } from '../../src-preload/contract/connector-form';
import type { Platform, ProviderPreset } from '../../src-preload/contract/providers';
import { loadPlatforms, repositoryResourcesDir } from './platforms';
import { loadProviders } from './providers';

let zuora: Platform;
let platforms: readonly Platform[];
let providers: readonly ProviderPreset[];

beforeAll(async () => {
  const loadedPlatforms = await loadPlatforms(repositoryResourcesDir());
  const loadedProviders = await loadProviders(repositoryResourcesDir());
  if (!loadedPlatforms.ok || !loadedProviders.ok) throw new Error('resources/ did not load');
  platforms = [...loadedPlatforms.platforms.values()];
  providers = loadedProviders.providers;
  const found = loadedPlatforms.platforms.get('zuora');
  if (found === undefined) throw new Error('no zuora platform');
  zuora = found;
});

const base: FormConnection = { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'billing@example.com', authKind: 'password' };

function guideOf(connection: FormConnection, options: Parameters<typeof connectorFormGuide>[2] = {}): ConnectorFormGuide {
  const result = connectorFormGuide(zuora, connection, options);
  if (result.kind !== 'guide') throw new Error(`expected a guide, got ${result.kind}`);
  return result.guide;
}

function field(guide: ConnectorFormGuide, label: string): string | undefined {
  return guide.rows.find((r) => r.field === label)?.value;
}

describe("Zuora's External SMTP form for a connection that passed", () => {
  it.each([
    {
      name: 'STARTTLS on 587: StartTLS true, no SocketFactory',
      connection: base,
      expected: { 'SMTP Enable StartTLS': 'true', 'SMTP SocketFactory Class': 'Leave empty', 'SMTP SocketFactory Port': 'Leave empty', 'SMTP SocketFactory Fallback': 'Leave empty' },
    },
    {
      name: 'implicit TLS on 465: SSLSocketFactory on 465, fallback false, StartTLS false',
      connection: { ...base, port: 465, security: 'tls' as const },
      expected: { 'SMTP Enable StartTLS': 'false', 'SMTP SocketFactory Class': 'javax.net.ssl.SSLSocketFactory', 'SMTP SocketFactory Port': '465', 'SMTP SocketFactory Fallback': 'false' },
    },
    {
      name: 'implicit TLS on another port: the SocketFactory Port follows the SMTP Port',
      connection: { ...base, port: 2465, security: 'tls' as const },
      expected: { 'SMTP Port': '2465', 'SMTP SocketFactory Port': '2465' },
    },
    {
      name: 'the rest of the form as the connection has it',
      connection: base,
      expected: { 'SMTP Server Name': 'smtp.example.com', 'SMTP Port': '587', Authentication: 'Username/Password', 'SMTP User Name': 'billing@example.com' },
    },
    {
      name: 'an app password or API key is still Username/Password',
      connection: { ...base, authKind: 'app-password' as const },
      expected: { Authentication: 'Username/Password' },
    },
  ])('$name', ({ connection, expected }) => {
    const guide = guideOf(connection);
    for (const [label, value] of Object.entries(expected)) expect(field(guide, label), label).toBe(value);
  });

  it('true/false fields are chosen, a class name and ports are typed (the ones with a copy button)', () => {
    const rows = new Map(guideOf({ ...base, port: 465, security: 'tls' }).rows.map((r) => [r.field, r.kind]));
    expect([rows.get('SMTP Enable StartTLS'), rows.get('SMTP SocketFactory Fallback'), rows.get('SMTP SocketFactory Class'), rows.get('SMTP SocketFactory Port')]).toEqual(['choose', 'choose', 'type', 'type']);
  });

  it('never carries the password: the Password row is a placeholder pointing at the keychain copy', () => {
    const row = guideOf(base).rows.find((r) => r.field === 'Password');
    expect(row?.kind).toBe('secret');
    expect(row?.value).toMatch(/Copy password/u);
  });

  it('says where the form is and how to switch delivery to it', () => {
    const guide = guideOf(base);
    expect(guide.consolePath.join(' > ')).toMatch(/Events & Notifications/u);
    expect(guide.submit).toBe('Test Connection And Save');
    expect(guide.deliverySwitch).toMatchObject({ field: 'Deliver E-Mail Notifications Using', value: 'External SMTP Server' });
  });

  it('refuses a connection without TLS instead of filling the form with it', () => {
    const result = connectorFormGuide(zuora, { ...base, security: 'none', port: 25 });
    expect(result.kind).toBe('unsupported');
  });

  it('a platform without a form of its own gets none', () => {
    const generic = platforms.find((p) => p.id === 'generic');
    expect(generic && connectorFormGuide(generic, base).kind).toBe('no-form');
  });
});

describe('each wrong choice in the form and the Zuora error it produces', () => {
  it.each([
    { choice: 'starttls-off', security: 'starttls' as const, port: 587, phrase: 'Authentication required' },
    { choice: 'socket-factory-on-starttls', security: 'starttls' as const, port: 587, phrase: 'Could not connect to SMTP host' },
    { choice: 'starttls-refused', security: 'starttls' as const, port: 587, phrase: 'Could not convert socket to TLS' },
    { choice: 'no-socket-factory-on-tls', security: 'tls' as const, port: 465, phrase: 'Read timed out' },
    { choice: 'fallback-on-tls', security: 'tls' as const, port: 465, phrase: 'Read timed out' },
  ])('$choice on $port gives "$phrase", with Zuora\'s own action', ({ choice, security, port, phrase }) => {
    const guide = guideOf({ ...base, security, port });
    const wrong = guide.wrongChoices.find((w) => w.id === choice);
    expect(wrong?.phrase).toBe(phrase);
    expect(wrong?.action).not.toBeNull();
    expect(wrong?.meaning).not.toBeNull();
  });

  it('lists only the wrong choices of the connection\'s own security mode', () => {
    expect(guideOf(base).wrongChoices.map((w) => w.id)).not.toContain('no-socket-factory-on-tls');
    expect(guideOf({ ...base, port: 465, security: 'tls' }).wrongChoices.map((w) => w.id)).not.toContain('starttls-off');
  });

  it("every wrong choice in every platform's data names one of that platform's catalogued error phrases", () => {
    for (const platform of platforms) {
      for (const wrong of platform.smtpForm?.wrongChoices ?? []) {
        expect(platform.errorPhrases.map((p) => p.phrase), `${platform.id}: ${wrong.id}`).toContain(wrong.phrase);
      }
    }
  });
});

describe('OAuth 2.0: the provider form mapped from the mail provider preset', () => {
  const oauth = { ...base, host: 'smtp.office365.com', authKind: 'oauth2' as const };

  it('Authentication is OAuth 2.0 and the Password row gives way to the OAuth2.0 Provider', () => {
    const guide = guideOf(oauth, { provider: providers.find((p) => p.id === 'microsoft-365') });
    expect(field(guide, 'Authentication')).toBe('OAuth 2.0');
    expect(field(guide, 'Password')).toBeUndefined();
    expect(field(guide, 'OAuth2.0 Provider')).toBeDefined();
  });

  it.each([
    { provider: 'microsoft-365', token: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token', scope: /SMTP\.Send/u },
    { provider: 'google-workspace', token: 'https://oauth2.googleapis.com/token', scope: /^https:\/\/mail\.google\.com\/$/u },
  ])('$provider: endpoints and scope from the preset, the tenant filled in', ({ provider, token, scope }) => {
    const guide = guideOf(oauth, { provider: providers.find((p) => p.id === provider), oauthApp: { tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-1111-2222-3333-444444444444' } });
    const rows = new Map(guide.oauth?.rows.map((r) => [r.field, r]));
    expect(rows.get('Access Token Endpoint')?.value).toBe(token);
    expect(rows.get('Scope')?.value).toMatch(scope);
    expect(rows.get('Client ID')?.value).toBe('00000000-1111-2222-3333-444444444444');
    expect(rows.get('Grant Type')?.value).toBe('Authorization Code');
  });

  it('the client secret is always a placeholder, and unknown values say where to find them', () => {
    const guide = guideOf(oauth, { provider: providers.find((p) => p.id === 'custom') });
    const rows = new Map(guide.oauth?.rows.map((r) => [r.field, r]));
    expect(rows.get('Client Secret')?.kind).toBe('secret');
    expect(rows.get('Client ID')?.value).toMatch(/^</u);
    expect(rows.get('Access Token Endpoint')?.value).toMatch(/^</u);
    expect(guideOf(oauth, { provider: providers.find((p) => p.id === 'microsoft-365') }).oauth?.rows.find((r) => r.field === 'Access Token Endpoint')?.value).toMatch(/<your tenant ID>/u);
  });

  it('a password connection gets no OAuth provider form', () => {
    expect(guideOf(base).oauth).toBeNull();
  });
});

describe('sending limits that break bulk invoice runs', () => {
  it.each([
    { provider: 'microsoft-365', limits: /10,000 recipients a day per mailbox and 30 messages a minute per mailbox/u },
    { provider: 'google-workspace', limits: /2,000 messages a day per user/u },
    { provider: 'gmail', limits: /500 messages a day/u },
  ])('$provider: the warning carries the preset\'s own numbers', ({ provider, limits }) => {
    const notice = sendingLimitNotice(zuora, providers.find((p) => p.id === provider));
    expect(notice?.limits).toMatch(limits);
    expect(notice?.text).toMatch(/bulk invoice/u);
    expect(notice?.sources[0]).toMatch(/^https:\/\//u);
  });

  it('a sending service (no mailbox limit to warn about) and a platform without bulk runs get no warning', () => {
    expect(sendingLimitNotice(zuora, providers.find((p) => p.id === 'amazon-ses'))).toBeNull();
    const zendesk = platforms.find((p) => p.id === 'zendesk');
    expect(zendesk && sendingLimitNotice(zendesk, providers.find((p) => p.id === 'microsoft-365'))).toBeNull();
  });

  it('finds the preset from the SMTP host, for a test run without a saved address', () => {
    expect(providerForHost(providers, 'SMTP.office365.com.')?.id).toBe('microsoft-365');
    expect(providerForHost(providers, 'mail.example.com')).toBeUndefined();
  });

  it('groups digits as the vendors write them', () => {
    expect([formatCount(30), formatCount(2000), formatCount(10000), formatCount(1234567)]).toEqual(['30', '2,000', '10,000', '1,234,567']);
  });
});
