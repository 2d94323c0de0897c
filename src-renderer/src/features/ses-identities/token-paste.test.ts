import { describe, expect, it } from 'vitest';
import { fillTokens, tokenOfWord, tokensOfPaste } from './token-paste';

const T1 = 'ctoy2wj55uabcdefghijklmnopqrst12';
const T2 = 'b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7';
const T3 = 'zz9yy8xx7ww6vv5uu4tt3ss2rr1qq0pp';

describe('a pasted DKIM token', () => {
  it('is the bare token whether the admin copied the token, the name or the value', () => {
    expect(tokenOfWord(T1, 'example.com')).toEqual({ ok: true, token: T1 });
    expect(tokenOfWord(`${T1}._domainkey`, 'example.com')).toEqual({ ok: true, token: T1 });
    expect(tokenOfWord(`${T1}._domainkey.example.com.`, 'example.com')).toEqual({ ok: true, token: T1 });
    expect(tokenOfWord(`${T1.toUpperCase()}.dkim.amazonses.com`, 'example.com')).toEqual({ ok: true, token: T1 });
    expect(tokenOfWord(` "${T1}" `, 'example.com')).toEqual({ ok: true, token: T1 });
  });

  it("refuses a name of another domain rather than taking its token", () => {
    expect(tokenOfWord(`${T1}._domainkey.other.example`, 'example.com')).toEqual({ ok: false, text: `${T1}._domainkey.other.example`, reason: 'other-domain', domain: 'other.example' });
  });

  it('reads a whole pasted table: three rows of name, type and value, each token once and in order', () => {
    const table = [T1, T2, T3].map((t) => `${t}._domainkey.example.com\tCNAME\t${t}.dkim.amazonses.com`).join('\n');
    expect(tokensOfPaste(table, 'example.com')).toEqual({ tokens: [T1, T2, T3], refused: [] });
    expect(tokensOfPaste(`${T1}._domainkey IN CNAME ${T1}.dkim.amazonses.com. 300`, 'example.com').tokens).toEqual([T1]);
  });

  it('fills the field pasted into and the ones after it, never past the third', () => {
    expect(fillTokens(['', '', ''], 0, [T1, T2, T3])).toEqual([T1, T2, T3]);
    expect(fillTokens(['a', '', ''], 1, [T2, T3, T1])).toEqual(['a', T2, T3]);
    expect(fillTokens([T1, T2, T3], 2, ['x'])).toEqual([T1, T2, 'x']);
  });
});
