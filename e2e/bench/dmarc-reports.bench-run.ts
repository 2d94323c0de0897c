/**
 * DMARC aggregate reports (alone: `npm run bench -- e2e/bench/dmarc-reports.bench-run.ts`):
 * 1,000 reports of three reporters' styles (Google, Microsoft, Yahoo; 5–40 records each),
 * parsed and summed (totals and sources across reports) by Relayproof's engine — the
 * hardened event scanner that keeps only the fields it shows — vs a straightforward DOM
 * parse in the same run: every report parsed into a full element tree, then the same fields
 * read from the tree and summed the same way. Both must agree on every number; the ratio is
 * printed, never asserted. Where fast-xml-parser is installed (mailauth depends on it), its
 * object-tree parse is measured too, as a well-known general parser.
 */
import { expect, it } from 'vitest';
import { parseAggregateXml } from '../../src-main/reports/dmarc-aggregate';
import { aggregateXml, type FixtureReport, type FixtureRow } from '../../src-main/testing/dmarc-report-fixtures';

const REPORTS = 1_000;
const ROUNDS = 5;
const STYLES = ['google', 'microsoft', 'yahoo'] as const;

function reports(): string[] {
  const out: string[] = [];
  for (let i = 0; i < REPORTS; i++) {
    const rows: FixtureRow[] = [];
    const n = 5 + (i % 36);
    for (let r = 0; r < n; r++) rows.push({ ip: `192.0.${r % 200}.${(i + r) % 250}`, count: 1 + ((i * 7 + r * 13) % 97), dkim: (i + r) % 9 === 0 ? 'fail' : 'pass', spf: (i + r) % 5 === 0 ? 'fail' : 'pass' });
    const report: FixtureReport = { style: STYLES[i % 3] ?? 'google', domain: 'company.example', reportId: `r-${i}`, begin: 1_793_577_600 + i * 86_400, end: 1_793_577_600 + (i + 1) * 86_400, rows };
    out.push(aggregateXml(report));
  }
  return out;
}

interface Sums {
  messages: number;
  pass: number;
  sources: Map<string, number>;
}

function emptySums(): Sums {
  return { messages: 0, pass: 0, sources: new Map() };
}

function add(sums: Sums, ip: string, count: number, pass: boolean): void {
  sums.messages += count;
  if (pass) sums.pass += count;
  sums.sources.set(ip, (sums.sources.get(ip) ?? 0) + count);
}

function relayproof(xmls: readonly string[]): Sums {
  const sums = emptySums();
  for (const [i, xml] of xmls.entries()) {
    const parsed = parseAggregateXml(xml, `r-${i}`);
    if (!parsed.ok) throw new Error(parsed.message);
    for (const r of parsed.report.records) add(sums, r.sourceIp, r.count, r.dmarc === 'pass');
  }
  return sums;
}

// The baseline: a plain DOM. Every element becomes a node with its children and text.
interface DomNode {
  readonly name: string;
  readonly children: DomNode[];
  text: string;
}

function parseDom(xml: string): DomNode {
  const root: DomNode = { name: '#document', children: [], text: '' };
  const stack: DomNode[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)([^>]*?)(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|([^<]+)/gu;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const top = stack[stack.length - 1];
    if (top === undefined) throw new Error('unbalanced');
    if (m[5] !== undefined) top.text += m[5].replace(/&lt;/gu, '<').replace(/&gt;/gu, '>').replace(/&amp;/gu, '&');
    else if (m[2] !== undefined) {
      const name = m[2].slice(m[2].indexOf(':') + 1);
      if (m[1] === '/') stack.pop();
      else {
        const node: DomNode = { name, children: [], text: '' };
        top.children.push(node);
        if (m[4] !== '/') stack.push(node);
      }
    }
  }
  return root;
}

function child(node: DomNode | undefined, name: string): DomNode | undefined {
  return node?.children.find((c) => c.name === name);
}

