import { describe, expect, it } from 'vitest';
import { wizardDraftSchema, type AddressCheck } from '../../../../src-preload/contract';
import { platformSchema, providerPresetSchema, type Platform } from '../../../../src-preload/contract/providers';
import {
  addressFieldsOf,
  blockingProblems,
  checkKey,
  chosenRoute,
  draftOf,
  endpointIndexOf,
  forwardingTarget,
  initialWizard,
  outstandingProblems,
  proceedReasonsOf,
  stepMarkOf,
  validateStep,
  whyTestDoesNotCount,
  wizardReducer,
  type StepContext,
  type WizardAction,
  type WizardState,
} from './wizard-state';

// The forwarding facts of resources/platforms/zendesk.json and zuora.json (the rest trimmed).
const platforms: Platform[] = [
  {"id": "zendesk", "name": "Zendesk (Authenticated SMTP Connector)", "label": "Zendesk", "shortName": "Zendesk", "order": 1, "summary": "Zendesk relays outbound notifications through your mail server with SMTP AUTH; inbound mail reaches Zendesk by auto-forwarding.", "source": "seeds/zendesk-authenticated-smtp-connector-outbound.txt", "checked": "2026-11-23", "spf": {"requiredIncludes": ["mail.zendesk.com"], "source": "https://support.zendesk.com/hc/en-us/articles/4867238761626", "checked": "2026-11-23"}, "dkim": {"mode": "cname", "selectors": [], "source": "https://support.zendesk.com/hc/en-us/articles/4408822303386", "checked": "2026-11-23"}, "dmarc": {"alignment": "Zendesk signs with d=your domain once the CNAMEs resolve, so DKIM aligns; your relay must not break that signature (re-signing is allowed).", "source": "seeds/zendesk-authenticated-smtp-connector-outbound.txt", "checked": "2026-11-23"}, "forwarding": {"addressPattern": "support@{subdomain}.zendesk.com", "domainSuffix": "zendesk.com", "singleHopOnly": true, "note": "Zendesk does not support multi-forwarding: forward once, directly to the Zendesk support address.", "source": "seeds/zendesk-authenticated-smtp-connector-outbound.txt", "checked": "2026-11-23"}, "limits": [], "headersToPersist": null, "errorPhrases": [], "propagation": null, "docs": [], "routes": [{"id": "connector", "label": "Through your mail server", "summary": "Your server sends.", "default": true, "spf": {"relay": "required", "includes": "not-needed", "why": "Your server sends."}, "dkim": {"anyOf": ["platform", "relay"], "why": "One aligned signature."}, "relayIdentity": "required", "source": "seeds/zendesk-authenticated-smtp-connector-outbound.txt", "checked": "2026-12-06"}, {"id": "direct", "label": "From Zendesk's servers", "summary": "Zendesk sends.", "spf": {"relay": "not-needed", "includes": "required", "why": "Zendesk sends."}, "dkim": {"anyOf": ["platform"], "why": "Only Zendesk signs."}, "relayIdentity": "not-needed", "source": "https://support.zendesk.com/hc/en-us/articles/4408822303386", "checked": "2026-12-06"}]},
  {"id": "zuora", "name": "Zuora (external SMTP server)", "label": "Zuora external SMTP", "shortName": "Zuora", "order": 2, "summary": "Zuora sends notifications through your own SMTP server with username/password or OAuth 2.0; \"Test Connection And Save\" checks it.", "source": "seeds/zuora-external-and-advanced-smtp.txt", "checked": "2026-11-23", "spf": {"requiredIncludes": [], "source": "seeds/zuora-external-and-advanced-smtp.txt", "checked": "2026-11-23"}, "dkim": {"mode": "none", "selectors": [], "source": "seeds/zuora-external-and-advanced-smtp.txt", "checked": "2026-11-23"}, "dmarc": {"alignment": "Alignment depends on your own server: it must sign with d=your domain or send with an aligned envelope sender.", "source": "seeds/zuora-external-and-advanced-smtp.txt", "checked": "2026-11-23"}, "forwarding": null, "limits": [], "headersToPersist": null, "errorPhrases": [], "propagation": null, "docs": [], "routes": [{"id": "connector", "label": "Through your SMTP server", "summary": "Your server sends.", "default": true, "spf": {"relay": "required", "includes": "not-needed", "why": "Your server sends."}, "dkim": {"anyOf": ["relay"], "why": "Your server signs."}, "relayIdentity": "required", "source": "seeds/zuora-external-and-advanced-smtp.txt", "checked": "2026-12-06"}]},
].map((p) => platformSchema.parse(p));
const context: StepContext = { platforms, secretTyped: false };
const withSecret: StepContext = { platforms, secretTyped: true };

