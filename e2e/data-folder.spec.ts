/**
 * The app and a script share one data folder: what a `relayproof` command
 * changes in another process appears in the open app without a reload (the main process
 * watches the folder and pushes 'store:changes'; the renderer refetches).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './fixtures/app';
import { repoRoot } from './fixtures/serve';
import { openView } from './fixtures/views';

const run = promisify(execFile);

test('an address imported by `relayproof address import` in another process appears in the open Addresses view', async ({ page, appSession }, testInfo) => {
  await openView(page, 'addresses');
  const row = page.getByRole('row').filter({ hasText: 'scripted@example.com' });
  await expect(row).toHaveCount(0);

  const file = testInfo.outputPath('addresses.json');
  const fields = { address: 'scripted@example.com', platform: 'generic', environment: 'production', provider: 'custom', host: 'smtp.example.com', port: 587, security: 'starttls', username: 'scripted@example.com', authKind: 'password' };
  await writeFile(file, JSON.stringify({ format: 'relayproof-addresses', version: 1, exportedAt: new Date().toISOString(), addresses: [fields] }));
  const imported = await run(process.execPath, [join(repoRoot, 'out', 'main', 'cli.js'), 'address', 'import', file, '--json'], { env: { ...process.env, RELAYPROOF_DATA_DIR: appSession.dataDir } });
  expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true });

  // No reload, no navigation, no focus change: only the pushed change can bring it.
  await expect(row).toBeVisible();
});
