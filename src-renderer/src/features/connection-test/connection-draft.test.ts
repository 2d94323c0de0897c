import { describe, expect, it } from 'vitest';
import type { AddressView } from '../../../../src-preload/contract';
import { draftFromAddress, emptyConnectionDraft, issuesOf, pinOfFingerprint, requestOf, withoutPin, withPin } from './connection-draft';

const saved: AddressView = {
  id: 'a-1',
  address: 'support@example.com',
  platform: 'zendesk',
  environment: 'production',
  provider: 'custom',
  host: 'smtp.example.com',
  port: 465,
  security: 'tls',
  username: 'app@example.com',
  authKind: 'app-password',
  selectors: [],
  route: null,
  platformSubdomain: null,
  rotationReminderDays: null,
  mailbox: null,
  forwardingMailbox: null,
  setup: 'complete',
  proceedReason: null,
  lastTest: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  secretChangedAt: null,
  secret: { stored: true, changedAt: null },
};

describe('connection test draft', () => {
  it('fills in from a saved address, with the address as From, and tests with its keychain secret', () => {
    const parsed = requestOf(draftFromAddress(saved), { kind: 'stored', addressId: 'a-1' });
    expect(parsed).toEqual({
      ok: true,
      request: {
        host: 'smtp.example.com',
        port: 465,
        security: 'tls',
        credentials: { kind: 'app-password', username: 'app@example.com' },
        from: 'support@example.com',
        addressId: 'a-1',
      },
      send: false,
    });
  });

  it('asks for the secret before sending when none was typed and none is stored', () => {
    const parsed = requestOf({ ...emptyConnectionDraft, host: 'smtp.example.com', username: 'a@example.com' }, { kind: 'typed', present: false });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.secret).toMatch(/Type the secret/u);
  });

  it('never sends credentials without TLS, so security "none" needs no secret', () => {
    const parsed = requestOf({ ...emptyConnectionDraft, host: 'mx.example.com', port: '25', security: 'none', username: 'a@example.com' }, { kind: 'stored', addressId: 'a-1' });
    expect(parsed).toMatchObject({ ok: true, request: { credentials: null, security: 'none' } });
    if (parsed.ok) expect(parsed.request).not.toHaveProperty('addressId');
  });

  it('uses the username as From when it is an address, and trims optional fields away when empty', () => {
    const parsed = requestOf({ ...emptyConnectionDraft, host: ' smtp.example.com ', username: 'a@example.com', to: ' ', ehloName: '' }, { kind: 'typed', present: true });
    expect(parsed).toMatchObject({ ok: true, request: { host: 'smtp.example.com', from: 'a@example.com' } });
    if (parsed.ok) {
      expect(parsed.request).not.toHaveProperty('to');
      expect(parsed.request).not.toHaveProperty('ehloName');
    }
  });

  it('refuses a port that is not a number before sending anything', () => {
    expect(requestOf({ ...emptyConnectionDraft, port: '58 7' }, { kind: 'typed', present: true })).toEqual({
      ok: false,
      errors: { port: 'Enter the port as a number, such as 587 or 465.' },
    });
  });

  it("puts main's issues under the fields they name, credentials included", () => {
    const issues = issuesOf({
      code: 'invalid-input',
      message: 'x',
      details: {
        issues: [
          { path: 'host', message: 'Host contains a line break or control character.' },
          { path: 'credentials.username', message: 'Username is required.' },
          { path: 'secret', message: 'The secret contains a line break or NUL character.' },
          { path: 'timeouts.deadlineMs', message: 'Too big' },
          { path: 'from', message: 'Enter an email address such as support@example.com.' },
        ],
      },
    });
    expect(issues).toEqual({
      byField: {
        host: 'Host contains a line break or control character.',
        username: 'Username is required.',
        secret: 'The secret contains a line break or NUL character.',
        from: 'Enter an email address such as support@example.com.',
      },
      other: ['Too big'],
    });
  });

  it('stores a pin as 64 upper-case hex digits and keeps one pin per host', () => {
    const sha = pinOfFingerprint('0f:46:F5:5D:19:1E:B6:8B:CE:D3:57:AD:D8:8D:19:E7:E0:E9:70:53:B9:A8:41:22:60:66:0D:72:A6:4F:C5:E8');
    expect(sha).toMatch(/^[0-9A-F]{64}$/u);
    const old = { host: 'SMTP.example.com', sha256: 'A'.repeat(64), pinnedAt: '2026-01-01T00:00:00.000Z' };
    const other = { host: 'mail.example.org', sha256: 'B'.repeat(64), pinnedAt: '2026-01-01T00:00:00.000Z' };
    const pins = withPin([old, other], 'smtp.example.com', sha, '2026-02-01T00:00:00.000Z');
    expect(pins).toEqual([other, { host: 'smtp.example.com', sha256: sha, pinnedAt: '2026-02-01T00:00:00.000Z' }]);
    expect(withoutPin(pins, 'SMTP.EXAMPLE.COM')).toEqual([other]);
  });
});
