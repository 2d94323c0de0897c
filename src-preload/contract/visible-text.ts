/**
 * DNS text is data an attacker or a copy-paste accident can fill with characters that
 * render invisibly or reorder what the admin sees (Trojan Source, CVE-2021-42574). The
 * evidence keeps the text exactly as published; anything that displays it (renderer,
 * CLI) passes it through `visibleText`, which names each hidden character instead.
 * Pure: no node imports, safe in the renderer. The character names are the field rules'
 * (fields.ts), so what an identifier refuses and what a display names agree.
 */
import { C0_CONTROL_NAMES, codePointLabel, HIDDEN_CHARACTER_NAMES, invisibleCharacterName } from './hidden-characters';

export interface HiddenCharacter {
  /** Index in UTF-16 code units of the original string. */
  readonly index: number;
  readonly codePoint: number;
  /** `U+202E RIGHT-TO-LEFT OVERRIDE` */
  readonly label: string;
}

/** Shown by name too, though an identifier does not refuse them (they only appear in display). */
const DISPLAY_ONLY: Readonly<Record<number, string>> = {
  0xfffd: 'REPLACEMENT CHARACTER (bytes that are not UTF-8)',
};

/** Printable ASCII: nothing in it is hidden (visible-text.test.ts holds the names below to that). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/u;

function hiddenName(codePoint: number): string | null {
  if (codePoint >= 0x20 && codePoint < 0x7f) return null;
  if (codePoint < 0x20) return C0_CONTROL_NAMES[codePoint] ?? 'CONTROL';
  if (codePoint === 0x7f) return 'DELETE';
  if (codePoint >= 0x80 && codePoint <= 0x9f) return HIDDEN_CHARACTER_NAMES[codePoint] ?? 'C1 CONTROL';
  return invisibleCharacterName(codePoint) ?? DISPLAY_ONLY[codePoint] ?? null;
}

/** Every control, bidi, zero-width or otherwise invisible character, with its position. */
export function findHiddenCharacters(text: string): HiddenCharacter[] {
  // The common case (DNS records, host names), without a look at each character's names.
  if (PRINTABLE_ASCII.test(text)) return [];
  const found: HiddenCharacter[] = [];
  let index = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const name = hiddenName(codePoint);
    if (name !== null) found.push({ index, codePoint, label: `${codePointLabel(codePoint)} ${name}` });
    index += char.length;
  }
  return found;
}

/** The text with each hidden character replaced by a visible marker such as `⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩`. */
export function visibleText(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const name = hiddenName(codePoint);
    out += name === null ? char : `⟨${codePointLabel(codePoint)} ${name}⟩`;
  }
  return out;
}

/** True when the text is printable ASCII only (what SPF, DMARC and DKIM tags allow). */
export function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}

/**
 * The text as a terminal may safely print it (the CLI's human output of anything that came
 * from outside: server replies, DNS text, message headers). A control character would
 * move the cursor, recolour or retitle the terminal, or erase what was printed before
 * (ESC sequences, CR); it becomes a visible escape such as `\x1b`. A bidi, zero-width or
 * other invisible character becomes `<U+202E>`. With `keepLineBreaks`, LF stays a line
 * break (for whole blocks of Relayproof's own output); a single outside value never keeps
 * one, so it cannot forge a line of its own.
 */
export function terminalText(text: string, options: { readonly keepLineBreaks?: boolean } = {}): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint === 0x0a && options.keepLineBreaks === true) out += char;
    else if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) out += `\\x${codePoint.toString(16).padStart(2, '0')}`;
    else out += hiddenName(codePoint) === null ? char : `<${codePointLabel(codePoint)}>`;
  }
  return out;
}
