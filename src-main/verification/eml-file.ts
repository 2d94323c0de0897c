/**
 * The `.eml` path, for when IMAP access is not possible: the admin saves the received
 * message ("Show original" / "Download message") and opens or drops the file. It is read
 * by the shared bounded reader: the size is checked on the opened file before reading
 * (a wrong file, a video or a disk image, is refused without loading it), the read stops
 * at the limit, and a device or pipe is refused.
 */
import { readBoundedFile } from '../app/bounded-file';
import { fail, ok, type Result } from '../../src-preload/contract';
import type { ReceiveOutcome } from './imap-receipt';
import { DEFAULT_MESSAGE_LIMITS, inspectMessage } from './message-shape';

export async function readEmlFile(path: string, maxBytes = DEFAULT_MESSAGE_LIMITS.maxBytes): Promise<Result<Buffer>> {
  const read = await readBoundedFile(path, maxBytes);
  if (read.ok) return ok(read.bytes);
  const unreadable = { details: { reason: 'unreadable' } };
  switch (read.reason) {
    case 'missing':
      return fail('not-found', `No file at ${path}.`, unreadable);
    case 'folder':
    case 'not-a-file':
      return fail('invalid-input', `${path} is not a file.`, unreadable);
    case 'denied':
      return fail('invalid-input', `Cannot read ${path} (permission denied).`, unreadable);
    case 'error':
      return fail('invalid-input', `Cannot read ${path} (${read.code ?? 'error'}).`, unreadable);
    case 'too-large':
    case 'grew':
      return fail('invalid-input', `${path} is ${read.reason === 'grew' ? 'more than ' : ''}${(read.size / 1024 / 1024).toFixed(1)} MB; Relayproof verifies messages up to ${(maxBytes / 1024 / 1024).toFixed(0)} MB.`, {
        hint: 'Use the verification email Relayproof sent: it is a few KB.',
        details: { reason: 'too-large' },
      });
  }
}

/** The receipt step from an .eml file: the same outcome shape as IMAP polling. */
export async function receiveFromEml(path: string, options: { readonly clock?: () => Date; readonly maxBytes?: number } = {}): Promise<ReceiveOutcome> {
  const clock = options.clock ?? (() => new Date());
  const read = await readEmlFile(path, options.maxBytes);
  const at = clock().toISOString();
  if (!read.ok) {
    return { ok: false, failure: { code: read.error.details?.['reason'] === 'too-large' ? 'too-large' : 'malformed', message: read.error.message, hint: read.error.hint ?? 'Choose the saved message file (.eml).', attempts: 1, elapsedMs: 0 } };
  }
  const shape = inspectMessage(read.value, { ...DEFAULT_MESSAGE_LIMITS, ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }) });
  if (!shape.ok) return { ok: false, failure: { code: shape.reason === 'too-large' ? 'too-large' : 'malformed', message: shape.message, hint: shape.hint, attempts: 1, elapsedMs: 0 } };
  return { ok: true, raw: read.value, receipt: { source: 'eml', mailbox: null, uid: null, attempts: 1, elapsedMs: 0, sizeBytes: read.value.length, foundAt: at } };
}
