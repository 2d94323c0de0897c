import { describe, expect, it } from 'vitest';
import { defaultEhloName } from './default-ehlo-name';

describe('the default EHLO name', () => {
  it('is this machine’s fully qualified name when it has one', () => {
    expect(defaultEhloName('Laptop-7.corp.example.com', '192.0.2.10')).toBe('laptop-7.corp.example.com');
  });

  it.each(['localhost', 'localhost.localdomain', 'DESKTOP-AB12CD', 'host.localdomain', 'bad_name.example'])('is never "%s": it falls back to an address literal', (name) => {
    expect(defaultEhloName(name, '192.0.2.10')).toBe('[192.0.2.10]');
  });

  it('writes an IPv6 literal with its tag (RFC 5321 §4.1.3)', () => {
    expect(defaultEhloName('pc', '2001:db8::5')).toBe('[IPv6:2001:db8::5]');
    expect(defaultEhloName('pc', '::ffff:192.0.2.7')).toBe('[192.0.2.7]');
  });
});
