import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { createResolver, resolverFromSpecs } from './resolver';
import { parseServerSpec, serverAddress, systemServers } from './servers';
import { dnsLookupSchema } from '../../src-preload/contract/dns-schemas';
import { withRunMemo } from './run-memo';
import { closedUdpPort } from '../testing/closed-ports';

let server: TestDnsServer;
const longText = 'x'.repeat(1500);

beforeAll(async () => {
  server = await startTestDnsServer({
    zones: [
      {
        origin: 'example.test',
        soa: { minimum: 120, ttl: 3600 },
        records: [
          rr.a('example.test', '192.0.2.10', 600),
          rr.txt('example.test', 'v=spf1 include:_spf.example.test ', '-all'),
          rr.txt('big.example.test', longText.slice(0, 255), longText.slice(255, 510), longText.slice(510, 765), longText.slice(765, 1020), longText.slice(1020, 1275)),
          rr.txt('flaky.example.test', 'present'),
          rr.cname('www.example.test', 'host.example.test'),
          rr.a('host.example.test', '192.0.2.20'),
          rr.cname('away.example.test', 'target.other.test'),
          rr.cname('loop1.example.test', 'loop2.example.test'),
          rr.cname('loop2.example.test', 'loop1.example.test'),
          rr.cname('dangling.example.test', 'gone.example.test'),
          rr.a('deep.sub.example.test', '192.0.2.30'),
        ],
      },
      { origin: 'other.test', records: [rr.a('target.other.test', '198.51.100.7')] },
    ],
  });
});
afterAll(() => server.close());
beforeEach(() => {
  for (const name of ['flaky.example.test', 'example.test']) server.setFault(name, null);
});

function resolver(timeoutMs = 300) {
  return createResolver({ servers: [serverAddress('127.0.0.1', server.port)], kind: 'explicit', timeoutMs, retries: 1 });
}

