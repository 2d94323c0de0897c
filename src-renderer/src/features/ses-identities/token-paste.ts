import { normalizeDkimToken } from '../../../../src-preload/contract/ses-identities';

/**
 * What an admin pastes into a DKIM token field, read the way they mean it. Zuora's DKIM
 * Settings dialog shows a name (`<token>._domainkey`, sometimes with the domain after it)
 * and a value (`<token>.dkim.` Amazon's domain); admins copy either, a whole row, or all
 * three rows at once. Each becomes the bare token, so no field ever holds a name that
 * would become `<token>._domainkey.example.com._domainkey.example.com` in DNS.
 */

export type TokenPiece =
  | { readonly ok: true; readonly token: string }
  /** `domain`: the record names another domain than the identity's. */
  | { readonly ok: false; readonly text: string; readonly reason: 'other-domain'; readonly domain: string };

const DOMAINKEY = '._domainkey';

/** One pasted word (a name, a value or a bare token) → the token, lower-cased; null for words that are not a record part (`CNAME`, `IN`, a TTL). */
export function tokenOfWord(word: string, identityDomain: string): TokenPiece | null {
  const text = word.trim().replace(/^["'<(]+|["'>),;]+$/gu, '').replace(/\.$/u, '').toLowerCase();
  if (text === '') return null;
  const nameAt = text.indexOf(DOMAINKEY);
  if (nameAt > 0) {
    const rest = text.slice(nameAt + DOMAINKEY.length).replace(/^\./u, '');
    const domain = identityDomain.trim().replace(/\.$/u, '').toLowerCase();
    // `<token>._domainkey.other.com` belongs to another identity: say so instead of taking it.
    if (rest !== '' && domain !== '' && rest !== domain) return { ok: false, text: word.trim(), reason: 'other-domain', domain: rest };
    return { ok: true, token: text.slice(0, nameAt) };
  }
  // Zone-file words around the name and value in a pasted row.
  if (/^(cname|in|txt|\d+|@|name|value|type)$/u.test(text)) return null;
  // The CNAME's target (`<token>.dkim.` Amazon's domain) or the bare token: the contract's reading, the one main stores.
  return { ok: true, token: normalizeDkimToken(text) };
}

/**
 * Everything pasted into one field: one token, or a whole table. The tokens come in the
 * order pasted, each once (a row carries its token twice: in the name and the value).
 */
export function tokensOfPaste(pasted: string, identityDomain: string): { readonly tokens: readonly string[]; readonly refused: readonly Extract<TokenPiece, { ok: false }>[] } {
  const tokens: string[] = [];
  const refused: Extract<TokenPiece, { ok: false }>[] = [];
  for (const word of pasted.split(/[\s,;|]+/u)) {
    const piece = tokenOfWord(word, identityDomain);
    if (piece === null) continue;
    if (!piece.ok) refused.push(piece);
    else if (!tokens.includes(piece.token)) tokens.push(piece.token);
  }
  return { tokens, refused };
}

/**
 * The three fields after a paste into field `at`: several tokens fill that field and
 * the ones after it (a pasted table lands in order); one token replaces the field.
 */
export function fillTokens(current: readonly string[], at: number, pasted: readonly string[], count = 3): string[] {
  const next = Array.from({ length: count }, (_, i) => current[i] ?? '');
  pasted.slice(0, count - at).forEach((token, i) => {
    next[at + i] = token;
  });
  return next;
}
