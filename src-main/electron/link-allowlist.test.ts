import { describe, expect, it } from 'vitest';
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
});
