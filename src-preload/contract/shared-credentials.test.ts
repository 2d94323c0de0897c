import { describe, expect, it } from 'vitest';
import { addressesSharingCredentials } from './shared-credentials';

const saved = [
  { id: 'a', address: 'support@acme.test', host: 'smtp.office365.com', username: 'Relay@Acme.test' },
  { id: 'b', address: 'billing@acme.test', host: 'smtp.acme.test', username: 'relay@acme.test' },
];

describe('addresses sharing credentials', () => {
  it('names the other address that signs in with the same username on the same server, whatever the case', () => {
    expect(addressesSharingCredentials({ host: 'SMTP.office365.com.', username: ' relay@acme.test ' }, saved).map((a) => a.address)).toEqual(['support@acme.test']);
  });

  it('leaves out the address being set up, another server, and an empty username', () => {
    expect(addressesSharingCredentials({ host: 'smtp.office365.com', username: 'relay@acme.test', excludeId: 'a' }, saved)).toEqual([]);
    expect(addressesSharingCredentials({ host: 'smtp.other.test', username: 'relay@acme.test' }, saved)).toEqual([]);
    expect(addressesSharingCredentials({ host: 'smtp.office365.com', username: '' }, saved)).toEqual([]);
  });
});
