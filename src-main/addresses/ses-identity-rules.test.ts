import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The pure rules of the contract (src-preload/contract/ses-identities.ts), judged against the shipped platform data.
import type { Environment } from '../../src-preload/contract/environments';
import { platformEnvironments } from '../../src-preload/contract/platform-ses';
import { platformSchema } from '../../src-preload/contract/providers';
import {
  checkIdentity,
  checklistInputForIdentity,
  cnameSetsFor,
  coveredFrom,
  identityValue,
  identityVerificationAdvice,
  normalizeDkimToken,
  sesDkimTokenSchema,
  sesRulesOf,
  type SavedIdentity,
  type SesIdentity,
  type SesIdentityKind,
} from '../../src-preload/contract/ses-identities';

const platformFile = (id: string) => platformSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../resources/platforms', `${id}.json`), 'utf8')));
const zuoraSes = platformFile('zuora-ses');
const rules = sesRulesOf(zuoraSes);

const T1 = 'aaaaaaaabbbbbbbbccccccccdddddddd';
const T2 = 'eeeeeeeeffffffffgggggggghhhhhhhh';
const T3 = 'iiiiiiiijjjjjjjjkkkkkkkkllllllll';

let n = 0;
function saved(kind: SesIdentityKind, value: string, environment: Environment): SavedIdentity {
  return { id: `i-${++n}`, kind, value, environment };
}
function identity(kind: SesIdentityKind, value: string, state: SesIdentity['verification']['state'] = 'success', extra: Partial<SesIdentity> = {}): SesIdentity {
  return {
    id: `i-${++n}`,
    kind,
    value,
    environment: 'production',
    dkimTokens: [],
    eligibilityConfirmed: true,
    verification: { state, since: '2026-12-01T00:00:00.000Z', checkedAt: null, linkSentAt: kind === 'email' ? '2026-12-01T00:00:00.000Z' : null },
    createdAt: '2026-12-01T00:00:00.000Z',
    ...extra,
  };
}
const candidate = (kind: SesIdentityKind, value: string, environment: Environment = 'production', more: { dkimTokens?: string[]; eligibilityConfirmed?: boolean } = {}) => ({
  kind,
  value,
  environment,
  dkimTokens: more.dkimTokens ?? [],
  eligibilityConfirmed: more.eligibilityConfirmed ?? true,
});
const codes = (result: { problems: ReadonlyArray<{ code: string }> }) => result.problems.map((p) => p.code);

describe('Zuora environments as data', () => {
  it('zuora and zuora-ses list four environments; production and API Sandbox share a group, Developer and Central Sandbox another (six CNAMEs in all)', () => {
    for (const id of ['zuora', 'zuora-ses']) {
      const envs = platformEnvironments(platformFile(id));
      expect(envs.map((e) => [e.id, e.label, e.verificationGroup])).toEqual([
        ['production', 'Production', 'production-api-sandbox'],
        ['sandbox', 'API Sandbox', 'production-api-sandbox'],
        ['developer-sandbox', 'Developer Sandbox', 'developer-central-sandbox'],
        ['central-sandbox', 'Central Sandbox', 'developer-central-sandbox'],
      ]);
    }
  });

  it.each(['zendesk', 'clienttether', 'generic'])('%s offers production and sandbox only, each verified on its own', (id) => {
    const envs = platformEnvironments(platformFile(id));
    expect(envs.map((e) => e.id).sort()).toEqual(['production', 'sandbox']);
    expect(new Set(envs.map((e) => e.verificationGroup)).size).toBe(2);
  });

  it('zuora-ses is connected as an SES identity and says the verification TXT record is not needed, with its source', () => {
    expect(zuoraSes.connection).toBe('ses-identity');
    expect(zuoraSes.ses?.verificationTxt.needed).toBe(false);
    expect(zuoraSes.ses?.verificationTxt.source).toMatch(/^seeds\/zuora-external-and-advanced-smtp\.txt/u);
    expect(zuoraSes.ses?.dmarc.domainIdentityRequired).toBe(true);
    expect(zuoraSes.spf.requiredIncludes).toContain('amazonses.com');
    expect(rules.maxDomainIdentities).toBe(1);
    expect(rules.maxEmailIdentities).toBe(3);
  });
});

