/**
 * `relayproof zendesk disconnect-script`: the generated bash script is run for real
 * (bash, curl, jq) against a local HTTP server on 127.0.0.1 standing in for Zendesk's
 * support-addresses API; hostile values are refused, never written into a script.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS_EXPORT_FORMAT } from '../../src-preload/contract/addresses';
import { generateDisconnectScript, type DisconnectRow } from '../../src-preload/contract/disconnect-script';
import { loadPlatforms, repositoryResourcesDir, type PlatformCatalog } from '../providers/platforms';
import { testAddressFields } from '../testing/address-fields';
import { runCliCaptured } from '../testing/cli-run';

const TOKEN = 'zd-api-token-5f3a9c';
const ADMIN = 'admin@acme.test';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

let dir: string;
let platforms: PlatformCatalog;
let server: Server;
let base: string;
const seen: Seen[] = [];

/** Zendesk's support addresses as the stand-in server lists them, over two pages. */
const PAGES = [
  [
    { id: 101, email: 'Support@Acme.test' },
    { id: 102, email: 'sales@acme.test' },
  ],
  [{ id: 103, email: 'billing@acme.test' }],
];

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += (chunk as Buffer).toString();
  return text;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-zendesk-'));
  const loaded = await loadPlatforms(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  platforms = loaded.platforms;
  server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
      const url = new URL(request.url ?? '/', base);
      response.setHeader('content-type', 'application/json');
      if (request.method === 'GET' && url.pathname === '/api/v2/recipient_addresses') {
        const second = url.searchParams.get('page[after]') === 'p2';
        const page = PAGES[second ? 1 : 0];
        response.end(JSON.stringify({ recipient_addresses: page, meta: { has_more: !second }, links: { next: second ? null : `${base}/api/v2/recipient_addresses?page%5Bafter%5D=p2` } }));
        return;
      }
      const item = /^\/api\/v2\/recipient_addresses\/(\d+)$/u.exec(url.pathname);
      if (item !== null && request.method === 'DELETE') {
        response.statusCode = 204;
        response.end();
        return;
      }
      if (item !== null && request.method === 'PUT') {
        response.end(JSON.stringify({ recipient_address: { id: Number(item[1]), ...(JSON.parse(body) as { recipient_address: object }).recipient_address } }));
        return;
      }
      response.statusCode = 404;
      response.end('{"error":"not found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function exportFile(name: string, rows: ReturnType<typeof testAddressFields>[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ format: ADDRESS_EXPORT_FORMAT, version: 1, exportedAt: '2026-12-06T20:00:00.000Z', addresses: rows }));
  return path;
}

const zendeskRow = (address: string, extra: Partial<ReturnType<typeof testAddressFields>> = {}) => testAddressFields({ address, platform: 'zendesk', platformSubdomain: 'acme', ...extra });

function runBash(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `script-${seen.length}-${Date.now()}.sh`);
  writeFileSync(file, script, { mode: 0o700 });
  return new Promise((resolve) => {
    execFile('bash', [file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('relayproof zendesk disconnect-script', () => {
  it('bash: looks each address up by email over every page, then removes them one at a time; the token comes from the environment only', async () => {
    const file = exportFile('export.json', [
      zendeskRow('support@acme.test'),
      zendeskRow('billing@acme.test'),
      zendeskRow('gone@acme.test'),
      testAddressFields({ address: 'invoices@acme.test', platform: 'zuora' }),
    ]);
    const cli = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash'], dir);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toMatch(/removes 3 Zendesk addresses/u);
    expect(cli.stderr).toMatch(/Left out: invoices@acme\.test \(not a Zendesk address \(zuora\)\)/u);
    const script = cli.stdout;
    expect(script).not.toContain(TOKEN);
    expect(script).toContain("base_url='https://acme.zendesk.com'");
    expect(script).toMatch(/low-traffic time/u);

    seen.length = 0;
    const run = await runBash(script, { ZENDESK_EMAIL: ADMIN, ZENDESK_API_TOKEN: TOKEN, ZENDESK_BASE_URL: base });
    expect(run.stderr).toContain('Not found in Zendesk: gone@acme.test (skipped)');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Removed support@acme.test (id 101)');
    expect(run.stdout).toContain('Removed billing@acme.test (id 103)');
    expect(run.stdout).toContain('Done: 3 addresses in the list, 1 not found.');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v2/recipient_addresses?page%5Bsize%5D=100',
      'GET /api/v2/recipient_addresses?page%5Bafter%5D=p2',
      'DELETE /api/v2/recipient_addresses/101',
      'DELETE /api/v2/recipient_addresses/103',
    ]);
    // Zendesk's API token sign-in: {email}/token:{token}, Basic.
    const basic = `Basic ${Buffer.from(`${ADMIN}/token:${TOKEN}`).toString('base64')}`;
    expect(seen.every((s) => s.authorization === basic)).toBe(true);
  }, 60_000);

  it('bash --action update: PUTs the new name and brand to each address found', async () => {
    const file = exportFile('export-update.json', [zendeskRow('sales@acme.test')]);
    const cli = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash', '--action', 'update', '--name', 'Sales old relay', '--brand-id', '360001234567'], dir);
    expect(cli.code).toBe(0);
    seen.length = 0;
    const run = await runBash(cli.stdout, { ZENDESK_EMAIL: ADMIN, ZENDESK_API_TOKEN: TOKEN, ZENDESK_BASE_URL: base });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Updated sales@acme.test (id 102)');
    const put = seen.find((s) => s.method === 'PUT');
    expect(put?.url).toBe('/api/v2/recipient_addresses/102');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({ recipient_address: { name: 'Sales old relay', brand_id: 360001234567 } });
  }, 60_000);

  it('the script refuses to send the token to a next page on another host', async () => {
    const file = exportFile('export-one.json', [zendeskRow('support@acme.test')]);
    const cli = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash'], dir);
    seen.length = 0;
    // The stand-in names its next page under http://127.0.0.1:port; reached as localhost, that is another host.
    const run = await runBash(cli.stdout, { ZENDESK_EMAIL: ADMIN, ZENDESK_API_TOKEN: TOKEN, ZENDESK_BASE_URL: base.replace('127.0.0.1', 'localhost') });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/next page on another host/u);
    expect(seen.map((s) => s.method)).toEqual(['GET']);
    expect(seen.filter((s) => s.method === 'DELETE')).toEqual([]);
  }, 60_000);

  it('without the sign-in in the environment the script stops before any call', async () => {
    const file = exportFile('export-env.json', [zendeskRow('support@acme.test')]);
    const cli = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash'], dir);
    seen.length = 0;
    const run = await runBash(cli.stdout, { ZENDESK_BASE_URL: base });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Set ZENDESK_EMAIL/u);
    expect(seen).toEqual([]);
  }, 60_000);

  it('powershell: the same lookup and one-at-a-time removal, the token read from $env', async () => {
    const file = exportFile('export-ps.json', [zendeskRow('support@acme.test')]);
    const cli = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'powershell'], dir);
    expect(cli.code).toBe(0);
    const script = cli.stdout;
    expect(script).toContain("$baseUrl = if ($env:ZENDESK_BASE_URL) { $env:ZENDESK_BASE_URL } else { 'https://acme.zendesk.com' }");
    expect(script).toContain('$env:ZENDESK_API_TOKEN');
    expect(script).toContain("Invoke-RestMethod -Method Get -Uri $next -Headers $headers");
    expect(script).toContain('Invoke-RestMethod -Method Delete -Uri ($baseUrl + "/api/v2/recipient_addresses/$id")');
    expect(script).toContain("  'support@acme.test'");
    expect(script).not.toContain(TOKEN);
  });

  it('refuses a name, brand id or subdomain that could break out of the script, saying why', async () => {
    const file = exportFile('export-hostile-options.json', [zendeskRow('support@acme.test')]);
    for (const [option, value] of [
      ['--name', "x'; rm -rf ~; '"],
      ['--name', 'x$(touch /tmp/owned)'],
      ['--name', 'x`id`'],
      ['--name', 'two\nlines'],
      ['--brand-id', '1;id'],
    ] as const) {
      const cli = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash', '--action', 'update', option, value], dir);
      expect(cli.code, `${option} ${value}`).not.toBe(0);
      expect(cli.stdout).toBe('');
      expect(cli.stderr).toMatch(/cannot go into a script|is not a Zendesk brand id/u);
    }
    const sub = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash', '--subdomain', "acme'$(id)"], dir);
    expect(sub.code).not.toBe(0);
    expect(sub.stderr).toMatch(/is not a subdomain/u);
  });

  it('hostile addresses in the rows are left out with the reason, never written into the script', () => {
    const zendesk = platforms.get('zendesk');
    if (zendesk?.addressApi === undefined) throw new Error('zendesk.json has no addressApi');
    const hostile = ["o'brien@acme.test", 'x$(touch /tmp/owned)@acme.test', 'x`id`@acme.test', 'a\nb@acme.test', 'a"b@acme.test'];
    const rows: DisconnectRow[] = [...hostile, 'ok@acme.test'].map((address) => ({ address, platform: 'zendesk', environment: 'production', platformSubdomain: 'acme' }));
    for (const shell of ['bash', 'powershell'] as const) {
      const generated = generateDisconnectScript({ shell, action: 'remove', rows, platform: { id: zendesk.id, shortName: zendesk.shortName, addressApi: zendesk.addressApi }, generatedAt: '2026-12-06T20:00:00.000Z' });
      if (!generated.ok) throw new Error(generated.message);
      expect(generated.value.addresses).toEqual(['ok@acme.test']);
      expect(generated.value.skipped.map((s) => s.address)).toEqual(hostile);
      for (const s of generated.value.skipped) expect(s.reason).toMatch(/contains/u);
      for (const bad of ["o'brien", 'touch', '`id`', 'a\nb', 'a"b']) expect(generated.value.script).not.toContain(bad);
    }
  });

  it('addresses of two Zendesk accounts need --subdomain: one script per account and token', async () => {
    const file = exportFile('export-two.json', [zendeskRow('support@acme.test'), zendeskRow('help@acme-sandbox.test', { platformSubdomain: 'acme1234', environment: 'sandbox' })]);
    const both = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash'], dir);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/in 2 Zendesk accounts \(acme, acme1234\)/u);
    const one = await runCliCaptured(['zendesk', 'disconnect-script', '--from-export', file, '--shell', 'bash', '--subdomain', 'acme1234', '--json'], dir);
    expect(one.code).toBe(0);
    const value = JSON.parse(one.stdout) as { addresses: string[]; skipped: { address: string; reason: string }[] };
    expect(value.addresses).toEqual(['help@acme-sandbox.test']);
    expect(value.skipped).toEqual([{ address: 'support@acme.test', reason: 'in the account acme, not acme1234' }]);
  });
});
