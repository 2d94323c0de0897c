import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERIC_PLATFORM_ID } from '../../src-preload/contract/platform-vocabulary';
import { loadReplyCatalogue } from '../analyze/reply-catalogue';
import { analyzeKey, parseTagList } from '../checks/dkim-record';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { expectedDkimTarget, loadPlatforms, matchErrorPhrase, repositoryResourcesDir } from './platforms';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the repository's resources/ to change. */
function resourcesCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-platforms-'));
  dirs.push(dir);
  cpSync(repositoryResourcesDir(), join(dir, 'resources'), { recursive: true });
  return join(dir, 'resources');
}

describe('platform data', () => {
  it('loads every file of resources/platforms in display order, each with a source, a checked date and its names', async () => {
    const loaded = await loadPlatforms(repositoryResourcesDir());
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    expect([...loaded.platforms.keys()]).toEqual(['zendesk', 'zuora', 'zuora-ses', 'clienttether', 'generic']);
    for (const platform of loaded.platforms.values()) {
      expect(platform.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
      expect(platform.source).toMatch(/^(seeds\/|https:\/\/)/u);
      expect(platform.label.length).toBeGreaterThan(0);
      expect(platform.shortName.length).toBeGreaterThan(0);
    }
    expect(loaded.platforms.get('zendesk')).toMatchObject({ name: 'Zendesk (Authenticated SMTP Connector)', label: 'Zendesk', shortName: 'Zendesk' });
    expect(loaded.platforms.get(GENERIC_PLATFORM_ID)).toMatchObject({ label: 'Other platform', shortName: 'the platform' });
  });

  it("a DNS window cites where it comes from: Zendesk's connector seed states none (the 72 hours are Zuora's)", async () => {
    const loaded = await loadPlatforms(repositoryResourcesDir());
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const zendesk = loaded.platforms.get('zendesk')?.propagation;
    expect(zendesk?.source).not.toMatch(/^seeds\/zendesk/u);
    expect(zendesk?.note).toContain('Zendesk gives no DNS window');
    expect(zendesk?.maxHours).toBe(48);
    expect(loaded.platforms.get('zuora-ses')?.propagation).toMatchObject({ maxHours: 72, source: 'seeds/zuora-external-and-advanced-smtp.txt' });
  });

  it('names in the reply catalogue only platforms that are installed', async () => {
    const [platforms, replies] = await Promise.all([loadPlatforms(repositoryResourcesDir()), loadReplyCatalogue(repositoryResourcesDir())]);
    if (!platforms.ok || !replies.ok) throw new Error('resources do not load');
    const named = new Set(replies.catalogue.entries.flatMap((e) => e.entry.saasShows.map((s) => s.platform)));
    expect(named.size).toBeGreaterThan(0);
    for (const id of named) expect(platforms.platforms.has(id), id).toBe(true);
  });

  it('takes a new platform from a new JSON file alone: listed, named and accepted for an address', async () => {
    const resources = resourcesCopy();
    const generic = JSON.parse(readFileSync(join(resources, 'platforms', 'generic.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(resources, 'platforms', 'acme-desk.json'),
      JSON.stringify({ ...generic, id: 'acme-desk', name: 'Acme Desk (SMTP relay)', label: 'Acme Desk', shortName: 'Acme Desk', order: 4 }),
    );
    const loaded = await loadPlatforms(resources);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    expect([...loaded.platforms.keys()]).toEqual(['zendesk', 'zuora', 'zuora-ses', 'acme-desk', 'clienttether', 'generic']);

    const dir = mkdtempSync(join(tmpdir(), 'relayproof-platforms-data-'));
    dirs.push(dir);
    const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, validateOutput: true, resourcesDir: resources });
    const dispatcher = services.createDispatcher();
    const listed = await dispatcher.dispatch('platforms:list', {});
    expect(listed.ok && (listed.value as Array<{ id: string; label: string }>).map((p) => p.label)).toContain('Acme Desk');
    const accepted = await dispatcher.dispatch('addresses:check-new', { address: 'support@example.com', platform: 'acme-desk', environment: 'production' });
    expect(accepted).toMatchObject({ ok: true, value: { errors: [] } });
    const refused = await dispatcher.dispatch('addresses:check-new', { address: 'support@example.com', platform: 'freshdesk', environment: 'production' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/^"freshdesk" is not a platform Relayproof knows\. Choose one of: zendesk \(Zendesk\), .*acme-desk \(Acme Desk\), .*generic \(Other platform\)\.$/u) } });
    const checklist = await dispatcher.dispatch('checks:run-checklist', { operationId: 'op_unknown_platform', domain: 'example.com', platform: 'freshdesk' });
    expect(checklist).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('"freshdesk" is not a platform Relayproof knows') } });
  });

  it('refuses a platform data folder without the generic platform, and a file whose id is not its name', async () => {
    const withoutGeneric = resourcesCopy();
    rmSync(join(withoutGeneric, 'platforms', 'generic.json'));
    const missing = await loadPlatforms(withoutGeneric);
    expect(missing).toEqual({ ok: false, problems: [`${join(withoutGeneric, 'platforms', 'generic.json')}: missing (the platform used when none is named)`] });

    const renamed = resourcesCopy();
    cpSync(join(renamed, 'platforms', 'zuora.json'), join(renamed, 'platforms', 'zuora-two.json'));
    const mismatch = await loadPlatforms(renamed);
    expect(mismatch).toEqual({ ok: false, problems: [`${join(renamed, 'platforms', 'zuora-two.json')}: id is "zuora", expected "zuora-two" (the file name)`] });
  });

  it('carries the facts the checks rely on', async () => {
    const loaded = await loadPlatforms(repositoryResourcesDir());
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const zendesk = loaded.platforms.get('zendesk');
    expect(zendesk?.spf.requiredIncludes).toEqual(['mail.zendesk.com']);
    expect(zendesk?.dkim.selectors.map((s) => s.selector)).toEqual(['zendesk1', 'zendesk2']);
    expect(zendesk?.limits.map((l) => [l.key, l.value])).toEqual([
      ['addresses-per-domain', 50],
      ['domains', 4],
      ['addresses-total', 200],
    ]);
    expect(zendesk?.headersToPersist?.headers).toContain('X-Auto-Response-Suppress: All');
    expect(zendesk?.forwarding?.addressPattern).toBe('support@{subdomain}.zendesk.com');
    const ses = loaded.platforms.get('zuora-ses');
    expect(ses?.spf.requiredIncludes).toEqual(['amazonses.com']);
    const entry = ses?.dkim.selectors[0];
    expect(entry && expectedDkimTarget(entry, 'ctoy2wj55u', 'example.com')).toBe('ctoy2wj55u.dkim.amazonses.com');
    // ClientTether's published key (from its guide) is a valid 2048-bit RSA key.
    const pic = loaded.platforms.get('clienttether')?.dkim.selectors[0];
    expect(pic?.selector).toBe('pic');
    expect(analyzeKey('rsa', parseTagList(pic?.value ?? '').tags.get('p') ?? '')).toMatchObject({ kind: 'ok', bits: 2048 });
  });

  it("recognises a platform's own error phrase, longest match first", async () => {
    const loaded = await loadPlatforms(repositoryResourcesDir());
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const zuora = loaded.platforms.get('zuora');
    if (zuora === undefined) throw new Error('zuora missing');
    expect(matchErrorPhrase(zuora, 'Error: Authentication failed: Bad username / password')?.action).toBe('Check whether your username and password are correct.');
    expect(matchErrorPhrase(zuora, 'authentication failed')?.phrase).toBe('Authentication failed');
    expect(matchErrorPhrase(zuora, 'Could not convert socket to TLS')?.meaning).toContain('STARTTLS');
    expect(matchErrorPhrase(zuora, 'something else')).toBeNull();
  });

  it('names the file and field of an invalid entry instead of loading it', async () => {
    const ids = ['zendesk', 'zuora', 'zuora-ses', 'clienttether', 'generic'];
    const files: Record<string, string> = {};
    for (const id of ids) files[`/r/platforms/${id}.json`] = readFileSync(`${repositoryResourcesDir()}/platforms/${id}.json`, 'utf8');
    files['/r/platforms/zendesk.json'] = JSON.stringify({ ...JSON.parse(files['/r/platforms/zendesk.json'] ?? '{}'), checked: 'last week' });
    files['/r/platforms/generic.json'] = '{ not json';
    const loaded = await loadPlatforms('/r', { readFile: async (path) => files[path] ?? '', listFiles: async () => ids.map((id) => `${id}.json`) });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems[0]).toMatch(/^\/r\/platforms\/generic\.json: /u);
    expect(loaded.problems.some((p) => p.startsWith('/r/platforms/zendesk.json: checked: '))).toBe(true);
  });
});
