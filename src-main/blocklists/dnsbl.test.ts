import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlocklistFile, BlocklistReport } from '../../src-preload/contract/blocklist-schemas';
import { repositoryResourcesDir } from '../analyze/reply-catalogue';
import { confEngine } from '../store/conf-engine';
import { openStore } from '../store/store';
import { runCliCaptured } from '../testing/cli-run';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { loadBlocklists, selectLists } from './blocklist-catalogue';
import { blocklistQueryName, checkBlocklists, parseBlocklistTarget, type BlocklistTarget } from './dnsbl';

/** RFC 5782 §5 test point ::FFFF:7F00:2 (listed) in reversed nibbles. */
const V6_TEST_POINT = '2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0';

// Real zones on a local dns2 server stand in for the lists, under their real names.
const dns = useTestDns([
  {
    origin: 'zen.spamhaus.org',
    records: [
      rr.a('2.0.0.127.zen.spamhaus.org', '127.0.0.2'),
      rr.a('2.0.0.127.zen.spamhaus.org', '127.0.0.4'),
      rr.txt('2.0.0.127.zen.spamhaus.org', 'https://www.spamhaus.org/query/ip/127.0.0.2'),
      rr.a(`${V6_TEST_POINT}.zen.spamhaus.org`, '127.0.0.2'),
      // 192.0.2.10: only the PBL (a dynamic range).
      rr.a('10.2.0.192.zen.spamhaus.org', '127.0.0.11'),
      // 192.0.2.20 asked through a public resolver.
      rr.a('20.2.0.192.zen.spamhaus.org', '127.255.255.254'),
      // 192.0.2.30: a code Spamhaus does not publish.
      rr.a('30.2.0.192.zen.spamhaus.org', '127.0.0.99'),
    ],
  },
  {
    origin: 'dbl.spamhaus.org',
    records: [
      rr.a('test.dbl.spamhaus.org', '127.0.1.2'),
      rr.a('abused.example.dbl.spamhaus.org', '127.0.1.102'),
      rr.a('ipquery.example.dbl.spamhaus.org', '127.0.1.255'),
      rr.a('typo.example.dbl.spamhaus.org', '127.255.255.252'),
    ],
  },
  { origin: 'bl.spamcop.net', records: [rr.a('2.0.0.127.bl.spamcop.net', '127.0.0.2'), rr.a(`${V6_TEST_POINT}.bl.spamcop.net`, '127.0.0.2')] },
  { origin: 'b.barracudacentral.org', records: [rr.a('2.0.0.127.b.barracudacentral.org', '127.0.0.2')] },
  // A list that lists everything, even its own "never listed" test point.
  { origin: 'psbl.surriel.com', records: [rr.a('2.0.0.127.psbl.surriel.com', '127.0.0.2'), rr.a('1.0.0.127.psbl.surriel.com', '127.0.0.2')] },
  // A parked zone that answers with a web server's address.
  { origin: 'bl.mailspike.net', records: [rr.a('2.0.0.127.bl.mailspike.net', '198.51.100.80')] },
  {
    origin: 'multi.uribl.com',
    records: [rr.a('test.multi.uribl.com', '127.0.0.14'), rr.a('grey.example.multi.uribl.com', '127.0.0.4'), rr.a('refused.example.multi.uribl.com', '127.0.0.1')],
  },
  { origin: 'dnsbl-1.uceprotect.net', records: [rr.a('2.0.0.127.dnsbl-1.uceprotect.net', '127.0.0.2')] },
  { origin: 'bl.example.net', records: [rr.a('2.0.0.127.bl.example.net', '127.0.0.3')] },
]);

