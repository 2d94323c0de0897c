import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../services';
import { electronBinaryPath } from './doctor';
import { runCliCaptured, type CliRun } from '../testing/cli-run';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[], stdinText?: string): Promise<CliRun> {
  return runCliCaptured(args, dataDir, stdinText);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('relayproof CLI', () => {
  it('doctor --json describes this machine truthfully', async () => {
    const { code, stdout } = await cli(['doctor', '--json']);
    const report = JSON.parse(stdout) as { ok: boolean; checks: Array<{ id: string; status: string; detail: Record<string, unknown> }> };
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('node')?.detail.version).toBe(process.versions.node);
    expect(byId.get('electron')?.status).toBe(electronBinaryPath() === null ? 'warn' : 'pass');
    expect(byId.get('data-directory')?.detail.path).toBe(dataDir);
    const keychain = await createServices({ dataDirectory: dataDir, mode: 'cli' }).vault.state();
    expect(byId.get('keychain')?.detail.status).toBe(keychain.status);
    expect(code).toBe(report.ok ? 0 : 1);
    expect(report.ok).toBe(report.checks.every((c) => c.status !== 'fail'));
  });

  it('refuses a secret on the command line with exit 2 and says why', async () => {
    for (const arg of ['--password=hunter2', '--password', '--secret=x', '--token=abc', '--client-secret=s']) {
      const { code, stderr, stdout } = await cli(['addresses', 'set-secret', 'a-1', arg]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--password-stdin/u);
      expect(stderr + stdout).not.toContain('hunter2');
    }
  });

  it('unknown commands and bad options are usage errors (exit 2)', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['addresses', 'list', '--bogus'])).code).toBe(2);
    expect((await cli(['serve', '--port', 'seventy'])).code).toBe(2);
    expect((await cli(['addresses', 'set-secret', 'a-1'])).code).toBe(2);
  });

  it('addresses list --json on an empty store prints an empty list', async () => {
    const { code, stdout } = await cli(['addresses', 'list', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ ok: true, addresses: [], sesIdentities: [] });
  });

  it('set-secret reads the secret from stdin only, stores it, and never echoes it', async () => {
    const services = createServices({ dataDirectory: dataDir, mode: 'cli' });
    const keychain = await services.vault.state();
    const dispatcher = services.createDispatcher();
    const created = await dispatcher.dispatch('addresses:create', {
      fields: { address: 'support@example.test', platform: 'zendesk', environment: 'sandbox', provider: 'custom', host: 'smtp.example.test', port: 587, security: 'starttls', username: 'support@example.test', authKind: 'password' },
    });
    expect(created.ok).toBe(true);
    const id = created.ok ? (created.value as { id: string }).id : '';
    const secret = `S3cret-${Math.random().toString(36).slice(2)}`;

    const tty = await cli(['addresses', 'set-secret', id, '--password-stdin']);
    expect(tty.code).toBe(2);

    const result = await cli(['addresses', 'set-secret', id, '--password-stdin', '--json'], `${secret}\n`);
    if (keychain.status !== 'available') {
      console.warn(`keychain not available (${keychain.status}): only checking that set-secret refuses clearly`);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).error.code).toBe('keychain-unavailable');
    } else {
      expect(result.code).toBe(0);
      const listed = await cli(['addresses', 'list', '--json']);
      expect(JSON.parse(listed.stdout).addresses[0].secret.stored).toBe(true);
      expect(await services.vault.withSecret(id, 'smtp', async (s) => s === secret)).toEqual({ ok: true, value: true });
      await services.vault.delete(id, 'smtp');
    }
    expect(result.stdout + result.stderr).not.toContain(secret);
    for (const file of filesUnder(dataDir)) expect(readFileSync(file, 'utf8')).not.toContain(secret);
  });
});
