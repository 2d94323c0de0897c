import { describe, expect, it } from 'vitest';
import { platformIds } from '../../src-preload/contract';
import { checklistPlatformIds } from '../checks/schemas';
import { analyzeKey, parseTagList } from '../checks/dkim-record';
import { expectedDkimTarget, loadPlatforms, matchErrorPhrase, repositoryResourcesDir } from './platforms';

describe('platform data', () => {
  it('loads and validates every platform the contract names, each with a source and checked date', async () => {
    expect([...checklistPlatformIds]).toEqual([...platformIds]);
    const loaded = await loadPlatforms(repositoryResourcesDir());
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    expect([...loaded.platforms.keys()].sort()).toEqual([...platformIds].sort());
    for (const platform of loaded.platforms.values()) {
      expect(platform.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
      expect(platform.source).toMatch(/^(seeds\/|https:\/\/)/u);
    }
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
    const files: Record<string, string> = {};
    for (const id of platformIds) files[`/r/platforms/${id}.json`] = (await import('node:fs')).readFileSync(`${repositoryResourcesDir()}/platforms/${id}.json`, 'utf8');
    files['/r/platforms/zendesk.json'] = JSON.stringify({ ...JSON.parse(files['/r/platforms/zendesk.json'] ?? '{}'), checked: 'last week' });
    files['/r/platforms/generic.json'] = '{ not json';
    const loaded = await loadPlatforms('/r', { readFile: async (path) => files[path] ?? '' });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems[0]).toMatch(/^\/r\/platforms\/generic\.json: /u);
    expect(loaded.problems.some((p) => p.startsWith('/r/platforms/zendesk.json: checked: '))).toBe(true);
  });
});
