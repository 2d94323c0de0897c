import { describe, expect, it } from 'vitest';
import { addressVerificationStateSchema, itemIdSchema, statusViewSchema, type AddressVerificationState, type ItemId, type ItemStateName, type Observation, type ObservationOutcome } from '../../src-preload/contract/verification-schemas';
import { DNS_WINDOW_MS, initialStatus, reduceStatus, statusView, transitionsBetween } from './status-machine';

const T0 = '2026-11-23T10:00:00.000Z';
const HOUR = 60 * 60 * 1000;
const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();

function obs(itemId: ItemId, outcome: ObservationOutcome, when: string, value: string | null = 'v1', deadlineAt?: string): Observation {
  return {
    itemId,
    at: when,
    outcome,
    explanation: `${itemId} ${outcome} (${value ?? 'none'})`,
    evidence: { source: itemId.startsWith('dns:') ? 'dns' : 'message', observedAt: when, summary: `${outcome}`, value, facts: [] },
    ...(deadlineAt === undefined ? {} : { deadlineAt }),
  };
}

function base(): AddressVerificationState {
  return initialStatus({ addressId: 'support-example', domain: 'example.com', dnsCheckIds: ['spf', 'dkim:s1', 'dmarc'] });
}

function apply(state: AddressVerificationState, ...observations: Observation[]): AddressVerificationState {
  return observations.reduce((s, o) => reduceStatus(s, { type: 'observed', observation: o }), state);
}

const stateOf = (s: AddressVerificationState, id: ItemId) => s.items.find((i) => i.id === id)?.status;

/** Bring one item to a starting state, by observations only (no hand-built states). */
function reach(id: ItemId, start: ItemStateName): AddressVerificationState {
  const s = base();
  switch (start) {
    case 'unverified':
      return s;
    case 'pending':
      return apply(s, obs(id, 'pending', at(0), null, id.startsWith('dns:') ? undefined : at(10 * HOUR)));
    case 'verified':
      return apply(s, obs(id, 'pass', at(0)));
    case 'failed':
      return apply(s, obs(id, 'fail', at(0), 'bad'));
    case 'stale':
      return apply(s, obs(id, 'pass', at(0)), obs(id, 'fail', at(1000), 'v2'));
  }
}

// [from, outcome, expected for a DNS item, expected for a message item]
const TABLE: readonly [ItemStateName, ObservationOutcome, ItemStateName, ItemStateName][] = [
  ['unverified', 'pass', 'verified', 'verified'],
  ['unverified', 'fail', 'failed', 'failed'],
  ['unverified', 'pending', 'pending', 'pending'],
  ['unverified', 'error', 'unverified', 'unverified'],
  ['pending', 'pass', 'verified', 'verified'],
  ['pending', 'fail', 'failed', 'failed'],
  ['pending', 'pending', 'pending', 'pending'],
  ['pending', 'error', 'pending', 'pending'],
  ['verified', 'pass', 'verified', 'verified'],
  ['verified', 'fail', 'stale', 'stale'],
  ['verified', 'pending', 'stale', 'verified'],
  ['verified', 'error', 'verified', 'verified'],
  ['failed', 'pass', 'verified', 'verified'],
  ['failed', 'fail', 'failed', 'failed'],
  ['failed', 'pending', 'failed', 'pending'],
  ['failed', 'error', 'failed', 'failed'],
  ['stale', 'pass', 'verified', 'verified'],
  ['stale', 'fail', 'stale', 'failed'],
  ['stale', 'pending', 'stale', 'stale'],
  ['stale', 'error', 'stale', 'stale'],
];