function domBaseline(xmls: readonly string[]): Sums {
  const sums = emptySums();
  for (const xml of xmls) {
    const feedback = child(parseDom(xml), 'feedback');
    for (const record of feedback?.children.filter((c) => c.name === 'record') ?? []) {
      const row = child(record, 'row');
      const evaluated = child(row, 'policy_evaluated');
      const pass = child(evaluated, 'dkim')?.text.trim() === 'pass' || child(evaluated, 'spf')?.text.trim() === 'pass';
      add(sums, child(row, 'source_ip')?.text.trim() ?? '', Number(child(row, 'count')?.text.trim()), pass);
    }
  }
  return sums;
}

type FxpRecord = { row: { source_ip: string; count: number; policy_evaluated: { dkim: string; spf: string } } };

async function fastXmlParserBaseline(): Promise<((xmls: readonly string[]) => Sums) | string> {
  try {
    const { XMLParser } = (await import('fast-xml-parser')) as { XMLParser: new (options: Record<string, unknown>) => { parse(xml: string): unknown } };
    const parser = new XMLParser({ removeNSPrefix: true, processEntities: false, isArray: (name: string) => name === 'record' });
    return (xmls) => {
      const sums = emptySums();
      for (const xml of xmls) {
        const doc = parser.parse(xml) as { feedback: { record: FxpRecord[] } };
        for (const r of doc.feedback.record) add(sums, String(r.row.source_ip), Number(r.row.count), r.row.policy_evaluated.dkim === 'pass' || r.row.policy_evaluated.spf === 'pass');
      }
      return sums;
    };
  } catch (error) {
    return `fast-xml-parser not installed (${error instanceof Error ? error.message : String(error)})`;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

it(`DMARC reports: ${REPORTS.toLocaleString('en')} aggregate reports parsed and summed, Relayproof vs a DOM parse`, async () => {
  const xmls = reports();
  const bytes = xmls.reduce((n, x) => n + Buffer.byteLength(x), 0);
  const ours = relayproof(xmls);
  const dom = domBaseline(xmls);
  // Same numbers, or the comparison means nothing.
  expect([ours.messages, ours.pass, ours.sources.size]).toEqual([dom.messages, dom.pass, dom.sources.size]);
  expect([...ours.sources.entries()].sort()).toEqual([...dom.sources.entries()].sort());
  const fxp = await fastXmlParserBaseline();
  if (typeof fxp !== 'string') {
    const theirs = fxp(xmls);
    expect([theirs.messages, theirs.pass, theirs.sources.size]).toEqual([ours.messages, ours.pass, ours.sources.size]);
  }
  const oursMs: number[] = [];
  const domMs: number[] = [];
  const fxpMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither always pays for the other's garbage.
    if (round % 2 === 0) {
      oursMs.push(timed(() => relayproof(xmls)));
      domMs.push(timed(() => domBaseline(xmls)));
    } else {
      domMs.push(timed(() => domBaseline(xmls)));
      oursMs.push(timed(() => relayproof(xmls)));
    }
    if (typeof fxp !== 'string') fxpMs.push(timed(() => fxp(xmls)));
  }
  const ratio = median(domMs) / median(oursMs);
  const fxpText = typeof fxp === 'string' ? fxp : `fast-xml-parser object tree ${median(fxpMs).toFixed(0)} ms (${(median(fxpMs) / median(oursMs)).toFixed(2)}x Relayproof's time)`;
  console.log(
    `bench dmarc-reports.parse-and-sum dom/relayproof: ${ratio.toFixed(2)}x (target >= 1x) — Relayproof ${median(oursMs).toFixed(0)} ms, DOM parse ${median(domMs).toFixed(0)} ms; ${fxpText}; ${REPORTS} reports, ${(bytes / 1024 / 1024).toFixed(1)} MB of XML, ${ours.messages.toLocaleString('en')} messages from ${ours.sources.size} sources, median of ${ROUNDS}`,
  );
});
