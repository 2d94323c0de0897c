import { describe, expect, it } from 'vitest';
import { createRedactor, SECRET_MARK, secretForms } from './secret-redactor';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('secret redaction', () => {
  const redact = createRedactor(secretForms('app@example.com', 'Tr0ub4dor&3-long-secret'));

  it('removes the secret and each encoding of it an SMTP session can carry', () => {
    for (const form of ['Tr0ub4dor&3-long-secret', b64('Tr0ub4dor&3-long-secret'), b64('\u0000app@example.com\u0000Tr0ub4dor&3-long-secret'), b64('user=app@example.com\u0001auth=Bearer Tr0ub4dor&3-long-secret\u0001\u0001')]) {
      expect(redact(`535 no: ${form} end`)).toBe(`535 no: ${SECRET_MARK} end`);
    }
  });

  it('finds the secret base64-encoded inside longer text, at any byte alignment', () => {
    for (const prefix of ['', 'x', 'xy', 'xyz', 'user:']) {
      const encoded = b64(`${prefix}Tr0ub4dor&3-long-secret and more`);
      expect(redact(encoded)).toContain(SECRET_MARK);
    }
  });

  it('leaves ordinary text alone', () => {
    expect(redact('250 2.0.0 Ok: queued as 4F3C21')).toBe('250 2.0.0 Ok: queued as 4F3C21');
  });
});
