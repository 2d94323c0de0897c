import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { runCliCaptured, type CliRun } from '../testing/cli-run';

const USER = 'billing@example.test';
const SECRET = 'Zu0ra-form-secret';

let dataDir: string;
let pki: TestPki;
let starttls: SmtpPeer;
let implicit: SmtpPeer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-zuora-form-'));
  pki = createTestPki();
  starttls = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
  implicit = await startSmtpPeer({ security: 'tls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
});
afterAll(async () => {
  await Promise.all([starttls.close(), implicit.close()]);
  pki.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[], stdinText?: string): Promise<CliRun> {
  return runCliCaptured(args, dataDir, stdinText);
}

const test = (peer: SmtpPeer, security: 'starttls' | 'tls', ...extra: string[]) =>
  cli(['smtp', 'test', '--host', '127.0.0.1', '--port', String(peer.port), '--security', security, '--pin', pki.leaf.fingerprint256, '--user', USER, '--password-stdin', '--from', USER, ...extra], `${SECRET}\n`);

describe('smtp test --platform zuora: the External SMTP form after a pass', () => {
  it('STARTTLS: StartTLS true, the SocketFactory fields left empty, the switch, and the wrong choices with Zuora\'s errors', async () => {
    const { code, stdout } = await test(starttls, 'starttls', '--platform', 'zuora');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Zuora External SMTP form \(Platform > Events & Notifications/u);
    expect(stdout).toMatch(/SMTP Enable StartTLS +true/u);
    expect(stdout).toMatch(/SMTP SocketFactory Class +\(leave empty\)/u);
    expect(stdout).toMatch(new RegExp(`SMTP Port +${starttls.port}`, 'u'));
    expect(stdout).toContain('Deliver E-Mail Notifications Using dropdown list, select External SMTP Server');
    expect(stdout).toContain('"Authentication required"');
    expect(stdout).not.toContain('"Read timed out"');
    expect(stdout).not.toContain(SECRET);
  });

  it('implicit TLS: SSLSocketFactory on the same port, fallback false', async () => {
    const { code, stdout } = await test(implicit, 'tls', '--platform', 'zuora');
    expect(code).toBe(0);
    expect(stdout).toMatch(/SMTP SocketFactory Class +javax\.net\.ssl\.SSLSocketFactory/u);
    expect(stdout).toMatch(new RegExp(`SMTP SocketFactory Port +${implicit.port}`, 'u'));
    expect(stdout).toMatch(/SMTP SocketFactory Fallback +false/u);
    expect(stdout).toMatch(/SMTP Enable StartTLS +false/u);
    expect(stdout).toContain('"Read timed out"');
  });

  it('--json carries the form rows; the password row is a placeholder', async () => {
    const { stdout } = await test(starttls, 'starttls', '--platform', 'zuora', '--json');
    const json = JSON.parse(stdout) as { ok: boolean; platformForm: { rows: Array<{ field: string; value: string; kind: string }> } };
    expect(json.ok).toBe(true);
    const password = json.platformForm.rows.find((r) => r.field === 'Password');
    expect(password?.kind).toBe('secret');
    expect(stdout).not.toContain(SECRET);
  });

  it('no form after a failed test, and none without --platform or for a platform without one', async () => {
    const wrong = await cli(['smtp', 'test', '--host', '127.0.0.1', '--port', String(starttls.port), '--security', 'starttls', '--pin', pki.leaf.fingerprint256, '--user', USER, '--password-stdin', '--from', USER, '--platform', 'zuora'], 'wrong-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).not.toContain('External SMTP form');
    expect((await test(starttls, 'starttls')).stdout).not.toContain('External SMTP form');
    expect((await test(starttls, 'starttls', '--platform', 'zendesk')).stdout).not.toContain('SocketFactory');
  });

  it('an unknown --platform is a usage error before anything is tested', async () => {
    const { code, stderr } = await test(starttls, 'starttls', '--platform', 'zuoraa');
    expect(code).toBe(2);
    expect(stderr).toMatch(/"zuoraa" is not a platform Relayproof knows/u);
  });
});