describe('resolver', () => {
  it('records the answering server, TTL, transport and time for every answer', async () => {
    const lookup = await resolver().lookup('example.test', 'A');
    expect(lookup.outcome).toBe('answer');
    expect(lookup.records).toEqual([{ type: 'A', name: 'example.test', ttl: 600, address: '192.0.2.10', value: '192.0.2.10' }]);
    expect(lookup.ttl).toBe(600);
    expect(lookup.server).toBe(server.address);
    expect(lookup.transport).toBe('udp');
    expect(lookup.authoritative).toBe(true);
    expect(Date.parse(lookup.at)).toBeGreaterThan(Date.now() - 10_000);
    expect(dnsLookupSchema.parse(lookup)).toEqual(lookup);
  });

  it('keeps a TXT record split across strings as its strings and joins them without spaces', async () => {
    const lookup = await resolver().lookup('example.test', 'TXT');
    const record = lookup.records[0];
    expect(record?.type === 'TXT' && record.strings).toEqual(['v=spf1 include:_spf.example.test ', '-all']);
    expect(record?.value).toBe('v=spf1 include:_spf.example.test -all');
    expect(lookup.ttl).toBe(300);
  });

  it('tells NXDOMAIN from NODATA and reports the negative-caching TTL from the SOA', async () => {
    const missing = await resolver().lookup('nothing.example.test', 'TXT');
    expect(missing.outcome).toBe('nxdomain');
    expect(missing.negative).toEqual({ zone: 'example.test', soaTtl: 120, soaMinimum: 120, negativeTtl: 120 });
    expect(missing.explanation).toBe(`nothing.example.test does not exist (NXDOMAIN from ${server.address}).`);
    const empty = await resolver().lookup('host.example.test', 'TXT');
    expect(empty.outcome).toBe('nodata');
    expect(empty.explanation).toContain('host.example.test exists but has no TXT record');
    // An empty non-terminal exists too (RFC 8020): sub.example.test only has children.
    expect((await resolver().lookup('sub.example.test', 'A')).outcome).toBe('nodata');
  });

  it('reports SERVFAIL and REFUSED as distinct faults that say nothing about the record', async () => {
    server.setFault('flaky.example.test', { kind: 'servfail' });
    const servfail = await resolver().lookup('flaky.example.test', 'TXT');
    expect(servfail.outcome).toBe('servfail');
    expect(servfail.explanation).toContain('answered SERVFAIL');
    expect(servfail.explanation).toContain('Whether the record exists is unknown');
    server.setFault('flaky.example.test', { kind: 'refused' });
    const refused = await resolver().lookup('flaky.example.test', 'TXT');
    expect(refused.outcome).toBe('refused');
    expect(refused.explanation).toContain('answered REFUSED');
    // A zone this server does not serve is refused as well.
    expect((await resolver().lookup('example.org', 'A')).outcome).toBe('refused');
  });

  it('times out per query, retries, and says how long it waited', async () => {
    server.setFault('flaky.example.test', { kind: 'drop' });
    const started = Date.now();
    const lookup = await resolver(150).lookup('flaky.example.test', 'TXT');
    expect(lookup.outcome).toBe('timeout');
    expect(lookup.attempts).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(lookup.explanation).toBe(`No answer for TXT flaky.example.test from ${server.address} within 150 ms (2 tries). Whether the record exists is unknown.`);
  });

  it('asks again over TCP when the UDP answer is truncated', async () => {
    server.setFault('flaky.example.test', { kind: 'truncate' });
    server.resetQueries();
    const lookup = await resolver().lookup('flaky.example.test', 'TXT');
    expect(lookup.outcome).toBe('answer');
    expect(lookup.transport).toBe('tcp');
    expect(lookup.attempts[0]?.truncatedUdp).toBe(true);
    expect(server.queries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
    // An answer bigger than the EDNS buffer is truncated by the server itself.
    const big = await resolver().lookup('big.example.test', 'TXT');
    expect(big.transport).toBe('tcp');
    expect(big.records[0]?.value).toBe(longText.slice(0, 1275));
  });

  it('follows CNAME chains inside one answer and across zones', async () => {
    const www = await resolver().lookup('www.example.test', 'A');
    expect(www.outcome).toBe('answer');
    expect(www.chain.map((c) => c.value)).toEqual(['host.example.test']);
    expect(www.canonicalName).toBe('host.example.test');
    const away = await resolver().lookup('away.example.test', 'A');
    expect(away.records.map((r) => r.value)).toEqual(['198.51.100.7']);
    expect(away.attempts).toHaveLength(2);
    const dangling = await resolver().lookup('dangling.example.test', 'TXT');
    expect(dangling.outcome).toBe('nxdomain');
    expect(dangling.explanation).toContain('gone.example.test does not exist');
    expect(dangling.explanation).toContain('through CNAME dangling.example.test → gone.example.test');
  });

  it('detects a CNAME loop instead of following it forever', async () => {
    const lookup = await resolver().lookup('loop1.example.test', 'TXT');
    expect(lookup.outcome).toBe('cname-loop');
    expect(lookup.explanation).toContain('loop1.example.test → loop2.example.test, loop2.example.test → loop1.example.test');
  });

  it('moves to the next server when one fails', async () => {
    // Opened and closed by this test: nothing answers DNS there (port 9 may be someone's service).
    const deadPort = await closedUdpPort();
    const dead = serverAddress('127.0.0.1', deadPort);
    const both = createResolver({ servers: [dead, serverAddress('127.0.0.1', server.port)], kind: 'explicit', timeoutMs: 150, retries: 0 });
    const lookup = await both.lookup('example.test', 'A');
    expect(lookup.outcome).toBe('answer');
    expect(lookup.server).toBe(server.address);
    expect(lookup.attempts.map((a) => a.server)).toEqual([`127.0.0.1:${deadPort}`, server.address]);
  });

  it('stops when cancelled', async () => {
    server.setFault('flaky.example.test', { kind: 'drop' });
    const controller = new AbortController();
    const pending = resolver(5000).lookup('flaky.example.test', 'TXT', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await expect(pending).rejects.toThrow('cancelled by test');
  });

  it('shares one question per run but asks again in the next run', async () => {
    server.resetQueries();
    const run = withRunMemo(resolver());
    await Promise.all([run.lookup('example.test', 'A'), run.lookup('EXAMPLE.test.', 'A')]);
    expect(server.queries).toHaveLength(1);
    await withRunMemo(resolver()).lookup('example.test', 'A');
    expect(server.queries).toHaveLength(2);
  });
});

describe('server lists', () => {
  it('parses what admins type and refuses host names with a reason', () => {
    expect(parseServerSpec('127.0.0.1:5301')).toEqual({ host: '127.0.0.1', port: 5301, label: '127.0.0.1:5301' });
    expect(parseServerSpec('[2001:db8::53]:5353')).toEqual({ host: '2001:db8::53', port: 5353, label: '[2001:db8::53]:5353' });
    expect(parseServerSpec('2001:db8::53')).toEqual({ host: '2001:db8::53', port: 53, label: '[2001:db8::53]:53' });
    expect(parseServerSpec('dns.example.com')).toEqual({ error: expect.stringContaining('is not an IP address') });
    expect(resolverFromSpecs(['1.1.1.1', 'nope'])).toEqual({ errors: [expect.stringContaining('"nope"')] });
  });

  it('reads the system resolvers from Node, else from resolv.conf', () => {
    expect(systemServers({ getServers: () => ['10.0.0.53', '[::1]:5353'] }).map((s) => s.label)).toEqual(['10.0.0.53:53', '[::1]:5353']);
    expect(systemServers({ getServers: () => [], readResolvConf: () => '# x\nnameserver 192.0.2.1\nsearch example\nnameserver ::1\n' }).map((s) => s.label)).toEqual([
      '192.0.2.1:53',
      '[::1]:53',
    ]);
  });
});