describe('identity values', () => {
  it.each([
    ['email', 'Billing@YourCompany.COM', 'billing@yourcompany.com'],
    ['domain', 'YourCompany.com', 'yourcompany.com'],
    ['domain', 'billing@yourcompany.com', 'yourcompany.com'],
    ['domain', 'en.yourcompany.com.', 'en.yourcompany.com'],
    ['domain', 'bücher.example', 'xn--bcher-kva.example'],
  ] as const)('%s %s is stored as %s', (kind, typed, stored) => {
    expect(identityValue(kind, typed)).toMatchObject({ ok: true, value: stored });
  });

  it.each([
    ['email', 'yourcompany.com'],
    ['email', 'not an address'],
    ['domain', 'localhost'],
    ['domain', 'a b.com'],
  ] as const)('%s %s is refused', (kind, typed) => {
    expect(identityValue(kind, typed).ok).toBe(false);
  });

  it.each([
    [T1, T1],
    [T1.toUpperCase(), T1],
    [`${T1}._domainkey`, T1],
    [`${T1}._domainkey.yourcompany.com.`, T1],
    [`${T1}.dkim.amazonses.com`, T1],
    ['ctoy2wj55u', 'ctoy2wj55u'],
  ])('the DKIM token %s is read as %s', (typed, token) => {
    expect(normalizeDkimToken(typed)).toBe(token);
    expect(sesDkimTokenSchema.parse(typed)).toBe(token);
  });

  it.each(['zendesk', 'short', 'has-hyphen-aaaaaaaa', 'under_score_aaaaa', `${T1}\u200b`])('the DKIM token %j is refused', (typed) => {
    expect(sesDkimTokenSchema.safeParse(typed).success).toBe(false);
  });
});

