/**
 * The compressed forms reports arrive in: gzip (`.xml.gz`, `application/tlsrpt+gzip`) and
 * zip (Microsoft's and Yahoo's `.zip`), unpacked with Node's zlib and a small zip reader
 * of our own (central directory, stored and deflated entries only: what reporters write).
 *
 * A zip bomb is refused by its size on the way in and on the way out:
 * - before inflating, the size the archive declares (gzip's ISIZE trailer, zip's central
 *   directory) must be within the caps;
 * - while inflating, zlib stops at `maxOutputLength`, so an archive that lies about its
 *   size cannot produce more than the cap either;
 * - the inflated size may be at most `maxRatio` times the compressed size once past
 *   `ratioFloorBytes` (a real report compresses 10–30 times; a bomb 1,000 times).
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';

export interface ArchiveLimits {
  /** Inflated bytes of one file, all entries together. */
  readonly maxInflatedBytes: number;
  readonly maxRatio: number;
  /** Below this inflated size the ratio is not checked (a tiny report compresses any way it likes). */
  readonly ratioFloorBytes: number;
  readonly maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxInflatedBytes: 64 * 1024 * 1024, maxRatio: 200, ratioFloorBytes: 1024 * 1024, maxEntries: 64 };

export interface ArchiveEntry {
  readonly name: string;
  readonly bytes: Buffer;
}

export type Unpacked = { readonly ok: true; readonly entries: readonly ArchiveEntry[] } | { readonly ok: false; readonly refused: boolean; readonly message: string };

export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** The most a `compressed`-byte input may inflate to. */
function outputCap(compressed: number, limits: ArchiveLimits): number {
  return Math.min(limits.maxInflatedBytes, Math.max(limits.ratioFloorBytes, compressed * limits.maxRatio));
}

function bombMessage(what: string, compressed: number, limits: ArchiveLimits): string {
  return `${what} would inflate past ${mb(outputCap(compressed, limits))} from ${compressed.toLocaleString('en')} compressed bytes (more than ${limits.maxRatio} times its size, or over ${mb(limits.maxInflatedBytes)}): a real report compresses 10 to 30 times, so this is refused as a zip bomb.`;
}

function tooLarge(error: unknown): boolean {
  return error instanceof RangeError || (error as NodeJS.ErrnoException | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

export function gunzipReport(bytes: Buffer, name: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Unpacked {
  const cap = outputCap(bytes.length, limits);
  // RFC 1952 §2.3.1: ISIZE, the input size modulo 2^32, closes the (last) member.
  const declared = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  if (declared > cap) return { ok: false, refused: true, message: bombMessage(name, bytes.length, limits) };
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: cap });
  } catch (error) {
    if (tooLarge(error)) return { ok: false, refused: true, message: bombMessage(name, bytes.length, limits) };
    return { ok: false, refused: false, message: `${name} is not a readable gzip file (${(error as Error).message}).` };
  }
  return { ok: true, entries: [{ name: name.replace(/\.gz$/iu, ''), bytes: out }] };
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function unzipReport(bytes: Buffer, name: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Unpacked {
  const damaged = (why: string): Unpacked => ({ ok: false, refused: false, message: `${name} is not a readable zip file: ${why}.` });
  // The end-of-central-directory record sits in the last 22 + 65,535 (comment) bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) return damaged('its directory is missing (the file is cut off)');
  const total = bytes.readUInt16LE(eocd + 10);
  const directorySize = bytes.readUInt32LE(eocd + 12);
  const directoryAt = bytes.readUInt32LE(eocd + 16);
  if (total === 0xffff || directoryAt === 0xffffffff) return { ok: false, refused: true, message: `${name} is a ZIP64 archive; report archives are small zip files, so Relayproof does not read this one.` };
  if (total > limits.maxEntries) return { ok: false, refused: true, message: `${name} holds ${total} files; a report archive holds one.` };
  if (directoryAt + directorySize > eocd) return damaged('its directory points outside the file');
  const found: Array<{ name: string; method: number; compressed: number; size: number; at: number }> = [];
  let declaredTotal = 0;
  let p = directoryAt;
  for (let n = 0; n < total; n++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL) return damaged('its directory is damaged');
    const flags = bytes.readUInt16LE(p + 8);
    const method = bytes.readUInt16LE(p + 10);
    const compressed = bytes.readUInt32LE(p + 20);
    const size = bytes.readUInt32LE(p + 24);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const at = bytes.readUInt32LE(p + 42);
    const entryName = bytes.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;
    if (entryName.endsWith('/')) continue;
    if ((flags & 1) !== 0) return { ok: false, refused: false, message: `${entryName} in ${name} is encrypted; reports are never encrypted.` };
    if (method !== 0 && method !== 8) return damaged(`${entryName} is compressed with method ${method}, not deflate`);
    declaredTotal += size;
    // Checked before anything is inflated, on the sizes the directory declares.
    if (declaredTotal > limits.maxInflatedBytes || (size > limits.ratioFloorBytes && size > compressed * limits.maxRatio)) {
      return { ok: false, refused: true, message: bombMessage(`${entryName} in ${name}`, compressed, limits) };
    }
    found.push({ name: entryName, method, compressed, size, at });
  }
  const entries: ArchiveEntry[] = [];
  for (const e of found) {
    if (e.at + 30 > bytes.length || bytes.readUInt32LE(e.at) !== LOCAL) return damaged(`the entry ${e.name} is missing`);
    const start = e.at + 30 + bytes.readUInt16LE(e.at + 26) + bytes.readUInt16LE(e.at + 28);
    const data = bytes.subarray(start, start + e.compressed);
    if (data.length !== e.compressed) return damaged(`${e.name} is cut off`);
    let out: Buffer;
    if (e.method === 0) out = Buffer.from(data);
    else if (e.size === 0) out = Buffer.alloc(0);
    else {
      try {
        // The declared size is the most it may produce: a lying directory stops here.
        out = inflateRawSync(data, { maxOutputLength: e.size });
      } catch (error) {
        if (tooLarge(error)) return { ok: false, refused: true, message: `${e.name} in ${name} inflates past the size its directory declares (${e.size.toLocaleString('en')} bytes): refused as a zip bomb.` };
        return damaged(`${e.name} could not be inflated (${(error as Error).message})`);
      }
    }
    if (out.length !== e.size) return damaged(`${e.name} inflates to ${out.length} bytes, not the ${e.size} its directory declares`);
    entries.push({ name: e.name, bytes: out });
  }
  return { ok: true, entries };
}
