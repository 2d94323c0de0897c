/**
 * `relayproof dmarc-report` as an admin runs it: the CLI built privately with vite and
 * spawned as its own process, on report files of three reporters, a DMARCbis one, a TLS
 * report, a report message, hostile files (XXE, billion laughs, zip bomb) and a missing one.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportsSummary } from '../../src-preload/contract/reports';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';
import { BILLION_LAUGHS_REPORT, reportFile, reportMessage, tlsReportJson, XXE_REPORT, zipBomb, type FixtureReport } from '../testing/dmarc-report-fixtures';
import { memoryKeychain } from '../testing/transport-support';

const run = promisify(execFile);
/** Prints `loaded <package>` on stderr for every package under node_modules the process resolves (as lazy-start.test.ts does). */
const HOOK = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const m = /node_modules\\\\/((?:@[^/]+\\\\/)?[^/]+)/.exec(resolved.url);
  if (m) process.stderr.write('loaded ' + m[1] + '\\\\n');
  return resolved;
}\`));
`;
const root = mkdtempSync(join(tmpdir(), 'relayproof-dmarc-report-'));
const data = join(root, 'data');
let built: BuiltEntries;
let addressId: string;

const BEGIN = 1_793_577_600;
const DAY = 86_400;
const reports: FixtureReport[] = [
  { style: 'google', domain: 'company.example', reportId: 'g-77', begin: BEGIN, end: BEGIN + DAY, rows: [{ ip: '192.0.2.10', count: 90, dkim: 'pass', spf: 'pass' }, { ip: '198.51.100.7', count: 4, dkim: 'fail', spf: 'fail' }] },
  { style: 'microsoft', domain: 'company.example', reportId: 'm-77', begin: BEGIN + DAY, end: BEGIN + 2 * DAY, rows: [{ ip: '192.0.2.10', count: 30, dkim: 'pass', spf: 'fail' }] },
  { style: 'yahoo', domain: 'company.example', reportId: 'y-77', begin: BEGIN + 2 * DAY, end: BEGIN + 3 * DAY, rows: [{ ip: '192.0.2.10', count: 6, dkim: 'fail', spf: 'pass' }] },
  { style: 'dmarcbis', domain: 'company.example', reportId: 'b-77', begin: BEGIN + 3 * DAY, end: BEGIN + 4 * DAY, rows: [{ ip: '203.0.113.9', count: 2, dkim: 'fail', spf: 'fail', disposition: 'reject' }], policy: 'reject' },
];
const files: Record<string, string> = {};

function write(name: string, bytes: Buffer | string): string {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return path;
}

beforeAll(async () => {
  mkdirSync(data);
  built = await buildEntries({ cli: 'src-main/cli/cli.ts' });
  const [google, microsoft, yahoo, bis] = reports.map((r) => reportFile(r));
  if (google === undefined || microsoft === undefined || yahoo === undefined || bis === undefined) throw new Error('fixtures');
  files['google'] = write(google.name, google.bytes);
  files['microsoft'] = write(microsoft.name, microsoft.bytes);
  files['bis'] = write(bis.name, bis.bytes);
  files['yahoo-eml'] = write('yahoo-report.eml', reportMessage(yahoo, { domain: 'company.example', subjectId: 'y-77', from: 'dmarchelp@yahooinc.com' }));
  files['tls'] = write('tls.json', tlsReportJson('company.example', { successful: 500, failed: 2 }));
  files['xxe'] = write('xxe.xml', XXE_REPORT);
  files['lol'] = write('lol.xml', BILLION_LAUGHS_REPORT);
  files['bomb'] = write('bomb.zip', zipBomb(20));
  // A saved address whose SMTP host is the relay's IP: --address flags that source.
  const services = createServices({ dataDirectory: data, mode: 'cli', logger: silentLogger, keychain: async () => memoryKeychain() });
  const created = await services.createDispatcher().dispatch('addresses:create', {
    fields: { address: 'support@company.example', platform: 'generic', environment: 'production', provider: 'custom', host: '192.0.2.10', port: 587, security: 'starttls', username: 'support@company.example', authKind: 'password' },
  });
  if (!created.ok) throw new Error(created.error.message);
  addressId = (created.value as { id: string }).id;
}, 120_000);

