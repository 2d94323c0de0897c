import { describe, expect, it } from 'vitest';
import { createTokenHolder, TokenHolderFullError } from './token-holder';

describe('tokens held in memory between "get a token" and "test with it"', () => {
  it('gives the token back by id until it expires, then forgets it', () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const holder = createTokenHolder(() => new Date(now));
    const id = holder.put('eyJ.token.', '2026-11-23T13:00:00Z');
    expect(id).toMatch(/^tok-[0-9a-f]{32}$/u);
    expect(holder.get(id)).toBe('eyJ.token.');
    now = Date.parse('2026-11-23T13:00:00Z');
    expect(holder.get(id)).toBeNull();
  });

  it('keeps every live token (no silent drop past 20), refuses clearly at its bound, and clears on demand', () => {
    const holder = createTokenHolder();
    const ids = Array.from({ length: 25 }, (_, i) => holder.put(`t${i}`, null));
    expect(ids.map((id) => holder.get(id))).toEqual(Array.from({ length: 25 }, (_, i) => `t${i}`));
    const small = createTokenHolder(undefined, 2);
    const a = small.put('a', null);
    small.put('b', null);
    expect(() => small.put('c', null)).toThrow(TokenHolderFullError);
    expect(() => small.put('c', null)).toThrow(/already holds 2 live access tokens/u);
    expect(small.get(a)).toBe('a');
    holder.clear();
    expect(holder.get(ids[20] ?? '')).toBeNull();
  });
});