const m365 = providerPresetSchema.parse({
  id: 'microsoft-365',
  name: 'Microsoft 365',
  summary: 'Exchange Online mailboxes.',
  source: 'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
  checked: '2026-11-23',
  endpoints: [{ label: 'STARTTLS on 587', host: 'smtp.office365.com', port: 587, security: 'starttls', recommended: true }],
  username: { hint: 'The mailbox sign-in name', sameAsAddress: true },
  authKinds: ['password', 'oauth2'],
  secretLabel: 'Password',
  secretHelp: 'The mailbox password.',
  guide: 'm365',
});
const sendgrid = providerPresetSchema.parse({
  id: 'sendgrid',
  name: 'SendGrid',
  summary: 'Twilio SendGrid.',
  source: 'https://www.twilio.com/docs/sendgrid/for-developers/sending-email/integrating-with-the-smtp-api',
  checked: '2026-11-23',
  endpoints: [
    { label: 'STARTTLS on 587', host: 'smtp.sendgrid.net', port: 587, security: 'starttls' },
    { label: 'Implicit TLS on 465', host: 'smtp.sendgrid.net', port: 465, security: 'tls', recommended: true },
  ],
  username: { hint: 'Literally apikey', fixed: 'apikey' },
  authKinds: ['api-key'],
  secretLabel: 'API key',
  secretHelp: 'An API key with Mail Send permission.',
});

function clean(address: string): AddressCheck {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return { ascii: address, unicode: address, domainAscii: domain, domainUnicode: domain, errors: [], warnings: [], counts: { sameDomain: 1, domains: 1, total: 1 } };
}

function run(state: WizardState, ...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, state);
}

/** A Zendesk sandbox wizard filled in up to (and on) the provider step. */
function atProvider(): WizardState {
  const s = run(
    initialWizard,
    { type: 'set-platform', platform: 'zendesk' },
    { type: 'set-environment', environment: 'sandbox' },
    { type: 'next', context },
    { type: 'set-text', field: 'address', value: 'support@example.com' },
    { type: 'set-text', field: 'platformSubdomain', value: 'acme' },
  );
  return run(s, { type: 'address-checked', key: checkKey(s), result: clean('support@example.com') }, { type: 'next', context });
}

describe('platform step', () => {
  it('Next without a platform or environment stays and names both', () => {
    const s = wizardReducer(initialWizard, { type: 'next', context });
    expect(s.step).toBe('platform');
    expect(s.errors.platform).toMatch(/Choose the platform/u);
    expect(s.errors.environment).toMatch(/sandbox or production/u);
  });

  it('choosing a platform clears only its own complaint', () => {
    const s = run(initialWizard, { type: 'next', context }, { type: 'set-platform', platform: 'zuora' });
    expect(s.errors.platform).toBeUndefined();
    expect(s.errors.environment).toBeDefined();
  });

  it('with both chosen Next moves to the address step', () => {
    const s = run(initialWizard, { type: 'set-platform', platform: 'zendesk' }, { type: 'set-environment', environment: 'production' }, { type: 'next', context });
    expect(s.step).toBe('address');
    expect(s.errors).toEqual({});
  });
});

describe('sending route', () => {
  const zendesk = platforms.find((p) => p.id === 'zendesk');
  const zuora = platforms.find((p) => p.id === 'zuora');

  it("the platform's default route is chosen until the admin picks another, and that one is saved on the address", () => {
    const picked = run(initialWizard, { type: 'set-platform', platform: 'zendesk' });
    expect(picked.route).toBeNull();
    expect(chosenRoute(picked, zendesk)?.id).toBe('connector');
    expect(addressFieldsOf(picked, null, zendesk).route).toBeNull();
    const direct = wizardReducer(picked, { type: 'set-route', route: 'direct' });
    expect(chosenRoute(direct, zendesk)?.id).toBe('direct');
    expect(addressFieldsOf(direct, null, zendesk).route).toBe('direct');
  });

  it('another platform starts from its own default route; a route it does not declare is never saved', () => {
    const direct = run(initialWizard, { type: 'set-platform', platform: 'zendesk' }, { type: 'set-route', route: 'direct' });
    const zuoraNow = wizardReducer(direct, { type: 'set-platform', platform: 'zuora' });
    expect(zuoraNow.route).toBeNull();
    expect(chosenRoute(zuoraNow, zuora)?.id).toBe('connector');
    // A stale choice (e.g. from an older draft) falls back to the platform's default.
    expect(addressFieldsOf({ ...zuoraNow, route: 'direct' }, null, zuora).route).toBeNull();
    expect(chosenRoute({ route: 'direct' }, zuora)?.id).toBe('connector');
  });

  it('the draft keeps the route, and a draft saved before routes existed still loads (default route)', () => {
    const direct = run(initialWizard, { type: 'set-platform', platform: 'zendesk' }, { type: 'set-route', route: 'direct' });
    const draft = draftOf(direct, '2026-11-23T10:00:00.000Z');
    expect(draft.route).toBe('direct');
    expect(wizardReducer(initialWizard, { type: 'restore', draft }).route).toBe('direct');
    const { route: _route, ...older } = draft;
    const parsed = wizardDraftSchema.parse(older);
    expect(parsed.route).toBeNull();
    expect(wizardReducer(initialWizard, { type: 'restore', draft: parsed }).route).toBeNull();
  });
});

