import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { test } from '@playwright/test';
import { startChecklistDns, HEALTHY, BROKEN, HEALTHY_SELECTOR, MISSING_SELECTOR, HEALTHY_IP } from './fixtures/dns-zones';
test('probe', async () => {
  const dns = await startChecklistDns();
  const run = (args: string[]) => new Promise<string>((resolve) => execFile('node', ['out/main/cli.js', ...args, '--dns-server', dns.address, '--json'], { encoding: 'utf8' }, (_e, out) => resolve(out)));
  writeFileSync('/tmp/probe/healthy.json', await run(['check', HEALTHY, '--selector', HEALTHY_SELECTOR, '--ip', HEALTHY_IP]));
  writeFileSync('/tmp/probe/broken.json', await run(['check', BROKEN, '--selector', MISSING_SELECTOR]));
  await dns.close();
});
