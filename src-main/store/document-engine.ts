/**
 * The library that reads and writes a stored document's file: `conf` in Node (CLI,
 * browser mode, tests; conf-engine.ts) and `electron-store` in Electron
 * (electron/store-engine.ts). Both are handed only files document-file.ts has checked
 * (a regular file, not a link, within the document's size limit) and are called only
 * inside its cross-process lock when they write, because on their own they read a file
 * whatever its size, write through a link to wherever it points and take no lock.
 */

/** Where a document lives: `<cwd>/<configName>.json`. */
export interface DocumentLocation {
  readonly cwd: string;
  readonly configName: string;
}

export interface DocumentEngine {
  /** The file it reads and writes (`<cwd>/<configName>.json`). */
  readonly path: string;
  /** Reads and parses the whole file. Throws when it cannot (bad JSON, I/O error). */
  read(): unknown;
  /** Replaces the file with `data` as tab-indented JSON, mode 0600, atomically (temporary file, fsync, rename). */
  write(data: Readonly<Record<string, unknown>>): void;
}

/** Opens the engine of one document. */
export type DocumentEngineFactory = (location: DocumentLocation) => DocumentEngine;