describe('address step', () => {
  const base = run(initialWizard, { type: 'set-platform', platform: 'zendesk' }, { type: 'set-environment', environment: 'sandbox' }, { type: 'next', context });

  it('an empty address is refused with an example', () => {
    const s = wizardReducer(base, { type: 'next', context });
    expect(s.step).toBe('address');
    expect(s.errors.address).toMatch(/support@example\.com/u);
  });

  it('Next waits for the check of the address as typed now, not an older one', () => {
    let s = run(base, { type: 'set-text', field: 'address', value: 'support@example.com' }, { type: 'set-text', field: 'platformSubdomain', value: 'acme' });
    s = wizardReducer(s, { type: 'address-checked', key: checkKey(s), result: clean('support@example.com') });
    s = wizardReducer(s, { type: 'set-text', field: 'address', value: 'help@example.com' });
    s = wizardReducer(s, { type: 'next', context });
    expect(s.step).toBe('address');
    expect(s.errors.address).toMatch(/still being checked/u);
  });

  it("the check's errors block Next and are shown as they are", () => {
    let s = run(base, { type: 'set-text', field: 'address', value: 'x@example.com' }, { type: 'set-text', field: 'platformSubdomain', value: 'acme' });
    const refused: AddressCheck = { ...clean('x@example.com'), errors: [{ code: 'limit-per-domain', message: 'Zendesk takes at most 50 addresses per domain.' }] };
    s = run(s, { type: 'address-checked', key: checkKey(s), result: refused }, { type: 'next', context });
    expect(s.step).toBe('address');
    expect(s.errors.address).toBe('Zendesk takes at most 50 addresses per domain.');
  });

  it('warnings do not block Next', () => {
    let s = run(base, { type: 'set-text', field: 'address', value: 'x@example.com' }, { type: 'set-text', field: 'platformSubdomain', value: 'acme' });
    const warned: AddressCheck = { ...clean('x@example.com'), warnings: [{ code: 'other-environment', message: 'Also in production.' }] };
    s = run(s, { type: 'address-checked', key: checkKey(s), result: warned }, { type: 'next', context });
    expect(s.step).toBe('provider');
  });

  it('Zendesk asks for its subdomain and refuses one that is not a subdomain', () => {
    let s = wizardReducer(base, { type: 'set-text', field: 'address', value: 'x@example.com' });
    s = run(s, { type: 'address-checked', key: checkKey(s), result: clean('x@example.com') }, { type: 'next', context });
    expect(s.errors.platformSubdomain).toMatch(/such as yourcompany in yourcompany\.zendesk\.com/u);
    s = run(s, { type: 'set-text', field: 'platformSubdomain', value: 'acme.zendesk.com' }, { type: 'next', context });
    expect(s.errors.platformSubdomain).toMatch(/lowercase letters, digits and hyphens/u);
  });

  it('Zuora has no forwarding target, so no subdomain is asked', () => {
    let s = run(initialWizard, { type: 'set-platform', platform: 'zuora' }, { type: 'set-environment', environment: 'production' }, { type: 'next', context });
    s = wizardReducer(s, { type: 'set-text', field: 'address', value: 'billing@example.com' });
    s = run(s, { type: 'address-checked', key: checkKey(s), result: clean('billing@example.com') }, { type: 'next', context });
    expect(s.step).toBe('provider');
  });
});

