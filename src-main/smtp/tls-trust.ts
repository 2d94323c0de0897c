/**
 * What the engine trusts: the system roots, plus any extra CA certificates (a company
 * CA; the test CA in tests). Building a secure context parses every root certificate,
 * so it is built once per test or probe, not once per connection.
 */
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

export interface TlsTrust {
  /** The context for a handshake; undefined = Node's default (system roots, modern TLS only). */
  context(legacy: boolean): SecureContext | undefined;
}

export function createTlsTrust(extraCa: readonly string[] | undefined): TlsTrust {
  const ca = extraCa !== undefined && extraCa.length > 0 ? [...rootCertificates, ...extraCa] : undefined;
  const built = new Map<boolean, SecureContext>();
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
  };
}
