import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../testing/tls-certs';
import { createTlsTrust } from './tls-trust';

const pki = createTestPki();
afterAll(() => pki.cleanup());
const der = (pem: string) => new X509Certificate(pem).raw;

describe('public roots', () => {
  it("a chain that reaches one of Node's bundled roots is public", () => {
    const root = rootCertificates[0];
    if (root === undefined) throw new Error('Node has no bundled roots');
    const link = { raw: der(root) };
    expect(createTlsTrust(undefined).publicRoot({ raw: der(root), issuerCertificate: link })).toBe(true);
  });

  it('a chain that ends at a private CA is not public, even when that CA is given as an extra CA', () => {
    const ca = { raw: der(pki.ca) };
    const chain = { raw: der(pki.leaf.cert), issuerCertificate: { ...ca, issuerCertificate: ca } };
    expect(createTlsTrust([pki.ca]).publicRoot(chain)).toBe(false);
    expect(createTlsTrust(undefined).publicRoot({ raw: der(pki.selfSigned.cert) })).toBe(false);
  });
});