describe('status reducer transitions', () => {
  it.each(TABLE)('%s + %s → DNS item %s, message item %s', (from, outcome, dnsTo, messageTo) => {
    for (const [id, expected] of [['dns:spf', dnsTo], ['dkim-aligned', messageTo]] as const) {
      const start = reach(id, from);
      expect(stateOf(start, id)?.state).toBe(from);
      const next = apply(start, obs(id, outcome, at(2 * HOUR), 'v3', id.startsWith('dns:') ? undefined : at(3 * HOUR)));
      expect(stateOf(next, id)?.state, `${id}: ${from} + ${outcome}`).toBe(expected);
      // Other items never move, and the state stays valid for the store.
      expect(next.items.filter((i) => i.id !== id)).toEqual(start.items.filter((i) => i.id !== id));
      expect(addressVerificationStateSchema.safeParse(next).success).toBe(true);
    }
  });

  it('an error keeps the state and records what went wrong', () => {
    const next = apply(reach('dns:spf', 'verified'), obs('dns:spf', 'error', at(HOUR)));
    const item = next.items.find((i) => i.id === 'dns:spf');
    expect(item?.status.state).toBe('verified');
    expect(item?.lastError).toEqual({ at: at(HOUR), message: 'dns:spf error (v1)' });
    expect(item?.checkedAt).toBe(at(HOUR));
  });

  it('a verified record that changes and still passes stays verified and shows the drift', () => {
    const next = apply(reach('dns:spf', 'verified'), obs('dns:spf', 'pass', at(HOUR), 'v2'));
    expect(stateOf(next, 'dns:spf')).toMatchObject({ state: 'verified', since: at(0), drift: { before: 'v1', after: 'v2', beforeAt: at(0), afterAt: at(HOUR) } });
  });

  it('a verified record that later fails goes stale with before and after', () => {
    const next = apply(reach('dns:dmarc', 'verified'), obs('dns:dmarc', 'fail', at(5 * HOUR), 'v=DMARC1; p=none'));
    expect(stateOf(next, 'dns:dmarc')).toMatchObject({
      state: 'stale',
      since: at(5 * HOUR),
      verifiedSince: at(0),
      deadlineAt: at(5 * HOUR + DNS_WINDOW_MS),
      drift: { before: 'v1', after: 'v=DMARC1; p=none', beforeAt: at(0), afterAt: at(5 * HOUR) },
    });
  });

  it('a stale item that passes again is verified, with the drift kept only when the value differs', () => {
    const back = apply(reach('dns:spf', 'stale'), obs('dns:spf', 'pass', at(HOUR), 'v1'));
    expect(stateOf(back, 'dns:spf')).toMatchObject({ state: 'verified', drift: null });
    const changed = apply(reach('dns:spf', 'stale'), obs('dns:spf', 'pass', at(HOUR), 'v9'));
    expect(stateOf(changed, 'dns:spf')).toMatchObject({ state: 'verified', drift: { before: 'v1', after: 'v9' } });
  });

  it('a verification email that arrives after an earlier failure starts a new wait with its own deadline', () => {
    const next = apply(reach('email-received', 'failed'), obs('email-received', 'pending', at(HOUR), null, at(HOUR + 600_000)));
    expect(stateOf(next, 'email-received')).toMatchObject({ state: 'pending', since: at(HOUR), deadlineAt: at(HOUR + 600_000) });
  });

  it('observing an unknown DNS check adds its item before forwarding', () => {
    const s = initialStatus({ addressId: 'a', domain: 'example.com', dnsCheckIds: ['spf'], forwarding: true });
    const next = apply(s, obs('dns:dkim:zendesk1', 'pass', at(0)));
    expect(next.items.map((i) => i.id).slice(-3)).toEqual(['dns:spf', 'dns:dkim:zendesk1', 'forwarding']);
    expect(next.items.find((i) => i.id === 'dns:dkim:zendesk1')?.title).toBe('DNS: DKIM key zendesk1');
  });

  it('reset puts chosen items (or all) back to unverified', () => {
    const s = apply(base(), obs('dns:spf', 'fail', at(0)), obs('spf', 'pass', at(0)));
    const one = reduceStatus(s, { type: 'reset', at: at(HOUR), itemIds: ['dns:spf'], reason: 'restart' });
    expect(stateOf(one, 'dns:spf')).toEqual({ state: 'unverified', since: at(HOUR) });
    expect(stateOf(one, 'spf')?.state).toBe('verified');
    const all = reduceStatus(s, { type: 'reset', at: at(HOUR), itemIds: null, reason: 'new credentials' });
    expect(all.items.every((i) => i.status.state === 'unverified')).toBe(true);
  });
});

