import { describe, expect, it } from 'vitest';
import type { VerificationChange } from '../../../../src-preload/contract';
import { toastTone } from './toast-tone';

const at = '2026-02-04T12:00:00.000Z';

function change(overall: VerificationChange['overall'], moves: ReadonlyArray<[string, VerificationChange['overall'], VerificationChange['overall']]>): VerificationChange {
  return {
    addressId: 'a-1',
    address: 'support@acme.test',
    at,
    trigger: 'scheduled',
    overall,
    transitions: moves.map(([title, from, to], i) => ({ itemId: `dns:item${i}`, title, from, to, at })),
    summary: '',
  };
}

describe('verification toast tone', () => {
  it('an item now verified on an address that still fails is good news, not a red "Failed"', () => {
    const tone = toastTone(change('failed', [['DNS: DMARC record', 'pending', 'verified']]));
    expect(tone.intent).toBe('success');
    expect(tone.title).toBe('support@acme.test: DNS: DMARC record verified');
    expect(tone.title).not.toMatch(/fail/iu);
    expect(tone.lines).toEqual(['DNS: DMARC record: Pending → Verified']);
    expect(tone.overall).toBe('Overall: Failed.');
  });

  it('the last item verified says the address is verified', () => {
    const tone = toastTone(change('verified', [['DNS: SPF record', 'pending', 'verified']]));
    expect(tone).toMatchObject({ intent: 'success', title: 'support@acme.test is verified', overall: null });
  });

  it('an item that fails is an error titled with it, even when another item was verified in the same run', () => {
    const tone = toastTone(change('failed', [['DNS: SPF record', 'pending', 'verified'], ['Connection and sign-in', 'verified', 'failed']]));
    expect(tone.intent).toBe('error');
    expect(tone.title).toBe('support@acme.test: Connection and sign-in failed');
    expect(tone.overall).toBe('Overall: Failed. 1 item also verified.');
  });

  it('a verified record that drifted is a warning, not an error', () => {
    const tone = toastTone(change('stale', [['DNS: DMARC record', 'verified', 'stale']]));
    expect(tone).toMatchObject({ intent: 'warning', title: 'support@acme.test: DNS: DMARC record changed since verified' });
  });

  it('a reset to pending is neutral information, and long lists are cut at three lines', () => {
    const moves = (['A', 'B', 'C', 'D', 'E'] as const).map((t): [string, 'verified', 'pending'] => [t, 'verified', 'pending']);
    const tone = toastTone(change('pending', moves));
    expect(tone.intent).toBe('info');
    expect(tone.title).toBe('support@acme.test: 5 items changed');
    expect(tone.lines).toEqual(['A: Verified → Pending', 'B: Verified → Pending', 'C: Verified → Pending', 'and 2 more']);
  });
});
