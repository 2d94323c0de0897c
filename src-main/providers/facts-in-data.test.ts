/**
 * Data, not prose: a platform fact the admin reads (a host, a DKIM selector, a button of the
 * platform, a limit, a number of hours) must come from resources/platforms or
 * resources/providers, where it has a source and a checked date. This test reads the text
 * every view and text builder can show — string literals, template text and JSX text, not
 * comments — and fails, naming file:line, when such a fact is written into the code:
 *
 * - a platform's host names, selectors and form labels (`mail.zendesk.com`, `zendesk1`,
 *   `Test Connection And Save` ...) may not appear at all (except in the allow-list below,
 *   each entry with its reason);
 * - a number of hours (`72-hour`, `48 hours`) or a limit (`50 addresses`) may appear only
 *   when the data holds that number for it, so the text cannot drift from the data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src-preload/contract/providers';
import { dkimCname, normalizeDkimToken } from '../../src-preload/contract/ses-identities';
import { loadPlatforms, repositoryResourcesDir } from './platforms';

const root = resolve(import.meta.dirname, '../..');

/** Where the admin-facing text is written: the renderer, main's text builders, the contract's helpers (the committed files). */
function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', 'src-main', 'src-renderer/src', 'src-preload'], { cwd: root, encoding: 'utf8' });
  return listed
    .split('\n')
    .filter((f) => /\.(ts|tsx)$/u.test(f))
    .filter((f) => !/\.test\.tsx?$/u.test(f) && !f.startsWith('src-main/testing/') && !f.startsWith('src-main/dev/') && !f.includes('/testing/'))
    // A file deleted from the working tree but still in the index is not text anyone sees.
    .filter((f) => existsSync(resolve(root, f)));
}

interface Literal {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** The text a file can show: string literals, template pieces and JSX text (never comments, imports or type names). */
export function literalsOf(file: string, source: string): Literal[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node) || ts.isJsxText(node)) {
      found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * Platform facts that belong in the data only. Each is found by a pattern; host names are
 * matched as names, not inside longer ones.
 */
const DATA_ONLY: ReadonlyArray<{ readonly fact: string; readonly pattern: RegExp }> = [
  { fact: "Zendesk's SPF include", pattern: /\bmail\.zendesk\.com\b/u },
  { fact: "Zendesk's DKIM selectors", pattern: /\bzendesk[12](?:\._domainkey)?\b/u },
  { fact: "Amazon SES's DKIM and SPF domain", pattern: /\bamazonses\.com\b/u },
  { fact: "ClientTether's Mailgun include and tracking host", pattern: /\b(?:mailgun\.org|mg3\.clienttether\.com)\b/u },
  { fact: "ClientTether's DKIM selector", pattern: /\bpic\._domainkey\b/u },
  { fact: "Zuora's form labels", pattern: /\b(?:Test Connection And Save|SocketFactory|javax\.net\.ssl|Deliver E-Mail Notifications)\b/u },
  { fact: "ClientTether's test button", pattern: /\bTest SMTP Send\b/u },
];

/**
 * Where a data-only fact may stay in the code, with the reason. `file` and the fact's name
 * must match; the count is how many literals of that fact the file may hold at most, so a
 * new one still fails.
 */
const ALLOWED: ReadonlyArray<{ readonly file: string; readonly fact: string; readonly count: number; readonly reason: string }> = [
  {
    file: 'src-preload/contract/addresses-schemas.ts',
    fact: "Zendesk's DKIM selectors",
    count: 1,
    reason: 'The example in the selector field\'s validation message shows the shape of a selector; it states no fact about Zendesk.',
  },
  {
    file: 'src-preload/contract/checks-schemas.ts',
    fact: "Zendesk's DKIM selectors",
    count: 1,
    reason: 'The same selector-shape example as the address field, for the checklist form.',
  },
  {
    file: 'src-preload/contract/ses-identities.ts',
    fact: "Amazon SES's DKIM and SPF domain",
    count: 3,
    reason: "Amazon's fixed DKIM target name, parsed out of a pasted target (normalizeDkimToken) and built by dkimCname; the last test below holds both to zuora-ses.json's ses.dkimCname.",
  },
];

/** Numbers of hours and limits: allowed only when the data holds them. */
const HOURS = /\b(\d+)[- ]?(?:hours?|h)\b/gu;
const LIMITS = /\b(\d[\d,]*)\s+(?:addresses per\b|(?:SMTP )?domains\b|addresses in total\b|email identities\b|domain identit(?:y|ies)\b)/gu;

let platforms: readonly Platform[];
let files: ReadonlyArray<{ readonly file: string; readonly literals: readonly Literal[] }>;

beforeAll(async () => {
  const loaded = await loadPlatforms(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  platforms = [...loaded.platforms.values()];
  files = sourceFiles().map((file) => ({ file, literals: literalsOf(file, readFileSync(resolve(root, file), 'utf8')) }));
});

/** Every number the platform data states, for hours and limits. */
function numbersInData(): { readonly hours: ReadonlySet<number>; readonly limits: ReadonlySet<number> } {
  const hours = new Set<number>();
  const limits = new Set<number>();
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'number') {
      if (/hours?$/iu.test(key)) hours.add(value);
      else limits.add(value);
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, key));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  for (const platform of platforms) walk(platform, '');
  for (const platform of platforms) for (const limit of platform.limits) limits.add(limit.value);
  return { hours, limits };
}