describe('the rules per Zuora tenant and verification group', () => {
  const cases: Array<{ name: string; saved: SavedIdentity[]; add: ReturnType<typeof candidate>; problems: string[] }> = [
    { name: 'a first domain identity', saved: [], add: candidate('domain', 'yourcompany.com'), problems: [] },
    { name: 'a second domain identity in production', saved: [saved('domain', 'yourcompany.com', 'production')], add: candidate('domain', 'other.com'), problems: ['limit-domain'] },
    {
      name: 'a second domain identity in API Sandbox (shares production\u2019s verifications, so counts with it)',
      saved: [saved('domain', 'yourcompany.com', 'production')],
      add: candidate('domain', 'other.com', 'sandbox'),
      problems: ['limit-domain'],
    },
    { name: 'another domain identity in the Developer Sandbox (counts apart)', saved: [saved('domain', 'yourcompany.com', 'production')], add: candidate('domain', 'other.com', 'developer-sandbox'), problems: [] },
    {
      name: 'a second domain in the Central Sandbox when the Developer Sandbox has one (they share a group)',
      saved: [saved('domain', 'yourcompany.com', 'developer-sandbox')],
      add: candidate('domain', 'other.com', 'central-sandbox'),
      problems: ['limit-domain'],
    },
    { name: 'the same domain identity in API Sandbox (one verified identity, counts once)', saved: [saved('domain', 'yourcompany.com', 'production')], add: candidate('domain', 'yourcompany.com', 'sandbox'), problems: [] },
    { name: 'the same domain identity twice in production', saved: [saved('domain', 'yourcompany.com', 'production')], add: candidate('domain', 'YourCompany.com'), problems: ['duplicate'] },
    {
      name: 'a third email identity',
      saved: [saved('email', 'a@x.com', 'production'), saved('email', 'b@x.com', 'sandbox')],
      add: candidate('email', 'c@x.com'),
      problems: [],
    },
    {
      name: 'a fourth email identity',
      saved: [saved('email', 'a@x.com', 'production'), saved('email', 'b@x.com', 'production'), saved('email', 'c@x.com', 'sandbox')],
      add: candidate('email', 'd@x.com', 'sandbox'),
      problems: ['limit-email'],
    },
    {
      name: 'a fourth email identity in the Central Sandbox when production has three',
      saved: [saved('email', 'a@x.com', 'production'), saved('email', 'b@x.com', 'production'), saved('email', 'c@x.com', 'production')],
      add: candidate('email', 'd@x.com', 'central-sandbox'),
      problems: [],
    },
    { name: 'an email identity on the domain identity\u2019s domain', saved: [saved('domain', 'yourcompany.com', 'production')], add: candidate('email', 'billing@yourcompany.com', 'sandbox'), problems: ['same-domain'] },
    { name: 'a domain identity on an email identity\u2019s domain', saved: [saved('email', 'billing@yourcompany.com', 'production')], add: candidate('domain', 'yourcompany.com'), problems: ['same-domain'] },
    { name: 'an email identity on a subdomain of the domain identity (not the same domain)', saved: [saved('domain', 'yourcompany.com', 'production')], add: candidate('email', 'noreply@en.yourcompany.com'), problems: [] },
    { name: 'the same domain mix in another verification group', saved: [saved('domain', 'yourcompany.com', 'production')], add: candidate('email', 'billing@yourcompany.com', 'developer-sandbox'), problems: [] },
    { name: 'without the eligibility confirmation', saved: [], add: candidate('domain', 'yourcompany.com', 'production', { eligibilityConfirmed: false }), problems: ['eligibility'] },
    { name: 'two DKIM tokens', saved: [], add: candidate('domain', 'yourcompany.com', 'production', { dkimTokens: [T1, T2] }), problems: ['dkim-tokens'] },
    { name: 'three DKIM tokens', saved: [], add: candidate('domain', 'yourcompany.com', 'production', { dkimTokens: [T1, T2, T3] }), problems: [] },
    { name: 'one token given three times', saved: [], add: candidate('domain', 'yourcompany.com', 'production', { dkimTokens: [T1, T1, T1] }), problems: ['dkim-tokens'] },
    { name: 'DKIM tokens on an email identity', saved: [], add: candidate('email', 'a@yourcompany.com', 'production', { dkimTokens: [T1, T2, T3] }), problems: ['dkim-tokens'] },
  ];

  it.each(cases)('$name: $problems', ({ saved: existing, add, problems }) => {
    expect(codes(checkIdentity(add, existing, rules))).toEqual(problems);
  });

  it('the limits are refused in Zuora\u2019s own words', () => {
    const four = checkIdentity(candidate('email', 'd@x.com'), [saved('email', 'a@x.com', 'production'), saved('email', 'b@x.com', 'production'), saved('email', 'c@x.com', 'production')], rules);
    expect(four.problems[0]?.message).toContain('You can create up to three email identities for your Zuora tenant.');
    const second = checkIdentity(candidate('domain', 'b.com'), [saved('domain', 'a.com', 'production')], rules);
    expect(second.problems[0]?.message).toContain('You can create at most one domain identity for your Zuora tenant.');
    const mix = checkIdentity(candidate('email', 'x@a.com'), [saved('domain', 'a.com', 'production')], rules);
    expect(mix.problems[0]?.message).toContain('You cannot create a domain identity and an email identity with the same domain.');
  });

  it('without the confirmation, the refusal explains why Zuora refuses an identity no active user matches', () => {
    const result = checkIdentity(candidate('domain', 'yourcompany.com', 'production', { eligibilityConfirmed: false }), [], rules);
    expect(result.problems[0]?.message).toContain('Zuora only allows for identity types that can be actively identified in your Zuora tenant');
  });

  it('an environment the platform does not offer is refused; Zendesk has no Developer Sandbox', () => {
    const zendeskRules = sesRulesOf(platformFile('zendesk'));
    expect(codes(checkIdentity(candidate('domain', 'a.com', 'developer-sandbox'), [], zendeskRules))).toEqual(['environment']);
    expect(codes(checkIdentity(candidate('domain', 'a.com', 'central-sandbox'), [], rules))).toEqual([]);
  });

  it('an edit does not count the identity against itself', () => {
    const mine = saved('domain', 'a.com', 'production');
    expect(codes(checkIdentity({ ...candidate('domain', 'a.com', 'sandbox'), excludeId: mine.id }, [mine], rules))).toEqual([]);
  });
});

