import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr, type Zone } from '../testing/dns-zone';
import { createResolver } from './resolver';
import { serverAddress } from './servers';
import { checkPropagation, runPropagation } from './propagation';
import { propagationReportSchema } from '../../src-preload/contract/dns-schemas';
import { findAuthoritativeServers } from './authoritative';

const NEW_SPF = 'v=spf1 include:mail.zendesk.com -all';
let authoritative: TestDnsServer;
let upToDate: TestDnsServer;
let staleNegative: TestDnsServer;
let staleOld: TestDnsServer;

const zone = (records: Zone['records'], minimum = 3600): Zone => ({
  origin: 'example.test',
  soa: { minimum, ttl: 86_400 },
  records: [rr.ns('example.test', 'ns1.example.test'), rr.a('ns1.example.test', '127.0.0.1'), ...records],
});

beforeAll(async () => {
  authoritative = await startTestDnsServer({ zones: [zone([rr.txt('example.test', NEW_SPF)])] });
  upToDate = await startTestDnsServer({ zones: [zone([rr.txt('example.test', NEW_SPF)])] });
  // Stand-ins for public resolvers that cached the old state.
  staleNegative = await startTestDnsServer({ zones: [zone([], 3600)] });
  staleOld = await startTestDnsServer({ zones: [zone([rr.txtTtl('example.test', 1800, 'v=spf1 -all')])] });
});
afterAll(() => Promise.all([authoritative, upToDate, staleNegative, staleOld].map((s) => s.close())));

describe('propagation', () => {
  it('finds the zone and its name servers through SOA and NS', async () => {
    const discovery = createResolver({ servers: [serverAddress('127.0.0.1', authoritative.port)], kind: 'explicit', timeoutMs: 500 });
    const found = await findAuthoritativeServers('_dmarc.example.test', discovery, { port: authoritative.port });
    expect(found.zone).toBe('example.test');
    expect(found.nameservers).toEqual([{ name: 'ns1.example.test', addresses: ['127.0.0.1'] }]);
    expect(found.servers.map((s) => s.label)).toEqual([authoritative.address]);
  });

  it('shows which resolvers serve the new value and when a cached NXDOMAIN expires', async () => {
    const discovery = createResolver({ servers: [serverAddress('127.0.0.1', authoritative.port)], kind: 'explicit', timeoutMs: 500 });
    const report = await checkPropagation(
      { name: 'example.test', type: 'TXT', expected: NEW_SPF },
      {
        discovery,
        authoritativePort: authoritative.port,
        resolvers: [upToDate, staleNegative, staleOld].map((s) => serverAddress('127.0.0.1', s.port)),
        timeoutMs: 500,
      },
    );
    expect(propagationReportSchema.parse(report)).toEqual(report);
    expect(report.authoritative[0]?.values).toEqual([NEW_SPF]);
    expect(report.authoritative[0]?.lookup.authoritative).toBe(true);
    expect(report.resolvers.map((r) => r.servesExpected)).toEqual([true, false, false]);
    expect(report.propagated).toBe(false);
    const negative = report.resolvers[1];
    expect(negative?.lookup.outcome).toBe('nodata');
    const answeredAt = Date.parse(negative?.lookup.at ?? '');
    expect(Date.parse(negative?.negativeCacheExpiresAt ?? '') - answeredAt).toBe(3600 * 1000);
    expect(Date.parse(report.resolvers[2]?.cachedUntil ?? '') - Date.parse(report.resolvers[2]?.lookup.at ?? '')).toBe(1800 * 1000);
    expect(report.summary).toContain('1 of 3 resolvers serve the published TXT example.test.');
    expect(report.summary).toContain(`${staleNegative.address} still has "does not exist" cached until ${negative?.negativeCacheExpiresAt}`);
    expect(report.summary).toContain(`${staleOld.address} serves an older value until`);
  });

  it('runs from a contract request with the configured resolvers', async () => {
    const result = await runPropagation({ name: 'example.test', type: 'TXT', dnsServers: [upToDate.address] }, { authoritativePort: authoritative.port, timeoutMs: 500 });
    expect(result.ok && result.value.propagated).toBe(true);
    expect(result.ok && result.value.summary).toBe('1 of 1 resolvers serve the published TXT example.test.');
    expect(await runPropagation({ name: 'example.test', type: 'TXT', dnsServers: ['resolver.example'] })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
