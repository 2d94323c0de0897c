import { describe, expect, it } from 'vitest';
import { countOf, partOf } from './plural';

describe('counts in sentences', () => {
  it('says one warning, never "1 warnings", and plural for zero and many', () => {
    expect(countOf(1, 'warning')).toBe('1 warning');
    expect(countOf(0, 'warning')).toBe('0 warnings');
    expect(countOf(2, 'warning')).toBe('2 warnings');
  });

  it('takes an irregular plural', () => {
    expect(countOf(1, 'address', 'addresses')).toBe('1 address');
    expect(countOf(3, 'address', 'addresses')).toBe('3 addresses');
    expect(countOf(2, 'required item fails', 'required items fail')).toBe('2 required items fail');
  });

  it('agrees with the total in "n of m"', () => {
    expect(partOf(1, 1, 'check')).toBe('1 of 1 check');
    expect(partOf(1, 12, 'check')).toBe('1 of 12 checks');
    expect(partOf(0, 1, 'check')).toBe('0 of 1 check');
  });
});