afterAll(() => {
  built?.remove();
  rmSync(root, { recursive: true, force: true });
});

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [built.path('cli'), ...args], { env: { ...process.env, ...built.env, RELAYPROOF_DATA_DIR: data, NO_COLOR: '' } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('relayproof dmarc-report', () => {
  it('reads Google, Microsoft, Yahoo (in its message) and DMARCbis reports and a TLS report: totals, sources, per report (exit 0)', async () => {
    const result = await cli(['dmarc-report', files['google'] ?? '', files['microsoft'] ?? '', files['yahoo-eml'] ?? '', files['bis'] ?? '', files['tls'] ?? '', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as ReportsSummary & { ok: boolean };
    expect(summary.ok).toBe(true);
    expect(summary.totals).toEqual({ messages: 132, dmarcPass: 126, dmarcFail: 6 });
    expect(summary.sources.map((s) => [s.ip, s.count, s.dmarcPass, s.dmarcFail, s.isRelay])).toEqual([
      ['192.0.2.10', 126, 126, 0, false],
      ['198.51.100.7', 4, 0, 4, false],
      ['203.0.113.9', 2, 0, 2, false],
    ]);
    expect(summary.reports.map((r) => [r.org, r.format, r.reportId])).toEqual([
      ['google.com', 'rfc7489', 'g-77'],
      ['Enterprise Outlook', 'rfc7489', 'm-77'],
      ['Yahoo', 'rfc7489', 'y-77'],
      ['Example Receiver', 'dmarcbis', 'b-77'],
    ]);
    expect(summary.reports[3]?.policy).toMatchObject({ np: 'reject', testing: 'y', discoveryMethod: 'treewalk' });
    expect(summary.tlsTotals).toEqual({ successful: 500, failed: 2 });
    expect(summary.period?.days).toBe(4);
  });

  it('--address flags the address\'s relay among the sources, in the words of the text output', async () => {
    const result = await cli(['dmarc-report', files['google'] ?? '', files['microsoft'] ?? '', '--address', addressId]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 of 2 files read: 2 DMARC aggregate reports, 0 TLS reports covering 2026-11-02 to 2026-11-04 (2 days).');
    expect(result.stdout).toContain('124 messages: 120 passed DMARC (96.7 %), 4 failed.');
    expect(result.stdout).toMatch(/✓ 192\.0\.2\.10 +120 messages, 120 pass, 0 fail {2}\[your relay\]/u);
    expect(result.stdout).toMatch(/✗ 198\.51\.100\.7 +4 messages, 0 pass, 4 fail\n/u);
  });

  it('refuses XXE, billion laughs and a zip bomb unread (exit 2), and still reads the good file beside them', async () => {
    const result = await cli(['dmarc-report', files['google'] ?? '', files['xxe'] ?? '', files['lol'] ?? '', files['bomb'] ?? '', '--json']);
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout) as ReportsSummary;
    expect(summary.files.map((f) => f.problem)).toEqual([null, 'refused', 'refused', 'refused']);
    expect(summary.totals.messages).toBe(94);
    expect(result.stdout).not.toContain('root:x:0');
  });

  it('report files alone load no package (no zod, settings or keychain); --address opens the services', async () => {
    const hook = join(root, 'hook.mjs');
    writeFileSync(hook, HOOK);
    const loaded = async (args: readonly string[]) => {
      const result = await run(process.execPath, ['--import', hook, built.path('cli'), ...args], { env: { ...process.env, ...built.env, RELAYPROOF_DATA_DIR: data } });
      expect(result.stdout).toContain('2 of 2 files read');
      return [...new Set(result.stderr.split('\n').flatMap((l) => (l.startsWith('loaded ') ? [l.slice(7)] : [])))];
    };
    expect(await loaded(['dmarc-report', files['google'] ?? '', files['microsoft'] ?? ''])).toEqual([]);
    // The hook does see packages: with --address the services (and zod) load.
    expect(await loaded(['dmarc-report', files['google'] ?? '', files['microsoft'] ?? '', '--address', addressId])).toContain('zod');
  });

  it('a missing file is exit 1, no file at all is a usage error (exit 2)', async () => {
    const missing = await cli(['dmarc-report', files['google'] ?? '', join(root, 'nope.xml')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`✗ There is no file ${join(root, 'nope.xml')}.`);
    const none = await cli(['dmarc-report']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: relayproof dmarc-report FILE...');
    const unknown = await cli(['dmarc-report', files['google'] ?? '', '--address', 'a-nothere']);
    expect(unknown.code).toBe(2);
  });
});
