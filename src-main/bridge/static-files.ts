/**
 * Read-only view of the built renderer directory for browser mode. A request path maps
 * to a file only when every segment is a plain name: no `..`, no dot-files, no encoded
 * separators or NUL, and the real path (after symlinks) stays inside the directory.
 *
 * The build writes `name.br` and `name.gz` next to each compressible asset
 * (src-main/dev/precompress.ts); a lookup hands out the variant the client accepts, so
 * no byte is compressed per request.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

/** A content coding the build precompresses to, in the order the server prefers them. */
export type ContentCoding = 'br' | 'gzip';

export type StaticLookup =
  | {
      readonly kind: 'file';
      readonly body: Buffer;
      readonly contentType: string;
      readonly html: boolean;
      /** The coding `body` is in; null = the file as built. */
      readonly encoding: ContentCoding | null;
      /** Whether another Accept-Encoding could get other bytes for this path (a `Vary` reason). */
      readonly negotiated: boolean;
      /** Named by its content hash: its bytes never change under this name. */
      readonly immutable: boolean;
    }
  | { readonly kind: 'not-found' }
  /** The path tries to leave the directory or is malformed: answered like any hostile request. */
  | { readonly kind: 'refused' };

export interface StaticFiles {
  /** `acceptEncoding`: the request's `Accept-Encoding` header, if any. */
  lookup(rawPathname: string, acceptEncoding?: string): Promise<StaticLookup>;
}

/** Where the build's variants live: `app.js` → `app.js.br` / `app.js.gz`. */
export const CODING_SUFFIX: Readonly<Record<ContentCoding, string>> = { br: '.br', gzip: '.gz' };
const CODINGS_BY_PREFERENCE: readonly ContentCoding[] = ['br', 'gzip'];

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

  type Read = { readonly kind: 'file'; readonly path: string; readonly body: Buffer } | { readonly kind: 'not-found' } | { readonly kind: 'refused' };

  async function readInside(segments: readonly string[]): Promise<Read> {
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
    return { kind: 'file', path: real, body: await readFile(real) };
  }

  async function serve(segments: readonly string[], acceptEncoding: string | undefined): Promise<StaticLookup> {
    const found = await readInside(segments);
    if (found.kind !== 'file') return found;
    const contentType = contentTypeFor(found.path);
    const html = contentType.startsWith('text/html');
    const immutable = isHashedAsset(segments);
    // The page is edited per request (the token meta) and is tiny: always sent as built.
    if (html) return { kind: 'file', body: found.body, contentType, html, encoding: null, negotiated: false, immutable };
    const name = segments.at(-1) ?? '';
    for (const coding of acceptedCodings(acceptEncoding)) {
      // The variant goes through the same checks as the file (inside the folder, a plain file).
      const variant = await readInside([...segments.slice(0, -1), name + CODING_SUFFIX[coding]]);
      if (variant.kind === 'file') return { kind: 'file', body: variant.body, contentType, html, encoding: coding, negotiated: true, immutable };
    }
    return { kind: 'file', body: found.body, contentType, html, encoding: null, negotiated: true, immutable };
  }

  return {
    async lookup(rawPathname, acceptEncoding) {
      const segments = pathSegments(rawPathname);
      if (segments === undefined) return { kind: 'refused' };
      const found = await serve(segments.length === 0 ? ['index.html'] : segments, acceptEncoding);
      const last = segments.at(-1) ?? '';
      // Client-side routes (`/settings`) have no extension: they are the app's page.
      if (found.kind === 'not-found' && segments.length > 0 && !last.includes('.')) return serve(['index.html'], acceptEncoding);
      return found;
    },
  };
}

/**
 * The precompressed codings the client accepts, best first (RFC 9110 §12.5.3): a coding
 * is acceptable when named, or covered by `*`, with a q-value above 0. The server's own
 * preference (br, then gzip) decides between acceptable ones: both are lossless, and
 * br is smaller.
 */
export function acceptedCodings(acceptEncoding: string | undefined): ContentCoding[] {
  if (acceptEncoding === undefined) return [];
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [rawName = '', ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    if (name === '') continue;
    let q = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=').map((t) => t.trim());
      if (key.toLowerCase() !== 'q') continue;
      // A weight we cannot read does not count as consent to that coding.
      q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/u.test(value) ? Number(value) : 0;
    }
    weights.set(name, q);
  }
  const wildcard = weights.get('*');
  return CODINGS_BY_PREFERENCE.filter((coding) => (weights.get(coding) ?? wildcard ?? 0) > 0);
}

/**
 * Vite names what it emits into `assets/` after the content's hash (`index-DqWJm6QD.js`):
 * a new build gives changed content a new name, so such a file may be cached for good.
 * Anything else (index.html above all) must be revalidated, or a browser would keep an
 * old page that points at assets a newer build no longer has.
 */
export function isHashedAsset(segments: readonly string[]): boolean {
  return segments.length === 2 && segments[0] === 'assets' && /^[A-Za-z0-9_.-]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/u.test(segments[1] ?? '');
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
