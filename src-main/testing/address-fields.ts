/**
 * The fields of one ordinary address, for tests that need an address to exist but test
 * something else: a custom SMTP relay with a password, nothing optional set. A test whose
 * point is one field passes that field as an override, so its values stay in view.
 * Imported by store-writer.ts too, so it must stay free of anything but the contract's types.
 */
import type { AddressFields } from '../../src-preload/contract';

export function testAddressFields(overrides: Partial<AddressFields> = {}): AddressFields {
  return {
    address: 'support@example.test',
    platform: 'generic',
    environment: 'production',
    provider: 'custom',
    host: 'smtp.example.test',
    port: 587,
    security: 'starttls',
    username: 'support@example.test',
    authKind: 'password',
    selectors: [],
    route: null,
    platformSubdomain: null,
    rotationReminderDays: null,
    mailbox: null,
    forwardingMailbox: null,
    ...overrides,
  };
}
