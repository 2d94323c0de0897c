import { describe, expect, it } from 'vitest';
import type { AddressView, RotationResult } from '../../../../src-preload/contract';
import { addressStandingLabels, connectionTestLabels, itemStandingLabels } from '../../../../src-preload/contract/state-labels';
import { credentialAge, daysBetween, exportFileName, formatDateTime, lastSecretWrite, lastTestColumn, noLastTest, stateOf } from './address-status';
import { idleRotation, outcomeOf, rotationReducer } from './rotation-run';

const base: AddressView = {
  id: 'a-1',
  address: 'support@example.com',
  platform: 'zendesk',
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
  mailbox: null,
  forwardingMailbox: null,
  setup: 'complete',
  proceedReason: null,
  lastTest: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  secretChangedAt: '2026-01-01T00:00:00.000Z',
  secret: { stored: true, changedAt: '2026-01-01T00:00:00.000Z' },
};

const now = new Date('2026-02-04T12:00:00.000Z');

describe('address status', () => {
  it('puts an unfinished setup before a missing secret, and a missing secret before the last test', () => {
    const failed = { at: '2026-02-01T00:00:00.000Z', ok: false, summary: 'Sign-in refused', platformReady: false, blockers: [] };
    expect(stateOf({ ...base, setup: 'in-progress', secret: { stored: false, changedAt: null }, lastTest: failed })).toEqual({ kind: 'setup-in-progress' });
    expect(stateOf({ ...base, secret: { stored: false, changedAt: null }, lastTest: failed })).toEqual({ kind: 'secret-missing' });
    expect(stateOf({ ...base, lastTest: failed })).toEqual({ kind: 'last-test-failed', summary: 'Sign-in refused' });
    expect(stateOf({ ...base, secret: { stored: null, changedAt: null } })).toEqual({ kind: 'keychain-unavailable' });
    expect(stateOf(base)).toEqual({ kind: 'untested' });
  });

  it('never shows a test that passed only on this computer as a plain pass', () => {
    const blocker = { code: 'certificate-not-public' as const, message: 'Zendesk will refuse the pinned certificate.', fix: 'Install a publicly trusted certificate.' };
    const passed = { at: '2026-02-01T00:00:00.000Z', ok: true, summary: 'Signed in', platformReady: false, blockers: [blocker] };
    expect(stateOf({ ...base, lastTest: passed })).toEqual({ kind: 'last-test-blocked', blockers: [blocker] });
    // A file written before readiness was recorded: nothing known against it.
    expect(stateOf({ ...base, lastTest: { ...passed, platformReady: null, blockers: [] } })).toEqual({ kind: 'last-test-passed' });
    // A failure stays a failure, whatever else it found.
    expect(stateOf({ ...base, lastTest: { ...passed, ok: false } })).toMatchObject({ kind: 'last-test-failed' });
  });

  it('says a stored secret is held back when a certificate was pinned for its host since it was last tested', () => {
    const settings = { dnsServers: [], pinnedCertificates: [{ host: 'SMTP.example.com', sha256: 'A'.repeat(64), pinnedAt: '2026-01-20T00:00:00.000Z' }] };
    const passed = { at: '2026-01-10T00:00:00.000Z', ok: true, summary: 'Signed in', platformReady: true, blockers: [] };
    const held = stateOf({ ...base, lastTest: passed }, settings);
    expect(held).toMatchObject({ kind: 'secret-held' });
    if (held.kind === 'secret-held') expect(held.message).toContain('A certificate was pinned for smtp.example.com since the password of support@example.com was last tested; type the password again and test, or rotate it.');
    // Pinned before the last passing test: that test already used the pin.
    expect(stateOf({ ...base, lastTest: { ...passed, at: '2026-01-25T00:00:00.000Z' } }, settings)).toEqual({ kind: 'last-test-passed' });
    // Without Settings (still loading) nothing is claimed.
    expect(stateOf({ ...base, lastTest: passed })).toEqual({ kind: 'last-test-passed' });
  });

  it('counts the credential age in whole days', () => {
    expect(daysBetween('2026-01-01T00:00:00.000Z', now)).toBe(34);
    expect(credentialAge(base, now, 'rotated', 'en')).toBe('rotated 34 days ago');
    expect(credentialAge({ ...base, secret: { stored: false, changedAt: null } }, now, 'rotated', 'en')).toBeNull();
  });

  it('says "saved today" for a credential just created, never "rotated", and "rotated" only after a rotation', () => {
    const created = { ...base, secret: { stored: true, changedAt: now.toISOString() } };
    const saved = lastSecretWrite([
      { kind: 'connected', at: '2026-02-04T11:59:00.000Z' },
      { kind: 'secret-saved', at: '2026-02-04T11:59:00.000Z' },
    ]);
    expect(saved).toBe('saved');
    expect(credentialAge(created, now, saved, 'en')).toBe('saved today');
    // A rotation, then the secret saved again without a test: the newest write decides.
    expect(lastSecretWrite([{ kind: 'secret-saved', at: '2026-01-01T00:00:00.000Z' }, { kind: 'rotated', at: '2026-02-01T00:00:00.000Z' }])).toBe('rotated');
    expect(lastSecretWrite([{ kind: 'rotated', at: '2026-02-01T00:00:00.000Z' }, { kind: 'secret-saved', at: '2026-02-03T00:00:00.000Z' }])).toBe('saved');
    // A failed rotation leaves the old secret: it is not a write.
    expect(lastSecretWrite([{ kind: 'secret-saved', at: '2026-01-01T00:00:00.000Z' }, { kind: 'rotation-failed', at: '2026-02-01T00:00:00.000Z' }])).toBe('saved');
    // Events not read yet: no claim either way.
    expect(credentialAge(created, now, null, 'en')).toBe('changed today');
  });

  it('shows times in the given locale and time zone, with the zone named', () => {
    expect(formatDateTime('2026-02-04T12:00:00.000Z', 'en-GB', 'Europe/Berlin')).toMatch(/4 Feb 2026.*13:00.*(CET|GMT\+1)/u);
    expect(formatDateTime('not a date')).toBe('not a date');
  });

  it('names the export after the local date', () => {
    expect(exportFileName(new Date(2026, 2, 5, 23, 30))).toBe('relayproof-addresses-2026-03-05.json');
  });
});

