/**
 * Hidden characters an identifier field must refuse: control characters, bidi
 * overrides and zero-width characters that make a value read differently from what is
 * sent. Test data only, kept apart from fields.ts's own lists so a test of the field
 * rules can fail when those lists lose a character; used by the contract's tests and by
 * main's channel, CLI and terminal tests.
 */

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * The other invisible characters (found by a security review): a tag character (first,
 * typical, last of the block), Hangul fillers, the deprecated format characters, variation
 * selectors, the combining grapheme joiner, the interlinear annotation characters, musical
 * format characters, Mongolian variation selectors and the braille blank. Free text keeps
 * them (emoji and flags are built with some). 35 characters.
 */
export const INVISIBLE_FORMAT_CHARACTERS: readonly number[] = [
  0xe0001,
  0xe0041,
  0xe007f,
  0x3164,
  0x115f,
  0x1160,
  0xffa0,
  ...range(0x206a, 0x206f),
  0xfe00,
  0xfe0e,
  0xfe0f,
  0xe0100,
  0xe01ef,
  0x034f,
  ...range(0xfff9, 0xfffb),
  ...range(0x1d173, 0x1d17a),
  ...range(0x180b, 0x180d),
  0x180f,
  0x2800,
];

/**
 * Every character an identifier must refuse: all of C0, DEL, C1 (its first and last, NEXT
 * LINE and the 8-bit CSI), the bidi controls, the zero-width and invisible characters, and
 * the line and paragraph separators, and the other invisible characters above. 97 characters.
 */
export const HIDDEN_IDENTIFIER_CHARACTERS: readonly number[] = [
  ...range(0x00, 0x1f),
  0x7f,
  0x80,
  0x85,
  0x9b,
  0x9f,
  0x061c,
  0x200e,
  0x200f,
  ...range(0x202a, 0x202e),
  ...range(0x2066, 0x2069),
  ...range(0x200b, 0x200d),
  ...range(0x2060, 0x2064),
  0xfeff,
  0x00ad,
  0x180e,
  0x2028,
  0x2029,
  ...INVISIBLE_FORMAT_CHARACTERS,
];

/** What free text still refuses: C0, DEL, C1, line breaks and bidi controls (zero-width joiners build emoji). */
export const HIDDEN_FREE_TEXT_CHARACTERS: readonly number[] = HIDDEN_IDENTIFIER_CHARACTERS.filter(
  (c) => !((c >= 0x200b && c <= 0x200d) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff || c === 0x00ad || c === 0x180e || INVISIBLE_FORMAT_CHARACTERS.includes(c)),
);

export interface HiddenPayload {
  /** `U+202E@5`, for test names. */
  readonly label: string;
  readonly value: string;
  readonly codePoint: number;
  /** 1-based position of the character in `value`, counted in characters. */
  readonly position: number;
}

/**
 * One hostile variant of `valid` per character, inserted at the start, the middle and the
 * end in turn, plus two Trojan-Source shapes (an override that displays the value reversed,
 * an isolate around it). Each variant holds exactly one kind of refused character.
 */
export function hiddenPayloads(valid: string, characters: readonly number[] = HIDDEN_IDENTIFIER_CHARACTERS): HiddenPayload[] {
  const chars = [...valid];
  const out = characters.map((codePoint, i): HiddenPayload => {
    const at = [0, Math.floor(chars.length / 2), chars.length][i % 3] ?? 0;
    const value = [...chars.slice(0, at), String.fromCodePoint(codePoint), ...chars.slice(at)].join('');
    return { label: `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}@${at + 1}`, value, codePoint, position: at + 1 };
  });
  const half = Math.floor(chars.length / 2);
  out.push({ label: 'U+202E reversed tail@' + String(half + 1), value: `${chars.slice(0, half).join('')}\u202E${chars.slice(half).reverse().join('')}\u202C`, codePoint: 0x202e, position: half + 1 });
  out.push({ label: 'U+2067 isolate@1', value: `\u2067${valid}\u2069`, codePoint: 0x2067, position: 1 });
  return out;
}
