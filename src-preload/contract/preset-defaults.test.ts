import { describe, expect, it } from 'vitest';
import type { ProviderPreset } from './providers';
import { presetDefaults } from './preset-defaults';

type Preset = Pick<ProviderPreset, 'endpoints' | 'username' | 'authKinds'>;
const endpoint = (host: string, port: number, recommended = false) => ({ label: host, host, port, security: port === 465 ? ('tls' as const) : ('starttls' as const), recommended });
const m365: Preset = { endpoints: [endpoint('smtp.office365.com', 587, true)], username: { hint: 'The mailbox address', sameAsAddress: true }, authKinds: ['password', 'oauth2'] } satisfies Preset;
const sendgrid: Preset = { endpoints: [endpoint('smtp.sendgrid.net', 465), endpoint('smtp.sendgrid.net', 587, true)], username: { hint: 'apikey', fixed: 'apikey', sameAsAddress: false }, authKinds: ['api-key'] } satisfies Preset;
const custom: Preset = { endpoints: [], username: { hint: 'Often the full address', sameAsAddress: false }, authKinds: ['password', 'app-password', 'api-key', 'oauth2'] } satisfies Preset;

describe('what a provider preset fills in (wizard and `address add`)', () => {
  it('takes the recommended endpoint, else the first, else none (a custom server)', () => {
    expect(presetDefaults(sendgrid, { address: 'a@example.com' }).endpoint?.port).toBe(587);
    expect(presetDefaults({ ...sendgrid, endpoints: [endpoint('a.example', 465), endpoint('b.example', 587)] }, { address: 'a@example.com' }).endpoint?.host).toBe('a.example');
    expect(presetDefaults(custom, { address: 'a@example.com' }).endpoint).toBeUndefined();
  });

  it('keeps an endpoint the admin picked', () => {
    const picked = endpoint('smtp.sendgrid.net', 465);
    expect(presetDefaults(sendgrid, { address: 'a@example.com', endpoint: picked }).endpoint).toBe(picked);
  });

  it("signs in with the preset's fixed name, else with the address, else with what was typed", () => {
    expect(presetDefaults(sendgrid, { address: 'a@example.com', currentUsername: 'typed' }).username).toBe('apikey');
    expect(presetDefaults(m365, { address: ' support@example.com ', currentUsername: 'typed' }).username).toBe('support@example.com');
    expect(presetDefaults(custom, { address: 'a@example.com', currentUsername: 'typed' }).username).toBe('typed');
    expect(presetDefaults(custom, { address: 'a@example.com' }).username).toBeUndefined();
  });

  it('an explicit username or sign-in method (--user, --auth-kind) wins', () => {
    expect(presetDefaults(m365, { address: 'support@example.com', username: 'relay@example.com' }).username).toBe('relay@example.com');
    expect(presetDefaults(m365, { address: 'support@example.com', authKind: 'app-password' }).authKind).toBe('app-password');
  });

  it('keeps the chosen sign-in method when the preset offers it, else takes its first', () => {
    expect(presetDefaults(m365, { address: 'a@example.com', currentAuthKind: 'oauth2' }).authKind).toBe('oauth2');
    expect(presetDefaults(sendgrid, { address: 'a@example.com', currentAuthKind: 'oauth2' }).authKind).toBe('api-key');
    expect(presetDefaults(m365, { address: 'a@example.com', currentAuthKind: null }).authKind).toBe('password');
  });
});
