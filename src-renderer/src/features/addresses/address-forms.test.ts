import { describe, expect, it } from 'vitest';
import { domainToAscii } from '../../../../src-preload/contract/fields';
import { addressForms, decodePunycodeLabel, domainToUnicode } from './address-forms';

describe('decodePunycodeLabel', () => {
  it('decodes the RFC 3492 samples', () => {
    // RFC 3492 §7.1 (L) and (B), and the usual German example.
    expect(decodePunycodeLabel('3B-ww4c5e180e575a65lsy2b')).toBe('3年B組金八先生');
    expect(decodePunycodeLabel('ihqwcrb4cv8a8dqg056pqjye')).toBe('他们为什么不说中文');
    expect(decodePunycodeLabel('bcher-kva')).toBe('bücher');
  });

  it('refuses what is not punycode', () => {
    expect(decodePunycodeLabel('bcher-kv!')).toBeNull();
    expect(decodePunycodeLabel('zzzzzzzzzzzzzz')).toBeNull();
    expect(decodePunycodeLabel('abc-')).toBe('abc');
  });
});

describe('domainToUnicode', () => {
  it('round-trips what the address check stores (UTS #46 via URL) back to the Unicode the admin typed', () => {
    for (const unicode of ['bücher.example', 'münchen.de', '例え.テスト', 'ελληνικά.gr', 'straße.de', 'sub.bücher.example']) {
      const ascii = domainToAscii(unicode);
      expect(ascii).toMatch(/xn--/u);
      expect(domainToUnicode(ascii ?? '')).toBe(unicode);
    }
  });

  it('leaves plain and undecodable names as they are', () => {
    expect(domainToUnicode('example.com')).toBe('example.com');
    expect(domainToUnicode('xn--bcher-kv!.example')).toBe('xn--bcher-kv!.example');
    // Decodes to "Ü", which UTS #46 would store as "ü" (xn--tda): not the stored name, so not shown as if it were.
    expect(domainToUnicode('xn--wca.example')).toBe('xn--wca.example');
  });
});

describe('addressForms', () => {
  it('an internationalised address shows in Unicode, with the stored punycode form beside it', () => {
    expect(addressForms('support@xn--bcher-kva.example')).toEqual({ display: 'support@bücher.example', ascii: 'support@xn--bcher-kva.example' });
    expect(addressForms('help.desk@mail.xn--mnchen-3ya.de')).toEqual({ display: 'help.desk@mail.münchen.de', ascii: 'help.desk@mail.xn--mnchen-3ya.de' });
  });

  it('an ASCII address has one form', () => {
    expect(addressForms('support@example.com')).toEqual({ display: 'support@example.com', ascii: null });
    expect(addressForms('not-an-address')).toEqual({ display: 'not-an-address', ascii: null });
  });
});
