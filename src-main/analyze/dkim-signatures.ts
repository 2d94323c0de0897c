/**
 * `analyze:read-dkim-signatures`: which DKIM selector the admin's mail service signs with,
 * learnt from a message it sent (the DKIM-Signature's s= and d=, RFC 6376 §3.5). Selectors
 * are not discoverable from DNS alone (RFC 6376 §3.1), so a received message is the one
 * place that names the selector for certain.
 *
 * The text is pasted or read from an .eml, so it is hostile until proven otherwise: only
 * the header block is read (a forwarded message in the body would name someone else's
 * signature), the channel bounds its size, at most a fixed number of signatures is
 * listed, and nothing from it is echoed unless it is a well-formed selector or domain name.
 */
import { domainToASCII } from 'node:url';
import {
  MAX_DKIM_SIGNATURES_LISTED,
  type DkimSignatureReading,
  type DkimSignaturesReport,
} from '../../src-preload/contract/analyze';
import { signaturesInHeaders } from '../checks/dkim-record';

// RFC 6376 §3.1: a selector is dot-separated sub-domain labels (the address's selector rule, lowercase).
const SELECTOR = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/u;
// An A-label domain of two labels or more: a single label (d=com) is never a parent worth trusting.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/u;
/** As many selectors as an address can store. */
const MAX_SELECTORS = 16;

/** The header block: everything before the first empty line (RFC 5322 §2.1), without leading blank lines. */
export function headerBlock(text: string): string {
  const trimmed = text.replace(/^(?:[ \t]*\r?\n)+/u, '');
  const end = /\r?\n[ \t]*\r?\n/u.exec(trimmed);
  return end === null ? trimmed : trimmed.slice(0, end.index);
}

function relationOf(signer: string, domain: string): DkimSignatureReading['relation'] {
  if (signer === domain) return 'same';
  // DMARC relaxed alignment (RFC 9989): a signature by a parent domain of the From domain aligns.
  return domain.endsWith(`.${signer}`) ? 'parent' : 'other';
}

/** Read the DKIM signatures of a message's headers against the address's domain. */
export function readDkimSignatures(text: string, domainInput: string): DkimSignaturesReport {
  const domain = domainToASCII(domainInput.toLowerCase()).replace(/\.$/u, '') || domainInput.toLowerCase();
  const found = signaturesInHeaders(headerBlock(text));
  const seen = new Set<string>();
  const signatures: DkimSignatureReading[] = [];
  let omitted = 0;
  for (const { selector, domain: rawSigner } of found) {
    const signer = rawSigner.replace(/\.$/u, '');
    if (!SELECTOR.test(selector) || !DOMAIN.test(signer)) {
      omitted += 1;
      continue;
    }
    const key = `${selector} ${signer}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (signatures.length >= MAX_DKIM_SIGNATURES_LISTED) {
      omitted += 1;
      continue;
    }
    signatures.push({ selector, domain: signer, relation: relationOf(signer, domain) });
  }
  const own = signatures.filter((s) => s.relation !== 'other');
  const selectors = [...new Set(own.map((s) => s.selector))].slice(0, MAX_SELECTORS);
  return { domain, signatures, omitted, selectors, message: messageFor(domain, found.length, signatures, own, selectors, omitted) };
}

function messageFor(
  domain: string,
  total: number,
  signatures: readonly DkimSignatureReading[],
  own: readonly DkimSignatureReading[],
  selectors: readonly string[],
  omitted: number,
): string {
  if (total === 0) {
    return `These headers have no DKIM-Signature. Either the message was not signed (turn on DKIM signing for ${domain} at your mail service) or only part of the headers was pasted: paste all of them, from the top, or open the saved .eml file.`;
  }
  if (own.length === 0) {
    const others = signatures
      .slice(0, 5)
      .map((s) => `d=${s.domain} (s=${s.selector})`)
      .join(', ');
    const listed = others === '' ? 'only signatures whose s= or d= is not a valid name' : `signatures by ${others}`;
    return `This message has ${listed}, none by ${domain} or a parent domain of it, so receivers will not count them for ${domain} (DMARC needs an aligned signature). Check that this is a message your relay sent from an address at ${domain}; if it is, turn on DKIM signing for ${domain} at your mail service and send a new one.`;
  }
  const named = own
    .filter((s, i, all) => all.findIndex((o) => o.selector === s.selector) === i)
    .slice(0, MAX_SELECTORS)
    .map((s) => `${s.selector} (d=${s.domain})`)
    .join(', ');
  const extra = omitted > 0 ? ` ${omitted} other signature${omitted === 1 ? ' was' : 's were'} not listed.` : '';
  return selectors.length === 1
    ? `Your mail service signs ${domain} with the selector ${named}.${extra}`
    : `This message is signed for ${domain} with ${selectors.length} selectors: ${named}.${extra}`;
}