describe('the 72-hour DNS window', () => {
  const pendingSpf = () => apply(base(), obs('dns:spf', 'pending', at(0), null));

  it('a pending DNS item gets a deadline 72 hours after the first pending check, and keeps it on later checks', () => {
    const s = apply(pendingSpf(), obs('dns:spf', 'pending', at(10 * HOUR), null));
    expect(stateOf(s, 'dns:spf')).toMatchObject({ state: 'pending', since: at(0), deadlineAt: at(72 * HOUR) });
  });

  it('counts down and fails exactly at 72 hours on a tick', () => {
    const s = pendingSpf();
    const view = (h: number) => statusView(s, new Date(at(h * HOUR))).items.find((i) => i.id === 'dns:spf');
    expect(view(0)?.countdownMs).toBe(72 * HOUR);
    expect(view(71)?.countdownMs).toBe(HOUR);
    expect(view(71)?.status.state).toBe('pending');
    const before = reduceStatus(s, { type: 'tick', at: at(72 * HOUR - 1) });
    expect(stateOf(before, 'dns:spf')?.state).toBe('pending');
    const after = reduceStatus(s, { type: 'tick', at: at(72 * HOUR) });
    expect(stateOf(after, 'dns:spf')).toMatchObject({ state: 'failed', reason: 'deadline-expired', since: at(72 * HOUR) });
    const failed = stateOf(after, 'dns:spf');
    expect(failed?.state === 'failed' && failed.explanation).toMatch(/72 hours/u);
    expect(statusView(after, new Date(at(73 * HOUR))).items.find((i) => i.id === 'dns:spf')?.countdownMs).toBeNull();
  });

  it('an observation after the deadline is applied to the expired item: late pass verifies, late pending stays failed', () => {
    const latePass = apply(pendingSpf(), obs('dns:spf', 'pass', at(80 * HOUR)));
    expect(stateOf(latePass, 'dns:spf')?.state).toBe('verified');
    const latePending = apply(pendingSpf(), obs('dns:spf', 'pending', at(80 * HOUR), null));
    expect(stateOf(latePending, 'dns:spf')).toMatchObject({ state: 'failed', reason: 'deadline-expired' });
    const restarted = apply(reduceStatus(latePending, { type: 'reset', at: at(81 * HOUR), itemIds: ['dns:spf'], reason: 'restart' }), obs('dns:spf', 'pending', at(82 * HOUR), null));
    expect(stateOf(restarted, 'dns:spf')).toMatchObject({ state: 'pending', deadlineAt: at(82 * HOUR + DNS_WINDOW_MS) });
  });

  it('a stale DNS item fails 72 hours after it went stale, naming before and after', () => {
    const stale = reach('dns:spf', 'stale');
    const expired = reduceStatus(stale, { type: 'tick', at: at(1000 + DNS_WINDOW_MS) });
    const item = stateOf(expired, 'dns:spf');
    expect(item).toMatchObject({ state: 'failed', reason: 'deadline-expired' });
    expect(item?.state === 'failed' && item.explanation).toContain('"v1" → "v2"');
  });

  it('a message item pending with its own deadline fails at that deadline', () => {
    const s = apply(base(), obs('email-received', 'pending', at(0), null, at(120_000)));
    expect(stateOf(reduceStatus(s, { type: 'tick', at: at(119_999) }), 'email-received')?.state).toBe('pending');
    expect(stateOf(reduceStatus(s, { type: 'tick', at: at(120_000) }), 'email-received')).toMatchObject({ state: 'failed', reason: 'deadline-expired' });
  });

  it('a message item pending without a deadline never expires', () => {
    const s = apply(base(), obs('email-received', 'pending', at(0), null));
    expect(stateOf(reduceStatus(s, { type: 'tick', at: at(1000 * HOUR) }), 'email-received')?.state).toBe('pending');
  });
});

describe('the derived view', () => {
  it('overall is the worst item: failed > stale > pending > unverified > verified', () => {
    const ids = base().items.map((i) => i.id);
    const allPass = apply(base(), ...ids.map((id) => obs(id, 'pass', at(0))));
    expect(statusView(allPass, new Date(at(1))).overall).toBe('verified');
    expect(statusView(allPass, new Date(at(1))).worst).toBeNull();
    const onePending = apply(allPass, obs('dns:dmarc', 'pending', at(1), null));
    expect(statusView(onePending, new Date(at(2))).overall).toBe('stale');
    const oneFailed = apply(onePending, obs('spf', 'fail', at(2), 'x'), obs('dkim-aligned', 'fail', at(2), 'x'), obs('dkim-aligned', 'fail', at(3), 'x'));
    const view = statusView(oneFailed, new Date(at(4)));
    expect(view.overall).toBe('failed');
    expect(view.worst).toEqual({ id: 'dkim-aligned', title: 'DKIM pass with d= aligned to example.com', state: 'failed' });
    expect(view.counts).toEqual({ unverified: 0, pending: 0, verified: ids.length - 3, failed: 1, stale: 2 });
    expect(view.lastCheckedAt).toBe(at(3));
    expect(statusViewSchema.safeParse(view).success).toBe(true);
    expect(statusView(base(), new Date(at(0))).overall).toBe('unverified');
  });

  it('transitionsBetween lists each item whose state changed', () => {
    const before = base();
    const after = apply(before, obs('spf', 'pass', at(0)), obs('dns:spf', 'pending', at(0), null));
    expect(transitionsBetween(before, after, at(0))).toEqual([
      { itemId: 'spf', from: 'unverified', to: 'verified', at: at(0) },
      { itemId: 'dns:spf', from: 'unverified', to: 'pending', at: at(0) },
    ]);
  });
});

