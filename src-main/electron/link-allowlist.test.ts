import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocklistFileSchema } from '../../src-preload/contract/blocklist-schemas';
import { repositoryResourcesDir } from '../providers/platforms';
import { isAllowedExternalUrl } from './link-allowlist';

describe('external link allowlist', () => {
  it('allows https documentation on an allowlisted host', () => {
    expect(isAllowedExternalUrl('https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission')).toBe(true);
  });

  it.each([
    ['plain http', 'http://learn.microsoft.com/'],
    ['a look-alike host', 'https://learn.microsoft.com.evil.test/'],
    ['credentials in the URL', 'https://user:pw@learn.microsoft.com/'],
    ['a file URL', 'file:///etc/passwd'],
    ['a javascript URL', 'javascript:alert(1)'],
    ['an unknown host', 'https://example.com/'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it("allows every blocklist's removal page, which the Status view's Blocklists card links to", () => {
    const file = blocklistFileSchema.parse(JSON.parse(readFileSync(join(repositoryResourcesDir(), 'blocklists.json'), 'utf8')));
    expect(file.lists.map((l) => l.delist).filter((url) => !isAllowedExternalUrl(url))).toEqual([]);
  });
});
