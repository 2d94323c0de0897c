/**
 * Read-only view of the built renderer directory for browser mode. A request path maps
 * to a file only when every segment is a plain name: no `..`, no dot-files, no encoded
 * separators or NUL, and the real path (after symlinks) stays inside the directory.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

export type StaticLookup =
  | { readonly kind: 'file'; readonly body: Buffer; readonly contentType: string; readonly html: boolean }
  | { readonly kind: 'not-found' }
  /** The path tries to leave the directory or is malformed: answered like any hostile request. */
  | { readonly kind: 'refused' };

export interface StaticFiles {
  lookup(rawPathname: string): Promise<StaticLookup>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** A renderer bundle is a few MiB; anything far larger is not ours to serve from memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export function createStaticFiles(rendererDir: string): StaticFiles {
  // Resolved once, lazily: the directory may be built after the bridge object is made.
  let rootPromise: Promise<string> | undefined;
  const root = () => (rootPromise ??= realpath(resolve(rendererDir)));

  async function readInside(segments: readonly string[]): Promise<StaticLookup> {
    const base = await root();
    const candidate = resolve(base, ...segments);
    if (!isInside(candidate, base)) return { kind: 'refused' };
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return { kind: 'not-found' };
    }
    // A symlink inside the directory must not lend out a file from elsewhere.
    if (!isInside(real, base)) return { kind: 'refused' };
    const info = await stat(real);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return { kind: 'not-found' };
    const body = await readFile(real);
    const contentType = contentTypeFor(real);
    return { kind: 'file', body, contentType, html: contentType.startsWith('text/html') };
  }

  return {
    async lookup(rawPathname) {
      const segments = pathSegments(rawPathname);
      if (segments === undefined) return { kind: 'refused' };
      const found = await readInside(segments.length === 0 ? ['index.html'] : segments);
      const last = segments.at(-1) ?? '';
      // Client-side routes (`/settings`) have no extension: they are the app's page.
      if (found.kind === 'not-found' && segments.length > 0 && !last.includes('.')) return readInside(['index.html']);
      return found;
    },
  };
}

/**
 * Decoded, validated path segments; `undefined` when the path is malformed or tries to
 * climb. Checked both before and after percent-decoding so `%2e%2e`, `%2f` and `%5c`
 * are caught as well as their literal forms.
 */
export function pathSegments(rawPathname: string): string[] | undefined {
  if (!rawPathname.startsWith('/') || rawPathname.includes('\\')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return undefined;
  }
  // `%` after decoding means double encoding (`%252e`); `\` and NUL never name a file here.
  if (/[\u0000-\u001f\u007f\\%]/u.test(decoded)) return undefined;
  const raw = rawPathname.slice(1).split('/');
  const segments = decoded.slice(1).split('/');
  // An encoded `/` changes the segment count: refuse instead of guessing.
  if (raw.length !== segments.length) return undefined;
  if (segments.length === 1 && segments[0] === '') return [];
  for (const segment of segments) {
    if (segment === '' || segment.startsWith('.')) return undefined;
  }
  return segments;
}

function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The page reads its token from this tag and sends it as `X-Relayproof-Token`. */
export function injectTokenMeta(html: string, token: string): string {
  const tag = `<meta name="relayproof-token" content="${token}">`;
  const at = html.search(/<\/head\s*>/iu);
  return at < 0 ? `${tag}${html}` : `${html.slice(0, at)}${tag}${html.slice(at)}`;
}
