/**
 * A tight XML scanner for one fixed, machine-written format (DMARC aggregate reports), in
 * place of a general parser: it knows elements, attributes as raw text, character data,
 * CDATA, comments and the XML declaration, and nothing else. What makes a general parser
 * dangerous is refused outright, never interpreted:
 * - a document type declaration (`<!DOCTYPE`), and with it every DTD, external entity
 *   (XXE) and entity definition that a billion-laughs file needs;
 * - any entity reference other than the five predefined ones and character references
 *   (an undeclared entity is a well-formedness error anyway, XML 1.0 §4.1 WFC: Entity Declared);
 * - nesting deeper than a report ever goes, and more elements than a limit.
 * No tree is built: the caller gets open/text/close events and keeps only the fields it wants.
 */

export type XmlRefusalCode = 'dtd' | 'entity' | 'malformed' | 'too-deep' | 'too-many-elements';

export interface XmlRefusal {
  readonly code: XmlRefusalCode;
  readonly message: string;
}

export interface XmlHandler {
  /** `name` without its namespace prefix; `attributes` as written (only the root's are ever read). */
  open(name: string, attributes: string): void;
  /** Character data inside an element, entities already decoded; may come in several pieces. */
  text(value: string): void;
  close(name: string): void;
}

export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
}

/** A report nests 5 levels deep (feedback/record/auth_results/dkim/domain); 32 leaves room for extensions. */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 32, maxElements: 5_000_000 };

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function refusal(code: XmlRefusalCode, message: string): XmlRefusal {
  return { code, message };
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

/** Decodes the predefined entities and character references; any other reference is refused. */
export function decodeXmlText(raw: string): string | XmlRefusal {
  if (!raw.includes('&')) return raw;
  let out = '';
  let at = 0;
  for (;;) {
    const amp = raw.indexOf('&', at);
    if (amp === -1) return out + raw.slice(at);
    out += raw.slice(at, amp);
    const semi = raw.indexOf(';', amp);
    const name = semi === -1 || semi - amp > 12 ? null : raw.slice(amp + 1, semi);
    if (name === null) return refusal('malformed', 'An "&" in the text starts no entity reference.');
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) out += predefined;
    else if (/^#[0-9]{1,7}$/u.test(name) || /^#x[0-9a-fA-F]{1,6}$/u.test(name)) {
      const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      // XML 1.0 §2.2 Char: no NUL, no surrogates, nothing past U+10FFFF.
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return refusal('malformed', `The character reference &${name}; names no character XML allows.`);
      out += String.fromCodePoint(code);
    } else {
      return refusal('entity', `The report uses the entity &${name};, which it does not declare (and Relayproof reads no declarations): a report has no reason to, and a hostile file uses entities to read local files or expand into gigabytes.`);
    }
    at = semi + 1;
  }
}

/** The end of a start tag: the first `>` outside a quoted attribute value; -1 when none. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i;
  }
  return -1;
}

function isBlank(text: string): boolean {
  return /^[ \t\r\n]*$/u.test(text);
}

export function scanXml(xml: string, handler: XmlHandler, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlRefusal | null {
  const stack: string[] = [];
  let elements = 0;
  let sawRoot = false;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const raw = xml.slice(i, textEnd);
      if (stack.length > 0) {
        const decoded = decodeXmlText(raw);
        if (typeof decoded !== 'string') return decoded;
        handler.text(decoded);
      } else if (!isBlank(raw)) {
        return refusal('malformed', 'There is text outside the report\'s root element.');
      }
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      const end = xml.indexOf('>', lt);
      if (end === -1) return refusal('malformed', 'The file ends inside a closing tag.');
      const name = localName(xml.slice(lt + 2, end).trim());
      const open = stack.pop();
      if (open !== name) return refusal('malformed', `</${name}> closes ${open === undefined ? 'nothing' : `<${open}>`}.`);
      handler.close(name);
      i = end + 1;
    } else if (next === 0x3f /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) return refusal('malformed', 'The file ends inside a processing instruction.');
      i = end + 2;
    } else if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end === -1) return refusal('malformed', 'The file ends inside a comment.');
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end === -1) return refusal('malformed', 'The file ends inside a CDATA section.');
        if (stack.length === 0) return refusal('malformed', 'There is a CDATA section outside the report\'s root element.');
        handler.text(xml.slice(lt + 9, end));
        i = end + 3;
      } else if (/^<!doctype/iu.test(xml.slice(lt, lt + 9))) {
        return refusal('dtd', 'The report carries a document type declaration (<!DOCTYPE>). DMARC reports have none; a hostile file uses one to read local files (XXE) or to expand entities into gigabytes ("billion laughs"), so Relayproof refuses it unread.');
      } else if (/^<!entity/iu.test(xml.slice(lt, lt + 8))) {
        return refusal('entity', 'The report declares an entity (<!ENTITY>). DMARC reports declare none; Relayproof refuses it unread.');
      } else {
        return refusal('malformed', 'The file has a markup declaration a report never has.');
      }
    } else {
      const end = tagEnd(xml, lt + 1);
      if (end === -1) return refusal('malformed', 'The file ends inside a tag.');
      const selfClosing = xml.charCodeAt(end - 1) === 0x2f;
      const inner = xml.slice(lt + 1, selfClosing ? end - 1 : end);
      const space = inner.search(/[ \t\r\n]/u);
      const qualified = space === -1 ? inner : inner.slice(0, space);
      if (qualified === '') return refusal('malformed', 'A tag has no name.');
      if (stack.length === 0 && sawRoot) return refusal('malformed', 'The file has a second root element.');
      sawRoot = true;
      if (stack.length >= limits.maxDepth) return refusal('too-deep', `Elements nest more than ${limits.maxDepth} levels deep; a report nests 5.`);
      if (++elements > limits.maxElements) return refusal('too-many-elements', `The report has more than ${limits.maxElements.toLocaleString('en')} elements.`);
      const name = localName(qualified);
      const attributes = space === -1 ? '' : inner.slice(space);
      if (attributes.includes('&')) {
        const decoded = decodeXmlText(attributes);
        if (typeof decoded !== 'string') return decoded;
      }
      handler.open(name, attributes);
      if (selfClosing) handler.close(name);
      else stack.push(name);
      i = end + 1;
    }
  }
  if (stack.length > 0) return refusal('malformed', `The file ends before </${stack.at(-1) ?? ''}>: it is cut off.`);
  if (!sawRoot) return refusal('malformed', 'The file has no XML element.');
  return null;
}
