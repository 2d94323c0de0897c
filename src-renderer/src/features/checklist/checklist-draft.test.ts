import { describe, expect, it } from 'vitest';
import { checkInputFieldSchema } from '../../../../src-preload/contract/checks-schemas';
import { checklistErrorsOf, draftFromAddress, emptyChecklistDraft, inputFieldOf, requestOf, splitList } from './checklist-draft';

describe('checklist form draft', () => {
  it('splits selectors and DNS servers on commas, spaces and line breaks', () => {
    expect(splitList(' zendesk1, zendesk2\n s2026 ,,')).toEqual(['zendesk1', 'zendesk2', 's2026']);
    const parsed = requestOf({ ...emptyChecklistDraft, domain: ' example.com ', relaySelectors: 'a, b', dnsServers: '127.0.0.1:5301 192.0.2.53', sendingIp: '' }, 'zendesk');
    expect(parsed).toEqual({
      ok: true,
      request: { domain: 'example.com', platform: 'zendesk', relaySelectors: ['a', 'b'], dnsServers: ['127.0.0.1:5301', '192.0.2.53'] },
    });
  });

  it("sends the relay's selectors as the relay's, the chosen route, and every field an item can ask for", () => {
    const parsed = requestOf(
      {
        ...emptyChecklistDraft,
        domain: 'example.com',
        platform: 'zendesk',
        route: 'direct',
        relaySelectors: 's2026',
        relayInclude: ' spf.protection.outlook.com ',
        sendingIp: '192.0.2.25',
        smtpHost: 'smtp.example.com',
        heloName: 'mail.example.com',
        forwardingAddress: 'support@acme.zendesk.com',
      },
      'generic',
    );
    expect(parsed).toEqual({
      ok: true,
      request: {
        domain: 'example.com',
        platform: 'zendesk',
        route: 'direct',
        relaySelectors: ['s2026'],
        relayInclude: 'spf.protection.outlook.com',
        sendingIp: '192.0.2.25',
        smtpHost: 'smtp.example.com',
        heloName: 'mail.example.com',
        heloSource: 'user',
        forwardingAddress: 'support@acme.zendesk.com',
        dnsServers: [],
      },
    });
    // No route chosen: main takes the platform's default, as for a saved address.
    const fallback = requestOf({ ...emptyChecklistDraft, domain: 'example.com' }, 'zendesk');
    expect(fallback.ok && 'route' in fallback.request).toBe(false);
  });

  it('has a form field for every field a checklist item can ask for', () => {
    for (const field of checkInputFieldSchema.options) expect(Object.keys(emptyChecklistDraft)).toContain(inputFieldOf[field]);
  });

  it('asks for a domain before sending anything', () => {
    expect(requestOf(emptyChecklistDraft, 'zendesk')).toEqual({ ok: false, errors: { domain: 'Enter the domain to check.' } });
  });

  it("takes an address's domain, platform, route, relay selectors, SMTP host and forwarding target", () => {
    const address = { address: 'support@contoso.example', platform: 'zendesk', route: 'connector' as const, selectors: ['selector1', 'selector2'], host: 'smtp.office365.com', platformSubdomain: 'Contoso' };
    const draft = draftFromAddress(address, { ...emptyChecklistDraft, sendingIp: '198.51.100.7', dnsServers: '192.0.2.53' }, { forwardingPattern: 'support@{subdomain}.zendesk.com', relayInclude: 'spf.protection.outlook.com' });
    expect(draft).toEqual({
      domain: 'contoso.example',
      platform: 'zendesk',
      route: 'connector',
      relaySelectors: 'selector1, selector2',
      relayInclude: 'spf.protection.outlook.com',
      // What another domain's run was given is not this address's.
      sendingIp: '',
      smtpHost: 'smtp.office365.com',
      heloName: '',
      forwardingAddress: 'support@contoso.zendesk.com',
      dnsServers: '',
    });
    // The platform's default route stays "not chosen".
    expect(draftFromAddress({ ...address, route: null, platformSubdomain: null }, emptyChecklistDraft).route).toBe('');
  });

  it('names the list entry main refused', () => {
    const draft = { ...emptyChecklistDraft, domain: 'example.com', dnsServers: '127.0.0.1:53, dns.example' };
    const errors = checklistErrorsOf(
      {
        code: 'invalid-input',
        message: 'dnsServers.1: A DNS server is an IP address.',
        details: { issues: [{ path: 'dnsServers.1', message: 'A DNS server is an IP address.' }, { path: 'operationId', message: 'bad' }] },
      },
      draft,
    );
    expect(errors).toEqual({ dnsServers: '"dns.example": A DNS server is an IP address.' });
  });
});