describe('provider step', () => {
  it('a preset fills in its recommended endpoint and the address as username', () => {
    const s = wizardReducer(atProvider(), { type: 'choose-provider', preset: m365 });
    expect(s).toMatchObject({ provider: 'microsoft-365', host: 'smtp.office365.com', port: '587', security: 'starttls', username: 'support@example.com', authKind: 'password' });
  });

  it('SendGrid fixes the username to apikey and picks its recommended endpoint', () => {
    const s = wizardReducer(atProvider(), { type: 'choose-provider', preset: sendgrid });
    expect(s).toMatchObject({ username: 'apikey', port: '465', security: 'tls', authKind: 'api-key' });
    expect(endpointIndexOf(sendgrid, s)).toBe(1);
    const other = wizardReducer(s, { type: 'choose-endpoint', endpoint: sendgrid.endpoints[0]! });
    expect(endpointIndexOf(sendgrid, other)).toBe(0);
  });

  it('Next without a secret in the field and none stored asks for it; with one typed it goes on', () => {
    const s = wizardReducer(atProvider(), { type: 'choose-provider', preset: m365 });
    expect(validateStep(s, context).secret).toMatch(/OS keychain/u);
    expect(validateStep(s, withSecret)).toEqual({});
  });

  it('once the secret is stored, Next needs no typed secret', () => {
    const s = run(atProvider(), { type: 'choose-provider', preset: m365 }, { type: 'secret-saved', addressId: 'a-1' }, { type: 'next', context });
    expect(s.step).toBe('test');
  });

  it('each server field has its own message', () => {
    const s = run(
      atProvider(),
      { type: 'set-text', field: 'host', value: 'smtp example com' },
      { type: 'set-text', field: 'port', value: '70000' },
      { type: 'set-security', security: 'none' },
      { type: 'next', context: withSecret },
    );
    expect(s.step).toBe('provider');
    expect(s.errors.provider).toMatch(/Custom/u);
    expect(s.errors.host).toBeDefined();
    expect(s.errors.port).toMatch(/1 to 65535/u);
    expect(s.errors.security).toMatch(/Zendesk sends the password only over TLS/u);
    expect(s.errors.username).toMatch(/username/u);
    expect(s.errors.authKind).toBeUndefined();
  });
});

describe('connection test step', () => {
  const atTest = run(atProvider(), { type: 'choose-provider', preset: m365 }, { type: 'secret-saved', addressId: 'a-1' }, { type: 'next', context });

  it('Next is refused until the test passed', () => {
    const s = wizardReducer(atTest, { type: 'next', context });
    expect(s.step).toBe('test');
    expect(s.errors.test).toMatch(/Continue anyway/u);
    expect(run(atTest, { type: 'test-finished', passed: true }, { type: 'next', context }).step).toBe('forwarding');
  });

  it('continuing past a failure needs a reason of a few words', () => {
    let s = run(atTest, { type: 'test-finished', passed: false }, { type: 'set-continue-anyway', value: true }, { type: 'next', context });
    expect(s.step).toBe('test');
    expect(s.errors.proceedReason).toMatch(/why you continue/u);
    s = run(s, { type: 'set-text', field: 'proceedReason', value: 'Port 587 is blocked here; tested from the office' }, { type: 'next', context });
    expect(s.step).toBe('forwarding');
  });

  it('a later pass drops the continue-anyway choice', () => {
    const s = run(atTest, { type: 'set-continue-anyway', value: true }, { type: 'test-finished', passed: true });
    expect(s.continueAnyway).toBe(false);
  });
});

describe('Back keeps what was typed', () => {
  it('Back from the test step to the provider step keeps every field and the stored secret', () => {
    const atTest = run(atProvider(), { type: 'choose-provider', preset: m365 }, { type: 'secret-saved', addressId: 'a-1' }, { type: 'next', context });
    const s = run(atTest, { type: 'test-finished', passed: false }, { type: 'back' });
    expect(s.step).toBe('provider');
    expect(s).toMatchObject({ host: 'smtp.office365.com', username: 'support@example.com', addressId: 'a-1', address: 'support@example.com', platformSubdomain: 'acme' });
    const back2 = run(s, { type: 'back' }, { type: 'back' });
    expect(back2).toMatchObject({ step: 'platform', platform: 'zendesk', environment: 'sandbox', host: 'smtp.office365.com' });
  });

  it("Back clears the step's complaints", () => {
    const s = run(atProvider(), { type: 'next', context }, { type: 'back' });
    expect(s.step).toBe('address');
    expect(s.errors).toEqual({});
  });

  it('Back on the first step does nothing', () => {
    expect(wizardReducer(initialWizard, { type: 'back' })).toBe(initialWizard);
  });

  it('changing the server or the username after a pass asks for a new test', () => {
    const passed = run(atProvider(), { type: 'choose-provider', preset: m365 }, { type: 'secret-saved', addressId: 'a-1' }, { type: 'next', context }, { type: 'test-finished', passed: true });
    for (const action of [
      { type: 'set-text', field: 'host', value: 'smtp2.example.com' },
      { type: 'set-text', field: 'port', value: '465' },
      { type: 'set-text', field: 'username', value: 'other@example.com' },
      { type: 'set-security', security: 'tls' },
      { type: 'secret-saved', addressId: 'a-1' },
    ] as const satisfies readonly WizardAction[]) {
      expect(wizardReducer(passed, action).testPassed, action.type).toBe(false);
    }
    expect(wizardReducer(passed, { type: 'set-environment', environment: 'production' }).testPassed).toBe(true);
  });
});

