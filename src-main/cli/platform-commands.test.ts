import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryResourcesDir } from '../providers/platforms';
import { runCliCaptured, type CliRun } from '../testing/cli-run';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-platform-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]): Promise<CliRun> {
  return runCliCaptured(args, dataDir);
}

async function platformFile(id: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(repositoryResourcesDir(), 'platforms', `${id}.json`), 'utf8')) as Record<string, unknown>;
}

describe('relayproof platform show', () => {
  it.each(['zendesk', 'zuora', 'zuora-ses', 'clienttether', 'generic'])('%s: prints the platform with its sources, exit 0', async (id) => {
    const { code, stdout, stderr } = await cli(['platform', 'show', id]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const file = await platformFile(id);
    expect(stdout).toContain(`[${id}]`);
    expect(stdout).toContain(String(file.source));
    expect(stdout).toMatch(/Sending routes:/u);
  });

  it('zuora: the External SMTP form values per security mode, the delivery switch, the wrong choices and the limits of mailbox services', async () => {
    const { stdout } = await cli(['platform', 'show', 'zuora']);
    expect(stdout).toContain('SMTP SocketFactory Class: javax.net.ssl.SSLSocketFactory');
    expect(stdout).toContain('SMTP Enable StartTLS: true');
    expect(stdout).toContain('Deliver E-Mail Notifications Using');
    expect(stdout).toContain('"Read timed out"');
    expect(stdout).toMatch(/Microsoft 365 \(Exchange Online\): 10,000 recipients a day per mailbox, 30 messages a minute per mailbox \(source: https:\/\//u);
    expect(stdout).toContain('Events & Notifications');
  });

  it("zuora-ses: Zuora's four environments, with the ones that share verifications", async () => {
    const { stdout } = await cli(['platform', 'show', 'zuora-ses']);
    expect(stdout).toMatch(/^ {2}sandbox: API Sandbox \(shares verifications with Production\)/mu);
    expect(stdout).toMatch(/^ {2}developer-sandbox: Developer Sandbox \(shares verifications with Central Sandbox\)/mu);
  });

  it('clienttether: what Relayproof can and cannot test for each preset, and the DMARC record reached from p=none', async () => {
    const { stdout } = await cli(['platform', 'show', 'clienttether']);
    expect(stdout).toMatch(/Gmail \(you log in to the service inside ClientTether\)/u);
    expect(stdout).toMatch(/Only ClientTether's Test SMTP Send shows: ClientTether's own sign-in/u);
    expect(stdout).toContain('pic._domainkey');
    expect(stdout).toMatch(/reached in stages from p=none/u);
  });

  it('zendesk: its limits with their numbers and sources', async () => {
    const { stdout } = await cli(['platform', 'show', 'zendesk']);
    const file = (await platformFile('zendesk')) as { limits: Array<{ value: number; key: string }> };
    for (const limit of file.limits) expect(stdout).toContain(`[${limit.key}]`);
  });

  it('--json prints the data file as loaded, plus the sending limits the warning stands for', async () => {
    const { code, stdout } = await cli(['platform', 'show', 'zuora', '--json']);
    expect(code).toBe(0);
    const shown = JSON.parse(stdout) as { platform: { id: string; smtpForm: unknown; errorPhrases: unknown[] }; providerSendingLimits: Array<{ id: string }> };
    const file = (await platformFile('zuora')) as { smtpForm: unknown; errorPhrases: unknown[] };
    expect(shown.platform.id).toBe('zuora');
    expect(shown.platform.smtpForm).toEqual(file.smtpForm);
    expect(shown.platform.errorPhrases).toEqual(file.errorPhrases);
    expect(shown.providerSendingLimits.map((p) => p.id)).toContain('microsoft-365');
  });

  it('an unknown platform is a usage error naming the known ones', async () => {
    const { code, stderr } = await cli(['platform', 'show', 'zenddesk']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/"zenddesk" is not a platform Relayproof knows/u);
    expect(stderr).toContain('zendesk (');
  });

  it('without an id it prints the usage', async () => {
    const { code, stderr } = await cli(['platform', 'show']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/relayproof platform show zendesk\|zuora/u);
  });
});

describe('relayproof platform list', () => {
  it('one line per platform, in display order; --json too', async () => {
    const text = await cli(['platform', 'list']);
    expect(text.code).toBe(0);
    for (const id of ['zendesk', 'zuora', 'zuora-ses', 'clienttether', 'generic']) expect(text.stdout).toMatch(new RegExp(`^${id} `, 'mu'));
    const json = JSON.parse((await cli(['platform', 'list', '--json'])).stdout) as Array<{ id: string }>;
    expect(json.map((p) => p.id)).toContain('zuora-ses');
  });
});

describe('help and completion know the command', () => {
  it('platform --help lists show and list', async () => {
    const { code, stdout } = await cli(['platform', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/show/u);
    expect(stdout).toMatch(/list/u);
  });

  it('the bash completion offers the platform ids after platform show', async () => {
    const { stdout } = await cli(['completion', 'bash']);
    expect(stdout).toMatch(/platform/u);
    expect(stdout).toMatch(/zuora-ses/u);
  });
});
