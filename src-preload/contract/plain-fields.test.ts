import { describe, expect, it } from 'vitest';
import { checklistInputSchema } from './checks-schemas';
import { checkDomainName, checkIpAddress, checkSafeText, type PlainCheck } from './plain-fields';

/** What the checklist's schema says of one field: the same shape as a plain check. */
function viaSchema(field: 'domain' | 'sendingIp' | 'sender' | 'heloName', value: string): PlainCheck {
  const parsed = checklistInputSchema.safeParse({ domain: field === 'domain' ? value : 'example.com', [field]: value });
  if (parsed.success) return { ok: true, value: String(parsed.data[field]) };
  return { ok: false, messages: parsed.error.issues.filter((i) => i.path[0] === field).map((i) => i.message) };
}

const DOMAINS = ['example.com', ' Example.COM. ', 'bücher.example', '_spf.example.com', 'a.b', 'example', '-bad.example', 'exa mple.com', 'example.com\u200b', 'ex\u202eample.com', '', `${'a'.repeat(63)}.`.repeat(4) + 'com', 'x'.repeat(300), '1.2.3.4'];
const IPS = ['192.0.2.25', '2001:db8::25', '::1', '::ffff:192.0.2.1', '256.1.1.1', '192.0.2', '01.2.3.4', '2001:db8::25\n', '::@1\\', 'fe80::1%eth0', '[::1]', ' 192.0.2.25', ''];
const TEXTS = ['postmaster@example.com', 'out.example.com', 'a\u0000b', 'x\u200by', 'y'.repeat(400), ''];

describe('the plain field rules accept, refuse and normalise as the contract’s schemas do', () => {
  it.each(DOMAINS)('domain %j', (value) => expect(checkDomainName(value)).toEqual(viaSchema('domain', value)));
  it.each(IPS)('IP address %j', (value) => expect(checkIpAddress(value)).toEqual(viaSchema('sendingIp', value)));
  it.each(TEXTS)('envelope sender and HELO name %j', (value) => {
    expect(checkSafeText('The envelope sender', 320, value)).toEqual(viaSchema('sender', value));
    expect(checkSafeText('The HELO name', 253, value)).toEqual(viaSchema('heloName', value));
  });
  it('refuses what it should: a bad domain, a bad address, a hidden character', () => {
    expect(checkDomainName('exa mple.com').ok).toBe(false);
    expect(checkIpAddress('256.1.1.1').ok).toBe(false);
    expect(checkSafeText('The HELO name', 253, 'a\u200bb').ok).toBe(false);
  });
});