describe('verify and summary', () => {
  const atVerify = run(
    atProvider(),
    { type: 'choose-provider', preset: m365 },
    { type: 'secret-saved', addressId: 'a-1' },
    { type: 'next', context },
    { type: 'test-finished', passed: true },
    { type: 'next', context },
    { type: 'next', context },
    { type: 'next', context },
  );

  it('the verification email must be accepted before the summary', () => {
    expect(atVerify.step).toBe('verify');
    expect(wizardReducer(atVerify, { type: 'next', context }).errors.verify).toMatch(/verification email first/u);
    expect(run(atVerify, { type: 'verify-finished', accepted: true }, { type: 'next', context }).step).toBe('summary');
  });

  it('a recipient that is not an address is refused, and changing it asks for a new send', () => {
    const sent = wizardReducer(atVerify, { type: 'verify-finished', accepted: true });
    const s = run(sent, { type: 'set-text', field: 'recipient', value: 'not an address' }, { type: 'next', context });
    expect(s.errors.recipient).toMatch(/you@example\.com/u);
    expect(s.verifyAccepted).toBe(false);
  });

  it('Next on the summary stays there (Finish is the way out)', () => {
    const s = run(atVerify, { type: 'verify-finished', accepted: true }, { type: 'next', context }, { type: 'next', context });
    expect(s.step).toBe('summary');
  });
});

describe('draft', () => {
  it('is a valid draft on every step and never carries a secret', () => {
    let s = atProvider();
    s = run(s, { type: 'choose-provider', preset: m365 }, { type: 'secret-saved', addressId: 'a-1' });
    const draft = draftOf(s, '2026-11-23T10:00:00.000Z');
    expect(wizardDraftSchema.parse(draft)).toEqual(draft);
    expect(Object.keys(draft)).not.toContain('secret');
    expect(draft).toMatchObject({ step: 'provider', port: 587, addressId: 'a-1', platformSubdomain: 'acme' });
  });

  it("the platform's ticked prerequisites are saved and restored; another platform starts with none ticked", () => {
    let s = run(initialWizard, { type: 'set-platform', platform: 'zendesk' }, { type: 'set-prerequisite', id: 'ccs-followers', done: true }, { type: 'set-prerequisite', id: 'sandbox-first', done: true });
    s = run(s, { type: 'set-prerequisite', id: 'ccs-followers', done: false }, { type: 'set-prerequisite', id: 'sandbox-first', done: true });
    expect(s.prerequisites).toEqual(['sandbox-first']);
    const draft = draftOf(s, '2026-11-23T10:00:00.000Z');
    expect(wizardDraftSchema.parse(draft).prerequisites).toEqual(['sandbox-first']);
    expect(wizardReducer(initialWizard, { type: 'restore', draft }).prerequisites).toEqual(['sandbox-first']);
    // A draft saved before prerequisites existed restores with none ticked.
    const { prerequisites: _none, ...older } = draft;
    expect(wizardDraftSchema.parse(older).prerequisites).toEqual([]);
    expect(run(s, { type: 'set-platform', platform: 'generic' }).prerequisites).toEqual([]);
  });

  it('a port that is not a number is saved as none; restoring gives back the same wizard', () => {
    const s = run(atProvider(), { type: 'choose-provider', preset: m365 }, { type: 'set-text', field: 'port', value: '58x' });
    const draft = draftOf(s, '2026-11-23T10:00:00.000Z');
    expect(draft.port).toBeNull();
    const restored = wizardReducer(initialWizard, { type: 'restore', draft: { ...draft, port: 587 } });
    expect(restored).toMatchObject({ step: 'provider', platform: 'zendesk', address: 'support@example.com', host: 'smtp.office365.com', port: '587' });
  });

  it('a reason is kept only while continuing past a failure', () => {
    const s = run(atProvider(), { type: 'set-continue-anyway', value: true }, { type: 'set-text', field: 'proceedReason', value: 'Blocked port' });
    expect(draftOf(s, '2026-11-23T10:00:00.000Z').proceedReason).toBe('Blocked port');
    const restored = wizardReducer(initialWizard, { type: 'restore', draft: draftOf(s, '2026-11-23T10:00:00.000Z') });
    expect(restored.continueAnyway).toBe(true);
    expect(draftOf(wizardReducer(s, { type: 'set-continue-anyway', value: false }), '2026-11-23T10:00:00.000Z').proceedReason).toBe('');
  });
});

