import { describe, expect, it } from 'vitest';
import type { PlatformEnvironment } from '../../../../src-preload/contract/platform-ses';
import { coverageSentence, groupOf, limitsSentence, sharingRule } from './ses-words';

const sourced = { source: 'seeds/zuora-external-and-advanced-smtp.txt', checked: '2026-12-06' };
const zuora: PlatformEnvironment[] = [
  { id: 'production', label: 'Production', verificationGroup: 'prod', ...sourced },
  { id: 'sandbox', label: 'API Sandbox', verificationGroup: 'prod', ...sourced },
  { id: 'developer-sandbox', label: 'Developer Sandbox', verificationGroup: 'dev', ...sourced },
  { id: 'central-sandbox', label: 'Central Sandbox', verificationGroup: 'dev', ...sourced },
];

describe('what the SES identity views say, from the platform data', () => {
  it("states Zuora's sharing rule from the environments' verification groups", () => {
    expect(sharingRule(zuora, 3)).toBe('Production and API Sandbox share verifications; Developer Sandbox and Central Sandbox need their own 3 CNAMEs (6 in all for a domain used in every environment).');
    // Each environment on its own: every one needs its own set.
    const apart = zuora.map((e) => ({ ...e, verificationGroup: e.id }));
    expect(sharingRule(apart, 3)).toBe(
      'Production has its own verification; API Sandbox needs its own 3 CNAMEs; Developer Sandbox needs its own 3 CNAMEs; Central Sandbox needs its own 3 CNAMEs (12 in all for a domain used in every environment).',
    );
  });

  it('names the environments an identity shares its verification with, its own first', () => {
    expect(groupOf(zuora, 'sandbox').map((e) => e.label)).toEqual(['API Sandbox', 'Production']);
    expect(groupOf(zuora, 'central-sandbox').map((e) => e.label)).toEqual(['Central Sandbox', 'Developer Sandbox']);
  });

  it('says the limits with how environments count, and what each kind covers', () => {
    expect(limitsSentence({ environments: zuora, maxDomainIdentities: 1, maxEmailIdentities: 3, name: 'Zuora' })).toBe(
      'Zuora allows at most one domain identity and up to three email identities, and never a domain identity and an email identity with the same domain. Environments that share verifications count together: Production and API Sandbox; Developer Sandbox and Central Sandbox.',
    );
    expect(coverageSentence('email', 'billing@example.com')).toMatch(/^Zuora can send from exactly billing@example\.com — not from other addresses on example\.com/u);
    expect(coverageSentence('domain', 'example.com')).toBe('Zuora can send from every address on example.com and its subdomains, such as billing@example.com or noreply@mail.example.com.');
  });
});
