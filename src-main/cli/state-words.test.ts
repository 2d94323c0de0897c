/**
 * One stored address, one verdict, one word: `relayproof status`, `status --all`, their
 * JSON, `address list` and the exported report (HTML and JSON) say each address's state
 * with the contract's label (state-labels.ts), never a word of their own ("UNVERIFIED",
 * "(failed)", "never"), and no renderer view, CLI command or report spells a state
 * label itself. The addresses have no secret, so no keychain is needed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressStatus } from '../../src-preload/contract';
import { addressStandingLabels, addressVerdictLabel, connectionTestLabel, connectionTestLabels, itemStandingLabels, itemStateLabels } from '../../src-preload/contract/state-labels';
import type { VerificationReport } from '../../src-preload/contract/verification-schemas';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { runCliCaptured } from '../testing/cli-run';
import { emptyHistory, recordRun } from '../verification/history';
import { initialStatus } from '../verification/status-machine';
import { openVerificationStore } from '../verification/status-store';

const DOMAIN = 'words.test';
const dataDir = mkdtempSync(join(tmpdir(), 'relayproof-state-words-'));
const files = mkdtempSync(join(tmpdir(), 'relayproof-state-words-out-'));
const ids = { never: '', failed: '', partly: '' };

/** One run with one DNS observation, an hour ago. */
function record(id: string, outcome: 'pass' | 'fail'): void {
  const store = openVerificationStore({ directory: dataDir });
  const at = new Date(Date.now() - 3600_000).toISOString();
  const before = store.get(id);
  const recorded = recordRun(before?.state ?? initialStatus({ addressId: id, domain: DOMAIN }), before?.history ?? emptyHistory(id), {
    id: `run-${outcome}`,
    trigger: 'manual',
    startedAt: at,
    finishedAt: at,
    observations: [
      { itemId: 'dns:spf', at, outcome, explanation: outcome === 'pass' ? 'SPF allows the relay' : 'No SPF record', evidence: { source: 'dns', observedAt: at, summary: 's', value: null, facts: [] } },
    ],
  });
  store.record(id, recorded.state, recorded.run);
}

beforeAll(async () => {
  const d = createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger }).createDispatcher();
  for (const key of ['never', 'failed', 'partly'] as const) {
    const created = await d.dispatch('addresses:create', {
      fields: { address: `box-${key}@${DOMAIN}`, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: 2525, security: 'starttls', username: `box-${key}@${DOMAIN}`, authKind: 'password', selectors: [] },
    });
    if (!created.ok) throw new Error(created.error.message);
    ids[key] = (created.value as { id: string }).id;
  }
  record(ids.failed, 'fail');
  record(ids.partly, 'pass');
}, 60_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

const cli = (args: string[]) => runCliCaptured(args, dataDir);
/** The line of `text` about the address `id` (its first line in a listing). */
const lineOf = (text: string, id: string) => text.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';

describe('every surface says the stored state in the same words', () => {
  it('status, status --all, their JSON and the report give each address the verdict the app shows', async () => {
    const json = JSON.parse((await cli(['status', '--json'])).stdout) as { addresses: (AddressStatus & { verdict: string })[] };
    // What the app computes from the same stored state (no connection test has run: no secret).
    const expected = new Map(json.addresses.map((a) => [a.address.id, addressVerdictLabel(a.status, null)] as const));
    expect(expected.get(ids.never)).toBe(addressStandingLabels['never-checked']);
    expect(expected.get(ids.failed)).toBe(addressStandingLabels.failed);
    expect(expected.get(ids.partly)).toBe(addressStandingLabels['not-fully-checked']);
    for (const a of json.addresses) expect(a.verdict).toBe(expected.get(a.address.id));

    const status = (await cli(['status'])).stdout;
    const all = await cli(['status', '--all']);
    const allJson = JSON.parse((await cli(['status', '--all', '--json'])).stdout) as { addresses: { id: string; verdict: string }[] };
    const html = join(files, 'report.html');
    const reportJson = join(files, 'report.json');
    expect((await cli(['report', '--format', 'html', '--out', html])).code).toBe(0);
    expect((await cli(['report', '--format', 'json', '--out', reportJson])).code).toBe(0);
    const page = readFileSync(html, 'utf8');
    const report = JSON.parse(readFileSync(reportJson, 'utf8')) as VerificationReport;

    for (const [id, label] of expected) {
      expect(lineOf(status, id)).toContain(`  ${label}`);
      expect(lineOf(all.stdout, id)).toContain(`  ${label}`);
      expect(allJson.addresses.find((a) => a.id === id)?.verdict).toBe(label);
      const reported = report.addresses.find((a) => a.id === id);
      expect(reported?.verdict).toBe(label);
      expect(page).toContain(`${reported?.address ?? '?'} <span class="badge`);
      expect(page.split('<h2>').find((h) => h.startsWith(reported?.address ?? '?'))?.split('</h2>')[0]).toContain(`>${label}</span>`);
    }
    // The failing item is named with the item's label, in the CLI and the report alike.
    expect(lineOf(status, ids.failed)).toContain(`(${itemStateLabels.failed})`);
    expect(lineOf(all.stdout, ids.failed)).toContain(`(${itemStateLabels.failed})`);
    expect(page).toContain(`Needs attention: DNS: SPF record (${itemStateLabels.failed})`);
    // No surface falls back to the state machine's own names.
    for (const text of [status, all.stdout, page]) {
      expect(text.match(/.{60}\b(?:UNVERIFIED|FAILED|VERIFIED|unverified)\b|\[(?:failed|verified|pending) *\]|>(?:failed|unverified)</u)?.[0] ?? null).toBeNull();
    }
  });

  it('address list names the connection test alone in the Addresses table\'s words', async () => {
    const list = await cli(['address', 'list']);
    expect(list.code).toBe(0);
    for (const id of Object.values(ids)) expect(lineOf(list.stdout, id)).toContain(connectionTestLabel(null));
    // Never "never", which reads like the status (that is "Never checked", a different fact).
    expect(list.stdout.match(/.{30}\bnever\b.{30}/u)?.[0] ?? null).toBeNull();
  });
});

describe('no surface spells a state in its own words', () => {
  // The words of the states, as the views and the CLI used to spell them for themselves.
  const words = [
    ...Object.values(addressStandingLabels).filter((w) => w.includes(' ')),
    ...Object.values(itemStandingLabels).filter((w) => w.includes(' ')),
    ...Object.values(connectionTestLabels),
    'Not tested yet',
    'Never tested',
  ];
  const root = join(import.meta.dirname, '../..');
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.tsx?$/u.test(e.name) && !/\.test\.tsx?$/u.test(e.name))
      .map((e) => join(e.parentPath, e.name));

  it('renderer views, the CLI and the report take every state label from state-labels.ts', () => {
    const files = [...sources('src-renderer/src'), ...sources('src-main/cli'), join(root, 'src-main/verification/report-html.ts')];
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      // Comments may name a state; only code that prints it counts.
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(?:\/\/|\*|\/\*)/u.test(line))
        .join('\n');
      for (const word of words) if (code.includes(`'${word}`) || code.includes(`"${word}`) || code.includes(`\`${word}`) || code.includes(`>${word}`) || new RegExp(`^\\s*${word}\\s*$`, 'mu').test(code)) found.push(`${file.slice(root.length + 1)}: ${word}`);
    }
    expect(found).toEqual([]);
  });
});
