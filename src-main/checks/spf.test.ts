import { beforeEach, describe, expect, it } from 'vitest';
import { visibleText } from '../../src-preload/contract/visible-text';
import { useTestDns } from '../testing/dns-fixture';
import { rr, type Zone, type ZoneRecord } from '../testing/dns-zone';
import { checkItemSchema, type CheckDetailsOf, type CheckItem } from '../../src-preload/contract/checks-schemas';
import { checkHost } from './spf-evaluate';
import { checkSpf } from './spf';
import { mergeDuplicateRecords, mergeSpf } from './spf-merge';
import { renderSpfTree } from './spf-tree';

const zone = (origin: string, ...records: ZoneRecord[]): Zone => ({ origin, records });

const chain = (prefix: string, count: number): ZoneRecord[] =>
  Array.from({ length: count }, (_, i) => rr.txt(`${prefix}${i}.many.test`, `v=spf1 ip4:10.0.${i}.0/24 -all`));

const dns = useTestDns([
  zone('mail.zendesk.com', rr.txt('mail.zendesk.com', 'v=spf1 ip4:198.51.100.0/24 ~all')),
  zone('amazonses.com', rr.txt('amazonses.com', 'v=spf1 ip4:199.255.192.0/22 ip4:54.240.0.0/18 ~all')),
  zone('good.test', rr.txt('good.test', 'v=spf1 include:_spf.good.test include:mail.zendesk.com ~all'), rr.txt('_spf.good.test', 'v=spf1 ip4:192.0.2.0/24 -all'), rr.txt('good.test', 'google-site-verification=abc')),
  zone('two.test', rr.txt('two.test', 'v=spf1 include:mail.zendesk.com ~all'), rr.txt('two.test', 'v=spf1 ip4:192.0.2.1 -all')),
  zone(
    'many.test',
    // 4 includes at the top, each pulling more: 12 lookups in total.
    rr.txt('many.test', 'v=spf1 include:a.many.test include:b.many.test include:c.many.test mx -all'),
    rr.txt('a.many.test', 'v=spf1 include:x0.many.test include:x1.many.test include:x2.many.test -all'),
    rr.txt('b.many.test', 'v=spf1 include:x3.many.test include:x4.many.test include:x6.many.test -all'),
    rr.txt('c.many.test', 'v=spf1 include:x5.many.test a:host.many.test -all'),
    rr.mx('many.test', 10, 'mx.many.test'),
    rr.a('mx.many.test', '192.0.2.25'),
    rr.a('host.many.test', '192.0.2.26'),
    ...chain('x', 7),
  ),
  zone('void.test', rr.txt('void.test', 'v=spf1 a:nx1.void.test a:nx2.void.test mx:nx3.void.test ip4:192.0.2.9 -all')),
  zone('loop.test', rr.txt('a.loop.test', 'v=spf1 include:b.loop.test -all'), rr.txt('b.loop.test', 'v=spf1 include:a.loop.test -all')),
  zone('redir.test', rr.txt('redir.test', 'v=spf1 redirect=_spf.redir.test'), rr.txt('_spf.redir.test', 'v=spf1 ip4:203.0.113.5 -all')),
  zone('plusall.test', rr.txt('plusall.test', 'v=spf1 mx +all')),
  zone('noinc.test', rr.txt('noinc.test', 'v=spf1 mx -all'), rr.mx('noinc.test', 10, 'mail.noinc.test'), rr.a('mail.noinc.test', '192.0.2.40')),
  zone('syntax.test', rr.txt('syntax.test', 'v=spf1 ip4:192.0.2.1/33 -all')),
  zone('split.test', rr.txt('split.test', 'v=spf1 include:mail.zendesk.com', 'include:amazonses.com ~all')),
  zone('bidi.test', rr.txt('bidi.test', 'v=spf1 include:mail.zendesk.com \u202E~all\u200B')),
  zone('none.test', rr.a('none.test', '192.0.2.50')),
  zone('fault.test', rr.txt('fault.test', 'v=spf1 include:broken.fault.test -all'), rr.txt('broken.fault.test', 'v=spf1 -all')),
  zone('ptr.test', rr.txt('ptr.test', 'v=spf1 ptr ?all')),
  zone(
    'macro.test',
    rr.txt('macro.test', 'v=spf1 include:inc.macro.test -all'),
    rr.txt('inc.macro.test', 'v=spf1 exists:%{i}._ip.%{d} -all'),
    rr.a('192.0.2.77._ip.inc.macro.test', '127.0.0.2'),
  ),
  zone(
    'limit.test',
    // The IP matches in the first include, before the 11th lookup is reached.
    rr.txt('limit.test', `v=spf1 ${Array.from({ length: 12 }, (_, i) => `include:i${i}.limit.test`).join(' ')} -all`),
    ...Array.from({ length: 12 }, (_, i) => rr.txt(`i${i}.limit.test`, `v=spf1 ip4:10.1.${i}.0/24 -all`)),
  ),
  zone('v6.test', rr.txt('v6.test', 'v=spf1 ip6:2001:db8::/32 a -all'), rr.aaaa('v6.test', '2001:db8:1::25')),
  // Two records, the stricter one first: the merge keeps the less strict all.
  zone('dupstrict.test', rr.txt('dupstrict.test', 'v=spf1 ip4:192.0.2.1 -all'), rr.txt('dupstrict.test', 'v=spf1 include:mail.zendesk.com ?all')),
  zone('dupplus.test', rr.txt('dupplus.test', 'v=spf1 ip4:192.0.2.1 -all'), rr.txt('dupplus.test', 'v=spf1 mx +all')),
  // One include whose name does not exist, one whose server refuses: their cost is unknown.
  zone('unknown.test', rr.txt('unknown.test', 'v=spf1 include:gone.unknown.test include:refusing.unknown.test mx ~all'), rr.txt('refusing.unknown.test', 'v=spf1 -all')),
]);
beforeEach(() => {
  dns.server().setFault('broken.fault.test', null);
  dns.server().setFault('refusing.unknown.test', null);
  dns.server().setFault('amazonses.com', null);
});
const resolver = () => dns.resolver();

