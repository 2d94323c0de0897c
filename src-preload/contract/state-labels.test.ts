import { describe, expect, it } from 'vitest';
import {
  addressStanding,
  addressStandingLabels,
  addressStandings,
  addressVerdictLabel,
  connectionTestLabel,
  itemLabel,
  itemStandingLabels,
  sesIdentityLabel,
} from './state-labels';
import type { StatusItem, StatusView } from './verification-schemas';

const T = '2026-11-23T05:21:00.000Z';
const LATER = '2026-11-23T06:00:00.000Z';
const evidence = (facts: { label: string; value: string }[]) => ({ source: 'dns' as const, observedAt: T, summary: 's', value: null, facts });

type Item = Pick<StatusItem, 'status' | 'checkedAt' | 'lastError'>;
const never: Item = { status: { state: 'unverified', since: null }, checkedAt: null, lastError: null };
const verified: Item = { status: { state: 'verified', since: T, explanation: 'ok', evidence: evidence([]), drift: null }, checkedAt: T, lastError: null };
const warned: Item = { status: { state: 'verified', since: T, explanation: 'ok', evidence: evidence([{ label: 'Warning', value: 'a TXT copy, not the CNAME' }]), drift: null }, checkedAt: T, lastError: null };
const failed: Item = { status: { state: 'failed', since: T, reason: 'check-failed', explanation: 'x', evidence: null }, checkedAt: T, lastError: null };
const pending: Item = { status: { state: 'pending', since: T, deadlineAt: null, explanation: 'x', evidence: null }, checkedAt: T, lastError: null };
const stale: Item = { status: { state: 'stale', since: T, verifiedSince: T, deadlineAt: null, explanation: 'x', drift: { before: 'a', after: 'b', beforeAt: T, afterAt: T, explanation: 'x' }, evidence: evidence([]) }, checkedAt: T, lastError: null };
const undecided: Item = { status: { state: 'unverified', since: null }, checkedAt: T, lastError: { at: T, message: 'The resolver timed out.' } };
const asks: Item = { status: { state: 'unverified', since: null }, checkedAt: T, lastError: { at: T, message: 'Enter the selector', needsInput: { field: 'relaySelectors', label: 'DKIM selector' } } };
const resetSince: Item = { status: { state: 'unverified', since: LATER }, checkedAt: T, lastError: null };

type View = Pick<StatusView, 'overall' | 'items' | 'lastCheckedAt'>;
const view = (overall: View['overall'], items: Item[], lastCheckedAt: string | null): View => ({ overall, items: items.map((i, n) => ({ ...i, id: `dns:spf`, group: 'dns', title: `item ${n}`, changedAt: null, countdownMs: null })), lastCheckedAt });

describe('one label per state', () => {
  it.each([
    ['an address no status check ever looked at', view('unverified', [never, never], null), null, 'Never checked'],
    ['a check ran, some items still open', view('unverified', [verified, never], T), null, 'Not fully checked yet'],
    ['a check ran and decided nothing', view('unverified', [undecided], T), null, 'Not fully checked yet'],
    ['every item verified', view('verified', [verified], T), null, 'Verified'],
    ['a verified item with the checklist\'s warning', view('verified', [verified, warned], T), null, 'Verified, with warnings'],
    ['verified, but the connection passed only on this computer', view('verified', [verified], T), { ok: true, blockers: [{ code: 'host-not-public' as const, message: 'm', fix: 'f' }] }, 'Verified, with warnings'],
    ['verified, the last connection test clean', view('verified', [verified], T), { ok: true, blockers: [] }, 'Verified'],
    ['a failed item', view('failed', [verified, failed], T), null, 'Failed'],
    ['a DNS record waiting to appear', view('pending', [pending], T), null, 'Pending'],
    ['a verified record that changed', view('stale', [stale], T), null, 'Changed since verified'],
  ])('the address: %s', (_, v, lastTest, label) => {
    expect(addressVerdictLabel(v, lastTest)).toBe(label);
  });

  it.each([
    ['never checked', never, 'Not checked yet'],
    ['reset since its last check', resetSince, 'Not checked yet'],
    ['checked, the check could not decide', undecided, 'Not decided yet'],
    ['checked, waiting for the admin\'s input', asks, 'Needs input'],
    ['verified', verified, 'Verified'],
    ['verified with a warning', warned, 'Verified, with a warning'],
    ['failed', failed, 'Failed'],
    ['pending', pending, 'Pending'],
    ['changed since verified', stale, 'Changed since verified'],
  ])('an item: %s', (_, item, label) => {
    expect(itemLabel(item)).toBe(label);
  });

  it.each([
    ['never run', null, 'Connection not tested yet'],
    ['failed', { ok: false, blockers: [] }, 'Last test failed'],
    ['passed, but the platform would be stopped', { ok: true, blockers: [{ code: 'tls-legacy' as const, message: 'm', fix: 'f' }] }, 'Passed here, not platform-ready'],
    ['passed', { ok: true, blockers: [] }, 'Last test passed'],
  ])('the connection test alone: %s', (_, lastTest, label) => {
    expect(connectionTestLabel(lastTest)).toBe(label);
  });

  it.each([
    ['pending', false, 'Pending'],
    ['pending', true, 'Pending (overdue)'],
    ['success', false, 'Success'],
    ['failed', false, 'Failed'],
  ] as const)('an SES identity in Zuora: %s (overdue %s)', (state, overdue, label) => {
    expect(sesIdentityLabel(state, overdue)).toBe(label);
  });

  it('never checked, not decided and the connection test alone are three different words', () => {
    const words = [addressStandingLabels['never-checked'], addressStandingLabels['not-fully-checked'], itemStandingLabels.undecided, connectionTestLabel(null)];
    expect(new Set(words).size).toBe(words.length);
    // Every verdict has its own word: two standings never read the same.
    expect(new Set(addressStandings.map((s) => addressStandingLabels[s])).size).toBe(addressStandings.length);
    expect(addressStanding(view('unverified', [never], null))).toBe('never-checked');
  });
});
