/**
 * The new-address check against the real platform data (resources/platforms): syntax and
 * internationalised forms, Zendesk's limits, the platform's own system addresses, and
 * duplicates on the same and the other environment.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src-preload/contract/addresses-schemas';
import type { PlatformId } from '../../src-preload/contract/platform-vocabulary';
import { loadPlatforms, repositoryResourcesDir, type PlatformCatalog } from '../providers/platforms';
import { checkNewAddress, parseAddress, type SavedAddress } from './address-check';

let platforms: PlatformCatalog;
beforeAll(async () => {
  const loaded = await loadPlatforms(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  platforms = loaded.platforms;
});

let n = 0;
function saved(address: string, environment: Environment = 'production', platform: PlatformId = 'zendesk'): SavedAddress {
  return { id: `a-${n++}`, address, platform, environment };
}
function many(count: number, domain: string, environment: Environment = 'production'): SavedAddress[] {
  return Array.from({ length: count }, (_, i) => saved(`agent${i}@${domain}`, environment));
}
function check(address: string, existing: readonly SavedAddress[], environment: Environment = 'production', platform: PlatformId = 'zendesk') {
  return checkNewAddress({ address, platform, environment }, existing, platforms.get(platform));
}
const codes = (r: ReturnType<typeof check>) => r.errors.map((e) => e.code);

describe('Zendesk limits, counted per platform and environment', () => {
  it('refuses the 51st address on one domain, with the limit and the count in the message', () => {
    const fifty = many(50, 'example.com');
    const result = check('support@example.com', fifty);
    expect(codes(result)).toEqual(['limit-per-domain']);
    expect(result.errors[0]?.message).toBe('Zendesk allows 50 support addresses per domain; example.com already has 50 in production.');
    expect(result.counts).toEqual({ sameDomain: 51, domains: 1, total: 51 });
    // The 50th is still fine, and the sandbox is an account of its own.
    expect(codes(check('support@example.com', many(49, 'example.com')))).toEqual([]);
    expect(codes(check('support@example.com', fifty, 'sandbox'))).toEqual([]);
    expect(codes(check('support@example.com', fifty, 'production', 'generic'))).toEqual([]);
  });

  it('refuses a 5th domain and accepts more addresses on the 4 in use', () => {
    const four = ['a.example', 'b.example', 'c.example', 'd.example'].flatMap((d) => many(2, d));
    const fifth = check('support@e.example', four);
    expect(codes(fifth)).toEqual(['limit-domains']);
    expect(fifth.errors[0]?.message).toContain('Zendesk allows 4 domains per account; production already uses 4 (a.example, b.example, c.example, d.example)');
    expect(codes(check('support@d.example', four))).toEqual([]);
  });

  it('refuses the 201st address in total', () => {
    const full = ['a.example', 'b.example', 'c.example', 'd.example'].flatMap((d) => many(50, d));
    const result = check('new@a.example', full);
    expect(codes(result)).toEqual(['limit-per-domain', 'limit-total']);
    expect(result.errors[1]?.message).toBe('Zendesk allows 200 support addresses in total; production already has 200.');
    const almost = full.slice(1);
    expect(codes(check('new@a.example', almost))).toEqual([]);
    // An address being edited does not count against itself.
    expect(codes(checkNewAddress({ address: full[0]!.address, platform: 'zendesk', environment: 'production', excludeId: full[0]!.id }, full, platforms.get('zendesk')))).toEqual([]);
  });
});

describe('system addresses, duplicates and the other environment', () => {
  it.each(['support@acme.zendesk.com', 'help@zendesk.com', 'Support@Sub.Acme.ZENDESK.com'])('refuses Zendesk’s own address %s', (address) => {
    const result = check(address, []);
    expect(codes(result)).toEqual(['system-address']);
    expect(result.errors[0]?.message).toContain("is Zendesk's own address — connect your own domain's address");
    // With the reason from Zendesk's prerequisites (resources/platforms/zendesk.json).
    const reason = platforms.get('zendesk')?.prerequisites?.find((p) => p.rule === 'not-platform-domain')?.detail;
    expect(reason).toMatch(/cannot send on behalf of Zendesk's system support addresses/u);
    expect(result.errors[0]?.message).toContain(reason);
  });

  it('accepts look-alikes that are not under zendesk.com', () => {
    expect(codes(check('support@notzendesk.com', []))).toEqual([]);
    expect(codes(check('support@zendesk.com.example', []))).toEqual([]);
  });

  it('refuses the same address on the same platform and environment, whatever its case', () => {
    const result = check('Support@Example.COM', [saved('support@example.com')]);
    expect(codes(result)).toEqual(['duplicate']);
    expect(result.counts.total).toBe(1);
  });

  it('warns with the seed’s advice when the other environment has it', () => {
    const result = check('support@example.com', [saved('support@example.com', 'sandbox')]);
    expect(codes(result)).toEqual([]);
    expect(result.warnings).toEqual([
      {
        code: 'other-environment',
        message: expect.stringMatching(/already connected to your Zendesk sandbox\. Zendesk advises against adding the same support address to the sandbox and the production account.*delete the address .* from the sandbox before adding it to production/u),
      },
    ]);
    const zuora = check('billing@example.com', [saved('billing@example.com', 'production', 'zuora')], 'sandbox', 'zuora');
    expect(zuora.warnings[0]?.message).toContain('give each environment its own SMTP credentials');
  });

  it('refuses what is not an address', () => {
    for (const address of ['', 'support', 'support@', 'support@example', 'a b@example.com', 'support@exa_mple.com']) {
      const result = check(address, []);
      expect(codes(result), address).toEqual(['syntax']);
      expect(result.ascii).toBeNull();
    }
  });
});

describe('internationalised addresses', () => {
  it('gives the punycode and the Unicode form of an IDN domain, typed either way', () => {
    const typed = check('support@bücher.example', []);
    expect(typed).toMatchObject({ ascii: 'support@xn--bcher-kva.example', unicode: 'support@bücher.example', domainAscii: 'xn--bcher-kva.example', domainUnicode: 'bücher.example', errors: [] });
    expect(typed.warnings.map((w) => w.code)).toEqual(['internationalised']);
    const puny = check('support@xn--bcher-kva.example', []);
    expect(puny).toMatchObject({ ascii: 'support@xn--bcher-kva.example', unicode: 'support@bücher.example' });
  });

  it('treats the two spellings as one address (duplicate, per-domain count)', () => {
    expect(codes(check('support@xn--bcher-kva.example', [saved('support@bücher.example')]))).toEqual(['duplicate']);
    expect(codes(check('info@bücher.example', many(50, 'xn--bcher-kva.example')))).toEqual(['limit-per-domain']);
  });

  it('parses each spelling once: a second parse is the same frozen answer, which no caller can change for another', () => {
    for (const spelling of ['support@bücher.example', ' Support@Example.COM ', 'not an address']) {
      const first = parseAddress(spelling);
      expect(parseAddress(spelling), spelling).toBe(first);
      if (first !== null) expect(Object.isFrozen(first), spelling).toBe(true);
    }
    expect(parseAddress(' Support@Example.COM ')).toMatchObject({ ascii: 'Support@example.com', domainAscii: 'example.com' });
    expect(parseAddress('not an address')).toBeNull();
  });

  it('keeps a Unicode local part and warns that it needs SMTPUTF8', () => {
    expect(parseAddress('jürgen@example.com')).toMatchObject({ ascii: 'jürgen@example.com', internationalised: true });
    expect(check('jürgen@example.com', []).warnings[0]?.message).toContain('SMTPUTF8');
  });
});

describe('hidden characters in a typed address', () => {
  it('a bidi override or zero-width character is a syntax error naming the character and where it is', () => {
    expect(check('supp\u202Eort@example.com', []).errors).toEqual([
      { code: 'syntax', message: expect.stringMatching(/^The address contains an invisible character \(U\+202E RIGHT-TO-LEFT OVERRIDE\) at position 5\./u) },
    ]);
    expect(check('support@exa\u200Bmple.com', []).errors[0]?.message).toContain('(U+200B ZERO WIDTH SPACE) at position 12.');
  });
});
