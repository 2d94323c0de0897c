/**
 * The relay's DKIM selector field (wizard step 6, the Checklist view): the text the admin
 * types, the provider's known selectors toggled in and out of it, and what "Learn it from
 * a received message" reads. Pure, so the reducer-like steps are tested without a page.
 */
import { MAX_DKIM_HEADER_CHARS } from '../../../../src-preload/contract/analyze';
import { dkimSelectorSchema } from '../../../../src-preload/contract/addresses-schemas';

/** As many selectors as an address stores. */
export const MAX_RELAY_SELECTORS = 16;

export type SelectorParse = { readonly ok: true; readonly selectors: readonly string[] } | { readonly ok: false; readonly message: string };

/** Split on commas and white space, lowercase, drop duplicates; every entry must be a selector. */
export function parseSelectors(text: string): SelectorParse {
  const parts = text
    .split(/[\s,;]+/u)
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  const selectors = [...new Set(parts)];
  for (const selector of selectors) {
    const checked = dkimSelectorSchema.safeParse(selector);
    if (!checked.success) {
      const shown = selector.length > 40 ? `${selector.slice(0, 40)}…` : selector;
      // Only a visible rendering: hidden characters are what the schema refuses, so show their code points.
      const visible = [...shown].map((c) => (/[\p{L}\p{N}._-]/u.test(c) ? c : `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)).join('');
      return { ok: false, message: `"${visible}": ${checked.error.issues[0]?.message ?? 'not a DKIM selector.'}` };
    }
  }
  if (selectors.length > MAX_RELAY_SELECTORS) return { ok: false, message: `Give at most ${MAX_RELAY_SELECTORS} selectors.` };
  return { ok: true, selectors };
}

/** The field's text with one selector added, or removed when it is already there (a suggestion button). */
export function toggleSelector(text: string, selector: string): string {
  const parts = text
    .split(/[\s,;]+/u)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const has = parts.some((p) => p.toLowerCase() === selector);
  return (has ? parts.filter((p) => p.toLowerCase() !== selector) : [...parts, selector]).join(', ');
}

/** Whether the field's text names a selector (a suggestion button's pressed state). */
export function namesSelector(text: string, selector: string): boolean {
  return text.split(/[\s,;]+/u).some((p) => p.trim().toLowerCase() === selector);
}

/** What a message taught, first, then what the admin had typed (a rotated key keeps both signing). */
export function withLearnt(text: string, learnt: readonly string[]): string {
  const typed = text
    .split(/[\s,;]+/u)
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  return [...new Set([...learnt, ...typed])].slice(0, MAX_RELAY_SELECTORS).join(', ');
}

/**
 * The start of an opened .eml: its headers come first, so no more than the channel's
 * limit is read from disk, however large the file (attachments).
 */
export function messageStart(file: Blob): Promise<string> {
  // UTF-8 decoding never yields more UTF-16 units than bytes, so the text fits the channel too.
  return file.slice(0, MAX_DKIM_HEADER_CHARS).text();
}
