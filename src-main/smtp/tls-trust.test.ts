import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../testing/tls-certs';
import { certificateName, createTlsTrust, nameKey } from './tls-trust';

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

describe('public roots without parsing every bundled root', () => {
  const leafOnly = () => ({ raw: der(pki.leaf.cert) });

  it('a certificate issued by a public root is public although the chain Node built stops before the root', () => {
    expect(createTlsTrust(undefined, [...rootCertificates, pki.ca]).publicRoot(leafOnly())).toBe(true);
    expect(createTlsTrust(undefined, [pki.ca, ...rootCertificates]).publicRoot(leafOnly())).toBe(true);
    expect(createTlsTrust(undefined, rootCertificates).publicRoot(leafOnly())).toBe(false);
  });

  it("names OpenSSL holds equal get one key: another string type, another case, other white space", () => {
    // Name ::= SEQUENCE OF SET OF SEQUENCE { OID 2.5.4.3 (CN), value }; the content of the outer SEQUENCE.
    const cn = (tag: number, text: string) => {
      const value = Buffer.concat([Buffer.from([tag, text.length]), Buffer.from(text, 'latin1')]);
      const atv = Buffer.concat([Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]), value]);
      const seq = Buffer.concat([Buffer.from([0x30, atv.length]), atv]);
      return Buffer.concat([Buffer.from([0x31, seq.length]), seq]);
    };
    const key = nameKey(cn(0x13, 'Test Root CA'));
    expect(key).not.toBeNull();
    expect(nameKey(cn(0x0c, 'test  root\tca '))).toBe(key);
    expect(nameKey(cn(0x0c, 'Test Root CB'))).not.toBe(key);
    // A BMPString has no key: such a name is a candidate for every certificate.
    expect(nameKey(cn(0x1e, '\u0000T'))).toBeNull();
  });

  it("on Node's bundled roots the key never parts two certificates OpenSSL matches as issuer and issued", () => {
    const roots = rootCertificates.map((pem) => new X509Certificate(pem));
    const keys = roots.map((root) => ({ issuer: nameKey(certificateName(root.raw, 'issuer') ?? Buffer.alloc(1)), subject: nameKey(certificateName(root.raw, 'subject') ?? Buffer.alloc(1)) }));
    // Nearly every root is keyed (an unkeyed one is parsed for every chain, which is safe but slow).
    expect(keys.filter((k) => k.subject === null).length).toBeLessThan(roots.length / 10);
    roots.forEach((cert, i) =>
      roots.forEach((issuer, j) => {
        const [ci, ij] = [keys[i], keys[j]];
        if (ci?.issuer != null && ij?.subject != null && cert.checkIssued(issuer)) expect(ci.issuer, `${cert.subject} by ${issuer.subject}`).toBe(ij.subject);
      }),
    );
  });
});
