/**
 * The characters an identifier refuses (and DNS text shows by name), without zod: the
 * CLI's terminal escaping (visible-text.ts) needs them on every command, before any schema
 * is loaded. fields.ts builds its zod rules on them and re-exports them.
 */

// ---------------------------------------------------------------------------
// Text. RFC 5321 §2.3.8: a line ends with CRLF, so CR, LF (and NUL, which many servers
// treat as a terminator) inside a host, username, address or EHLO name would smuggle a
// second command into the session. Characters that render as nothing or reorder what is
// shown (bidi controls, zero-width characters: Trojan Source, CVE-2021-42574) make a
// value read differently from what is saved and sent: `support@exam\u202Eelpmaxe.com`
// displays like another address. An identifier refuses all of them, naming the
// character and where it is, so the admin can find a paste accident.

/** Why a character is refused: what the admin is told it is. */
type HiddenKind = 'line break' | 'control character' | 'invisible character' | 'invisible formatting character';

/** Names of the characters that are refused anywhere (and shown by name in DNS text). */
export const HIDDEN_CHARACTER_NAMES: Readonly<Record<number, string>> = {
  0x0085: 'NEXT LINE',
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  // Invisible, or blank, yet not controls: a paste can carry them into a host or address.
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180b: 'MONGOLIAN FREE VARIATION SELECTOR ONE',
  0x180c: 'MONGOLIAN FREE VARIATION SELECTOR TWO',
  0x180d: 'MONGOLIAN FREE VARIATION SELECTOR THREE',
  0x180f: 'MONGOLIAN FREE VARIATION SELECTOR FOUR',
  0x206a: 'INHIBIT SYMMETRIC SWAPPING',
  0x206b: 'ACTIVATE SYMMETRIC SWAPPING',
  0x206c: 'INHIBIT ARABIC FORM SHAPING',
  0x206d: 'ACTIVATE ARABIC FORM SHAPING',
  0x206e: 'NATIONAL DIGIT SHAPES',
  0x206f: 'NOMINAL DIGIT SHAPES',
  0x2800: 'BRAILLE PATTERN BLANK',
  0x3164: 'HANGUL FILLER',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfff9: 'INTERLINEAR ANNOTATION ANCHOR',
  0xfffa: 'INTERLINEAR ANNOTATION SEPARATOR',
  0xfffb: 'INTERLINEAR ANNOTATION TERMINATOR',
};

const FORMAT_CHARACTER = /^\p{Cf}$/u;

/**
 * The name of an invisible character an identifier refuses beyond the table's: variation
 * selectors (they change how the character before them looks) and the tag block (hidden
 * text after a visible one). Null for the rest.
 */
function invisibleName(codePoint: number): string | null {
  const named = HIDDEN_CHARACTER_NAMES[codePoint];
  if (named !== undefined) return named;
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) return `VARIATION SELECTOR-${codePoint - 0xfe00 + 1}`;
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return `VARIATION SELECTOR-${codePoint - 0xe0100 + 17}`;
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return 'TAG CHARACTER';
  return null;
}

/**
 * How a display names an invisible character: by name when it has one, else "FORMAT
 * CHARACTER" for the rest of Unicode category Cf (which includes the musical
 * U+1D173–U+1D17A and any added later). Null for a visible character.
 */
export function invisibleCharacterName(codePoint: number): string | null {
  return invisibleName(codePoint) ?? (FORMAT_CHARACTER.test(String.fromCodePoint(codePoint)) ? 'FORMAT CHARACTER' : null);
}

export const C0_CONTROL_NAMES: readonly string[] = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];

/** Bidi controls (Unicode UAX #9): they reorder what is displayed around them. */
const BIDI_CONTROLS = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

/** `U+202E` */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What a refused character is, or null for an ordinary one. `freeText` allows zero-width characters (emoji sequences). */
function hiddenKind(codePoint: number, freeText: boolean): { readonly kind: HiddenKind; readonly name: string } | null {
  if (codePoint === 0x0a || codePoint === 0x0d) return { kind: 'line break', name: C0_CONTROL_NAMES[codePoint] ?? 'CONTROL' };
  if (codePoint < 0x20) return { kind: 'control character', name: C0_CONTROL_NAMES[codePoint] ?? 'CONTROL' };
  if (codePoint === 0x7f) return { kind: 'control character', name: 'DELETE' };
  if (codePoint === 0x85 || codePoint === 0x2028 || codePoint === 0x2029) return { kind: 'line break', name: HIDDEN_CHARACTER_NAMES[codePoint] ?? 'LINE BREAK' };
  if (codePoint >= 0x80 && codePoint <= 0x9f) return { kind: 'control character', name: 'C1 CONTROL' };
  if (BIDI_CONTROLS.has(codePoint)) return { kind: 'invisible character', name: HIDDEN_CHARACTER_NAMES[codePoint] ?? 'BIDI CONTROL' };
  // Free text keeps the rest: emoji are built with ZERO WIDTH JOINER, VARIATION SELECTOR-16
  // and tag characters (the flags of England, Scotland, Wales).
  if (freeText) return null;
  const name = invisibleName(codePoint);
  if (name !== null) return { kind: 'invisible character', name };
  // Every other format character (category Cf) too, unnamed: the list grows with Unicode.
  return FORMAT_CHARACTER.test(String.fromCodePoint(codePoint)) ? { kind: 'invisible formatting character', name: '' } : null;
}

/**
 * Why `value` cannot be `label`, or null when it has none of the refused characters.
 * An identifier (host, address, username, folder, selector, id ...) refuses C0 and C1
 * controls, DEL, line and paragraph separators, bidi controls and zero-width or other
 * invisible characters. Free text (a reason, a note) keeps zero-width characters
 * (they join emoji) but still refuses controls, line breaks and bidi controls.
 * The position is counted in characters from 1, as the admin would count.
 */
export function hiddenCharacterProblem(label: string, value: string, rule: 'identifier' | 'free-text' = 'identifier'): string | null {
  let position = 0;
  for (const char of value) {
    position += 1;
    const codePoint = char.codePointAt(0) ?? 0;
    const hidden = hiddenKind(codePoint, rule === 'free-text');
    if (hidden === null) continue;
    const invisible = hidden.kind === 'invisible character' || hidden.kind === 'invisible formatting character';
    const what = `${invisible ? 'an' : 'a'} ${hidden.kind} (${hidden.name === '' ? codePointLabel(codePoint) : `${codePointLabel(codePoint)} ${hidden.name}`}) at position ${position}`;
    const why =
      invisible
        ? 'It makes the value look different from what is saved and sent; delete it or type the value again instead of pasting it.'
        : 'It could end the line and smuggle a second command to the server; delete it or type the value again.';
    return `${label} contains ${what}. ${why}`;
  }
  return null;
}
