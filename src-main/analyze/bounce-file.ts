/**
 * A bounce the admin hands in (a saved .eml, or the bytes the app's drop zone sent):
 * read by the shared bounded reader, refused before parsing when it is not a message
 * (empty, binary, no header fields, cut off), then read by `readBounce`.
 */
import { fail, ok, type Result } from '../../src-preload/contract';
import type { BounceReport } from '../../src-preload/contract/bounce-schemas';
import { MAX_EML_BYTES } from '../../src-preload/contract/verification';
import { readEmlFile } from '../verification/eml-file';
import { DEFAULT_MESSAGE_LIMITS, inspectMessage } from '../verification/message-shape';
import { readBounce, type ReadBounceOptions } from './bounce';
import type { ReplyCatalogue } from './reply-catalogue';

export interface BounceReadOptions extends ReadBounceOptions {
  readonly maxBytes?: number;
}

export function readBounceBytes(raw: Buffer, catalogue: ReplyCatalogue, options: BounceReadOptions = {}): Result<BounceReport> {
  const shape = inspectMessage(raw, { ...DEFAULT_MESSAGE_LIMITS, maxBytes: options.maxBytes ?? MAX_EML_BYTES });
  if (!shape.ok) return fail('invalid-input', shape.message, { hint: shape.hint.replace(/verification email/gu, 'bounce'), details: { reason: shape.reason } });
  return ok(readBounce(shape.headers, shape.message, catalogue, options));
}

export async function readBounceFile(path: string, catalogue: ReplyCatalogue, options: BounceReadOptions = {}): Promise<Result<BounceReport>> {
  const read = await readEmlFile(path, options.maxBytes ?? MAX_EML_BYTES);
  if (!read.ok) return { ok: false, error: { ...read.error, ...(read.error.hint === undefined ? {} : { hint: 'Save the bounce from your mail client as .eml: it is rarely more than a few hundred KB.' }) } };
  return readBounceBytes(read.value, catalogue, options);
}