let file: BlocklistFile;
let dataDir: string;
beforeAll(async () => {
  const loaded = await loadBlocklists(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  file = loaded.value;
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-blocklist-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function target(text: string): BlocklistTarget {
  const parsed = parseBlocklistTarget(text);
  if (parsed === null) throw new Error(`not a target: ${text}`);
  return parsed;
}

async function check(text: string | BlocklistTarget, zones: string[] = [], deadlineMs?: number): Promise<BlocklistReport> {
  const t = typeof text === 'string' ? target(text) : text;
  const chosen = selectLists(file, t.kind, zones);
  if ('error' in chosen) throw new Error(chosen.error);
  return checkBlocklists(t, { resolver: dns.resolver(), lists: chosen.lists, ...(deadlineMs === undefined ? {} : { deadlineMs }) });
}

const byZone = (report: BlocklistReport, zone: string) => {
  const found = report.results.find((r) => r.zone === zone);
  if (found === undefined) throw new Error(`no result for ${zone}`);
  return found;
};

describe('resources/blocklists.json', () => {
  it('has the default IP and domain lists, and no defunct SORBS', () => {
    const zones = (kind: 'ip' | 'domain') => file.lists.filter((l) => l.default && l.kind === kind).map((l) => l.zone);
    expect(zones('ip')).toEqual(expect.arrayContaining(['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org']));
    expect(zones('domain')).toContain('dbl.spamhaus.org');
    expect(file.lists.some((l) => l.zone.includes('sorbs'))).toBe(false);
    expect(zones('ip')).not.toContain('dnsbl-1.uceprotect.net');
  });

  it('reads every Spamhaus error code as an error, never as a listing', () => {
    const zen = file.lists.find((l) => l.zone === 'zen.spamhaus.org');
    const dbl = file.lists.find((l) => l.zone === 'dbl.spamhaus.org');
    expect(zen?.errorCodes.map((e) => e.code).sort()).toEqual(['127.255.255.252', '127.255.255.254', '127.255.255.255']);
    expect(dbl?.errorCodes.map((e) => e.code)).toContain('127.0.1.255');
    for (const list of file.lists) for (const e of list.errorCodes) expect(list.codes.map((c) => c.code)).not.toContain(e.code);
  });
});

describe('query names', () => {
  it('reverses IPv4 octets, IPv6 nibbles (also with an embedded IPv4) and keeps domains', () => {
    expect(blocklistQueryName(target('192.0.2.1'), 'zen.spamhaus.org')).toBe('1.2.0.192.zen.spamhaus.org');
    expect(blocklistQueryName(target('2001:db8::1'), 'zen.spamhaus.org')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org');
    expect(blocklistQueryName(target('::ffff:127.0.0.2'), 'x.test')).toBe(`${V6_TEST_POINT}.x.test`);
    expect(blocklistQueryName(target('[192.0.2.1]'), 'x.test')).toBe('1.2.0.192.x.test');
    expect(blocklistQueryName(target('Example.COM.'), 'dbl.spamhaus.org')).toBe('example.com.dbl.spamhaus.org');
    expect(parseBlocklistTarget('not a target')).toBeNull();
  });
});

describe('checkBlocklists against local list zones', () => {
  it('lists the RFC 5782 test point 127.0.0.2 with its codes, TXT reason and delisting link', async () => {
    const report = await check('127.0.0.2', ['zen.spamhaus.org', 'bl.spamcop.net']);
    const zen = byZone(report, 'zen.spamhaus.org');
    expect(zen).toMatchObject({ list: 'Spamhaus ZEN', status: 'listed', severity: 'blocking', txt: 'https://www.spamhaus.org/query/ip/127.0.0.2', delist: 'https://check.spamhaus.org/' });
    expect(zen.codes.sort()).toEqual(['127.0.0.2', '127.0.0.4']);
    expect(zen.meaning).toMatch(/SBL .*XBL/su);
    expect(byZone(report, 'bl.spamcop.net').status).toBe('listed');
    expect(report).toMatchObject({ target: '127.0.0.2', kind: 'ip', listed: true, blocking: true });
  });

  it('does not list the RFC 5782 test point 127.0.0.1', async () => {
    const report = await check('127.0.0.1', ['zen.spamhaus.org', 'bl.spamcop.net']);
    expect(report.results.map((r) => [r.status, r.severity])).toEqual([
      ['not-listed', 'none'],
      ['not-listed', 'none'],
    ]);
    expect(report).toMatchObject({ listed: false, blocking: false });
  });

  it('lists the IPv6 test point ::FFFF:7F00:2 through its reversed nibbles', async () => {
    const report = await check('::ffff:7f00:2', ['zen.spamhaus.org', 'bl.spamcop.net']);
    expect(report.results.map((r) => r.status)).toEqual(['listed', 'listed']);
  });

  it('a PBL listing is policy, says it is harmless through an authenticated relay, and blocks nothing', async () => {
    const report = await check('192.0.2.10', ['zen.spamhaus.org']);
    const zen = byZone(report, 'zen.spamhaus.org');
    expect(zen).toMatchObject({ status: 'listed', severity: 'policy', codes: ['127.0.0.11'] });
    expect(zen.meaning).toMatch(/Harmless for mail relayed through an authenticated server/u);
    expect(report).toMatchObject({ listed: true, blocking: false });
  });

  it('reads 127.255.255.254 as a blocked resolver with the fix, not as a listing', async () => {
    const report = await check('192.0.2.20', ['zen.spamhaus.org']);
    const zen = byZone(report, 'zen.spamhaus.org');
    expect(zen).toMatchObject({ status: 'blocked-resolver', severity: 'unknown', codes: ['127.255.255.254'] });
    expect(zen.meaning).toMatch(/your own resolver.*Data Query Service key/su);
    expect(report.listed).toBe(false);
  });

  it('reads DBL 127.0.1.255 and 127.255.255.252 as errors', async () => {
    expect(byZone(await check('ipquery.example', ['dbl.spamhaus.org']), 'dbl.spamhaus.org')).toMatchObject({ status: 'error', severity: 'unknown' });
    expect(byZone(await check('typo.example', ['dbl.spamhaus.org']), 'dbl.spamhaus.org').meaning).toMatch(/mistyped/u);
  });

  it('lists the domain test point TEST on the DBL and reads URIBL bitmask codes and its refusal code', async () => {
    // RFC 5782 §5: the domain test point is the single label TEST, which no admin's target is.
    const testPoint: BlocklistTarget = { kind: 'domain', value: 'test' };
    expect(byZone(await check(testPoint, ['dbl.spamhaus.org']), 'dbl.spamhaus.org')).toMatchObject({ status: 'listed', severity: 'blocking' });
    const uribl = byZone(await check(testPoint, ['multi.uribl.com']), 'multi.uribl.com');
    expect(uribl).toMatchObject({ status: 'listed', severity: 'blocking', codes: ['127.0.0.14'] });
    expect(uribl.meaning).toMatch(/black.*grey.*red/su);
    expect(byZone(await check('grey.example', ['multi.uribl.com']), 'multi.uribl.com')).toMatchObject({ status: 'listed', severity: 'none' });
    expect(byZone(await check('refused.example', ['multi.uribl.com']), 'multi.uribl.com').status).toBe('blocked-resolver');
  });

  it('a list that also lists its "never listed" test point, or answers outside 127/8, is an error', async () => {
    const report = await check('127.0.0.2', ['psbl.surriel.com', 'bl.mailspike.net']);
    expect(byZone(report, 'psbl.surriel.com')).toMatchObject({ status: 'error', severity: 'unknown' });
    expect(byZone(report, 'psbl.surriel.com').meaning).toMatch(/test point/u);
    expect(byZone(report, 'bl.mailspike.net')).toMatchObject({ status: 'error', codes: ['198.51.100.80'] });
    expect(report.listed).toBe(false);
  });

  it('an unknown code, or a list Relayproof does not know, is a listing of unknown severity', async () => {
    expect(byZone(await check('192.0.2.30', ['zen.spamhaus.org']), 'zen.spamhaus.org')).toMatchObject({ status: 'listed', severity: 'unknown' });
    expect(byZone(await check('127.0.0.2', ['bl.example.net']), 'bl.example.net')).toMatchObject({ list: 'bl.example.net', status: 'listed', severity: 'unknown', delist: null });
  });

  it('asks every list at once under one deadline: a silent list is an error, the others still answer', async () => {
    dns.server().setFault('2.0.0.127.b.barracudacentral.org', { kind: 'drop' });
    try {
      const report = await checkBlocklists(target('127.0.0.2'), {
        // Retries would outlast the deadline: the deadline must end the check, not the resolver.
        resolver: dns.resolver({ timeoutMs: 5_000, retries: 3 }),
        lists: (selectLists(file, 'ip', ['b.barracudacentral.org', 'bl.spamcop.net']) as { lists: never[] }).lists,
        deadlineMs: 400,
      });
      expect(byZone(report, 'b.barracudacentral.org')).toMatchObject({ status: 'error', severity: 'unknown' });
      expect(byZone(report, 'b.barracudacentral.org').meaning).toMatch(/deadline/u);
      expect(byZone(report, 'bl.spamcop.net').status).toBe('listed');
    } finally {
      dns.server().setFault('2.0.0.127.b.barracudacentral.org', null);
    }
  });

  it('refuses a domain list for an IP address (and the other way round)', () => {
    expect(selectLists(file, 'ip', ['dbl.spamhaus.org'])).toMatchObject({ error: expect.stringMatching(/lists domains, not IP addresses/u) });
    expect(selectLists(file, 'domain', ['zen.spamhaus.org'])).toMatchObject({ error: expect.stringMatching(/lists IP addresses, not domains/u) });
  });
});

describe('relayproof blocklist', () => {
  const server = () => `127.0.0.1:${dns.server().port}`;

  it('prints the JSON shape of the issue and exits 1 when a list blocks', async () => {
    const { code, stdout } = await runCliCaptured(['blocklist', '127.0.0.2', '--list', 'zen.spamhaus.org', '--dns-server', server(), '--json'], dataDir);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as BlocklistReport;
    expect(Object.keys(report)).toEqual(['target', 'kind', 'listed', 'blocking', 'results']);
    expect(Object.keys(report.results[0] ?? {}).sort()).toEqual(['codes', 'delist', 'list', 'meaning', 'severity', 'status', 'txt', 'zone']);
  });

  it('exits 0 when only the PBL lists the IP, and says so in words', async () => {
    const { code, stdout } = await runCliCaptured(['blocklist', '192.0.2.10', '--list', 'zen.spamhaus.org', '--list', 'bl.spamcop.net', '--dns-server', server()], dataDir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/listed on 1 of 2 lists, none of them blocking/u);
    expect(stdout).toMatch(/! Spamhaus ZEN \(zen\.spamhaus\.org\): listed \(policy\)/u);
    expect(stdout).toMatch(/✓ SpamCop \(bl\.spamcop\.net\): not-listed/u);
  });

  it('exits 1 when a list could not be read (a blocked resolver)', async () => {
    const { code, stdout } = await runCliCaptured(['blocklist', '192.0.2.20', '--list', 'zen.spamhaus.org', '--dns-server', server()], dataDir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\? Spamhaus ZEN .*blocked-resolver/u);
  });

  it('asks the default domain lists about a domain', async () => {
    const { code, stdout } = await runCliCaptured(['blocklist', 'abused.example', '--dns-server', server(), '--json'], dataDir);
    const report = JSON.parse(stdout) as BlocklistReport;
    expect(report.kind).toBe('domain');
    expect(report.results.map((r) => r.zone).sort()).toEqual(['dbl.spamhaus.org', 'multi.uribl.com']);
    expect(byZone(report, 'dbl.spamhaus.org')).toMatchObject({ status: 'listed', severity: 'blocking' });
    expect(code).toBe(1);
  });

  it('without --dns-server asks the DNS servers saved in Settings, as check and spf do', async () => {
    const settingsDir = mkdtempSync(join(tmpdir(), 'relayproof-blocklist-settings-'));
    try {
      openStore({ directory: settingsDir, engine: confEngine }).updateSettings({ dnsServers: [server()] });
      const { code, stdout } = await runCliCaptured(['blocklist', '127.0.0.2', '--list', 'bl.spamcop.net', '--json'], settingsDir);
      expect(code).toBe(1);
      expect((JSON.parse(stdout) as BlocklistReport).results[0]?.status).toBe('listed');
    } finally {
      rmSync(settingsDir, { recursive: true, force: true });
    }
  });

  it('is a usage error (exit 2) for a bad target, a list of the wrong kind or a bad DNS server', async () => {
    for (const args of [['not a target!'], ['192.0.2.1', '--list', 'dbl.spamhaus.org'], ['192.0.2.1', '--dns-server', 'nonsense'], []]) {
      const run = await runCliCaptured(['blocklist', ...args, '--dns-server', server()], dataDir);
      expect(run.code, args.join(' ')).toBe(2);
    }
  });
});