describe('overall status derivation', () => {
  const fixed: ItemId[] = ['connection-auth', 'send-as', 'email-accepted', 'email-received', 'headers-intact', 'spf', 'dkim-aligned', 'dmarc'];
  const noDns = () => initialStatus({ addressId: 'a', domain: 'example.com' });
  const emailOnly = () => apply(noDns(), ...fixed.map((id) => obs(id, 'pass', at(0))));
  const table: readonly { readonly name: string; readonly state: () => AddressVerificationState; readonly overall: ItemStateName }[] = [
    { name: 'nothing checked', state: noDns, overall: 'unverified' },
    // The walkthrough: "Send verification email" passed every message item, DNS never read.
    { name: 'verification email passed, DNS never checked', state: emailOnly, overall: 'unverified' },
    { name: 'email passed, DNS SPF passed, DMARC never checked', state: () => apply(emailOnly(), obs('dns:spf', 'pass', at(1))), overall: 'unverified' },
    { name: 'email passed, DNS SPF not visible yet', state: () => apply(emailOnly(), obs('dns:spf', 'pending', at(1), null), obs('dns:dmarc', 'pass', at(1))), overall: 'pending' },
    { name: 'email passed, DNS DMARC wrong', state: () => apply(emailOnly(), obs('dns:spf', 'pass', at(1)), obs('dns:dmarc', 'fail', at(1))), overall: 'failed' },
    { name: 'email and baseline DNS passed', state: () => apply(emailOnly(), obs('dns:spf', 'pass', at(1)), obs('dns:dmarc', 'pass', at(1))), overall: 'verified' },
    {
      name: 'email and baseline DNS passed, a DKIM key item never checked',
      state: () => apply(initialStatus({ addressId: 'a', domain: 'example.com', dnsCheckIds: ['dkim:zendesk1'] }), ...fixed.map((id) => obs(id, 'pass', at(0))), obs('dns:spf', 'pass', at(1)), obs('dns:dmarc', 'pass', at(1))),
      overall: 'unverified',
    },
  ];
  for (const row of table) {
    it(`${row.name} → ${row.overall}`, () => {
      const view = statusView(row.state(), new Date(at(2)));
      expect(view.overall).toBe(row.overall);
      expect(statusViewSchema.safeParse(view).success).toBe(true);
      const open = view.items.filter((i) => i.status.state !== 'verified');
      // Never verified while an item is open; the worst item is named otherwise.
      expect(view.overall === 'verified').toBe(open.length === 0);
      if (row.overall !== 'verified') expect(view.worst?.state).toBe(row.overall);
    });
  }

  it('shows the baseline DNS items as not checked yet until a re-check records them', () => {
    const view = statusView(emailOnly(), new Date(at(1)));
    const dns = view.items.filter((i) => i.group === 'dns');
    expect(dns.map((i) => [i.id, i.status.state, i.checkedAt])).toEqual([
      ['dns:spf', 'unverified', null],
      ['dns:dmarc', 'unverified', null],
    ]);
    expect(view.counts.unverified).toBe(2);
  });
});

describe('item ids', () => {
  it('accept the fixed items and dns:<check id>, and nothing else', () => {
    for (const id of ['spf', 'headers-intact', 'dns:spf', 'dns:dkim:zendesk1', 'dns:dkim:*', 'dns:mta-sts']) expect(itemIdSchema.safeParse(id).success, id).toBe(true);
    for (const id of ['dns:', 'dns:nope', 'dkim:zendesk1', 'dns:dkim:Bad Selector', 'connection']) expect(itemIdSchema.safeParse(id).success, id).toBe(false);
  });
});
