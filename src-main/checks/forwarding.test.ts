import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkForwarding } from './forwarding';
import { checkItemSchema, type CheckItem } from '../../src-preload/contract/checks-schemas';

const zendesk = { addressPattern: 'support@{subdomain}.zendesk.com', domainSuffix: 'zendesk.com', singleHopOnly: true, note: 'Forward once, directly to Zendesk.' };
const dns = useTestDns([{ origin: 'zendesk.com', records: [rr.mx('acme.zendesk.com', 10, 'mx.zendesk.com'), rr.a('mx.zendesk.com', '192.0.2.90'), rr.a('aonly.zendesk.com', '192.0.2.91')] }]);

async function forwarding(address: string | undefined): Promise<CheckItem> {
  const item = await checkForwarding({ domain: 'example.com', resolver: dns.resolver(), address, pattern: zendesk, platformName: 'Zendesk' });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}

describe('forwarding target check', () => {
  it('passes a Zendesk address whose domain has MX, with the single-hop rule', async () => {
    const item = await forwarding('support@acme.zendesk.com');
    expect(item.status).toBe('pass');
    expect(item.summary).toBe('acme.zendesk.com receives mail (MX mx.zendesk.com).');
    expect(item.findings[1]).toMatchObject({ code: 'forwarding-single-hop', message: 'Forward once, directly to Zendesk.' });
  });

  it('fails a mistyped subdomain and warns for implicit MX', async () => {
    const typo = await forwarding('support@acmee.zendesk.com');
    expect(typo.status).toBe('fail');
    expect(typo.summary).toBe('acmee.zendesk.com does not exist (NXDOMAIN): check the subdomain in support@acmee.zendesk.com for a typo. Forwarded mail would bounce.');
    expect((await forwarding('support@aonly.zendesk.com')).findings[0]?.code).toBe('forwarding-implicit-mx');
  });

  it('waits for the address', async () => {
    const item = await forwarding(undefined);
    expect(item).toMatchObject({ status: 'needs-input', needsInput: { field: 'forwardingAddress' }, summary: 'Enter the address inbound mail is forwarded to (such as support@yourcompany.zendesk.com, with your Zendesk subdomain).' });
  });
});
