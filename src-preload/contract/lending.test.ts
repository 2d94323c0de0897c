import { describe, expect, it } from 'vitest';
import type { Address, LendingBinding } from './addresses-schemas';
import { checkLending, isIpLiteral, sameDnsServers } from './lending';

const address: Address = {
  id: 'a-1',
  address: 'support@example.com',
  platform: 'generic',
  environment: 'sandbox',
  provider: 'custom',
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  username: 'support@example.com',
  authKind: 'password',
  selectors: [],
  route: null,
  platformSubdomain: null,
  rotationReminderDays: null,
  mailbox: { host: 'imap.example.com', port: 993, security: 'tls', username: 'inbox@example.com' },
  forwardingMailbox: null,
  setup: 'complete',
  proceedReason: null,
  lastTest: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  secretChangedAt: '2026-01-02T00:00:00.000Z',
};
const PIN = 'B'.repeat(64);
const settings = { dnsServers: ['192.0.2.53'], pinnedCertificates: [{ host: 'smtp.example.com', sha256: PIN, pinnedAt: '2026-01-01T12:00:00.000Z' }] };
const smtpBinding: LendingBinding = {
  at: '2026-01-02T00:00:00.000Z',
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  username: 'support@example.com',
  authKind: 'password',
  pinSha256: PIN,
  dnsServers: ['192.0.2.53'],
  ips: ['198.51.100.7'],
};
const bound = (lending: Partial<NonNullable<Address['lending']>>): Address => ({ ...address, lending: { smtp: null, oauth: null, imap: null, 'imap-forwarding': null, ...lending } });

describe('lending a stored secret', () => {
  it('lends with the bound pin while Settings still have it, and compares addresses only after a DNS change', () => {
    expect(checkLending(bound({ smtp: smtpBinding }), 'smtp', settings)).toMatchObject({ hold: null, pinSha256: PIN, dnsChanged: false });
    expect(checkLending(bound({ smtp: smtpBinding }), 'smtp', { ...settings, dnsServers: ['203.0.113.53'] })).toMatchObject({ hold: null, dnsChanged: true, knownIps: ['198.51.100.7'] });
  });

  it('holds it back when the pin was changed or removed', () => {
    expect(checkLending(bound({ smtp: smtpBinding }), 'smtp', { ...settings, pinnedCertificates: [{ ...settings.pinnedCertificates[0]!, sha256: 'C'.repeat(64) }] }).hold).toMatchObject({ reason: 'pin-changed' });
    expect(checkLending(bound({ smtp: smtpBinding }), 'smtp', { ...settings, pinnedCertificates: [] }).hold?.message).toContain('The certificate pinned for smtp.example.com was unpinned since');
  });

  it('holds it back when the address no longer names the server it was saved for', () => {
    expect(checkLending(bound({ smtp: smtpBinding }), 'smtp', settings).hold).toBeNull();
    expect(checkLending({ ...bound({ smtp: smtpBinding }), port: 465, security: 'tls' }, 'smtp', settings).hold).toMatchObject({ reason: 'server-changed' });
    const mailboxBinding: LendingBinding = { ...smtpBinding, host: 'imap.example.com', port: 993, security: 'tls', username: 'inbox@example.com', authKind: null, pinSha256: null, dnsServers: [], ips: [] };
    expect(checkLending(bound({ imap: mailboxBinding }), 'imap', settings).hold).toBeNull();
    const moved = { ...bound({ imap: mailboxBinding }), mailbox: { host: 'imap.elsewhere.test', port: 993, security: 'tls' as const, username: 'inbox@example.com' } };
    expect(checkLending(moved, 'imap', settings).hold?.message).toContain('was saved for imap.example.com:993 (tls) as inbox@example.com, not for imap.elsewhere.test:993');
  });

  it('works out the binding of a secret saved before bindings existed from the times Settings recorded', () => {
    // The pin is older than the secret: it was in force when the secret was saved.
    expect(checkLending(address, 'smtp', settings)).toMatchObject({ hold: null, pinSha256: PIN, dnsChanged: false, knownIps: [] });
    // Pinned after the secret was saved (and never passed a test since): held back.
    const later = { ...settings, pinnedCertificates: [{ ...settings.pinnedCertificates[0]!, pinnedAt: '2026-01-03T00:00:00.000Z' }] };
    expect(checkLending(address, 'smtp', later).hold).toMatchObject({ reason: 'pin-changed' });
    expect(checkLending({ ...address, lastTest: { at: '2026-01-04T00:00:00.000Z', ok: true, summary: 'Signed in', platformReady: true, blockers: [] } }, 'smtp', later).hold).toBeNull();
    // DNS servers changed after the secret was saved: the addresses are compared.
    expect(checkLending(address, 'smtp', { ...settings, dnsServersChangedAt: '2026-01-03T00:00:00.000Z' })).toMatchObject({ hold: null, dnsChanged: true });
    // A mailbox password is bound on its first use.
    expect(checkLending(address, 'imap', settings)).toMatchObject({ hold: null, binding: null });
  });

  it('ignores DNS changes for a host given as an IP address, and the order of DNS servers', () => {
    const literal = { ...bound({ smtp: { ...smtpBinding, host: '198.51.100.7', pinSha256: null } }), host: '198.51.100.7' };
    expect(checkLending(literal, 'smtp', { ...settings, pinnedCertificates: [], dnsServers: ['203.0.113.53'] })).toMatchObject({ hold: null, dnsChanged: false });
    expect(checkLending({ ...literal, host: 'smtp.example.com', lending: { ...literal.lending!, smtp: { ...smtpBinding, pinSha256: null } } }, 'smtp', { ...settings, pinnedCertificates: [], dnsServers: ['203.0.113.53'] })).toMatchObject({ hold: null, dnsChanged: true });
    expect(isIpLiteral('[2001:db8::1]')).toBe(true);
    expect(isIpLiteral('smtp.example.com')).toBe(false);
    expect(sameDnsServers(['192.0.2.1', '192.0.2.2:5353'], ['192.0.2.2:5353', '192.0.2.1'])).toBe(true);
  });
});