describe('derived values', () => {
  it('the Zendesk forwarding target uses the subdomain, lower-cased', () => {
    const zendesk = platforms.find((p) => p.id === 'zendesk');
    expect(forwardingTarget(zendesk, 'Acme')).toBe('support@acme.zendesk.com');
    expect(forwardingTarget(platforms.find((p) => p.id === 'zuora'), 'acme')).toBeNull();
  });

  it('the saved fields use the punycode address and drop a subdomain the platform does not use', () => {
    const s = { ...atProvider(), address: 'support@bücher.example', platform: 'zuora' as const };
    const check: AddressCheck = { ...clean('support@xn--bcher-kva.example'), unicode: 'support@bücher.example' };
    const fields = addressFieldsOf(s, check, platforms.find((p) => p.id === 'zuora'));
    expect(fields.address).toBe('support@xn--bcher-kva.example');
    expect(fields.platformSubdomain).toBeNull();
  });
});

describe('which connection test proves the saved setup', () => {
  const saved = {
    id: 'a-1',
    address: 'support@example.com',
    host: 'smtp.example.com',
    port: 587,
    security: 'starttls',
    username: 'support@example.com',
    secret: { stored: true, changedAt: '2026-11-23T10:00:00.000Z' },
  } as unknown as Parameters<typeof whyTestDoesNotCount>[2];
  const reply = { code: 250, enhanced: null, lines: ['OK'], text: '250 OK' };
  const passing = {
    ok: true,
    outcome: 'pass',
    target: { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'support@example.com', from: 'support@example.com', to: 'support@example.com' },
    auth: { mechanism: 'PLAIN', offered: ['PLAIN'], accepted: true, reply, oauthError: null },
    sendAs: { from: 'support@example.com', to: 'support@example.com', mailReply: reply, rcptReply: reply, accepted: true, rejectedAt: null },
  } as unknown as Parameters<typeof whyTestDoesNotCount>[0];
  type Report = typeof passing;
  const variant = (change: (r: Record<string, unknown>) => void): Report => {
    const copy = structuredClone(passing) as unknown as Record<string, unknown>;
    change(copy);
    return copy as unknown as Report;
  };

  it('counts a pass on the saved server, with the stored secret, signed in and allowed to send as the address', () => {
    expect(whyTestDoesNotCount(passing, 'a-1', saved)).toBeNull();
    // The server names compare without case, as DNS does.
    expect(whyTestDoesNotCount(variant((r) => ((r['target'] as { host: string }).host = 'SMTP.example.com')), 'a-1', saved)).toBeNull();
  });

  it('does not count a pass with other settings, a typed secret, no sign-in or no send-as', () => {
    expect(whyTestDoesNotCount(variant((r) => ((r['target'] as { host: string }).host = 'smtp.other.example')), 'a-1', saved)).toMatch(/other settings \(server smtp\.other\.example\)/u);
    expect(whyTestDoesNotCount(variant((r) => ((r['target'] as { port: number }).port = 465)), 'a-1', saved)).toMatch(/port 465/u);
    expect(whyTestDoesNotCount(variant((r) => ((r['target'] as { security: string }).security = 'tls')), 'a-1', saved)).toMatch(/security tls/u);
    expect(whyTestDoesNotCount(variant((r) => ((r['target'] as { username: string }).username = 'someone@example.com')), 'a-1', saved)).toMatch(/username someone@example\.com/u);
    expect(whyTestDoesNotCount(passing, null, saved)).toMatch(/did not use the secret stored/u);
    expect(whyTestDoesNotCount(passing, 'a-2', saved)).toMatch(/did not use the secret stored/u);
    expect(whyTestDoesNotCount(passing, 'a-1', { ...saved, secret: { stored: false, changedAt: null } })).toMatch(/did not use the secret stored/u);
    expect(whyTestDoesNotCount(variant((r) => (r['auth'] = null)), 'a-1', saved)).toMatch(/did not accept the sign-in/u);
    expect(whyTestDoesNotCount(variant((r) => (r['sendAs'] = null)), 'a-1', saved)).toMatch(/send-as check for support@example\.com did not pass/u);
    expect(whyTestDoesNotCount(variant((r) => ((r['sendAs'] as { from: string }).from = 'other@example.com')), 'a-1', saved)).toMatch(/send-as check/u);
    expect(whyTestDoesNotCount(variant((r) => ((r['sendAs'] as { accepted: boolean }).accepted = false)), 'a-1', saved)).toMatch(/send-as check/u);
    expect(whyTestDoesNotCount(variant((r) => (r['outcome'] = 'fail')), 'a-1', saved)).toBe('The test did not pass.');
  });
});

