import { describe, expect, it } from 'vitest';
import { contract } from './index';

describe('contract patch inputs', () => {
  it('a settings patch carries only the keys it names (no defaults filled in)', () => {
    const parsed = contract['settings:update'].input.parse({ patch: { theme: 'dark' } });
    expect(parsed).toEqual({ patch: { theme: 'dark' } });
  });

  it('an address patch does not reset the DKIM selectors', () => {
    const parsed = contract['addresses:update'].input.parse({ id: 'a-1', patch: { port: 465 } });
    expect(parsed).toEqual({ id: 'a-1', patch: { port: 465 } });
  });

  it('a patch still validates each value and refuses unknown keys', () => {
    expect(contract['settings:update'].input.safeParse({ patch: { smtpTimeoutSeconds: 1 } }).success).toBe(false);
    expect(contract['settings:update'].input.safeParse({ patch: { colour: 'blue' } }).success).toBe(false);
    expect(contract['addresses:update'].input.safeParse({ id: 'a-1', patch: { port: 70000 } }).success).toBe(false);
  });
});