describe('data, not prose: platform facts in views come from resources/', () => {
  it('no platform host, selector or form label is written into a view or text builder', () => {
    const problems: string[] = [];
    for (const { file, literals } of files) {
      for (const { fact, pattern } of DATA_ONLY) {
        const hits = literals.filter((l) => pattern.test(l.text));
        const allowed = ALLOWED.find((a) => a.file === file && a.fact === fact)?.count ?? 0;
        if (hits.length > allowed) problems.push(...hits.map((h) => `${h.file}:${h.line}: ${fact} ("${h.text.trim().slice(0, 80)}") belongs in resources/, rendered from the data`));
      }
    }
    expect(problems).toEqual([]);
  });

  it('every number of hours and every limit in a view is one the platform data states', () => {
    const { hours, limits } = numbersInData();
    const problems: string[] = [];
    for (const { file, literals } of files) {
      for (const literal of literals) {
        for (const match of literal.text.matchAll(HOURS)) {
          const value = Number(match[1]);
          if (hours.has(value)) continue;
          problems.push(`${file}:${literal.line}: "${match[0]}" is in no platform's data (hours: ${[...hours].sort((a, b) => a - b).join(', ')})`);
        }
        for (const match of literal.text.matchAll(LIMITS)) {
          const value = Number((match[1] ?? '').replaceAll(',', ''));
          if (limits.has(value)) continue;
          problems.push(`${file}:${literal.line}: "${match[0]}" is in no platform's limits`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every allow-list entry is still needed, so the list cannot grow stale', () => {
    const stale: string[] = [];
    for (const entry of ALLOWED) {
      const literals = files.find((f) => f.file === entry.file)?.literals ?? [];
      const pattern = DATA_ONLY.find((d) => d.fact === entry.fact)?.pattern;
      const count = pattern === undefined ? 0 : literals.filter((l) => pattern.test(l.text)).length;
      if (count === 0) stale.push(`${entry.file}: ${entry.fact}: allowed ${entry.count}, found ${count} (${entry.reason})`);
    }
    expect(stale).toEqual([]);
  });

  it("the SES DKIM CNAME the contract builds and parses is the one in zuora-ses.json", () => {
    const ses = platforms.find((p) => p.id === 'zuora-ses')?.ses;
    const fill = (pattern: string) => pattern.replaceAll('{token}', 'abc123token').replaceAll('{domain}', 'example.com');
    expect(ses).toBeDefined();
    expect(dkimCname('example.com', 'abc123token')).toEqual({ name: fill(ses?.dkimCname.name ?? ''), target: fill(ses?.dkimCname.target ?? '') });
    expect(normalizeDkimToken(fill(ses?.dkimCname.target ?? ''))).toBe('abc123token');
  });

  it('the scanner finds a fact written as a string, a template or JSX text, and not in a comment', () => {
    const source = [
      "// mail.zendesk.com in a comment is fine",
      "const a = 'include:mail.zendesk.com';",
      'const b = `CNAME zendesk1._domainkey.${domain}`;',
      'const c = <p>Click Test Connection And Save</p>;',
      "const d = 'Wait 96 hours';",
    ].join('\n');
    const literals = literalsOf('probe.tsx', source);
    const facts = DATA_ONLY.filter(({ pattern }) => literals.some((l) => pattern.test(l.text))).map((d) => d.fact);
    expect(facts).toEqual(["Zendesk's SPF include", "Zendesk's DKIM selectors", "Zuora's form labels"]);
    expect(literals.find((l) => l.text.includes('mail.zendesk.com'))?.line).toBe(2);
    expect([...(literals.find((l) => l.text.includes('96'))?.text ?? '').matchAll(HOURS)].map((m) => m[1])).toEqual(['96']);
  });
});
