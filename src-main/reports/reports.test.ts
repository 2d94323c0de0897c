import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import {
  aggregateXml,
  BILLION_LAUGHS_REPORT,
  gzipBomb,
  reportFile,
  reportMessage,
  tlsReportJson,
  XXE_REPORT,
  zipBomb,
  zipOf,
  type FixtureReport,
} from '../testing/dmarc-report-fixtures';
import { fileOutcome, readReportBytes } from './report-files';
import { summarizeReports } from './summary';
import { scanXml } from './xml-scan';

const DAY = 86_400;
const BEGIN = 1_793_577_600; // 2026-11-02T00:00:00Z

const google: FixtureReport = {
  style: 'google',
  domain: 'company.example',
  reportId: '10577183416253512349',
  begin: BEGIN,
  end: BEGIN + DAY - 1,
  rows: [
    { ip: '192.0.2.10', count: 120, dkim: 'pass', spf: 'pass' },
    { ip: '198.51.100.7', count: 3, dkim: 'fail', spf: 'fail', disposition: 'none' },
  ],
};
const microsoft: FixtureReport = {
  style: 'microsoft',
  domain: 'company.example',
  reportId: 'f6a1c9b2e0d84d1f9a3b7c5e2d1f0a9b',
  begin: BEGIN + DAY,
  end: BEGIN + 2 * DAY,
  rows: [
    { ip: '192.0.2.10', count: 40, dkim: 'pass', spf: 'fail' },
    { ip: '2001:db8::25', count: 5, dkim: 'fail', spf: 'fail', disposition: 'quarantine' },
  ],
  policy: 'quarantine',
};
const yahoo: FixtureReport = {
  style: 'yahoo',
  domain: 'company.example',
  reportId: '1793664000.872113',
  begin: BEGIN + 2 * DAY,
  end: BEGIN + 3 * DAY,
  rows: [{ ip: '192.0.2.10', count: 17, dkim: 'fail', spf: 'pass' }],
};
const bis: FixtureReport = {
  style: 'dmarcbis',
  domain: 'company.example',
  reportId: 'bis-2026-11-05',
  begin: BEGIN + 3 * DAY,
  end: BEGIN + 4 * DAY,
  rows: [{ ip: '203.0.113.9', count: 2, dkim: 'fail', spf: 'fail', disposition: 'reject' }],
  policy: 'reject',
};

function read(fixture: FixtureReport) {
  const file = reportFile(fixture);
  return readReportBytes(file.bytes, file.name);
}

describe('DMARC aggregate reports from three reporters and DMARCbis', () => {
  it('reads a Google zip: metadata, period, published policy, records and totals', () => {
    const result = read(google);
    expect(result.problem).toBeNull();
    const [report] = result.dmarc;
    expect(report).toMatchObject({
      format: 'rfc7489',
      org: 'google.com',
      email: 'noreply-dmarc-support@google.com',
      reportId: '10577183416253512349',
      domain: 'company.example',
      period: { begin: '2026-11-02T00:00:00.000Z', end: '2026-11-02T23:59:59.000Z' },
      policy: { p: 'none', sp: 'none', np: 'none', pct: 100, adkim: 'r', aspf: 'r' },
      totals: { messages: 123, dmarcPass: 120, dmarcFail: 3 },
    });
    expect(report?.records[1]).toMatchObject({
      sourceIp: '198.51.100.7',
      count: 3,
      disposition: 'none',
      dkim: 'fail',
      spf: 'fail',
      dmarc: 'fail',
      reasons: [{ type: 'local_policy', comment: 'arc=pass' }],
      headerFrom: 'company.example',
      auth: { dkim: [{ domain: 'company.example', selector: 'relay1', result: 'fail' }], spf: [{ domain: 'company.example', scope: 'mfrom', result: 'softfail' }] },
    });
  });

  it('reads a Microsoft gzip with its namespaces and envelope_to; one aligned pass is enough for DMARC', () => {
    const [report] = read(microsoft).dmarc;
    expect(report?.org).toBe('Enterprise Outlook');
    expect(report?.policy.p).toBe('quarantine');
    expect(report?.records[0]).toMatchObject({ dkim: 'pass', spf: 'fail', dmarc: 'pass', envelopeTo: 'customer.example' });
    expect(report?.records[1]).toMatchObject({ sourceIp: '2001:db8::25', disposition: 'quarantine', dmarc: 'fail' });
    expect(report?.totals).toEqual({ messages: 45, dmarcPass: 40, dmarcFail: 5 });
  });

  it('reads a Yahoo gzip (SPF alone aligned passes DMARC)', () => {
    const [report] = read(yahoo).dmarc;
    expect(report?.org).toBe('Yahoo');
    expect(report?.totals).toEqual({ messages: 17, dmarcPass: 17, dmarcFail: 0 });
  });

  it('reads the DMARCbis namespace with np, testing and discovery_method', () => {
    const [report] = read(bis).dmarc;
    expect(report).toMatchObject({ format: 'dmarcbis', policy: { p: 'reject', np: 'reject', testing: 'y', discoveryMethod: 'treewalk', pct: null } });
    expect(report?.totals).toEqual({ messages: 2, dmarcPass: 0, dmarcFail: 2 });
  });

  it('reads the report attached to a message (.eml), and ignores the text part', () => {
    const message = reportMessage(reportFile(google), { domain: 'company.example', subjectId: google.reportId });
    const result = readReportBytes(message, 'report.eml');
    expect(result.problem).toBeNull();
    expect(result.dmarc).toHaveLength(1);
    expect(result.dmarc[0]?.totals.messages).toBe(123);
  });

  it('reads a TLS-RPT report, plain and gzipped', () => {
    const json = tlsReportJson('company.example', { successful: 1000, failed: 4 });
    for (const bytes of [Buffer.from(json), gzipSync(json)]) {
      const result = readReportBytes(bytes, 'tls.json');
      expect(result.problem).toBeNull();
      expect(result.tls[0]?.policies[0]).toMatchObject({ type: 'sts', domain: 'company.example', successful: 1000, failed: 4, failures: [{ resultType: 'certificate-expired', count: 4 }] });
    }
  });

  it('sums sources across reports, flags the relay, and counts a report handed in twice once', () => {
    const reads = [google, microsoft, yahoo, bis, google].map(read);
    const summary = summarizeReports(
      reads.map((r, i) => fileOutcome(`f${i}`, r)),
      reads.flatMap((r) => r.dmarc),
      [],
      { relayIps: ['192.0.2.10'], platformIps: ['203.0.113.0/24'] },
    );
    expect(summary.reports).toHaveLength(4);
    expect(summary.totals).toEqual({ messages: 187, dmarcPass: 177, dmarcFail: 10 });
    expect(summary.sources[0]).toEqual({ ip: '192.0.2.10', count: 177, dmarcPass: 177, dmarcFail: 0, isRelay: true, isPlatform: false });
    expect(summary.sources.find((s) => s.ip === '203.0.113.9')).toMatchObject({ isRelay: false, isPlatform: true, dmarcFail: 2 });
    expect(summary.period).toEqual({ begin: '2026-11-02T00:00:00.000Z', end: '2026-11-06T00:00:00.000Z', days: 4 });
  });
});