async function spf(domain: string, extra: Partial<Parameters<typeof checkSpf>[0]> = {}): Promise<CheckItem> {
  const item = await checkSpf({ domain, resolver: resolver(), ...extra });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}

const details = (item: CheckItem) => item.evidence.details as CheckDetailsOf<'spf'>;
const codes = (item: CheckItem) => item.findings.map((f) => f.code);
const message = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.message ?? '';

describe('SPF check', () => {
  it('passes a healthy record with the platform include and shows the lookup budget', async () => {
    const item = await spf('good.test', { requiredIncludes: ['mail.zendesk.com'], platformName: 'Zendesk' });
    expect(item.status).toBe('pass');
    expect(item.summary).toBe('One valid SPF record: 2 of 10 DNS lookups, 0 of 2 void lookups.');
    expect(details(item).tree?.terms.map((t) => [t.text, t.lookups, t.child?.totalLookups ?? null])).toEqual([
      ['include:_spf.good.test', 1, 0],
      ['include:mail.zendesk.com', 1, 0],
      ['~all', 0, null],
    ]);
    expect(item.evidence.records).toEqual(['v=spf1 include:_spf.good.test include:mail.zendesk.com ~all']);
    expect(item.evidence.ttl).toBe(300);
    expect(item.fix).toBeUndefined();
  });

  it('renders the tree with what each include costs (CLI)', async () => {
    const item = await spf('many.test');
    const tree = details(item).tree;
    if (tree === null) throw new Error('no tree');
    expect(renderSpfTree(tree).slice(0, 7)).toEqual([
      'many.test: 12 of 10 DNS lookups, 0 of 2 void lookups',
      '  include:a.many.test [4 lookups]',
      '    include:x0.many.test [1 lookup]',
      '      ip4:10.0.0.0/24',
      '      -all',
      '    include:x1.many.test [1 lookup]',
      '      ip4:10.0.1.0/24',
    ]);
  });

  it('two SPF records at the apex are a permerror, with the merged record to publish', async () => {
    const item = await spf('two.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-multiple-records')).toBe(
      'two.test publishes 2 SPF records; RFC 7208 §4.5 makes that a permerror, so SPF fails for all of its mail. Merge them into one record.',
    );
    expect(item.fix?.records.map((r) => [r.action, r.value])).toEqual([
      ['replace', 'v=spf1 include:mail.zendesk.com ip4:192.0.2.1 ~all'],
      ['remove', 'v=spf1 ip4:192.0.2.1 -all'],
    ]);
  });

  it('counts lookups through nested includes and fails past 10, naming the costliest terms', async () => {
    const item = await spf('many.test');
    expect(item.status).toBe('fail');
    expect(details(item).lookups.total).toBe(12);
    expect(details(item).tree?.terms[0]?.child?.totalLookups).toBe(3);
    expect(message(item, 'spf-too-many-lookups')).toBe(
      'The record needs 12 DNS lookups; RFC 7208 §4.6.4 allows 10. Receivers stop at the 11th and return permerror, so SPF fails for any sender listed after that point (largest: include:a.many.test 4, include:b.many.test 4, include:c.many.test 3).',
    );
    expect(item.fix?.steps[0]).toBe('Bring the record under 10 lookups:');
    expect(item.fix?.steps).toContain('Replace "mx" with "ip4:192.0.2.25" (saves 1; 11 lookups after); update it when those addresses change.');
    expect(item.fix?.steps.some((s) => s.startsWith('Replace "include:a.many.test" (4 lookups) with its 3 address ranges: ip4:10.0.0.0/24 ip4:10.0.1.0/24 ip4:10.0.2.0/24 (saves 4; 8 lookups after)'))).toBe(true);
  });

  it('three void lookups are a permerror', async () => {
    const item = await spf('void.test');
    expect(item.status).toBe('fail');
    expect(details(item).lookups.void).toBe(3);
    expect(message(item, 'spf-too-many-void-lookups')).toBe(
      '3 terms look up names that do not exist or have no records (a:nx1.void.test, a:nx2.void.test, mx:nx3.void.test); RFC 7208 §4.6.4 allows 2, so receivers return permerror. Remove the dead terms.',
    );
    const verdict = await checkHost('void.test', { resolver: resolver(), ip: '192.0.2.9' });
    expect(verdict.result).toBe('permerror');
    expect(verdict.explanation).toContain('"mx:nx3.void.test" is the 3rd lookup that found nothing (nx3.void.test)');
  });

  it('detects an include loop', async () => {
    const item = await spf('a.loop.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-include-loop')).toBe('include loop a.loop.test → b.loop.test → a.loop.test: receivers run out of lookups and return permerror.');
    expect((await checkHost('a.loop.test', { resolver: resolver(), ip: '192.0.2.1' })).result).toBe('permerror');
  });

  it('follows redirect= and reports the matching path', async () => {
    const item = await spf('redir.test', { client: { ip: '203.0.113.5' } });
    expect(item.status).toBe('pass');
    expect(details(item).tree?.totalLookups).toBe(1);
    expect(details(item).verdict).toMatchObject({ result: 'pass', matched: 'redirect=_spf.redir.test → ip4:203.0.113.5', lookups: 1 });
    expect(details(item).verdict?.explanation).toBe('203.0.113.5 may send for redir.test: "redirect=_spf.redir.test → ip4:203.0.113.5" matched, so SPF passes.');
  });

  it('+all authorises everyone and fails', async () => {
    const item = await spf('plusall.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-plus-all')).toBe('"+all" authorises every server on the internet to send as plusall.test; SPF then proves nothing. Use ~all or -all.');
  });

  it('a required platform include that is missing fails even when the relay passes: includes are only required on routes where the platform sends', async () => {
    const relayed = await spf('noinc.test', { requiredIncludes: ['mail.zendesk.com'], platformName: 'Zendesk', client: { ip: '192.0.2.40' } });
    expect(relayed.status).toBe('fail');
    expect(relayed.findings.find((f) => f.code === 'spf-platform-include-missing')?.severity).toBe('fail');
    // On the connector route the checklist asks for no include at all, and the relay's pass decides.
    const connector = await spf('noinc.test', { requiredIncludes: [], platformName: 'Zendesk', client: { ip: '192.0.2.40' } });
    expect(connector.status).toBe('pass');
    expect(connector.findings.some((f) => f.code === 'spf-platform-include-missing')).toBe(false);
  });

  it('a missing platform include fails with the merged record to publish', async () => {
    const item = await spf('noinc.test', { requiredIncludes: ['mail.zendesk.com'], platformName: 'Zendesk' });
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-platform-include-missing')).toBe('include:mail.zendesk.com is missing: Zendesk is not authorised to send as noinc.test, so its mail fails SPF.');
    expect(details(item).merge).toEqual({ record: 'v=spf1 mx include:mail.zendesk.com -all', lookups: 2, lookupsKnown: true, unknownIncludes: [], overLimit: false, suggestions: [] });
    expect(item.fix?.records).toEqual([
      {
        action: 'replace',
        name: 'noinc.test',
        nameRelative: '@',
        type: 'TXT',
        value: 'v=spf1 mx include:mail.zendesk.com -all',
        strings: ['v=spf1 mx include:mail.zendesk.com -all'],
        ttl: 3600,
        replaces: 'v=spf1 mx -all',
      },
    ]);
  });

  it('adding an include to a record already at the limit warns and says what to replace', async () => {
    const item = await spf('many.test', { requiredIncludes: ['amazonses.com'] });
    expect(details(item).merge?.lookups).toBe(13);
    expect(details(item).merge?.overLimit).toBe(true);
    expect(item.fix?.steps).toContain('That record needs 13 lookups, over the limit of 10. Free some first:');
  });

  it('names the failing term of a syntax error', async () => {
    const item = await spf('syntax.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-syntax-error')).toBe('The SPF record has a syntax error in "ip4:192.0.2.1/33": ip4: the CIDR length must be 0-32. Receivers return permerror for every message.');
    expect(item.findings.find((f) => f.code === 'spf-syntax-error')?.subject).toBe('ip4:192.0.2.1/33');
  });

  it('explains a record split across strings without a space', async () => {
    const item = await spf('split.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-split-without-space')).toBe(
      'The record is published as 2 strings and receivers join them without a space, which produced "include:mail.zendesk.cominclude:amazonses.com". Put a space at the end of one string (or the start of the next).',
    );
  });

  it('a record with bidi and zero-width characters fails and is kept as published', async () => {
    const item = await spf('bidi.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-syntax-error')).toContain('2 invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE at position 33, U+200B ZERO WIDTH SPACE at position 38)');
    expect(item.evidence.records[0]).toBe('v=spf1 include:mail.zendesk.com \u202E~all\u200B');
    expect(visibleText(item.evidence.records[0] ?? '')).toBe('v=spf1 include:mail.zendesk.com ⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩~all⟨U+200B ZERO WIDTH SPACE⟩');
  });

  it('no record fails with a record to publish', async () => {
    const item = await spf('none.test', { requiredIncludes: ['mail.zendesk.com'] });
    expect(item.status).toBe('fail');
    expect(message(item, 'spf-missing')).toBe('none.test has no SPF record, so receivers get SPF "none" for its mail and cannot tell your servers from forgers.');
    expect(item.fix?.records[0]).toMatchObject({ action: 'add', nameRelative: '@', value: 'v=spf1 include:mail.zendesk.com ~all' });
  });

  it('a resolver fault is an error with the explanation, never a pass', async () => {
    dns.server().setFault('broken.fault.test', { kind: 'servfail' });
    const item = await spf('fault.test', { client: { ip: '192.0.2.1' } });
    expect(item.status).toBe('error');
    expect(message(item, 'spf-include-unreadable')).toContain('"include:broken.fault.test" could not be read: ');
    expect(message(item, 'spf-include-unreadable')).toContain('answered SERVFAIL for TXT broken.fault.test');
    expect(details(item).verdict?.result).toBe('temperror');
  });

  it('flags ptr as deprecated and ?all as useless', async () => {
    const item = await spf('ptr.test');
    expect(item.status).toBe('warn');
    expect(codes(item)).toEqual(['spf-ptr-deprecated', 'spf-neutral-all']);
    expect(message(item, 'spf-ptr-deprecated')).toContain('ptr is deprecated (RFC 7208 §5.5)');
  });
});

