import { describe, expect, it } from 'vitest';
import { createRedactor, SECRET_MARK, secretForms } from './secret-redactor';
import { TranscriptRecorder } from './transcript';

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

describe('a server that quotes the secret changed is still redacted', () => {
  const SECRET = 'Sup3rS3cretPassw0rd';
  const redact = createRedactor(secretForms('app@example.com', SECRET));
  const leaks = (text: string) => {
    const folded = text.toLowerCase();
    const found: string[] = [];
    // The promise: no piece of 6 characters or more, in any case.
    for (let i = 0; i + 6 <= SECRET.length; i++) {
      const piece = SECRET.slice(i, i + 6).toLowerCase();
      if (folded.includes(piece)) found.push(piece);
    }
    return found;
  };

  it.each([
    ['upper-cased', `535 5.7.8 Bad password ${SECRET.toUpperCase()} for app@example.com`],
    ['case-swapped', `535 5.7.8 Bad password ${[...SECRET].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('')}`],
    ['a 6-character piece', `535 5.7.8 Password starting '${SECRET.slice(0, 6)}' refused`],
    ['a piece from the middle', `535 5.7.8 …${SECRET.slice(5, 14)}… is not the password`],
    ['two pieces', `535 5.7.8 ${SECRET.slice(0, 7)} and ${SECRET.slice(11)}`],
  ])('%s', (_name, reply) => {
    const out = redact(reply);
    expect(out).toContain(SECRET_MARK);
    expect(leaks(out)).toEqual([]);
    expect(out.startsWith('535 5.7.8 ')).toBe(true);
  });

  it('a secret wrapped over two lines of a multi-line reply, each part shorter than 6 characters on one side', () => {
    const reply = `535-5.7.8 Password 'Sup3rS3cretPassw\r\n535-5.7.8 0rd' is wrong\r\n535 5.7.8 try again`;
    const out = redact(reply);
    expect(out).toBe(`535-5.7.8 Password '${SECRET_MARK}\r\n535-5.7.8 ${SECRET_MARK}' is wrong\r\n535 5.7.8 try again`);
    expect(leaks(out.replace(/\r\n535[- ]5\.7\.8 /gu, ''))).toEqual([]);
  });

  it('the lines of a reply joined with LF, as the transcript and the engine pass them, split back into the same lines', () => {
    const lines = ['5.7.8 Password quoted: Sup3', '5.7.8 rS3cretPa', '5.7.8 ssw0rd, bye'];
    const out = redact(lines.join('\n')).split('\n');
    expect(out).toHaveLength(3);
    expect(out.every((l) => l.startsWith('5.7.8 '))).toBe(true);
    expect(leaks(out.map((l) => l.slice(6)).join(''))).toEqual([]);
  });

  it('a secret folded over two header lines (RFC 5322 folding white space)', () => {
    expect(redact(`X-Echo: value=Sup3rS3\r\n\tcretPassw0rd; done`)).toBe(`X-Echo: value=${SECRET_MARK}\r\n\t${SECRET_MARK}; done`);
  });

  it('overlapping and touching pieces become one mark; a 5-character coincidence stays', () => {
    expect(redact(`got ${SECRET} ok`)).toBe(`got ${SECRET_MARK} ok`);
    expect(redact('250 2.0.0 Passw ord Sup3r fine')).toBe('250 2.0.0 Passw ord Sup3r fine');
  });

  it('a secret containing "secret" does not redact the mark again', () => {
    const r = createRedactor(secretForms(null, 'my-secret-token-42'));
    const once = r('535 refused my-secret-token-42');
    expect(once).toBe(`535 refused ${SECRET_MARK}`);
    expect(r(once)).toBe(once);
  });

  it('a short secret is matched whole, in any case; without pieces, only whole forms are', () => {
    const short = createRedactor(secretForms(null, 'Ab3$x'));
    expect(short('535 no AB3$X here, ab3$ not')).toBe(`535 no ${SECRET_MARK} here, ab3$ not`);
    const whole = createRedactor(secretForms(null, SECRET), { pieces: false });
    expect(whole(`2026 ${SECRET.toLowerCase()}`)).toBe(`2026 ${SECRET_MARK}`);
    expect(whole(`piece ${SECRET.slice(0, 8)}`)).toBe(`piece ${SECRET.slice(0, 8)}`);
  });

  it('a secret of a few hundred characters is scanned in one pass over the text', () => {
    const long = Array.from({ length: 300 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 90))).join('');
    const r = createRedactor(secretForms(null, long));
    const text = `535 ${'ordinary text '.repeat(2000)}${long.slice(100, 140).toUpperCase()}`;
    const out = r(text);
    expect(out.endsWith(SECRET_MARK)).toBe(true);
    expect(out.startsWith('535 ordinary text ordinary text')).toBe(true);
  });
});

describe('the transcript redacts the lines of one reply together', () => {
  it('a secret split over two server lines, one part under 6 characters, is gone from both', () => {
    const transcript = new TranscriptRecorder(() => new Date('2026-11-23T12:00:00Z'), createRedactor(secretForms('app@example.com', 'Sup3rS3cretPassw0rd')));
    transcript.client('AUTH PLAIN AGFwcEBleGFtcGxlLmNvbQBTdXAzclMzY3JldFBhc3N3MHJk', 'after-mechanism');
    transcript.server('535-5.7.8 You sent sup3rs3cretpassw');
    transcript.server('535 5.7.8 0RD');
    transcript.note('authentication refused');
    const texts = transcript.lines().map((l) => l.text);
    expect(texts).toEqual(['AUTH PLAIN /* secret */', `535-5.7.8 You sent ${SECRET_MARK}`, `535 5.7.8 ${SECRET_MARK}`, 'authentication refused']);
  });
});

describe("Relayproof's own words lose only whole forms of the secret", () => {
  it('a note or command sharing a word with the secret keeps it; the server quoting a piece does not', () => {
    const redact = createRedactor(secretForms('app@example.com', 'Password2024!'));
    const transcript = new TranscriptRecorder(() => new Date('2026-11-23T12:00:00Z'), redact);
    transcript.note('signing in with the stored password');
    transcript.client('EHLO password2024.example.com');
    transcript.server('535 5.7.8 bad password: passwORD20 refused');
    expect(transcript.lines().map((l) => l.text)).toEqual([
      'signing in with the stored password',
      'EHLO password2024.example.com',
      `535 5.7.8 bad ${SECRET_MARK}: ${SECRET_MARK} refused`,
    ]);
    expect(redact.whole('stored password Password2024! here')).toBe(`stored password ${SECRET_MARK} here`);
  });
});
