import { describe, expect, it } from 'vitest';
import { HIDDEN_IDENTIFIER_CHARACTERS } from './testing/hidden-payloads';
import { invisibleCharacterName } from './hidden-characters';
import { findHiddenCharacters, isPrintableAscii, terminalText, visibleText } from './visible-text';

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

describe('printable ASCII, passed through without a look at each character', () => {
  it('holds nothing the character tables name: the short cut cannot change a result', () => {
    for (let codePoint = 0x20; codePoint < 0x7f; codePoint += 1) {
      const char = String.fromCodePoint(codePoint);
      expect(invisibleCharacterName(codePoint), char).toBeNull();
      // Beside a hidden character the text takes the long way: only the hidden one is named.
      expect(findHiddenCharacters(`${char}\u200b`).map((h) => h.index), char).toEqual([1]);
      expect(visibleText(`${char}\u200b`), char).toBe(`${char}⟨U+200B ZERO WIDTH SPACE⟩`);
    }
    const record = 'v=spf1 include:_spf.example.com ip4:192.0.2.0/24 ~all';
    expect(findHiddenCharacters(record)).toEqual([]);
    expect(visibleText(record)).toBe(record);
  });
});

describe('terminal text', () => {
  it('shows control characters as \\x escapes and invisible ones as <U+XXXX>, never raw', () => {
    const text = 'ok\u001b[2J\u001b]0;title\u0007\r\n\u009b31m \u202Eevil\u202C z\u200Bw \u2066i\u2069 \uFEFF\u00AD\u2028end';
    expect(terminalText(text)).toBe('ok\\x1b[2J\\x1b]0;title\\x07\\x0d\\x0a\\x9b31m <U+202E>evil<U+202C> z<U+200B>w <U+2066>i<U+2069> <U+FEFF><U+00AD><U+2028>end');
    expect(terminalText('line one\nline two\r', { keepLineBreaks: true })).toBe('line one\nline two\\x0d');
    expect(terminalText('plain ünïcode ✓ — fine')).toBe('plain ünïcode ✓ — fine');
  });

  it('escapes every character an identifier refuses', () => {
    for (const codePoint of HIDDEN_IDENTIFIER_CHARACTERS) {
      const shown = terminalText(`a${String.fromCodePoint(codePoint)}b`);
      expect(shown, codePoint.toString(16)).toMatch(/^a(?:\\x[0-9a-f]{2}|<U\+[0-9A-F]{4,5}>)b$/u);
    }
  });
});
