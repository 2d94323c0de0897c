/**
 * `relayproof serve` opening the browser the way it does on a desktop: the built CLI
 * runs `xdg-open` (here a stand-in on PATH that records its argv, which any local user
 * could read), and Debian's Chromium opens what it was given. The argv must hold nothing
 * redeemable, and the launch file it names must still get the admin into the app.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures/app';
import { repoRoot } from './fixtures/serve';

test('serve opens the browser through a launch file: the opener gets only its path, and the page opens with its key', async ({ launchChromium }, testInfo) => {
  test.info().skip(testInfo.project.name !== 'browser', 'browser mode only: the Electron app opens no browser');
  const work = await mkdtemp(join(tmpdir(), 'relayproof-e2e-launch-'));
  const bin = join(work, 'bin');
  const record = join(work, 'xdg-open.argv');
  await mkdir(bin);
  await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nfor arg in "$0" "$@"; do printf '%s\\n' "$arg"; done > '${record}.tmp' && mv '${record}.tmp' '${record}'\n`);
  await chmod(join(bin, 'xdg-open'), 0o755);

  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'XDG_RUNTIME_DIR') env[name] = value;
  Object.assign(env, { PATH: `${bin}:${process.env['PATH'] ?? ''}`, DISPLAY: ':99', RELAYPROOF_DATA_DIR: join(work, 'data'), TMPDIR: work });
  const child = spawn(process.execPath, [join(repoRoot, 'out', 'main', 'cli.js'), 'serve', '--port', '0', '--json'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited early (${String(code)})`)));
    });
    const info = JSON.parse(line) as { url: string; port: number; token: string };

    await expect.poll(() => existsSync(record), { timeout: 10_000 }).toBe(true);
    const argv = (await readFile(record, 'utf8')).trimEnd().split('\n');
    expect(argv).toHaveLength(2);
    const target = argv[1] ?? '';
    expect(target).toMatch(/^file:\/\/\/.*relayproof-open-[0-9a-f]{32}\.html$/u);
    for (const arg of argv) {
      expect(arg).not.toMatch(/[0-9a-f]{64}/u);
      expect(arg).not.toContain(info.token);
    }

    const browser = await launchChromium();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(target);
      await page.waitForURL(`http://127.0.0.1:${info.port}/**`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Addresses');
      // The code left the address bar; the page holds the key and its calls work.
      expect(new URL(page.url()).search).toBe('');
      await expect(page.getByText('Open the link printed by `relayproof serve`')).toHaveCount(0);
      // Used once, the file is gone, and the same file cannot be opened again.
      await expect.poll(() => existsSync(fileURLToPath(target)), { timeout: 10_000 }).toBe(false);
    } finally {
      await context.close();
    }
  } finally {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(work, { recursive: true, force: true });
  }
});
