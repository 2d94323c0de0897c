import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { runCliCaptured, type CliRun } from '../testing/cli-run';

const USER = 'support@example.test';
const SECRET = 'Tr0ub4dor&3-cli';

let dataDir: string;
let pki: TestPki;
let peer: SmtpPeer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-smtp-'));
  pki = createTestPki();
  peer = await startSmtpPeer({
    security: 'starttls',
    certificate: pki.leaf,
    account: { username: USER, secret: SECRET },
    rejectMailFrom: (from) => (from === 'ceo@example.test' ? { code: 553, message: '5.7.1 <ceo@example.test>: Sender address rejected: not owned by user support@example.test' } : null),
  });
});
afterAll(async () => {
  await peer.close();
  pki.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[], stdinText?: string): Promise<CliRun> {
  return runCliCaptured(args, dataDir, stdinText);
}

// The test server's certificate comes from a private CA: the admin pins it, as with any
// private-CA relay.
const base = () => ['smtp', 'test', '--host', '127.0.0.1', '--port', String(peer.port), '--security', 'starttls', '--pin', pki.leaf.fingerprint256, '--user', USER, '--password-stdin'];

describe('relayproof smtp test', () => {
  it('a failed test with --platform zendesk names Zendesk\'s status page; a passed one and another platform do not', async () => {
    const failed = await cli([...base(), '--from', 'ceo@example.test', '--platform', 'zendesk'], `${SECRET}\n`);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Zendesk status page: https://status.zendesk.com');
    const generic = await cli([...base(), '--from', 'ceo@example.test', '--platform', 'generic'], `${SECRET}\n`);
    expect(generic.stdout).not.toContain('status page');
    const passed = await cli([...base(), '--from', USER, '--platform', 'zendesk'], `${SECRET}\n`);
    expect(passed.code).toBe(0);
    expect(passed.stdout).not.toContain('status page');
  });

  it('passes every phase with the right password and prints the issue\'s JSON shape, never the secret', async () => {
    const { code, stdout, stderr } = await cli([...base(), '--from', USER, '--json', '--transcript'], `${SECRET}\n`);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { ok: boolean; phases: Array<{ name: string; outcome: string; ms: number | null; detail: string }>; auth: { accepted: boolean }; sendAs: unknown; diagnosis: unknown; transcript: string };
    expect(json.ok).toBe(true);
    expect(json.phases.find((p) => p.name === 'auth')?.outcome).toBe('pass');
    expect(json.auth.accepted).toBe(true);
    expect(json.diagnosis).toBeNull();
    expect(json.transcript).toMatch(/AUTH/u);
    for (const form of [SECRET, Buffer.from(SECRET).toString('base64'), Buffer.from(`\0${USER}\0${SECRET}`).toString('base64')]) {
      expect(stdout + stderr).not.toContain(form);
    }
  });

  it('--json adds platformReady and blockers: a pass on a loopback host with a pinned certificate is not platform ready, and still exits 0', async () => {
    const { code, stdout } = await cli([...base(), '--from', USER, '--json'], `${SECRET}\n`);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { ok: boolean; platformReady: boolean; blockers: Array<{ code: string; message: string; fix: string }> };
    expect(json.ok).toBe(true);
    expect(json.platformReady).toBe(false);
    expect(json.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
    expect(json.blockers.every((b) => b.message !== '' && b.fix !== '')).toBe(true);
  });

  it('the human output prints the blockers first, before "Passed"', async () => {
    const { code, stdout } = await cli([...base(), '--from', USER], `${SECRET}\n`);
    expect(code).toBe(0);
    expect(stdout.startsWith('Not ready for the platform: 2 blockers\n1. The platform connects to the server from the internet, and 127.0.0.1 is a loopback address')).toBe(true);
    expect(stdout.indexOf('(certificate-not-public)')).toBeLessThan(stdout.indexOf('✓ auth'));
    expect(stdout).toMatch(/Passed in \d+ ms here, but not ready for the platform/u);
  });

  it('a wrong password fails with exit 1 and a diagnosis naming the credential to check', async () => {
    const { code, stdout } = await cli([...base(), '--from', USER], 'wrong-password\n');
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ auth/u);
    expect(stdout).toMatch(/password|credential/iu);
  });

  it('a From address the account may not use is caught at send-as', async () => {
    const { code, stdout } = await cli([...base(), '--from', 'ceo@example.test', '--json'], `${SECRET}\n`);
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as { phases: Array<{ name: string; outcome: string }>; diagnosis: { code: string } | null };
    expect(json.phases.find((p) => p.name === 'send-as')?.outcome).toBe('fail');
    expect(json.diagnosis).not.toBeNull();
  });

  it('refuses a password argument, a missing --password-stdin and CR/LF in the host (exit 2)', async () => {
    expect((await cli(['smtp', 'test', '--host', '127.0.0.1', '--port', '25', '--security', 'starttls', '--user', USER])).code).toBe(2);
    expect((await cli(['smtp', 'test', '--host', '127.0.0.1', '--port', '25', '--security', 'starttls', '--user', USER, '--password=x'])).code).toBe(2);
    const injected = await cli(['smtp', 'test', '--host', '127.0.0.1\r\nRSET', '--port', String(peer.port), '--security', 'starttls', '--from', USER]);
    expect(injected.code).toBe(2);
    expect((await cli(['smtp', 'test', '--host', '127.0.0.1'])).code).toBe(2);
  });
});

describe('relayproof smtp probe', () => {
  it('sees STARTTLS on the given port, refuses to go on over a certificate it cannot trust, and says which mode is wrong', async () => {
    const { code, stdout } = await cli(['smtp', 'probe', '127.0.0.1', '--port', String(peer.port), '--json']);
    const report = JSON.parse(stdout) as { results: Array<{ port: number; mode: string; status: string; tls: { trusted: boolean } | null }>; recommendation: { text: string } | null };
    const starttls = report.results.find((r) => r.mode === 'starttls');
    const implicit = report.results.find((r) => r.mode === 'tls');
    expect(starttls).toMatchObject({ port: peer.port, status: 'untrusted-cert', tls: { trusted: false } });
    expect(implicit?.status).toBe('wrong-mode');
    expect(report.recommendation?.text).toMatch(/certificate is not trusted/u);
    expect(code).toBe(1);
  });
});

describe('relayproof explain', () => {
  it("explains Zuora's \"Could not convert socket to TLS\"", async () => {
    const { code, stdout } = await cli(['explain', 'Could not convert socket to TLS', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { diagnoses: Array<{ kind: string; title: string; steps: string[] }> };
    expect(result.diagnoses[0]?.kind).toBe('catalogue');
    expect(result.diagnoses[0]?.steps.length).toBeGreaterThan(0);
  });

  it('reads an unknown reply by its RFC 3463 class and subject', async () => {
    const { stdout } = await cli(['explain', '550 5.1.1 something nobody has catalogued', '--json']);
    const result = JSON.parse(stdout) as { enhanced: string; diagnoses: Array<{ kind: string }> };
    expect(result.enhanced).toBe('5.1.1');
    expect(result.diagnoses.length).toBeGreaterThan(0);
  });

  it('needs some text (exit 2)', async () => {
    expect((await cli(['explain'])).code).toBe(2);
  });
});
