import { describe, expect, it } from 'vitest';
import { MAX_DKIM_HEADER_CHARS } from '../../../../src-preload/contract/analyze';
import { messageStart, namesSelector, parseSelectors, toggleSelector, withLearnt } from './relay-selector-draft';

describe('the relay selector field', () => {
  it('takes selectors separated by commas or spaces, lowercased, each once', () => {
    expect(parseSelectors(' Selector1, selector2  selector1 ')).toEqual({ ok: true, selectors: ['selector1', 'selector2'] });
    expect(parseSelectors('')).toEqual({ ok: true, selectors: [] });
  });

  it('refuses what is not a selector, showing a hidden character by its code point', () => {
    const bad = parseSelectors('selector1, sel\u200Bector2');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/^"selU\+200Bector2": /u);
    expect(parseSelectors('s1._domainkey.example.com;p=').ok).toBe(false);
    expect(parseSelectors(Array.from({ length: 17 }, (_, i) => `s${i}`).join(' '))).toEqual({ ok: false, message: 'Give at most 16 selectors.' });
  });

  it("toggles a provider's selector in and out of what was typed", () => {
    expect(toggleSelector('', 'selector1')).toBe('selector1');
    expect(toggleSelector('selector1', 'selector2')).toBe('selector1, selector2');
    expect(toggleSelector('Selector1 selector2', 'selector1')).toBe('selector2');
    expect(namesSelector('selector1, google', 'google')).toBe(true);
    expect(namesSelector('googlemail', 'google')).toBe(false);
  });

  it('puts what a message taught first and keeps what was typed', () => {
    expect(withLearnt('selector1', ['selector2'])).toBe('selector2, selector1');
    expect(withLearnt('', ['relay'])).toBe('relay');
    expect(withLearnt('relay', ['relay'])).toBe('relay');
  });

  it('reads no more than the channel accepts from a large .eml, and all of a small one', async () => {
    const headers = 'DKIM-Signature: d=example.com; s=relay; b=x\r\nFrom: a@example.com\r\n\r\n';
    const big = new Blob([headers, 'A'.repeat(3 * MAX_DKIM_HEADER_CHARS)]);
    const start = await messageStart(big);
    expect(start.length).toBe(MAX_DKIM_HEADER_CHARS);
    expect(start.startsWith(headers)).toBe(true);
    expect(await messageStart(new Blob([headers]))).toBe(headers);
    // Multi-byte text: never more characters than the channel takes.
    expect((await messageStart(new Blob(['é'.repeat(MAX_DKIM_HEADER_CHARS)]))).length).toBeLessThanOrEqual(MAX_DKIM_HEADER_CHARS);
  });
});
