import { describe, expect, it } from 'vitest';
import { createTokenHolder } from './token-holder';

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

  it('holds at most 20, dropping the oldest, and clears on demand', () => {
    const holder = createTokenHolder();
    const ids = Array.from({ length: 21 }, (_, i) => holder.put(`t${i}`, null));
    expect(holder.get(ids[0] ?? '')).toBeNull();
    expect(holder.get(ids[20] ?? '')).toBe('t20');
    holder.clear();
    expect(holder.get(ids[20] ?? '')).toBeNull();
  });
});
