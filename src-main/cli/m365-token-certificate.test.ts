/**
 * `relayproof m365 token --certificate-key-stdin --thumbprint X [--certificate FILE]`:
 * msal-node signs a client assertion with the key read from standard input and sends it to
 * a local HTTPS token endpoint on 127.0.0.1 (the loopback authority and its CA given the
 * way a workstation would: RELAYPROOF_M365_AUTHORITY and NODE_EXTRA_CA_CERTS). The test
 * verifies the assertion's signature with the certificate's public key.
 */
import { createPrivateKey, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../testing/cli-run';
import { createClientCertificate, startTokenEndpoint, type TokenEndpoint } from '../testing/m365-token-endpoint';
import { createTestPki, type TestPki } from '../testing/tls-certs';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CERT_APP = 'aaaaaaaa-0000-4000-8000-000000000006';

let dataDir: string;
let pki: TestPki;
let endpoint: TokenEndpoint;
let app: { privateKey: string; certificate: string };
let sha1: string;
let certFile: string;
const saved: Record<string, string | undefined> = {};
const outputs: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-m365-cert-'));
  pki = createTestPki();
  app = createClientCertificate();
  sha1 = new X509Certificate(app.certificate).fingerprint.replaceAll(':', '');
  certFile = join(dataDir, 'app.pem');
  writeFileSync(certFile, app.certificate, 'utf8');
  endpoint = await startTokenEndpoint({ tls: pki.leaf, tenants: [TENANT], clients: [{ clientId: CERT_APP, certificate: app.certificate }] });
  const caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, pki.ca, 'utf8');
  for (const [name, value] of [['RELAYPROOF_M365_AUTHORITY', endpoint.origin], ['NODE_EXTRA_CA_CERTS', caFile]] as const) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await endpoint.close();
  pki.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

async function token(args: string[], stdin?: string) {
  const run = await runCliCaptured(['m365', 'token', '--tenant', TENANT, '--client-id', CERT_APP, ...args], dataDir, stdin);
  outputs.push(run.stdout, run.stderr);
  return run;
}

describe('relayproof m365 token with a certificate', () => {
  it('signs a client assertion with the key from stdin (no client secret sent) and prints the claims', async () => {
    const before = endpoint.requests.length;
    const { code, stdout } = await token(['--certificate-key-stdin', '--thumbprint', sha1], app.privateKey);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^✓ Token usable for SMTP AUTH XOAUTH2 \(client-credentials\)/u);
    expect(stdout).toContain(`Credential: certificate (thumbprint ${sha1})`);
    const sent = endpoint.requests.slice(before);
    expect(sent.map((r) => r.status)).toEqual([200]);
    expect(sent[0]?.form).toMatchObject({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: '[present]' });
    expect(sent[0]?.form).not.toHaveProperty('client_secret');
    const [h = '', p = '', s = ''] = (endpoint.assertions.at(-1) ?? '').split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))).toMatchObject({ alg: 'RS256', x5t: Buffer.from(sha1, 'hex').toString('base64url') });
    expect(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey(app.certificate), Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('--certificate FILE is checked against the thumbprint and sent as x5c; --json names the credential', async () => {
    const { code, stdout } = await token(['--certificate-key-stdin', '--thumbprint', sha1.toLowerCase(), '--certificate', certFile, '--json'], app.privateKey);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, credential: 'certificate', outcome: { status: 'acquired' } });
    const header = JSON.parse(Buffer.from((endpoint.assertions.at(-1) ?? '').split('.')[0] ?? '', 'base64url').toString('utf8')) as { x5c?: string[] };
    expect(header.x5c).toEqual([new X509Certificate(app.certificate).raw.toString('base64')]);

    const mismatch = await token(['--certificate-key-stdin', '--thumbprint', 'A'.repeat(40), '--certificate', certFile], app.privateKey);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toContain(`The thumbprint does not belong to this certificate (its SHA-1 thumbprint is ${sha1}).`);
  });

  it('a key that is not a private key: a clear error, nothing sent', async () => {
    const before = endpoint.requests.length;
    const bad = await token(['--certificate-key-stdin', '--thumbprint', sha1], '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('The private key could not be read.');
    const cert = await token(['--certificate-key-stdin', '--thumbprint', sha1], app.certificate);
    expect(cert.stderr).toContain('That is a certificate, not its private key.');
    expect(endpoint.requests.length).toBe(before);
  });

  it('usage: the key only on stdin, a thumbprint required, not both credentials (exit 2)', async () => {
    expect((await token(['--certificate-key-stdin'], app.privateKey)).stderr).toContain('--certificate-key-stdin needs --thumbprint');
    const both = await token(['--certificate-key-stdin', '--client-secret-stdin', '--thumbprint', sha1], app.privateKey);
    expect(both.code).toBe(2);
    expect((await token(['--certificate-key', 'app.key', '--thumbprint', sha1])).code).toBe(2);
    const tty = await token(['--certificate-key-stdin', '--thumbprint', sha1]);
    expect(tty.code).toBe(2);
    expect(tty.stderr).toContain('reads the PEM private key from a pipe');
  });

  it('the key is in no output and no file the command wrote', () => {
    const der = createPrivateKey(app.privateKey).export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const lines = app.privateKey.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
    const files = (function walk(path: string): string[] {
      return readdirSync(path).flatMap((name) => (statSync(join(path, name)).isDirectory() ? walk(join(path, name)) : [join(path, name)]));
    })(dataDir).map((f) => readFileSync(f, 'utf8'));
    expect(outputs.length).toBeGreaterThan(10);
    for (const form of [app.privateKey.trim(), der.slice(100, 160), ...lines]) {
      for (const text of [...outputs, ...files]) expect(text).not.toContain(form);
    }
  });
});