describe('SPF verdict (check_host)', () => {
  it('evaluates left to right and counts the limit only as terms are reached', async () => {
    const early = await checkHost('limit.test', { resolver: resolver(), ip: '10.1.0.7' });
    expect(early).toMatchObject({ result: 'pass', matched: ['include:i0.limit.test', 'ip4:10.1.0.0/24'], lookups: 1 });
    const late = await checkHost('limit.test', { resolver: resolver(), ip: '10.1.11.7' });
    expect(late.result).toBe('permerror');
    expect(late.explanation).toBe('Evaluation reached "include:i10.limit.test", the 11th term that needs a DNS lookup; RFC 7208 §4.6.4 allows 10, so receivers return permerror.');
  });

  it('expands %{d} to the included domain, not the sender domain', async () => {
    const evaluation = await checkHost('macro.test', { resolver: resolver(), ip: '192.0.2.77' });
    expect(evaluation).toMatchObject({ result: 'pass', matched: ['include:inc.macro.test', 'exists:%{i}._ip.%{d}'] });
    expect((await checkHost('macro.test', { resolver: resolver(), ip: '192.0.2.78' })).result).toBe('fail');
  });

  it('handles mx, a, ip6 and IPv4-mapped clients', async () => {
    expect((await checkHost('noinc.test', { resolver: resolver(), ip: '192.0.2.40' })).matched).toEqual(['mx']);
    expect((await checkHost('noinc.test', { resolver: resolver(), ip: '::ffff:192.0.2.40' })).result).toBe('pass');
    expect((await checkHost('noinc.test', { resolver: resolver(), ip: '192.0.2.41' })).result).toBe('fail');
    expect((await checkHost('v6.test', { resolver: resolver(), ip: '2001:db8:ffff::1' })).matched).toEqual(['ip6:2001:db8::/32']);
    expect((await checkHost('v6.test', { resolver: resolver(), ip: '2001:db9::1' })).result).toBe('fail');
  });

  it('gives none for a domain without SPF and softfail/neutral by qualifier', async () => {
    expect((await checkHost('none.test', { resolver: resolver(), ip: '192.0.2.1' })).result).toBe('none');
    const soft = await checkHost('mail.zendesk.com', { resolver: resolver(), ip: '192.0.2.1' });
    expect(soft.result).toBe('softfail');
    expect(soft.explanation).toBe('192.0.2.1 is not listed for mail.zendesk.com: "~all" matched, so SPF softfails (usually accepted but marked suspicious).');
  });
});

