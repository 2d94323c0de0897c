import { describe, expect, it } from 'vitest';
import { createAddressTokens } from './address-tokens';

describe('one token held per address, in memory', () => {
  it('a new token replaces the old; an expired one is gone; forget drops it', () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const tokens = createAddressTokens(() => new Date(now));
    const info = { flow: 'client-credentials' as const, tenantId: 't', clientId: 'c' };
    tokens.hold('a-1', 'first', { ...info, expiresAt: '2026-11-23T13:00:00Z' });
    tokens.hold('a-1', 'second', { ...info, expiresAt: '2026-11-23T12:30:00Z' });
    tokens.hold('a-2', 'other', { ...info, expiresAt: null });
    expect(tokens.token('a-1')).toBe('second');
    expect(tokens.info('a-1')).toEqual({ ...info, expiresAt: '2026-11-23T12:30:00Z' });
    expect(tokens.info('a-2')?.expiresAt).toBe('2026-11-23T13:00:00.000Z');
    now = Date.parse('2026-11-23T12:30:00Z');
    expect(tokens.token('a-1')).toBeNull();
    expect(tokens.info('a-1')).toBeNull();
    expect(tokens.forget('a-2')).toBe(true);
    expect(tokens.token('a-2')).toBeNull();
    expect(tokens.forget('a-2')).toBe(false);
  });

  it('holds a token for each of many addresses without dropping the first ones', () => {
    const tokens = createAddressTokens(() => new Date('2026-11-23T12:00:00Z'));
    const info = { flow: 'client-credentials' as const, tenantId: 't', clientId: 'c', expiresAt: null };
    for (let i = 0; i < 40; i += 1) tokens.hold(`a-${i}`, `token-${i}`, info);
    expect(tokens.token('a-0')).toBe('token-0');
    expect(tokens.token('a-39')).toBe('token-39');
  });
});