describe('which From addresses an identity covers', () => {
  const domain = identity('domain', 'yourcompany.com');
  const email = identity('email', 'contact@other.com');
  const pending = identity('email', 'billing@third.com', 'pending');
  const all = [domain, email, pending];
  it.each([
    ['contact@yourcompany.com', domain.id, 'domain'],
    ['employee@YOURCOMPANY.com', domain.id, 'domain'],
    ['noreply@en.yourcompany.com', domain.id, 'subdomain'],
    ['contact@other.com', email.id, 'address'],
    ['contact@OTHER.com', email.id, 'address'],
  ])('%s is covered by %s (%s)', (from, id, how) => {
    expect(coveredFrom(all, from, { rules })).toMatchObject({ covered: true, how, verified: true, identity: { id } });
  });

  it.each([
    ['employee@other.com', 'only its own address'],
    ['contact@notyourcompany.com', 'No identity covers'],
    ['Contact@other.com', 'only in letter case'],
    ['not-an-address', 'not an email address'],
  ])('%s is not covered (%s)', (from, words) => {
    const result = coveredFrom(all, from, { rules });
    expect(result.covered).toBe(false);
    expect(result.message).toContain(words);
  });

  it('an identity still Pending covers the address but is not verified, and says Zuora sends only from verified identities', () => {
    const result = coveredFrom(all, 'billing@third.com', { rules });
    expect(result).toMatchObject({ covered: true, verified: false });
    expect(result.message).toContain('Zuora sends only from verified identities');
  });
});

describe('which From addresses an identity covers, per environment (verification groups)', () => {
  const prod = identity('domain', 'yourcompany.com', 'success', { environment: 'production' });
  const dev = identity('email', 'billing@yourcompany.com', 'pending', { environment: 'developer-sandbox' });

  it('a domain verified in Production does not cover a Developer or Central Sandbox From, and says where it is and what to add', () => {
    for (const environment of ['developer-sandbox', 'central-sandbox'] as const) {
      const result = coveredFrom([prod], 'contact@yourcompany.com', { rules, environment });
      expect(result).toMatchObject({ covered: false, elsewhere: [{ identity: { id: prod.id } }] });
      expect(result.message).toContain('is in Production');
      expect(result.message).toContain('Add yourcompany.com as a domain identity in');
    }
  });

  it('a domain verified in Production covers an API Sandbox From (the two share verifications)', () => {
    expect(coveredFrom([prod], 'contact@yourcompany.com', { rules, environment: 'sandbox' })).toMatchObject({ covered: true, verified: true, identity: { id: prod.id } });
    expect(coveredFrom([prod], 'contact@yourcompany.com', { rules, environment: 'production' })).toMatchObject({ covered: true, verified: true });
  });

  it('in Developer Sandbox only its group counts: the pending email identity there, not the verified domain in Production', () => {
    const result = coveredFrom([prod, dev], 'billing@yourcompany.com', { rules, environment: 'central-sandbox' });
    expect(result).toMatchObject({ covered: true, verified: false, identity: { id: dev.id }, covering: [{ identity: { id: dev.id } }] });
    expect(result.message).toContain('still Pending in Developer Sandbox');
  });

  it('without an environment, each covering identity is named with its environment, and the environments none serves are said', () => {
    const result = coveredFrom([prod, dev], 'billing@yourcompany.com', { rules });
    expect(result).toMatchObject({ covered: true, verified: true, identity: { id: prod.id } });
    if (!result.covered) throw new Error('covered');
    expect(result.covering.map((c) => c.identity.environment)).toEqual(['production', 'developer-sandbox']);
    expect(result.message).toContain('verified in Production (verification shared with API Sandbox)');
    expect(result.message).toContain('the email identity billing@yourcompany.com, still Pending in Developer Sandbox');
    const prodOnly = coveredFrom([prod], 'billing@yourcompany.com', { rules });
    expect(prodOnly.message).toContain('Not covered in Developer Sandbox or Central Sandbox');
  });
});

