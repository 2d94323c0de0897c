/**
 * What the engine trusts: the system roots, plus any extra CA certificates (a company
 * CA; the test CA in tests). Building a secure context parses every root certificate,
 * so it is built once per test or probe, not once per connection.
 *
 * Trusted here is not trusted by the platform: Node's default store also holds the CAs of
 * NODE_EXTRA_CA_CERTS, and `extraCa` adds more, none of which a SaaS platform has. So
 * whether a verified chain is publicly trusted is decided apart, against Node's bundled
 * roots alone (`tls.rootCertificates`, the Mozilla CA list).
 */
import { X509Certificate } from 'node:crypto';
import { createSecureContext, rootCertificates, type PeerCertificate, type SecureContext } from 'node:tls';

export interface TlsTrust {
  /** The context for a handshake; undefined = Node's default (system roots, modern TLS only). */
  context(legacy: boolean): SecureContext | undefined;
  /**
   * Whether a chain that verified here ends at one of Node's bundled public roots: some
   * certificate of the chain is such a root, or is issued and signed by one.
   */
  publicRoot(peer: ChainLink): boolean;
}

/** A certificate as Node gives it, with the issuer chain it built (the root links to itself). */
export type ChainLink = Pick<PeerCertificate, 'raw'> & { readonly issuerCertificate?: ChainLink | undefined };