describe('the in-progress address removed elsewhere', () => {
  const at = (step: WizardState['step']): WizardState => ({ ...initialWizard, step, addressId: 'a-9', testPassed: true, continueAnyway: true, proceedReason: 'x', verifyAccepted: true });

  it('goes back to the credentials step from a later step, forgetting the address and what was proved', () => {
    for (const step of ['test', 'forwarding', 'dns', 'verify', 'summary'] as const) {
      const next = wizardReducer(at(step), { type: 'secret-lost' });
      expect(next).toMatchObject({ step: 'provider', addressId: null, testPassed: false, verifyAccepted: false, continueAnyway: false, proceedReason: '' });
      expect(next.errors.secret).toMatch(/removed in another window/u);
      // Next now needs the secret typed again.
      expect(validateStep(next, context).secret).toBeDefined();
    }
  });

  it('stays on steps 1-3, and does nothing when no address was saved yet', () => {
    for (const step of ['platform', 'address', 'provider'] as const) expect(wizardReducer(at(step), { type: 'secret-lost' })).toMatchObject({ step, addressId: null });
    const fresh = { ...initialWizard, step: 'test' as const };
    expect(wizardReducer(fresh, { type: 'secret-lost' })).toBe(fresh);
  });
});

describe('verification email refused, outstanding problems', () => {
  const atVerify: WizardState = { ...initialWizard, step: 'verify', platform: 'zendesk', addressId: 'a1', testPassed: true };

  it('after a refusal, Next names what the server answered and offers continue anyway with a reason', () => {
    const refused = wizardReducer(atVerify, { type: 'verify-finished', accepted: false, refusal: 'The server refused the recipient (550 5.7.1 Relaying denied).' });
    expect(validateStep(refused, context).verify).toMatch(/^The server did not accept the verification email: The server refused the recipient \(550 5\.7\.1 Relaying denied\)\. Fix that/u);
    expect(validateStep(atVerify, context).verify).toMatch(/^Send the verification email first/u);
    const going = wizardReducer(refused, { type: 'set-verify-continue-anyway', value: true });
    expect(validateStep(going, context).verifyReason).toMatch(/why you continue/u);
    const reasoned = wizardReducer(going, { type: 'set-text', field: 'verifyReason', value: 'relay blocks this office' });
    expect(validateStep(reasoned, context)).toEqual({});
    expect(wizardReducer(reasoned, { type: 'next', context }).step).toBe('summary');
    expect(proceedReasonsOf(reasoned)).toBe('Verification email not accepted: relay blocks this office');
    // A later acceptance makes the reason moot.
    const accepted = wizardReducer(reasoned, { type: 'verify-finished', accepted: true });
    expect(accepted.verifyContinueAnyway).toBe(false);
    expect(proceedReasonsOf(accepted)).toBeNull();
  });

  it('lists failed DNS items, a test passed by continue anyway and a refused email, each with its step', () => {
    let state: WizardState = { ...atVerify, testPassed: false, continueAnyway: true, proceedReason: 'port blocked here' };
    state = wizardReducer(state, { type: 'dns-finished', problems: [{ id: 'spf', title: 'SPF', status: 'fail', summary: 'No SPF record.' }] });
    state = wizardReducer(state, { type: 'verify-finished', accepted: false, refusal: 'Relaying denied.' });
    const problems = outstandingProblems(state);
    expect(problems.map((p) => p.step)).toEqual(['test', 'dns']);
    expect(problems[0]?.text).toContain('port blocked here');
    expect(problems[1]?.text).toBe('DNS: SPF (failed).');
    const clean = { ...atVerify, verifyAccepted: true };
    expect(outstandingProblems(clean)).toEqual([]);
    expect(outstandingProblems({ ...atVerify, verifyRefusal: 'Relaying denied.' }).map((p) => p.text)).toEqual(['The verification email was not accepted (the server answered: Relaying denied.).']);
  });

  it('goto only goes back', () => {
    const summary: WizardState = { ...atVerify, step: 'summary' };
    expect(wizardReducer(summary, { type: 'goto', step: 'dns' }).step).toBe('dns');
    expect(wizardReducer({ ...atVerify, step: 'test' }, { type: 'goto', step: 'summary' }).step).toBe('test');
  });
});

