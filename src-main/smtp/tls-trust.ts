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

export function createTlsTrust(extraCa: readonly string[] | undefined): TlsTrust {
  const ca = extraCa !== undefined && extraCa.length > 0 ? [...rootCertificates, ...extraCa] : undefined;
  const built = new Map<boolean, SecureContext>();
  let publicRoots: readonly X509Certificate[] | undefined;
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
      publicRoots ??= rootCertificates.map((pem) => new X509Certificate(pem));
      const roots = publicRoots;
      const seen = new Set<string>();
      for (let link: ChainLink | undefined = peer; link !== undefined; link = link.issuerCertificate) {
        const cert = new X509Certificate(link.raw);
        if (seen.has(cert.fingerprint256)) break;
        seen.add(cert.fingerprint256);
        if (roots.some((root) => root.fingerprint256 === cert.fingerprint256 || (cert.checkIssued(root) && cert.verify(root.publicKey)))) return true;
      }
      return false;
    },
  };
}