export function createTlsTrust(extraCa: readonly string[] | undefined, publicRootPems: readonly string[] = rootCertificates): TlsTrust {
  const ca = extraCa !== undefined && extraCa.length > 0 ? [...rootCertificates, ...extraCa] : undefined;
  const built = new Map<boolean, SecureContext>();
  let publicRoots: PublicRoots | undefined;
  return {
    context(legacy) {
      if (ca === undefined && !legacy) return undefined;
      let context = built.get(legacy);
      if (context === undefined) {
        // OpenSSL 3 needs security level 0 for TLS 1.0/1.1; used only to name a legacy server's version.
        context = createSecureContext({ ...(ca !== undefined ? { ca } : {}), ...(legacy ? { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' } : {}) });
        built.set(legacy, context);
      }
      return context;
    },
    publicRoot(peer) {
      publicRoots ??= indexRoots(publicRootPems);
      const roots = publicRoots;
      const seen = new Set<string>();
      for (let link: ChainLink | undefined = peer; link !== undefined; link = link.issuerCertificate) {
        const cert = new X509Certificate(link.raw);
        if (seen.has(cert.fingerprint256)) break;
        seen.add(cert.fingerprint256);
        // The same certificate as a root (the same DER is the same fingerprint) ...
        if (roots.der.has(link.raw.toString('base64'))) return true;
        // ... or issued and signed by one. Only the roots whose subject can be this
        // certificate's issuer are parsed: parsing all of Node's bundled roots cost about
        // 30 ms of every test that reached TLS.
        if (roots.candidates(link.raw).some((root) => cert.checkIssued(root) && cert.verify(root.publicKey))) return true;
      }
      return false;
    },
  };
}

interface PublicRoots {
  /** Each root's DER, base64. */
  readonly der: ReadonlySet<string>;
  /** The roots that may have issued this certificate (a superset of those OpenSSL's name match accepts), parsed. */
  candidates(certificate: Buffer): readonly X509Certificate[];
}

function indexRoots(pems: readonly string[]): PublicRoots {
  const ders = pems.map(pemBody);
  const parsed = new Map<number, X509Certificate>();
  const parse = (i: number) => {
    let cert = parsed.get(i);
    if (cert === undefined) {
      cert = new X509Certificate(ders[i] as Buffer);
      parsed.set(i, cert);
    }
    return cert;
  };
  const bySubject = new Map<string, number[]>();
  /** Roots whose subject could not be keyed: always candidates. */
  const unkeyed: number[] = [];
  ders.forEach((der, i) => {
    const subject = certificateName(der, 'subject');
    const key = subject === null ? null : nameKey(subject);
    if (key === null) unkeyed.push(i);
    else bySubject.set(key, [...(bySubject.get(key) ?? []), i]);
  });
  return {
    der: new Set(ders.map((der) => der.toString('base64'))),
    candidates(certificate) {
      const issuer = certificateName(certificate, 'issuer');
      const key = issuer === null ? null : nameKey(issuer);
      const indexes = key === null ? ders.map((_, i) => i) : [...(bySubject.get(key) ?? []), ...unkeyed];
      return indexes.map(parse);
    },
  };
}

/**
 * The DER of a PEM certificate: the base64 between its BEGIN and END lines (Node's decoder
 * skips the line breaks). Stripping the armour with a Unicode pattern over each of the
 * 144 bundled roots cost a few ms of every test that reached TLS.
 */
function pemBody(pem: string): Buffer {
  const begin = pem.indexOf('-----BEGIN');
  const bodyStart = begin === -1 ? -1 : pem.indexOf('\n', begin);
  const end = pem.indexOf('-----END', bodyStart);
  return bodyStart === -1 || end === -1 ? Buffer.from(pem.replace(/-----[^-]+-----|\s/gu, ''), 'base64') : Buffer.from(pem.slice(bodyStart + 1, end), 'base64');
}

/** One DER element: its tag and where its content starts and ends; null when it runs past the end. */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } | null {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) return null;
  let start = at + 2;
  if (length > 0x80) {
    const bytes = length - 0x80;
    if (bytes > 4) return null;
    length = 0;
    for (let i = 0; i < bytes; i += 1) length = length * 256 + (der[start + i] ?? NaN);
    start += bytes;
  } else if (length === 0x80) return null;
  const end = start + length;
  return Number.isNaN(end) || end > der.length ? null : { tag, start, end };
}

/** The content of an X.509 certificate's issuer or subject Name (RFC 5280 §4.1: its RDNs); null when the DER is not a certificate. */
export function certificateName(der: Buffer, which: 'issuer' | 'subject'): Buffer | null {
  const certificate = element(der, 0);
  const tbs = certificate !== null ? element(der, certificate.start) : null;
  if (tbs === null) return null;
  let at = tbs.start;
  const next = () => {
    const e = at < tbs.end ? element(der, at) : null;
    if (e !== null) at = e.end;
    return e;
  };
  if (der[at] === 0xa0) next(); // [0] version
  next(); // serialNumber
  next(); // signature algorithm
  const issuer = next();
  if (which === 'subject') next(); // validity
  const name = which === 'issuer' ? issuer : next();
  return name !== null && name.tag === 0x30 ? der.subarray(name.start, name.end) : null;
}

// The string types whose ASCII letters OpenSSL compares without case and without runs of
// white space (its canonical name encoding). Any other type (BMPString ...) leaves the name
// without a key, and so a candidate for everything.
const KEYED_STRINGS = new Set([0x0c /* UTF8String */, 0x13 /* PrintableString */, 0x14 /* T61String */, 0x16 /* IA5String */]);

/**
 * A key on which two names OpenSSL holds equal always agree: every attribute value's ASCII
 * bytes, lower case, with no white space (a looser match than OpenSSL's, never a stricter
 * one, so no issuing root is left out). Null when the name cannot be keyed.
 */
export function nameKey(rdns: Buffer): string | null {
  const values: string[] = [];
  for (let at = 0; at < rdns.length; ) {
    const rdn = element(rdns, at);
    if (rdn === null || rdn.tag !== 0x31) return null;
    for (let a = rdn.start; a < rdn.end; ) {
      const attribute = element(rdns, a);
      if (attribute === null || attribute.tag !== 0x30) return null;
      const type = element(rdns, attribute.start);
      const value = type !== null && type.end < attribute.end ? element(rdns, type.end) : null;
      if (value === null || !KEYED_STRINGS.has(value.tag)) return null;
      // Byte by byte, without a pattern per character: this runs over every bundled root's
      // subject on a test's first TLS verdict.
      const codes: number[] = [];
      for (let i = value.start; i < value.end; i += 1) {
        const byte = rdns[i] as number;
        if (byte < 0x80 && !isAsciiSpace(byte)) codes.push(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
      }
      values.push(String.fromCharCode(...codes));
      a = attribute.end;
    }
    at = rdn.end;
  }
  return values.sort().join('\u0000');
}

/** The ASCII characters JavaScript's `\s` matches: tab, line feed, vertical tab, form feed, carriage return, space. */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}
