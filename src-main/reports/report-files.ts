/**
 * One file (or one fetched message) handed in as a report: `.xml`, `.xml.gz`, `.zip`,
 * `.json`/`.json.gz` (TLS-RPT), or an `.eml` that carries any of them. What it is is told
 * from its bytes (magic numbers, the first character, a header section), not its name.
 * Files are read by the shared bounded reader, so the size is checked on the opened file
 * before anything is read; archives are bounded again while they inflate (archive.ts).
 */
import { readBoundedFile } from '../app/bounded-file';
import type { DmarcAggregateReport, ReportFileOutcome, ReportFileProblem, TlsReport } from '../../src-preload/contract/reports';
import { DEFAULT_ARCHIVE_LIMITS, gunzipReport, isGzip, isZip, unzipReport, type ArchiveLimits } from './archive';
import { parseAggregateXml } from './dmarc-aggregate';
import { mimeLeavesOf } from '../analyze/mime-parts';
import { parseTlsReportJson } from './tls-rpt-report';

/** A report message with its attachment is a few hundred KB; 25 MB is the message limit used elsewhere. */
export const MAX_REPORT_FILE_BYTES = 25 * 1024 * 1024;

export interface ReportRead {
  readonly dmarc: readonly DmarcAggregateReport[];
  readonly tls: readonly TlsReport[];
  readonly problem: { readonly kind: ReportFileProblem; readonly message: string } | null;
}

interface Walk {
  readonly dmarc: DmarcAggregateReport[];
  readonly tls: TlsReport[];
  problem: ReportRead['problem'];
  /** Inflated bytes still allowed for this whole file, every archive in it together. */
  budget: number;
}

const SEVERITY: Readonly<Record<ReportFileProblem, number>> = { 'not-a-report': 0, unreadable: 1, refused: 2 };

function note(walk: Walk, kind: ReportFileProblem, message: string): void {
  if (walk.problem === null || SEVERITY[kind] > SEVERITY[walk.problem.kind]) walk.problem = { kind, message };
}

/** A header section: a first line that is a header field (RFC 5322 §2.2), as a saved message starts. */
function looksLikeMessage(text: string): boolean {
  return /^(?:From [^\n]*\n)?[\x21-\x39\x3b-\x7e]+[ \t]*:/u.test(text);
}

function firstCharacter(bytes: Buffer): string {
  const text = bytes.subarray(0, 64).toString('utf8').replace(/^\ufeff/u, '');
  return text.trimStart().charAt(0);
}

