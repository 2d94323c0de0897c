/**
 * Reading a file the admin gave (chosen or dropped) within the caller's limit, as base64
 * for the bridge. Pure of React, so it is tested on its own.
 */
import type { AppError } from '../../../src-preload/contract';

/** The limits a caller puts on a file, in its own words (what the file should have been). */
export interface FileLimit {
  readonly maxBytes: number;
  /** Said for an empty file. */
  readonly empty: (file: File) => AppError;
  /** Said for a file over `maxBytes`; `mb` is its size in MB, one decimal. */
  readonly tooLarge: (file: File, mb: string) => AppError;
}

/** The checks the browser can make before sending up to 25 MB over the bridge; main checks everything again. */
export function checkFile(file: File, limit: FileLimit): AppError | null {
  if (file.size === 0) return limit.empty(file);
  if (file.size > limit.maxBytes) return limit.tooLarge(file, (file.size / 1024 / 1024).toFixed(1));
  return null;
}

/** The file could not be read (moved, deleted, no permission): the same words for every drop zone. */
export function unreadableFile(file: File): AppError {
  return { code: 'invalid-input', message: `${file.name} could not be read from disk.`, hint: 'Check that the file still exists and you may read it, then open it again.' };
}

/** Bytes as base64 (in slices: a spread of 25 MB of bytes would overflow the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  return btoa(binary);
}

/** The file as base64 after `checkFile`: an AppError when it breaks the limit or cannot be read. */
export async function readFileBase64(file: File, limit: FileLimit): Promise<{ readonly ok: true; readonly base64: string } | { readonly ok: false; readonly error: AppError }> {
  const problem = checkFile(file, limit);
  if (problem !== null) return { ok: false, error: problem };
  try {
    return { ok: true, base64: toBase64(new Uint8Array(await file.arrayBuffer())) };
  } catch {
    return { ok: false, error: unreadableFile(file) };
  }
}
