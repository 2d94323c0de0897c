/**
 * The one bounded reader for files the admin hands in (an import file, a certificate, a
 * saved message). The size is checked BEFORE anything is read, on the opened file itself
 * (so another file cannot be swapped in between a check by path and the read), and the
 * read stops one byte past the limit: a wrong file (a disk image, a video) is refused
 * without loading it, and a device or pipe (`/dev/zero` reports size 0 and never ends) is
 * not a file at all. Callers word the outcome for their own surface.
 */
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';

export type BoundedRead =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly reason: 'missing' | 'folder' | 'denied' | 'not-a-file' | 'error'; readonly code?: string }
  | { readonly ok: false; readonly reason: 'too-large' | 'grew'; readonly size: number };

export async function readBoundedFile(path: string, maxBytes: number): Promise<BoundedRead> {
  let handle;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') return { ok: false, reason: 'missing' };
    if (code === 'EISDIR') return { ok: false, reason: 'folder' };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, reason: 'denied' };
    return { ok: false, reason: 'error', code };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { ok: false, reason: 'folder' };
    if (!info.isFile()) return { ok: false, reason: 'not-a-file' };
    if (info.size > maxBytes) return { ok: false, reason: 'too-large', size: info.size };
    // One byte more than allowed tells a file that grew after the check.
    const buffer = Buffer.alloc(maxBytes + 1);
    let read = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
      if (read > maxBytes) return { ok: false, reason: 'grew', size: read };
    }
    return { ok: true, bytes: buffer.subarray(0, read) };
  } catch (error) {
    return { ok: false, reason: 'error', code: (error as NodeJS.ErrnoException).code ?? 'error' };
  } finally {
    await handle.close();
  }
}
