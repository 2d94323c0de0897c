/**
 * Removes a secret from every text the engine keeps (transcript, replies, messages).
 * The AUTH lines themselves are never recorded (the transcript writes `/* secret *\/`
 * instead); this is the second line of defence for anything a server echoes back.
 */
export const SECRET_MARK = '/* secret */';

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * base64 of `secret` as it appears inside any longer base64 text that contains it,
 * for each of the three byte alignments: the characters that depend only on the secret
 * (the first and last 4 also depend on the neighbouring bytes, so they are dropped).
 */
function embeddedBase64Forms(secret: string): string[] {
  const forms: string[] = [];
  for (const pad of ['', '\u0000', '\u0000\u0000']) {
    const encoded = b64(pad + secret + '\u0000\u0000\u0000');
    const core = encoded.slice(pad === '' ? 0 : 4, -8);
    if (core.length >= 8) forms.push(core);
  }
  return forms;
}

/** Every form in which a secret can travel in an SMTP session (RFC 4954, RFC 4616, XOAUTH2). */
export function secretForms(username: string | null, secret: string): string[] {
  const user = username ?? '';
  const forms = [
    secret,
    b64(secret),
    b64(secret).replace(/=+$/u, ''),
    encodeURIComponent(secret),
    b64(`\u0000${user}\u0000${secret}`),
    b64(`${user}\u0000${user}\u0000${secret}`),
    b64(`user=${user}\u0001auth=Bearer ${secret}\u0001\u0001`),
    ...embeddedBase64Forms(secret),
  ];
  // Longest first, so a longer form is replaced before a shorter one inside it.
  return [...new Set(forms.filter((f) => f.length > 0))].sort((a, b) => b.length - a.length);
}

export type Redact = (text: string) => string;

export function createRedactor(forms: readonly string[]): Redact {
  if (forms.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(SECRET_MARK);
    return out;
  };
}
