import { describe, expect, it } from 'vitest';
import type { AddressView } from '../../../../src-preload/contract';
import { draftOf, editTakesSecret, emptyDraft, fieldsOf, issuesOf, patchOf, summaryOf } from './address-draft';

const stored: AddressView = {
  id: 'a-1',
  address: 'support@example.com',
  platform: 'zendesk',
  environment: 'production',
  provider: 'custom',
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  username: 'support@example.com',
  authKind: 'password',
  selectors: ['zendesk1'],
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

describe('address form draft', () => {
  it('sends the port as a number and trims what was typed', () => {
    const parsed = fieldsOf({ ...emptyDraft, address: ' a@example.com ', host: ' smtp.example.com', port: ' 465 ' });
    expect(parsed).toMatchObject({ ok: true, fields: { address: 'a@example.com', host: 'smtp.example.com', port: 465 } });
  });

  it('keeps an out-of-range port for the main process to judge', () => {
    expect(fieldsOf({ ...emptyDraft, port: '70000' })).toMatchObject({ ok: true, fields: { port: 70000 } });
  });

  it('refuses a port that is not a number before sending anything', () => {
    expect(fieldsOf({ ...emptyDraft, port: '58 7' })).toEqual({ ok: false, errors: { port: 'Enter the port as a number, such as 587 or 465.' } });
  });

  it('patches only the fields that changed, never the DKIM selectors', () => {
    const parsed = fieldsOf({ ...draftOf(stored), host: 'smtp.office365.com' });
    if (!parsed.ok) throw new Error('expected valid fields');
    expect(patchOf(stored, parsed.fields)).toEqual({ host: 'smtp.office365.com' });
  });

  it("puts main's issues under the fields they name and keeps the rest", () => {
    const issues = issuesOf({
      code: 'invalid-input',
      message: 'fields.port: Too big',
      details: {
        issues: [
          { path: 'fields.port', message: 'Too big' },
          { path: 'patch.host', message: 'Host is required.' },
          { path: 'fields.port', message: 'second message for port' },
          { path: 'id', message: 'Identifier must be lowercase.' },
        ],
      },
    });
    expect(issues).toEqual({ byField: { port: 'Too big', host: 'Host is required.' }, other: ['Identifier must be lowercase.'] });
  });

  it("keeps main's message when no field is involved", () => {
    const error = { code: 'conflict' as const, message: 'support@example.com is already configured.' };
    expect(summaryOf(error, issuesOf(error))).toBe(error);
  });
});

describe('the secret field of the edit dialog', () => {
  it('is not offered for an address whose secret is stored and whose server stays: that is a rotation', () => {
    expect(editTakesSecret(stored, draftOf(stored))).toBe(false);
    // Renaming or moving it does not change where the secret is used.
    expect(editTakesSecret(stored, { ...draftOf(stored), address: 'help@example.com', environment: 'sandbox' })).toBe(false);
    expect(editTakesSecret(stored, { ...draftOf(stored), host: ' SMTP.example.com ' })).toBe(false);
  });

  it('is offered when no secret is stored, or when a server change removes the stored one', () => {
    expect(editTakesSecret({ ...stored, secret: { stored: false, changedAt: null } }, draftOf(stored))).toBe(true);
    expect(editTakesSecret({ ...stored, secret: { stored: null, changedAt: null } }, draftOf(stored))).toBe(true);
    for (const change of [{ host: 'smtp.other.example' }, { port: '465' }, { security: 'tls' as const }, { username: 'other@example.com' }, { authKind: 'app-password' as const }]) {
      expect(editTakesSecret(stored, { ...draftOf(stored), ...change })).toBe(true);
    }
  });
});
