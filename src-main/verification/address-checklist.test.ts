/** The one checklist input of an address: what every view judges it by. */
import { describe, expect, it } from 'vitest';
import { checklistInputSchema } from '../../src-preload/contract/checks-schemas';
import type { Address } from '../../src-preload/contract/addresses-schemas';
import type { MessageProof } from '../../src-preload/contract/verification-schemas';
import { testAddressFields } from '../testing/address-fields';
import { addressChecklistInput } from './address-checklist';

const address: Address = {
  ...testAddressFields({ address: 'support@acme.test', platform: 'zendesk', selectors: ['relay1'], route: 'connector', platformSubdomain: 'acme' }),
  id: 'a-1',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  secretChangedAt: null,
  setup: 'complete',
  proceedReason: null,
  lastTest: null,
};

const proof = {
  sender: { ip: '192.0.2.30', helo: 'out.relay.test', hop: 1 },
  dkim: [
    { domain: 'acme.test', selector: 's2026', aligned: true },
    { domain: 'other.test', selector: 'x1', aligned: false },
  ],
} as unknown as MessageProof;

describe('the checklist input of an address', () => {
  it('takes the route, the relay selectors saved and signed with, the provider include, the sending IP and HELO of the last proved message, and the forwarding target', () => {
    const input = checklistInputSchema.parse(
      addressChecklistInput(address, {
        platform: { forwarding: { addressPattern: 'support@{subdomain}.zendesk.com' } } as never,
        provider: { spfInclude: { include: 'spf.protection.outlook.com' } } as never,
        lastProof: proof,
        dnsServers: ['127.0.0.1:5300'],
      }),
    );
    expect(input).toMatchObject({
      domain: 'acme.test',
      platform: 'zendesk',
      route: 'connector',
      relaySelectors: ['relay1', 's2026'],
      relayInclude: 'spf.protection.outlook.com',
      sendingIp: '192.0.2.30',
      heloName: 'out.relay.test',
      heloSource: 'ehlo',
      smtpHost: 'smtp.example.test',
      forwardingAddress: 'support@acme.zendesk.com',
      dnsServers: ['127.0.0.1:5300'],
    });
  });

  it('without a proved message or preset facts it asks nothing it cannot know', () => {
    const input = checklistInputSchema.parse(addressChecklistInput({ ...address, route: null, platformSubdomain: null }, { platform: undefined, provider: undefined, lastProof: null, dnsServers: [] }));
    expect(input.route).toBeUndefined();
    expect(input.sendingIp).toBeUndefined();
    expect(input.heloName).toBeUndefined();
    expect(input.relayInclude).toBeUndefined();
    expect(input.forwardingAddress).toBeUndefined();
    expect(input.relaySelectors).toEqual(['relay1']);
  });
});
