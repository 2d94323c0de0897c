/**
 * The contract (what the app saves) and the engine (what it tests) share one set of
 * field rules: a saved address or setting is never refused by a later test.
 */
import { describe, expect, it } from 'vitest';
import { addressFieldsSchema, contract, settingsSchema } from '../../src-preload/contract';
import { checklistInputSchema } from '../../src-preload/contract/checks-schemas';
import { propagationRequestSchema } from '../../src-preload/contract/dns-schemas';
import { testConnection } from './connection-test';
import { connectionTestInputSchema, probeInputSchema } from '../../src-preload/contract/smtp-schemas';

const address = {
  address: 'support@example.com',
  platform: 'zendesk',
  environment: 'production',
  provider: 'microsoft-365',
  host: 'smtp.office365.com',
  port: 587,
  security: 'starttls',
  username: 'support@example.com',
  authKind: 'password',
} as const;

const HOSTS = ['smtp.example.com', 'smtp-.example.com', 'bücher.example', '-a.example', '999.1.1.1', '2001:db8::1', '[2001:db8::1]', '[::1', '192.0.2.1', 'a_b.example'];
const EHLO_NAMES = ['relay.example.com', 'localhost', 'abc:', 'dead::beef', '[192.0.2.1]', '192.0.2.1', '[IPv6:2001:db8::1]', 'relay', 'relais.bücher.example'];
const DNS_SERVERS = ['192.0.2.53', '192.0.2.53:5301', '[2001:db8::53]:53', '2001:db8::53', 'dns.example', '999.0.0.1', 'abc:'];

describe('the contract and the engine agree on every field', () => {
  it.each(HOSTS)('host %j: saved and tested alike, in the same form', (host) => {
    const saved = addressFieldsSchema.safeParse({ ...address, host });
    const tested = connectionTestInputSchema.safeParse({ host, port: 587, security: 'starttls' });
    const probed = probeInputSchema.safeParse({ host });
    expect(tested.success).toBe(saved.success);
    expect(probed.success).toBe(saved.success);
    if (saved.success && tested.success) expect(tested.data.host).toBe(saved.data.host);
  });

  it('smtp-.example.com (a label ending in a hyphen) is refused everywhere', () => {
    expect(addressFieldsSchema.safeParse({ ...address, host: 'smtp-.example.com' }).success).toBe(false);
  });

  it.each(EHLO_NAMES)('EHLO name %j: the setting is accepted only if every test accepts it', (ehloName) => {
    const setting = settingsSchema.safeParse({ ehloName });
    const tested = connectionTestInputSchema.safeParse({ host: 'smtp.example.com', port: 587, security: 'starttls', ehloName });
    const probed = probeInputSchema.safeParse({ host: 'smtp.example.com', ehloName });
    expect(tested.success).toBe(setting.success);
    expect(probed.success).toBe(setting.success);
  });

  it.each(['localhost', 'abc:', 'dead::beef'])('settings.ehloName refuses %j', (ehloName) => {
    expect(settingsSchema.safeParse({ ehloName }).success).toBe(false);
  });

  it.each(DNS_SERVERS)('DNS server %j: settings, checks, propagation and the engine agree', (server) => {
    const setting = settingsSchema.safeParse({ dnsServers: [server] }).success;
    expect(connectionTestInputSchema.safeParse({ host: 'smtp.example.com', port: 587, security: 'starttls', dnsServers: [server] }).success).toBe(setting);
    expect(checklistInputSchema.safeParse({ domain: 'example.com', dnsServers: [server] }).success).toBe(setting);
    expect(propagationRequestSchema.safeParse({ name: 'example.com', type: 'TXT', dnsServers: [server] }).success).toBe(setting);
  });
});

describe('what the CLI shows for bad input is in the admin’s words', () => {
  const testInput = { operationId: 'op-cli-words', host: 'smtp.example.com', port: 587, security: 'starttls', credentials: null };
  const first = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues[0]?.message ?? '';

  it('a port that is not a number', async () => {
    const result = await testConnection({ host: 'smtp.example.com', port: Number.NaN, security: 'starttls' });
    expect(result.ok ? '' : result.error.message).toBe('port: Port must be a whole number from 1 to 65535 (587 for STARTTLS, 465 for implicit TLS).');
    expect(first(contract['smtp:test-connection'].input.safeParse({ ...testInput, port: Number.NaN }))).toMatch(/^Port must be a whole number/u);
  });

  it('security, ports[i], timeouts, concurrency and sendingIp', () => {
    expect(first(contract['smtp:test-connection'].input.safeParse({ ...testInput, security: 'ssl' }))).toMatch(/^Security must be starttls/u);
    expect(first(contract['smtp:probe'].input.safeParse({ operationId: 'op-cli-words', host: 'smtp.example.com', ports: [587, 70000] }))).toMatch(/^Port must be a whole number/u);
    expect(first(contract['smtp:probe'].input.safeParse({ operationId: 'op-cli-words', host: 'smtp.example.com', concurrency: 0 }))).toMatch(/^Concurrency must be/u);
    expect(first(contract['smtp:test-connection'].input.safeParse({ ...testInput, timeouts: { deadlineMs: 10 } }))).toBe(
      'The overall deadline must be a whole number of milliseconds from 200 to 300000 (300 s).',
    );
    expect(first(contract['checks:run-checklist'].input.safeParse({ operationId: 'op-cli-words', domain: 'example.com', sendingIp: 'mail.example.com' }))).toBe(
      'Enter an IP address such as 192.0.2.25 or 2001:db8::25.',
    );
    for (const message of [
      first(contract['smtp:test-connection'].input.safeParse({ ...testInput, security: 'ssl' })),
      first(contract['smtp:test-connection'].input.safeParse({ ...testInput, credentials: { kind: 'token', username: 'a' } })),
      first(contract['smtp:test-connection'].input.safeParse({ ...testInput, timeouts: { deadlineMs: 'soon' } })),
    ]) {
      expect(message).not.toMatch(/Invalid (input|option)|expected/u);
    }
  });
});
