/**
 * `relayproof smtp test --json` spawned as its own process on a workstation whose company
 * CA is installed for Node (NODE_EXTRA_CA_CERTS). The server's certificate verifies here
 * through that CA, so the test passes without a pin; a SaaS platform does not have the CA,
 * so the certificate is not publicly trusted and the platform is not ready.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';

const USER = 'support@example.test';
const SECRET = 'extra-Ca-Secret-6w2n';

let built: BuiltEntries;
let pki: TestPki;
let peer: SmtpPeer;
let dataDir: string;
let caFile: string;

beforeAll(async () => {
  built = await buildEntries({ cli: 'src-main/cli/cli.ts' });
  pki = createTestPki();
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-extra-ca-'));
  caFile = join(dataDir, 'company-ca.pem');
  writeFileSync(caFile, pki.ca, 'utf8');
  peer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
}, 120_000);

afterAll(async () => {
  await peer.close();
  pki.cleanup();
  built.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

function relayproof(args: readonly string[], env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [built.path('cli'), ...args], { env: { ...process.env, ...built.env, RELAYPROOF_DATA_DIR: dataDir, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

interface TestJson {
  readonly ok: boolean;
  readonly platformReady: boolean;
  readonly tls: { readonly verdict: string; readonly publicRoot?: boolean };
  readonly blockers: ReadonlyArray<{ readonly code: string; readonly message: string }>;
}

describe('relayproof smtp test with a CA from NODE_EXTRA_CA_CERTS', () => {
  it('passes without a pin, and says the certificate is not publicly trusted (certificate-not-public)', async () => {
    const args = ['smtp', 'test', '--host', '127.0.0.1', '--port', String(peer.port), '--security', 'starttls', '--user', USER, '--password-stdin', '--from', USER, '--json'];
    const run = await relayproof(args, { NODE_EXTRA_CA_CERTS: caFile }, `${SECRET}\n`);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as TestJson;
    expect(json.ok).toBe(true);
    expect(json.tls).toMatchObject({ verdict: 'trusted', publicRoot: false });
    expect(json.platformReady).toBe(false);
    expect(json.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
    expect(json.blockers[1]?.message).toContain('only through a certificate authority added here');
  });

  it('without the CA the same server is refused: the CA is what made it trusted here', async () => {
    const args = ['smtp', 'test', '--host', '127.0.0.1', '--port', String(peer.port), '--security', 'starttls', '--user', USER, '--password-stdin', '--from', USER, '--json'];
    const run = await relayproof(args, {}, `${SECRET}\n`);
    expect(run.code).toBe(1);
  });
});