describe('the Last test column beside the status chip', () => {
  const failed = { at: '2026-02-01T00:00:00.000Z', ok: false, summary: 'Sign-in refused', platformReady: false, blockers: [] };
  const columnOf = (address: AddressView) => lastTestColumn(address, stateOf(address));

  it('shows no verdict for an address never tested: the chip says "Connection not tested yet", the column has no time', () => {
    expect(stateOf(base)).toEqual({ kind: 'untested' });
    expect(columnOf(base)).toEqual({ kind: 'none' });
    // Also when the chip shows something else: the column is about a time, and none exists.
    expect(columnOf({ ...base, secret: { stored: false, changedAt: null } })).toEqual({ kind: 'none' });
  });

  it('gives the time and the server’s line, and the verdict only when the chip shows another state', () => {
    expect(columnOf({ ...base, lastTest: failed })).toEqual({ kind: 'ran', at: failed.at, standing: 'failed', verdict: null, summary: 'Sign-in refused' });
    const blocker = { code: 'host-not-public' as const, message: 'Zendesk cannot reach 127.0.0.1.', fix: 'Use a public host.' };
    expect(columnOf({ ...base, lastTest: { ...failed, ok: true, summary: 'Signed in', blockers: [blocker] } })).toMatchObject({ standing: 'passed-here-only', verdict: null });
    // The chip says the secret is missing: the test's verdict is said nowhere else.
    expect(columnOf({ ...base, secret: { stored: false, changedAt: null }, lastTest: failed })).toMatchObject({ verdict: connectionTestLabels.failed, summary: 'Sign-in refused' });
    expect(columnOf({ ...base, setup: 'in-progress', lastTest: { ...failed, ok: true } })).toMatchObject({ verdict: connectionTestLabels.passed });
  });

  it('reads the empty cell as a word that is no state of the address, its test or an item', () => {
    const stateWords = [...Object.values(connectionTestLabels), ...Object.values(addressStandingLabels), ...Object.values(itemStandingLabels)].map((w) => w.toLowerCase());
    expect(stateWords.some((w) => w.includes(noLastTest.spoken.toLowerCase()))).toBe(false);
    expect(noLastTest.spoken).not.toMatch(/never|test|check/iu);
  });
});

describe('rotation run', () => {
  const target = { host: 'smtp.example.com', port: 587, security: 'starttls' as const, send: false };
  // Only the fields the reducers read; the rest of a report does not matter here.
  const report = (outcome: 'pass' | 'fail') => ({ outcome, phases: [], ms: 12, failure: null, diagnosis: null }) as unknown as RotationResult['report'];

  it('is "rotated" only when main says the new secret replaced the old one', () => {
    const started = rotationReducer(idleRotation, { type: 'start', operationId: 'op-1', target });
    expect(outcomeOf(started)).toEqual({ kind: 'testing' });
    const done = rotationReducer(started, { type: 'finished', operationId: 'op-1', report: { rotated: true, changedAt: '2026-02-04T12:00:00.000Z', report: report('pass') } });
    expect(outcomeOf(done)).toEqual({ kind: 'rotated', changedAt: '2026-02-04T12:00:00.000Z' });
    const refused = rotationReducer(started, { type: 'finished', operationId: 'op-1', report: { rotated: false, changedAt: null, report: report('fail') } });
    expect(outcomeOf(refused)).toEqual({ kind: 'kept-old' });
  });

  it('ignores the answer of an earlier run', () => {
    const started = rotationReducer(idleRotation, { type: 'start', operationId: 'op-2', target });
    const late = rotationReducer(started, { type: 'finished', operationId: 'op-1', report: { rotated: true, changedAt: null, report: report('pass') } });
    expect(late).toBe(started);
    expect(outcomeOf(late)).toEqual({ kind: 'testing' });
  });
});
