import { describe, expect, it } from 'vitest';
import { checklistErrorsOf, draftFromAddress, emptyChecklistDraft, requestOf, splitList } from './checklist-draft';

describe('checklist form draft', () => {
  it('splits selectors and DNS servers on commas, spaces and line breaks', () => {
    expect(splitList(' zendesk1, zendesk2\n s2026 ,,')).toEqual(['zendesk1', 'zendesk2', 's2026']);
    const parsed = requestOf({ ...emptyChecklistDraft, domain: ' example.com ', selectors: 'a, b', dnsServers: '127.0.0.1:5301 192.0.2.53', sendingIp: '' }, 'zendesk');
    expect(parsed).toEqual({
      ok: true,
      request: { domain: 'example.com', platform: 'zendesk', selectors: ['a', 'b'], dnsServers: ['127.0.0.1:5301', '192.0.2.53'] },
    });
  });

  it('asks for a domain before sending anything', () => {
    expect(requestOf(emptyChecklistDraft, 'zendesk')).toEqual({ ok: false, errors: { domain: 'Enter the domain to check, such as example.com.' } });
  });

  it('takes the domain, platform and selectors of an address', () => {
    const draft = draftFromAddress({ address: 'support@contoso.example', platform: 'zuora-ses', selectors: ['tok1', 'tok2'] }, { ...emptyChecklistDraft, dnsServers: '192.0.2.53' });
    expect(draft).toEqual({ domain: 'contoso.example', platform: 'zuora-ses', selectors: 'tok1, tok2', sendingIp: '', dnsServers: '192.0.2.53' });
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
