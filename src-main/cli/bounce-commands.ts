/**
 * `relayproof bounce FILE.eml`: what a saved bounce says per recipient, who wrote it and
 * what to do. The file is read by the shared bounded reader and refused before parsing
 * when it is not a message; needs only the reply catalogue (no settings, keychain or network).
 */
import type { BounceReport } from '../../src-preload/contract/bounce-schemas';
import { MAX_EML_BYTES } from '../../src-preload/contract/verification';
import { readBounceFile } from '../analyze/bounce-file';
import { loadReplyCatalogue } from '../analyze/reply-catalogue';
import { findResourcesDir } from '../app/resources-dir';
import { unreadableResource } from '../app/json-resource';
import { parseConfig } from './command-table';
import { EXIT, oneLine, parseOptions, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';

export const BOUNCE_USAGE = 'Usage: relayproof bounce FILE.eml [--json]   (the bounce saved from your mail client with all its parts)';

const KIND_WORDS: Readonly<Record<BounceReport['kind'], string>> = {
  dsn: 'a delivery status notification (RFC 3464)',
  ndr: 'a bounce (non-delivery report, read from its text)',
  'auto-reply': 'an automatic reply, not a bounce',
  'not-a-bounce': 'not a bounce',
};

/** Exit 0 for a bounce or delivery notification, 1 for any other message. */
export function bounceExitCode(report: BounceReport): ExitCode {
  return report.kind === 'dsn' || report.kind === 'ndr' ? EXIT.ok : EXIT.checkFailed;
}

export async function runBounceCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('bounce'), true);
  const json = values.json === true;
  const [path] = positionals;
  if (path === undefined || positionals.length !== 1) throw new UsageError(BOUNCE_USAGE);
  const loaded = await loadReplyCatalogue(findResourcesDir());
  if (!loaded.ok) return reportError(io, json, unreadableResource('replies', loaded.problems).error);
  const read = await readBounceFile(path, loaded.catalogue, { surface: 'cli', maxBytes: MAX_EML_BYTES });
  // An unreadable file or one that is no message at all is an input error (exit 2).
  if (!read.ok) return reportError(io, json, { ...read.error, code: 'invalid-input' });
  const report = read.value;
  if (json) printJson(io, report);
  else {
    printText(io, `${oneLine(path)}: ${KIND_WORDS[report.kind]}\n`);
    if (report.reportingMta !== null) printText(io, `Reporting server: ${oneLine(report.reportingMta)}\n`);
    if (report.generatedBy.sender !== null) printText(io, `From: ${oneLine(report.generatedBy.sender)}\n`);
    for (const r of report.recipients) {
      printText(io, `${r.action === 'failed' ? '✗' : r.action === 'delayed' ? '…' : r.action === null ? '!' : '✓'} ${oneLine(r.address)}: ${r.action ?? 'no action given'}${r.status !== null ? ` ${r.status}` : ''}\n`);
      if (r.diagnostic !== null) printText(io, `    server said: ${oneLine(r.diagnostic)}\n`);
      if (r.remoteMta !== null) printText(io, `    receiving server: ${oneLine(r.remoteMta)}\n`);
    }
    printText(io, `\n${report.explanation}\n`);
    report.fix.forEach((step, n) => printText(io, `  ${n + 1}. ${step}\n`));
  }
  return bounceExitCode(report);
}