describe("the DNS step's verdict", () => {
  it("lists only the route's required blockers: not a failing check the route does not need, nor a recommended one, nor one waiting for input", () => {
    const items = [
      { id: 'spf', title: 'SPF record', status: 'needs-input' as const, summary: 'Send the verification email.' },
      { id: 'dkim:relay1', title: 'DKIM key "relay1"', status: 'pass' as const, summary: 'Valid.' },
      { id: 'dkim:zendesk1', title: 'DKIM key "zendesk1"', status: 'not-needed' as const, summary: 'Not needed: relay1 signs.' },
      { id: 'helo', title: 'HELO / banner name', status: 'fail' as const, summary: 'Does not resolve.' },
      { id: 'dmarc', title: 'DMARC record', status: 'fail' as const, summary: 'No DMARC record.' },
      { id: 'forwarding', title: 'Forwarding target', status: 'error' as const, summary: 'Timed out.' },
    ];
    const problems = blockingProblems({ items, blocking: ['dmarc', 'forwarding'] });
    expect(problems.map((p) => p.id)).toEqual(['dmarc', 'forwarding']);
    const state = wizardReducer({ ...initialWizard, step: 'summary', verifyAccepted: true }, { type: 'dns-finished', problems });
    expect(outstandingProblems(state).map((p) => [p.step, p.text, p.items])).toEqual([
      ['dns', 'DNS: 2 required checks fail or could not be checked:', ['DMARC record (failed)', 'Forwarding target (could not be checked)']],
    ]);
    expect(blockingProblems({ items, blocking: [] })).toEqual([]);
  });

  it('seven failing DNS items are one entry with one way back to step 6, not seven', () => {
    const problems = Array.from({ length: 7 }, (_, i) => ({ id: `item${i}`, title: `Item ${i}`, status: 'fail' as const, summary: 'Fails.' }));
    const state = wizardReducer({ ...initialWizard, step: 'summary', verifyAccepted: true, testPassed: true }, { type: 'dns-finished', problems });
    const outstanding = outstandingProblems(state);
    expect(outstanding.filter((p) => p.step === 'dns')).toHaveLength(1);
    expect(outstanding[0]?.items).toHaveLength(7);
  });
});

describe('step list marks', () => {
  const at = (step: WizardState['step'], rest: Partial<WizardState> = {}): WizardState => ({ ...initialWizard, platform: 'zendesk', addressId: 'a1', step, ...rest });

  it('a step ahead is to do, the current one current, a finished one done', () => {
    const state = at('forwarding', { testPassed: true });
    expect(stepMarkOf(state, 'platform')).toEqual({ kind: 'done' });
    expect(stepMarkOf(state, 'test')).toEqual({ kind: 'done' });
    expect(stepMarkOf(state, 'forwarding')).toEqual({ kind: 'current' });
    expect(stepMarkOf(state, 'dns')).toEqual({ kind: 'todo' });
  });

  it("the DNS step with failing required items (the report's blocking) is never marked done", () => {
    const failing = wizardReducer(at('verify', { testPassed: true }), { type: 'dns-finished', problems: [{ id: 'dmarc', title: 'DMARC record', status: 'fail', summary: 'None.' }] });
    expect(stepMarkOf(failing, 'dns')).toEqual({ kind: 'open', note: '1 required check fails' });
    const fixed = wizardReducer(failing, { type: 'dns-finished', problems: [] });
    expect(stepMarkOf(fixed, 'dns')).toEqual({ kind: 'done' });
  });

  it('a test continued past a failure and a refused verification email stay open', () => {
    const state = at('summary', { testPassed: false, continueAnyway: true, proceedReason: 'blocked here', verifyAccepted: false, verifyRefusal: 'Relaying denied.' });
    expect(stepMarkOf(state, 'test')).toEqual({ kind: 'open', note: 'not passed' });
    expect(stepMarkOf(state, 'verify')).toEqual({ kind: 'open', note: 'not accepted' });
  });
});