describe('hostile and damaged inputs are refused, never expanded', () => {
  it('refuses an external entity (XXE) without reading the file it names', () => {
    const result = readReportBytes(Buffer.from(XXE_REPORT), 'xxe.xml');
    expect(result.problem?.kind).toBe('refused');
    expect(result.problem?.message).toMatch(/document type declaration/u);
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it('refuses a billion-laughs file at once', () => {
    const result = readReportBytes(Buffer.from(BILLION_LAUGHS_REPORT), 'lol.xml');
    expect(result.problem?.kind).toBe('refused');
  });

  it('refuses an entity reference that nothing declares', () => {
    const xml = aggregateXml(google).replace('<org_name>google.com</org_name>', '<org_name>&xxe;</org_name>');
    expect(readReportBytes(Buffer.from(xml), 'entity.xml').problem).toMatchObject({ kind: 'refused', message: expect.stringMatching(/&xxe;/u) as unknown });
  });

  it('refuses a zip bomb by its declared size before inflating it', () => {
    const result = readReportBytes(zipBomb(20), 'bomb.zip');
    expect(result.problem).toMatchObject({ kind: 'refused', message: expect.stringMatching(/zip bomb/u) as unknown });
  });

  it('refuses a zip bomb that lies about its size while inflating it', () => {
    const result = readReportBytes(zipBomb(20, true), 'liar.zip');
    expect(result.problem).toMatchObject({ kind: 'refused', message: expect.stringMatching(/zip bomb/u) as unknown });
  });

  it('refuses a gzip bomb, with an honest and with a rewritten size trailer', () => {
    expect(readReportBytes(gzipBomb(20), 'bomb.xml.gz').problem?.kind).toBe('refused');
    expect(readReportBytes(gzipBomb(20, true), 'liar.xml.gz').problem?.kind).toBe('refused');
  });

  it('refuses a bomb attached to a message', () => {
    const message = reportMessage({ name: 'r.zip', bytes: zipBomb(20, true), contentType: 'application/zip' }, { domain: 'company.example', subjectId: 'x' });
    expect(readReportBytes(message, 'bomb.eml').problem?.kind).toBe('refused');
  });

  it('says a cut-off report is unreadable and a stranger is not a report', () => {
    const xml = aggregateXml(google);
    expect(readReportBytes(Buffer.from(xml.slice(0, xml.length / 2)), 'cut.xml').problem?.kind).toBe('unreadable');
    expect(readReportBytes(Buffer.from('<html><body>hi</body></html>'), 'page.html').problem?.kind).toBe('not-a-report');
    expect(readReportBytes(Buffer.from('just words'), 'notes.txt').problem?.kind).toBe('not-a-report');
    expect(readReportBytes(zipOf([{ name: 'a.zip', bytes: zipOf([{ name: 'r.xml', bytes: Buffer.from(xml) }]) }]), 'nested.zip').problem?.kind).toBe('not-a-report');
  });

  it('refuses a record whose source is not an IP address or whose count is not a count', () => {
    expect(readReportBytes(Buffer.from(aggregateXml(google).replace('192.0.2.10', 'evil')), 'ip.xml').problem?.kind).toBe('unreadable');
    expect(readReportBytes(Buffer.from(aggregateXml(google).replace('<count>120', '<count>-120')), 'count.xml').problem?.kind).toBe('unreadable');
  });

  it('the scanner keeps predefined entities and character references, and CDATA as text', () => {
    const texts: string[] = [];
    expect(scanXml('<a>x &amp; &#65;&#x42; <![CDATA[<raw>]]></a>', { open: () => undefined, text: (t) => texts.push(t), close: () => undefined })).toBeNull();
    expect(texts.join('')).toBe('x & AB <raw>');
    expect(scanXml(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, { open: () => undefined, text: () => undefined, close: () => undefined })?.code).toBe('too-deep');
  });
});
