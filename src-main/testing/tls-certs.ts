/**
 * A throwaway PKI for SMTP tests, made with the openssl CLI in a temp directory: a test
 * CA, a leaf it signed, a self-signed leaf, an expired leaf and a leaf for another name.
 * Tests trust the CA by passing it as the engine's `ca` — never by turning verification off.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_MAIL_HOST = 'mail.relayproof.test';
/** An IDN host (`bücher.example`) in the A-label form certificates carry (RFC 6125 §6.4.2). */
export const TEST_IDN_HOST = 'xn--bcher-kva.example';

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 fingerprint, `AB:CD:...` as Node shows it. */
  readonly fingerprint256: string;
}

export interface TestPki {
  /** The test CA certificate (PEM), to pass as the engine's `ca`. */
  readonly ca: string;
  /** For TEST_MAIL_HOST, localhost and 127.0.0.1, signed by the CA. */
  readonly leaf: KeyPair;
  readonly selfSigned: KeyPair;
  readonly expired: KeyPair;
  /** Signed by the CA, but only for other.example.org. */
  readonly wrongHost: KeyPair;
  /** Signed by the CA for TEST_IDN_HOST only. */
  readonly idn: KeyPair;
  cleanup(): void;
}

const NAMES = `subjectAltName=DNS:${TEST_MAIL_HOST},DNS:localhost,IP:127.0.0.1`;
// EC keys: generated in milliseconds, and fine for TLS 1.0 to 1.3.
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-pki-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const pair = (name: string): KeyPair => {
    const cert = readFileSync(file(`${name}.pem`), 'utf8');
    return { key: readFileSync(file(`${name}.key`), 'utf8'), cert, fingerprint256: new X509Certificate(cert).fingerprint256 };
  };
  const signed = (name: string, cn: string, names: string, days: string) => {
    openssl('req', ...EC, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(file(`${name}.ext`), `${names}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    // `-days -1` makes notAfter a day before notBefore: an expired certificate.
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.pem`), '-days', days, '-extfile', file(`${name}.ext`));
    return pair(name);
  };
  try {
    openssl('req', '-x509', ...EC, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '90', '-subj', '/CN=Relayproof Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const leaf = signed('leaf', TEST_MAIL_HOST, NAMES, '90');
    const expired = signed('expired', TEST_MAIL_HOST, NAMES, '-1');
    const wrongHost = signed('wrong-host', 'other.example.org', 'subjectAltName=DNS:other.example.org', '90');
    const idn = signed('idn', TEST_IDN_HOST, `subjectAltName=DNS:${TEST_IDN_HOST}`, '90');
    openssl('req', '-x509', ...EC, '-keyout', file('self.key'), '-out', file('self.pem'), '-days', '90', '-subj', `/CN=${TEST_MAIL_HOST}`, '-addext', NAMES);
    return {
      ca: readFileSync(file('ca.pem'), 'utf8'),
      leaf,
      selfSigned: pair('self'),
      expired,
      wrongHost,
      idn,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