function readPayload(walk: Walk, bytes: Buffer, name: string, depth: number, limits: ArchiveLimits, inArchive = false): void {
  if (isGzip(bytes) || isZip(bytes)) {
    // A report is compressed once; an archive inside an archive is not a report.
    if (inArchive) return note(walk, 'not-a-report', `${name} is an archive inside an archive, which no reporter sends.`);
    const unpacked = isGzip(bytes) ? gunzipReport(bytes, name, { ...limits, maxInflatedBytes: Math.min(limits.maxInflatedBytes, walk.budget) }) : unzipReport(bytes, name, { ...limits, maxInflatedBytes: Math.min(limits.maxInflatedBytes, walk.budget) });
    if (!unpacked.ok) return note(walk, unpacked.refused ? 'refused' : 'unreadable', unpacked.message);
    for (const entry of unpacked.entries) {
      walk.budget -= entry.bytes.length;
      readPayload(walk, entry.bytes, `${name}:${entry.name}`, depth + 1, limits, true);
    }
    return;
  }
  const first = firstCharacter(bytes);
  if (first === '<') {
    const parsed = parseAggregateXml(bytes.toString('utf8'), name);
    if (parsed.ok) walk.dmarc.push(parsed.report);
    else note(walk, parsed.refused ? 'refused' : parsed.message.includes('not a DMARC aggregate report') ? 'not-a-report' : 'unreadable', parsed.message);
    return;
  }
  if (first === '{') {
    const parsed = parseTlsReportJson(bytes.toString('utf8'), name);
    if (parsed.ok) walk.tls.push(parsed.report);
    else note(walk, 'not-a-report', parsed.message);
    return;
  }
  if (depth === 0 && looksLikeMessage(bytes.subarray(0, 4096).toString('latin1'))) {
    const before = walk.dmarc.length + walk.tls.length;
    // Attachments may be as large as the message itself; the archive limits bound what they inflate to.
    for (const leaf of mimeLeavesOf(bytes, { maxDepth: 6, maxParts: 200, maxPartBytes: MAX_REPORT_FILE_BYTES }).leaves) {
      // The message's own words (text/plain, text/html) are not the report.
      if (leaf.filename === null && (leaf.type === 'text/plain' || leaf.type === 'text/html')) continue;
      const leafFirst = firstCharacter(leaf.bytes);
      if (!isGzip(leaf.bytes) && !isZip(leaf.bytes) && leafFirst !== '<' && leafFirst !== '{') continue;
      walk.budget -= leaf.bytes.length;
      if (walk.budget < 0) return note(walk, 'refused', `The attachments of ${name} are larger than ${limits.maxInflatedBytes} bytes together.`);
      readPayload(walk, leaf.bytes, `${name}:${leaf.filename ?? leaf.type}`, depth + 1, limits);
    }
    if (walk.dmarc.length + walk.tls.length === before && walk.problem === null) note(walk, 'not-a-report', `${name} is a message without a DMARC aggregate or TLS report attached.`);
    return;
  }
  note(walk, 'not-a-report', `${name} is not a DMARC aggregate report (XML, gzip or zip), a TLS report (JSON) or a message carrying one.`);
}

/** The reports in one file's or message's bytes; a hostile or damaged part spoils the whole file. */
export function readReportBytes(bytes: Buffer, name: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): ReportRead {
  const walk: Walk = { dmarc: [], tls: [], problem: null, budget: limits.maxInflatedBytes };
  readPayload(walk, bytes, name, 0, limits);
  // A file with a refused or damaged part gives nothing: half a hostile file is not evidence.
  if (walk.problem !== null && walk.problem.kind !== 'not-a-report') return { dmarc: [], tls: [], problem: walk.problem };
  if (walk.dmarc.length + walk.tls.length > 0) return { dmarc: walk.dmarc, tls: walk.tls, problem: null };
  return { dmarc: [], tls: [], problem: walk.problem ?? { kind: 'not-a-report', message: `${name} holds no report.` } };
}

export async function readReportFile(path: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS, maxBytes = MAX_REPORT_FILE_BYTES): Promise<ReportRead> {
  const read = await readBoundedFile(path, maxBytes);
  if (read.ok) return readReportBytes(read.bytes, path, limits);
  const unreadable = (message: string): ReportRead => ({ dmarc: [], tls: [], problem: { kind: 'unreadable', message } });
  switch (read.reason) {
    case 'missing':
      return unreadable(`There is no file ${path}.`);
    case 'folder':
      return unreadable(`${path} is a folder; give the report files inside it.`);
    case 'denied':
      return unreadable(`Cannot read ${path}: permission denied.`);
    case 'not-a-file':
      return unreadable(`${path} is not a regular file (a device or a pipe).`);
    case 'error':
      return unreadable(`Cannot read ${path} (${read.code ?? 'error'}).`);
    case 'too-large':
    case 'grew':
      return { dmarc: [], tls: [], problem: { kind: 'refused', message: `${path} is ${read.reason === 'grew' ? 'more than ' : ''}${(read.size / 1024 / 1024).toFixed(1)} MB; a report file is at most ${maxBytes / 1024 / 1024} MB (reports are a few KB to a few MB).` } };
  }
}

export function fileOutcome(file: string, read: ReportRead): ReportFileOutcome {
  return {
    file,
    ok: read.problem === null,
    dmarcReports: read.dmarc.length,
    tlsReports: read.tls.length,
    problem: read.problem?.kind ?? null,
    message: read.problem?.message ?? null,
  };
}
