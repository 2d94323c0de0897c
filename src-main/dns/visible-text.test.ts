import { describe, expect, it } from 'vitest';
import { findHiddenCharacters, isPrintableAscii, visibleText } from './visible-text';

describe('visible text', () => {
  it('names control, bidi and zero-width characters instead of rendering them', () => {
    const text = 'v=DMARC1;\u0000 p=reject;\u001b[31m rua=mailto:a@b.c\u202Eevil\u2066\r\n\u00ad';
    expect(visibleText(text)).toBe(
      'v=DMARC1;⟨U+0000 NUL⟩ p=reject;⟨U+001B ESC⟩[31m rua=mailto:a@b.c⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩evil⟨U+2066 LEFT-TO-RIGHT ISOLATE⟩⟨U+000D CR⟩⟨U+000A LF⟩⟨U+00AD SOFT HYPHEN⟩',
    );
    expect(findHiddenCharacters(text).map((h) => h.index)).toEqual([9, 20, 42, 47, 48, 49, 50]);
    expect(visibleText('plain ünïcode ✓')).toBe('plain ünïcode ✓');
    expect(isPrintableAscii('v=spf1 -all')).toBe(true);
    expect(isPrintableAscii('v=spf1 –all')).toBe(false);
  });
});
