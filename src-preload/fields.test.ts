import { describe, expect, it } from 'vitest';
import { dnsServerSpecSchema, domainToAscii, ehloNameSchema, hostSchema, ipAddressSchema, portSchema, securitySchema } from './fields';

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
