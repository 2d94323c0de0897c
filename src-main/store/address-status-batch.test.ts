/**
 * The batch a fleet run writes its addresses' last tests through: when it writes, how
 * several updates of one address combine, and that a failed write loses nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Address } from '../../src-preload/contract';
import { createAddressStatusBatch } from './address-status-batch';
import type { AddressStatusUpdate } from './store';

type Write = ReadonlyArray<{ readonly id: string; readonly update: AddressStatusUpdate }>;
const address = { id: 'a-one', proceedReason: null, lastTest: null } as unknown as Address;
const test = (summary: string) => ({ lastTest: { at: '2026-11-05T10:00:00.000Z', ok: true, summary, platformReady: null, blockers: [] } });

describe('address status batch', () => {
  it('writes once maxPending addresses wait, and what is left on close', () => {
    const writes: Write[] = [];
    const batch = createAddressStatusBatch({ setAddressStatuses: (u) => (writes.push(u), u.length) }, { maxPending: 2, maxDelayMs: 600_000 });
    batch.add('a-one', () => test('1'));
    expect(writes).toHaveLength(0);
    batch.add('a-two', () => test('2'));
    expect(writes.map((w) => w.map((u) => u.id))).toEqual([['a-one', 'a-two']]);
    batch.add('a-three', () => test('3'));
    batch.close();
    expect(writes.map((w) => w.map((u) => u.id))).toEqual([['a-one', 'a-two'], ['a-three']]);
    expect(() => batch.add('a-four', () => test('4'))).toThrow(/closed/u);
  });

  it('updates of one address apply in order, each on what the one before left; a declining one is skipped', () => {
    const writes: Write[] = [];
    const batch = createAddressStatusBatch({ setAddressStatuses: (u) => (writes.push(u), u.length) }, { maxPending: 10, maxDelayMs: 600_000 });
    const saw: Array<string | null> = [];
    batch.add('a-one', () => test('first'));
    batch.add('a-one', () => null);
    batch.add('a-one', (now) => (saw.push(now.lastTest?.summary ?? null), test('second')));
    batch.flush();
    expect(writes[0]?.[0]?.update(address)).toEqual(test('second'));
    expect(saw).toEqual(['first']);
  });

  it('a write that fails keeps its entries for the next one, and says so', () => {
    let fail = true;
    const writes: Write[] = [];
    const batch = createAddressStatusBatch(
      {
        setAddressStatuses: (u) => {
          if (fail) throw new Error('lock held by another process');
          writes.push(u);
          return u.length;
        },
      },
      { maxPending: 10, maxDelayMs: 600_000 },
    );
    batch.add('a-one', () => test('1'));
    expect(() => batch.flush()).toThrow(/lock held/u);
    batch.add('a-two', () => test('2'));
    fail = false;
    batch.close();
    expect(writes.map((w) => w.map((u) => u.id))).toEqual([['a-one', 'a-two']]);
  });
});
