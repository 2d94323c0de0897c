/**
 * DNS text is data an attacker or a copy-paste accident can fill with characters that
 * render invisibly or reorder what the admin sees (Trojan Source, CVE-2021-42574). The
 * evidence keeps the text exactly as published; anything that displays it (renderer,
 * CLI) passes it through `visibleText`, which names each hidden character instead.
 * Pure: no node imports, safe in the renderer.
 */

export interface HiddenCharacter {
  /** Index in UTF-16 code units of the original string. */
  readonly index: number;
  readonly codePoint: number;
  /** `U+202E RIGHT-TO-LEFT OVERRIDE` */
  readonly label: string;
}

const NAMED: Readonly<Record<number, string>> = {
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
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xfffd: 'REPLACEMENT CHARACTER (bytes that are not UTF-8)',
};

const C0_NAMES = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];

function hiddenName(codePoint: number): string | null {
  if (codePoint < 0x20) return C0_NAMES[codePoint] ?? 'CONTROL';
  if (codePoint === 0x7f) return 'DELETE';
  if (codePoint >= 0x80 && codePoint <= 0x9f) return 'C1 CONTROL';
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return 'TAG CHARACTER';
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) return 'VARIATION SELECTOR';
  return NAMED[codePoint] ?? null;
}

function codeLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Every control, bidi, zero-width or otherwise invisible character, with its position. */
export function findHiddenCharacters(text: string): HiddenCharacter[] {
  const found: HiddenCharacter[] = [];
  let index = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const name = hiddenName(codePoint);
    if (name !== null) found.push({ index, codePoint, label: `${codeLabel(codePoint)} ${name}` });
    index += char.length;
  }
  return found;
}

/** The text with each hidden character replaced by a visible marker such as `⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩`. */
export function visibleText(text: string): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const name = hiddenName(codePoint);
    out += name === null ? char : `⟨${codeLabel(codePoint)} ${name}⟩`;
  }
  return out;
}

/** True when the text is printable ASCII only (what SPF, DMARC and DKIM tags allow). */
export function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/u.test(text);
}
