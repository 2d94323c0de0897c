/** The one error of the stored documents, and file-system errors in the admin's words. */

/** A stored file cannot be read, locked or written, and Relayproof refused to guess: nothing was changed. */
export class StoreUnavailableError extends Error {
  readonly code = 'store-unavailable';
  override readonly name = 'StoreUnavailableError';
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return 'it is a folder, not a file';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return String(error);
}