describe('SPF merge', () => {
  const allCases: ReadonlyArray<{ name: string; records: string[]; chosen?: '-all' | '~all' | '?all'; expected: string }> = [
    { name: '-all then ~all keeps ~all', records: ['v=spf1 ip4:192.0.2.1 -all', 'v=spf1 mx ~all'], expected: 'v=spf1 ip4:192.0.2.1 mx ~all' },
    { name: '~all then -all keeps ~all', records: ['v=spf1 mx ~all', 'v=spf1 ip4:192.0.2.1 -all'], expected: 'v=spf1 mx ip4:192.0.2.1 ~all' },
    { name: '-all and ?all keep ?all', records: ['v=spf1 a -all', 'v=spf1 mx ?all'], expected: 'v=spf1 a mx ?all' },
    { name: '+all is kept over every other', records: ['v=spf1 a -all', 'v=spf1 mx +all', 'v=spf1 ip4:192.0.2.9 ?all'], expected: 'v=spf1 a mx ip4:192.0.2.9 +all' },
    { name: 'a bare all is +all', records: ['v=spf1 a ~all', 'v=spf1 mx all'], expected: 'v=spf1 a mx all' },
    { name: "the admin's choice wins", records: ['v=spf1 a ?all', 'v=spf1 mx +all'], chosen: '-all', expected: 'v=spf1 a mx -all' },
    { name: 'a chosen all never replaces a lone redirect', records: ['v=spf1 a', 'v=spf1 redirect=_spf.example.test'], chosen: '-all', expected: 'v=spf1 a redirect=_spf.example.test' },
  ];
  it.each(allCases)('duplicate records: $name', ({ records, chosen, expected }) => {
    expect(mergeDuplicateRecords(records, chosen)).toBe(expected);
  });

  it("adding an include keeps the record's all unless the admin chooses one", () => {
    const add = [{ domain: 'mail.zendesk.com', subtree: null }];
    expect(mergeSpf({ existing: 'v=spf1 mx ?all', tree: null, add }).record).toBe('v=spf1 mx include:mail.zendesk.com ?all');
    expect(mergeSpf({ existing: 'v=spf1 mx ?all', tree: null, add, all: '~all' }).record).toBe('v=spf1 mx include:mail.zendesk.com ~all');
    expect(mergeSpf({ existing: null, tree: null, add, all: '-all' }).record).toBe('v=spf1 include:mail.zendesk.com -all');
  });

  it('two records, the stricter first: the merged record keeps the less strict all, or the one chosen', async () => {
    const kept = await spf('dupstrict.test');
    expect(kept.fix?.records[0]).toMatchObject({ action: 'replace', value: 'v=spf1 ip4:192.0.2.1 include:mail.zendesk.com ?all' });
    const chosen = await spf('dupstrict.test', { all: '-all' });
    expect(chosen.fix?.records[0]?.value).toBe('v=spf1 ip4:192.0.2.1 include:mail.zendesk.com -all');
  });

  it('a merged +all is kept, with a warning that it authorises everyone', async () => {
    const item = await spf('dupplus.test');
    expect(item.fix?.records[0]?.value).toBe('v=spf1 ip4:192.0.2.1 mx +all');
    expect(item.findings.find((f) => f.code === 'spf-merge-plus-all')).toMatchObject({
      severity: 'warn',
      message: 'The merged record keeps "+all" from the published ones: it authorises every server on the internet to send as dupplus.test, so SPF proves nothing. Choose ~all or -all once every sender is listed.',
    });
    expect(item.fix?.steps).toContain('"+all" authorises everyone: once every server that sends as dupplus.test is listed, end the record with ~all (or -all) instead.');
  });

  it('an include that does not resolve or is refused makes the lookup budget unknown, never 0', async () => {
    dns.server().setFault('refusing.unknown.test', { kind: 'refused' });
    const item = await spf('unknown.test', { requiredIncludes: ['mail.zendesk.com'] });
    const merge = details(item).merge;
    expect(merge).toMatchObject({ lookups: 4, lookupsKnown: false, overLimit: null, unknownIncludes: ['include:gone.unknown.test', 'include:refusing.unknown.test'] });
    const step = item.fix?.steps.find((s) => s.startsWith('That record needs'));
    expect(step).toContain('That record needs at least 4 of 10 DNS lookups; the cost of include:gone.unknown.test is unknown because gone.unknown.test does not exist; the cost of include:refusing.unknown.test is unknown because ');
    expect(step).toContain('REFUSED');
  });

  it('a required include whose server times out is unknown too', async () => {
    dns.server().setFault('amazonses.com', { kind: 'drop' });
    const item = await spf('noinc.test', { requiredIncludes: ['amazonses.com'] });
    expect(details(item).merge).toMatchObject({ record: 'v=spf1 mx include:amazonses.com -all', lookups: 2, lookupsKnown: false, overLimit: null, unknownIncludes: ['include:amazonses.com'] });
    expect(item.fix?.steps.find((s) => s.startsWith('That record needs'))).toContain('at least 2 of 10 DNS lookups; the cost of include:amazonses.com is unknown because');
  });

  it('the known part over the limit is over the limit, whatever the rest costs', () => {
    const merge = mergeSpf({ existing: `v=spf1 ${Array.from({ length: 11 }, (_, i) => `a:h${i}.example.test`).join(' ')} include:x.example.test -all`, tree: null, add: [] });
    expect(merge).toMatchObject({ lookups: 12, lookupsKnown: false, overLimit: true, unknownIncludes: ['include:x.example.test'] });
  });
});
