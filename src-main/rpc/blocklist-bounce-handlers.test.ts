/**
 * The address's Blocklists card and the bounce drop zone through the real dispatcher:
 * `checks:check-address-blocklists` asks the local list zones through the DNS servers
 * from Settings, about the relay's IPs as the address knows them and its domain;
 * `analyze:read-bounce` reads a saved bounce sent as base64.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AddressBlocklists } from '../../src-preload/contract/blocklist-schemas';
import type { BounceReport } from '../../src-preload/contract/bounce-schemas';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { testAddressFields } from '../testing/address-fields';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import type { KeychainBackend } from '../vault/vault';

const dns = useTestDns([
  // 127.0.0.2 is the RFC 5782 "listed" test point; 127.0.0.10 stands for a PBL-listed relay.
  { origin: 'zen.spamhaus.org', records: [rr.a('2.0.0.127.zen.spamhaus.org', '127.0.0.2'), rr.a('10.0.0.127.zen.spamhaus.org', '127.0.0.10')] },
  { origin: 'dbl.spamhaus.org', records: [rr.a('example.test.dbl.spamhaus.org', '127.0.1.2')] },
  { origin: 'example.test', records: [rr.a('smtp.example.test', '127.0.0.10')] },
  // The other default lists answer "not listed".
  { origin: 'bl.spamcop.net', records: [] },
  { origin: 'b.barracudacentral.org', records: [] },
  { origin: 'bl.mailspike.net', records: [] },
  { origin: 'psbl.surriel.com', records: [] },
  { origin: 'multi.uribl.com', records: [] },
]);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function memoryKeychain(): KeychainBackend {
  const entries = new Map<string, string>();
  return {
    getPassword: async (s, a) => entries.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => void entries.set(`${s}/${a}`, p),
    deletePassword: async (s, a) => entries.delete(`${s}/${a}`),
    findCredentials: async (s) => [...entries].filter(([k]) => k.startsWith(`${s}/`)).map(([k, password]) => ({ account: k.slice(s.length + 1), password })),
  };
}

function open(): Services {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-blocklist-handlers-'));
  dirs.push(dir);
  const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => memoryKeychain(), validateOutput: true });
  services.store.updateSettings({ dnsServers: [dns.server().address] });
  return services;
}

describe('checks:check-address-blocklists', () => {
  it("checks the SMTP host's addresses from the last sign-in and the domain, and says the real sending IP is not known yet", async () => {
    const services = open();
    const address = services.store.createAddress(testAddressFields());
    services.store.setAddressStatus(address.id, {
      lending: {
        smtp: { at: new Date().toISOString(), host: 'smtp.example.test', port: 587, security: 'starttls', username: 'support@example.test', authKind: 'password', pinSha256: null, dnsServers: [], ips: ['127.0.0.2'] },
        oauth: null,
        imap: null,
        'imap-forwarding': null,
      },
    });
    const result = await services.createDispatcher().dispatch('checks:check-address-blocklists', { addressId: address.id });
    if (!result.ok) throw new Error(result.error.message);
    const value = result.value as AddressBlocklists;
    expect(value.targets.map((t) => [t.role, t.report.target])).toEqual([
      ['smtp-host-ip', '127.0.0.2'],
      ['domain', 'example.test'],
    ]);
    expect(value.targets[0]?.report).toMatchObject({ listed: true, blocking: true });
    expect(value.targets[1]?.report.results.find((r) => r.zone === 'dbl.spamhaus.org')?.status).toBe('listed');
    expect(value.notes.join(' ')).toMatch(/No verification email has been received yet/u);
  });

  it('resolves the SMTP host when no sign-in recorded its addresses, and reads a PBL listing as policy', async () => {
    const services = open();
    const address = services.store.createAddress(testAddressFields());
    const result = await services.createDispatcher().dispatch('checks:check-address-blocklists', { addressId: address.id });
    if (!result.ok) throw new Error(result.error.message);
    const host = (result.value as AddressBlocklists).targets[0];
    expect(host).toMatchObject({ role: 'smtp-host-ip', report: { target: '127.0.0.10', listed: true, blocking: false } });
    expect(host?.report.results.find((r) => r.zone === 'zen.spamhaus.org')?.severity).toBe('policy');
  });

  it('answers not-found for an address that does not exist', async () => {
    const result = await open().createDispatcher().dispatch('checks:check-address-blocklists', { addressId: 'a-missing0000' });
    expect(result.ok ? null : result.error.code).toBe('not-found');
  });
});

describe('analyze:read-bounce', () => {
  it('reads a bounce sent as base64, and refuses a file that is not a message', async () => {
    const d = open().createDispatcher();
    const raw = [
      'From: Mail Delivery System <Mailer-Daemon@mail.example.com>',
      'Subject: Mail delivery failed: returning message to sender',
      '',
      'The following address(es) failed:',
      '',
      '  customer@example.net',
      '    host mx.example.net [198.51.100.25]',
      '    550 5.7.1 Service unavailable; Client host [198.51.100.9] blocked using zen.spamhaus.org',
      '',
    ].join('\r\n');
    const read = await d.dispatch('analyze:read-bounce', { raw: Buffer.from(raw).toString('base64') });
    if (!read.ok) throw new Error(read.error.message);
    const report = read.value as BounceReport;
    expect(report).toMatchObject({ kind: 'ndr', recipients: [{ address: 'customer@example.net', status: '5.7.1' }] });
    expect(report.fix.join(' ')).toMatch(/relayproof blocklist IP/u);
    const refused = await d.dispatch('analyze:read-bounce', { raw: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]).toString('base64') });
    expect(refused.ok ? null : refused.error.code).toBe('invalid-input');
  });
});
