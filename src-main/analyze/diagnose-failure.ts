/**
 * Maps an engine failure to one diagnosis: the server's own words first (a Microsoft 365
 * 5.7.139 variant says more than "auth rejected"), then the entry for the engine's
 * failure code, then the RFC 3463 reading of the reply.
 */
import type { SmtpFailure } from '../../src-preload/contract/smtp-schemas';
import { explain, fromEntry, fromReading } from './explain';
import type { ReplyCatalogue } from './reply-catalogue';
import { readStatusCode } from './rfc3463-reading';
import type { Diagnosis } from '../../src-preload/contract/analyze';

export function diagnoseFailure(failure: SmtpFailure, catalogue: ReplyCatalogue): Diagnosis {
  if (failure.reply !== null) {
    const excluded = new Set(catalogue.entries.filter((e) => e.entry.match.notAfter.includes(failure.code)).map((e) => e.entry.code));
    const fromReply = explain(failure.reply.text, catalogue).diagnoses.find((d) => d.kind === 'catalogue' && !excluded.has(d.code));
    if (fromReply !== undefined) return fromReply;
  }
  const entry = catalogue.entries.find((e) => e.entry.match.engineCodes.includes(failure.code));
  if (entry !== undefined) return fromEntry(entry.entry, null);
  if (failure.reply !== null) {
    const reading = readStatusCode(catalogue.rfc3463, failure.reply.enhanced, failure.reply.code);
    if (reading !== null) return fromReading(catalogue.rfc3463, reading, failure.reply.code);
  }
  // Every failure code has an entry (tested); this is the text-only fallback.
  const [first] = explain(failure.message, catalogue).diagnoses;
  if (first === undefined) throw new Error('explain() returns at least one diagnosis');
  return first;
}
