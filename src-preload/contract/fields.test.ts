import { describe, expect, it } from 'vitest';
import { HIDDEN_FREE_TEXT_CHARACTERS, HIDDEN_IDENTIFIER_CHARACTERS, hiddenPayloads } from './testing/hidden-payloads';
import { proceedReasonSchema } from './addresses-schemas';
import {
  dnsServerSpecSchema,
  domainToAscii,
  ehloNameSchema,
  emailAddressSchema,
  hiddenCharacterProblem,
  hostSchema,
  ipAddressSchema,
  portSchema,
  safeFreeText,
  secretInputSchema,
  securitySchema,
  usernameSchema,
} from './fields';

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe('hostSchema', () => {
  it.each([
    ['smtp.example.com', 'smtp.example.com'],
    ['SMTP.Example.com.', 'SMTP.Example.com.'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['Bücher.Example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['192.0.2.25', '192.0.2.25'],
    ['2001:db8::25', '2001:db8::25'],
    ['[2001:db8::25]', '[2001:db8::25]'],
    ['localhost', 'localhost'],
  ])('accepts %s as %s', (input, output) => {
    expect(hostSchema.parse(input)).toBe(output);
  });

  it.each(['smtp-.example.com', '-smtp.example.com', 'smtp..example.com', '999.1.1.1', '1.2.3', 'dead::beef::1', '[192.0.2.1', 'smtp.example.com:587', 'a b.example', `${'a'.repeat(64)}.example`, ''])(
    'refuses %j with the admin message',
    (input) => {
      const result = hostSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(messages(result).join(' ')).toMatch(/^Host (must be a host name such as smtp\.example\.com|is required)/u);
    },
  );

  it('refuses a name whose ASCII form is longer than a DNS name may be', () => {
    expect(domainToAscii(`${'ü'.repeat(60)}.example`)).toBeNull();
  });
});

describe('ehloNameSchema', () => {
  it.each([
    ['relay.example.com', 'relay.example.com'],
    ['[192.0.2.1]', '[192.0.2.1]'],
    ['[IPv6:2001:db8::1]', '[IPv6:2001:db8::1]'],
    ['relais.bücher.example', 'relais.xn--bcher-kva.example'],
  ])('accepts %s', (input, output) => {
    expect(ehloNameSchema.parse(input)).toBe(output);
  });

  it.each([
    ['localhost', /must not be localhost/u],
    ['LOCALHOST.', /must not be localhost/u],
    ['localhost.localdomain', /must not be localhost/u],
    ['box.localdomain', /must not be localhost/u],
    ['abc:', /full domain name/u],
    ['dead::beef', /\[IPv6:dead::beef\]/u],
    ['192.0.2.1', /\[192\.0\.2\.1\]/u],
    ['[2001:db8::1]', /\[IPv6:2001:db8::1\]/u],
    ['[999.0.0.1]', /address literal/u],
    ['relay', /full domain name/u],
    ['relay-.example.com', /full domain name/u],
  ])('refuses %j', (input, message) => {
    const result = ehloNameSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(messages(result).join(' ')).toMatch(message);
  });
});

describe('admin-language messages', () => {
  it.each([Number.NaN, 0, 65536, 1.5, '587'])('a port of %j says what a port is', (value) => {
    expect(messages(portSchema.safeParse(value))).toEqual(['Port must be a whole number from 1 to 65535 (587 for STARTTLS, 465 for implicit TLS).']);
  });

  it('security names the three choices', () => {
    expect(messages(securitySchema.safeParse('ssl'))[0]).toMatch(/^Security must be starttls .* tls .* or none/u);
  });

  it('an IP address field gives an example', () => {
    expect(messages(ipAddressSchema.safeParse('mail.example.com'))[0]).toBe('Enter an IP address such as 192.0.2.25 or 2001:db8::25.');
  });
});

describe('dnsServerSpecSchema', () => {
  it.each(['192.0.2.53', '127.0.0.1:5301', '2001:db8::53', '[2001:db8::53]:53', '[2001:db8::53]'])('accepts %s', (input) => {
    expect(dnsServerSpecSchema.safeParse(input).success).toBe(true);
  });

  it.each(['dns.example', '300.0.0.1', '192.0.2.53:0', '192.0.2.53:70000', 'abc:', '::g', '192.0.2.53\n'])('refuses %j', (input) => {
    const result = dnsServerSpecSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(messages(result)[0]).toMatch(/^(A DNS server is an IP address|DNS server contains)/u);
  });
});

describe('hidden characters in identifiers', () => {
  const identifiers = [
    ['Host', hostSchema, 'smtp.example.com'],
    ['Address', emailAddressSchema, 'support@example.com'],
    ['Username', usernameSchema, 'support@example.com'],
    ['EHLO name', ehloNameSchema, 'relay.example.com'],
    ['DNS server', dnsServerSpecSchema, '192.0.2.53'],
  ] as const;

  it.each(identifiers)('%s refuses each of 99 hidden-character payloads, naming the character and its position', (label, schema, valid) => {
    const payloads = hiddenPayloads(valid);
    expect(payloads.length).toBeGreaterThanOrEqual(50);
    expect(schema.safeParse(valid).success).toBe(true);
    for (const payload of payloads) {
      const result = schema.safeParse(payload.value);
      const code = `U+${payload.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
      expect(result.success, `${label} ${payload.label}`).toBe(false);
      expect(messages(result), `${label} ${payload.label}`).toEqual([expect.stringContaining(`${label} contains`)]);
      // Named (`(U+202E RIGHT-TO-LEFT OVERRIDE)`), or an unnamed format character (`(U+1D173)`).
      expect(messages(result)[0]).toMatch(new RegExp(`\\(${code.replace('+', '\\+')}[ )]`, 'u'));
      expect(messages(result)[0]).toContain(`at position ${payload.position}.`);
    }
  });

  it('refuses every other invisible character (found by a security review), by name or as an invisible formatting character; free text keeps emoji', () => {
    expect(hiddenCharacterProblem('Username', 'supp\u{E0041}ort')).toMatch(/^Username contains an invisible character \(U\+E0041 TAG CHARACTER\) at position 5\./u);
    expect(hiddenCharacterProblem('Host', 'smtp\u3164.example.com')).toMatch(/^Host contains an invisible character \(U\+3164 HANGUL FILLER\) at position 5\./u);
    expect(hiddenCharacterProblem('Host', 'smtp\u{1D175}.example.com')).toMatch(/^Host contains an invisible formatting character \(U\+1D175\) at position 5\./u);
    expect(hiddenCharacterProblem('Host', 'smtp\uFE0F.example.com')).toMatch(/\(U\+FE0F VARIATION SELECTOR-16\)/u);
    expect(hiddenCharacterProblem('Host', 'smtp\u{E01EF}.example.com')).toMatch(/\(U\+E01EF VARIATION SELECTOR-256\)/u);
    // Free text: a family (ZWJ), a red heart (VS16) and the flag of England (tag characters).
    for (const emoji of ['\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', '\u2764\uFE0F', '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}']) {
      expect(hiddenCharacterProblem('Reason', `approved ${emoji}`, 'free-text')).toBeNull();
    }
  });

  it('says what the character is and what to do, in words', () => {
    expect(messages(usernameSchema.safeParse('supp\u202Eort'))).toEqual([
      'Username contains an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE) at position 5. It makes the value look different from what is saved and sent; delete it or type the value again instead of pasting it.',
    ]);
    expect(messages(hostSchema.safeParse('smtp.example.com\r\nRSET'))[0]).toBe(
      'Host contains a line break (U+000D CR) at position 17. It could end the line and smuggle a second command to the server; delete it or type the value again.',
    );
    expect(hiddenCharacterProblem('Username', 'a\u001b[31m')).toMatch(/^Username contains a control character \(U\+001B ESC\) at position 2\./u);
    expect(hiddenCharacterProblem('Username', 'a\u0085b')).toMatch(/a line break \(U\+0085 NEXT LINE\)/u);
    expect(hiddenCharacterProblem('Username', 'a\u009bb')).toMatch(/a control character \(U\+009B C1 CONTROL\)/u);
  });

  it('counts the position in characters, so a character outside the BMP counts once', () => {
    expect(hiddenCharacterProblem('Username', '😀a\u200bb')).toContain('(U+200B ZERO WIDTH SPACE) at position 3.');
  });

  it('accepts ordinary Unicode: IDN hosts, internationalised addresses, accents', () => {
    expect(hostSchema.parse('bücher.example')).toBe('xn--bcher-kva.example');
    expect(emailAddressSchema.safeParse('jürgen@bücher.example').success).toBe(true);
    expect(usernameSchema.safeParse('Zoë Ñúñez').success).toBe(true);
  });

  it('free text keeps zero-width joiners (emoji) but refuses controls, line breaks and bidi controls', () => {
    expect(safeFreeText('The reason', 500).safeParse('Blocked here 👩\u200d💻; tested from the server').success).toBe(true);
    for (const payload of hiddenPayloads('Blocked from this office', HIDDEN_FREE_TEXT_CHARACTERS)) {
      expect(hiddenCharacterProblem('The reason', payload.value, 'free-text'), payload.label).not.toBeNull();
    }
    expect(proceedReasonSchema.safeParse('Tested from \u202Eevres eht').success).toBe(false);
  });

  it('a secret is not an identifier: anything but NUL, CR and LF is a valid password', () => {
    for (const codePoint of HIDDEN_IDENTIFIER_CHARACTERS.filter((c) => c !== 0 && c !== 0x0a && c !== 0x0d)) {
      expect(secretInputSchema.safeParse(`pass${String.fromCodePoint(codePoint)}word`).success).toBe(true);
    }
  });
});