describe('CNAME sets per verification group', () => {
  it('a domain used in all four environments needs six CNAMEs: three per group, from each group\u2019s own tokens', () => {
    const tokensB = ['mmmmmmmmnnnnnnnn', 'oooooooopppppppp', 'qqqqqqqqrrrrrrrr'];
    const list = [
      identity('domain', 'yourcompany.com', 'success', { environment: 'production', dkimTokens: [T1, T2, T3] }),
      identity('domain', 'yourcompany.com', 'pending', { environment: 'sandbox', dkimTokens: [] }),
      identity('domain', 'yourcompany.com', 'pending', { environment: 'developer-sandbox', dkimTokens: tokensB }),
      identity('domain', 'yourcompany.com', 'pending', { environment: 'central-sandbox', dkimTokens: tokensB }),
    ];
    const sets = cnameSetsFor('YourCompany.com', list, rules);
    expect(sets.map((s) => [s.verificationGroup, s.environments.map((e) => e.id), s.records.length])).toEqual([
      ['production-api-sandbox', ['production', 'sandbox'], 3],
      ['developer-central-sandbox', ['developer-sandbox', 'central-sandbox'], 3],
    ]);
    expect(sets.flatMap((s) => s.records)).toHaveLength(6);
    expect(sets[0]?.records[0]).toEqual({ name: `${T1}._domainkey.yourcompany.com`, target: `${T1}.dkim.amazonses.com` });
  });

  it('a domain identity in production only needs one set; another domain needs none', () => {
    const list = [identity('domain', 'yourcompany.com', 'success', { dkimTokens: [T1, T2, T3] })];
    expect(cnameSetsFor('yourcompany.com', list, rules)).toHaveLength(1);
    expect(cnameSetsFor('other.com', list, rules)).toEqual([]);
  });

  it('the checklist input of an identity carries its tokens as the token-CNAME selectors', () => {
    const input = checklistInputForIdentity(identity('domain', 'yourcompany.com', 'pending', { dkimTokens: [T1, T2, T3] }), { dnsServers: ['127.0.0.1:53'] });
    expect(input).toEqual({ domain: 'yourcompany.com', platform: 'zuora-ses', relaySelectors: [T1, T2, T3], dnsServers: ['127.0.0.1:53'] });
    expect(checklistInputForIdentity(identity('email', 'billing@en.yourcompany.com'), { dnsServers: [] }).domain).toBe('en.yourcompany.com');
  });
});

describe('verification advice', () => {
  const at = (iso: string) => new Date(iso);
  const since = '2026-12-01T00:00:00.000Z';
  const domain = (state: SesIdentity['verification']['state']) => identity('domain', 'yourcompany.com', state, { verification: { state, since, checkedAt: null, linkSentAt: null } });
  const email = (state: SesIdentity['verification']['state'], linkSentAt: string | null = since) => identity('email', 'billing@yourcompany.com', state, { verification: { state, since, checkedAt: null, linkSentAt } });
  it.each([
    ['a verified domain', domain('success'), '2026-12-10T00:00:00.000Z', 'none', false, 'Verified'],
    ['a failed domain', domain('failed'), '2026-12-01T01:00:00.000Z', 'retry', false, 'click Retry in the Verification Status column'],
    ['a failed email identity', email('failed'), '2026-12-01T01:00:00.000Z', 'retry', false, 'send a new verification email'],
    ['a domain pending for 71 hours', domain('pending'), '2026-12-03T23:00:00.000Z', 'wait', false, 'within 72 hours'],
    ['a domain pending for exactly 72 hours', domain('pending'), '2026-12-04T00:00:00.000Z', 're-add', true, 'delete the domain identity'],
    ['a domain pending for 100 hours', domain('pending'), '2026-12-05T04:00:00.000Z', 're-add', true, 'add it again to initiate re-verification'],
    ['an email link sent 23 hours ago', email('pending'), '2026-12-01T23:00:00.000Z', 'open-link', false, 'click its link before it expires'],
    ['an email link sent 24 hours ago', email('pending'), '2026-12-02T00:00:00.000Z', 'resend', true, 'expire after 24 hours'],
    ['an email link resent an hour ago, first sent two days ago', email('pending', '2026-12-02T23:00:00.000Z'), '2026-12-03T00:00:00.000Z', 'open-link', false, 'before it expires'],
  ] as const)('%s: %s', (_name, subject, now, action, overdue, words) => {
    const advice = identityVerificationAdvice(subject, at(now));
    expect(advice).toMatchObject({ action, overdue });
    expect(advice.message).toContain(words);
  });

  it('a message that names its deadline says which words those are, so a view can show the time as it shows every other', () => {
    const waiting = identityVerificationAdvice(domain('pending'), at('2026-12-02T00:00:00.000Z'));
    expect(waiting.deadlineText).toBe('2026-12-04 00:00 UTC');
    expect(waiting.message).toContain(`(by ${waiting.deadlineText ?? ''})`);
    const link = identityVerificationAdvice(email('pending'), at('2026-12-01T01:00:00.000Z'));
    expect(link.message).toContain(link.deadlineText ?? 'missing');
    expect(identityVerificationAdvice(domain('success'), at('2026-12-02T00:00:00.000Z')).deadlineText).toBeNull();
  });
});
