/**
 * `analyze:explain` / `relayproof explain`: any pasted text (a reply line, a bounce, a
 * Node or Java error, a SaaS error message) → the diagnoses that match, best first.
 * Text the catalogue does not know still gets the RFC 3463 reading of its codes.
 */
import { enhancedMatches, findCodes } from './reply-codes';
import type { CompiledEntry, ReplyCatalogue } from './reply-catalogue';
import { readingSteps, readStatusCode } from './rfc3463-reading';
import type { Diagnosis, ExplainResult, ReplyEntry, Rfc3463File, Rfc3463Reading } from '../../src-preload/contract/analyze';

const CODE_BONUS = 10;

export function explain(text: string, catalogue: ReplyCatalogue): ExplainResult {
  const codes = findCodes(text);
  const reading = readStatusCode(catalogue.rfc3463, codes.enhanced, codes.replyCode);
  const matches: { entry: ReplyEntry; matched: string; score: number }[] = [];
  for (const compiled of catalogue.entries) {
    const hit = match(compiled, text, codes.replyCode, codes.enhanced);
    if (hit !== null) matches.push({ entry: compiled.entry, ...hit });
  }
  // Longest, most specific match first; the catalogue's order breaks ties (sort is stable).
  matches.sort((a, b) => b.score - a.score);
  const diagnoses = matches.map((m) => fromEntry(m.entry, m.matched));
  if (diagnoses.length === 0) diagnoses.push(reading !== null ? fromReading(catalogue.rfc3463, reading, codes.replyCode) : unrecognised());
  return { replyCode: codes.replyCode, enhanced: codes.enhanced, reading, diagnoses };
}

function match(compiled: CompiledEntry, text: string, replyCode: number | null, enhanced: string | null): { matched: string; score: number } | null {
  let matched: string | null = null;
  for (const pattern of [...compiled.patterns, ...compiled.errorCodes]) {
    const found = pattern.exec(text)?.[0];
    if (found !== undefined && (matched === null || found.length > matched.length)) matched = found;
  }
  if (matched === null) return null;
  const m = compiled.entry.match;
  // Codes narrow a match: the same words under another code mean something else.
  if (replyCode !== null && m.replyCodes.length > 0 && !m.replyCodes.includes(replyCode)) return null;
  if (enhanced !== null && m.enhanced.length > 0 && !m.enhanced.some((p) => enhancedMatches(p, enhanced))) return null;
  const bonus = (replyCode !== null && m.replyCodes.length > 0 ? CODE_BONUS : 0) + (enhanced !== null && m.enhanced.length > 0 ? CODE_BONUS : 0);
  return { matched, score: matched.length + bonus };
}

export function fromEntry(entry: ReplyEntry, matched: string | null): Diagnosis {
  return {
    code: entry.code,
    kind: 'catalogue',
    title: entry.title,
    happened: entry.happened,
    cause: entry.cause,
    steps: entry.steps,
    saasShows: entry.saasShows,
    provider: entry.provider,
    m365Item: entry.m365Item ?? null,
    references: entry.references,
    matched,
    source: entry.source,
    checked: entry.checked,
  };
}

export function fromReading(table: Rfc3463File, reading: Rfc3463Reading, replyCode: number | null): Diagnosis {
  const parts = [reading.class.meaning, reading.subject?.meaning, reading.detail !== null ? `${reading.detail.title}: ${reading.detail.meaning}` : undefined];
  const code = replyCode !== null && reading.subject === null ? `${replyCode}` : reading.code;
  return {
    code: `rfc3463-${reading.code}`,
    kind: 'rfc3463',
    title: `${reading.class.title}${reading.subject !== null ? ` — ${reading.subject.title.toLowerCase()}` : ''}${reading.detail !== null ? ` (${reading.detail.title.toLowerCase()})` : ''}`,
    happened: `The server answered with code ${code}. ${parts.filter((p) => p !== undefined).join(' ')}`,
    cause: reading.subject?.meaning ?? 'The reply gives no subject code; the reply text is the best clue.',
    steps: readingSteps(table, reading),
    saasShows: [],
    provider: 'generic',
    m365Item: null,
    references: ['RFC 3463 §3', 'RFC 5248'],
    matched: reading.code,
    source: table.source,
    checked: table.checked,
  };
}

function unrecognised(): Diagnosis {
  return {
    code: 'unrecognised',
    kind: 'unrecognised',
    title: 'Not a message Relayproof recognises',
    happened: 'The text matches no known reply or error, and it carries no SMTP reply code to read.',
    cause: 'Unknown: the text may be cut short, translated, or from a component Relayproof does not know.',
    steps: [
      'Paste the whole reply line, including the three-digit code and the x.y.z code (for example "535 5.7.8 ...").',
      'Run `relayproof smtp test` against the same server: its report names the phase that fails.',
    ],
    saasShows: [],
    provider: 'generic',
    m365Item: null,
    references: [],
    matched: null,
    source: 'RFC 3463',
    checked: '2026-11-23',
  };
}
