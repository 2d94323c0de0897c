/**
 * Removes a secret from every text Relayproof keeps (transcript, replies, messages,
 * verification history and reports). The AUTH lines themselves are never recorded (the
 * transcript writes `/* secret *\/` instead); this is the second line of defence for
 * anything a server echoes back — and a hostile or careless server may echo it changed:
 * upper-cased, only a part of it, or wrapped over two lines of a multi-line reply. So a
 * text is searched case-insensitively, across line breaks (and the `535-5.7.8 ` prefix
 * or folding white space that starts the next line), for the secret's forms and for any
 * piece of the secret (or of a form) at least MIN_SECRET_PART characters long.
 */
export const SECRET_MARK = '/* secret */';

/**
 * The shortest piece of a secret redacted on its own. Six characters of a password are
 * enough to narrow a guess a lot; shorter pieces would match ordinary words too often.
 */
export const MIN_SECRET_PART = 6;

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

/**
 * Redacts one text. `whole` is the same redactor without the pieces rule: for Relayproof's
 * own words (a note, a command it sent, a hint), where a word shared with the secret
 * ("password" in "Password2024!") is a coincidence, not a quote.
 */
export type Redact = ((text: string) => string) & { readonly whole?: (text: string) => string };

export interface RedactorOptions {
  /**
   * Also redact any piece of at least MIN_SECRET_PART characters (default true). Off for
   * text that is Relayproof's own vocabulary (an ISO time, an item id), where a shared
   * piece is a coincidence, not a quote.
   */
  readonly pieces?: boolean;
}

/** One code unit, case-folded without changing the length (so positions still map back). */
function fold(unit: string): string {
  const lower = unit.toLowerCase();
  return lower.length === 1 ? lower : unit;
}

function foldAll(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += fold(text[i] ?? '');
  return out;
}

/**
 * What starts a continuation line and is not part of the text: an SMTP reply code with
 * its separator and enhanced status code (RFC 5321 §4.2.1, RFC 3463), or the folding
 * white space of a header or IMAP continuation (RFC 5322 §2.2.3).
 */
const CONTINUATION = /^(?:\d{3}[ -])?(?:[245]\.\d{1,3}\.\d{1,3}[ \t]+)?[ \t]*/u;

/**
 * The searchable text: case-folded, with line breaks and continuation prefixes left out,
 * cut into segments at every existing SECRET_MARK (a piece of a secret that happens to
 * read "secret" must not redact the mark again). `at[i]` is the index in `text` of the
 * i-th searchable code unit.
 */
function segments(text: string): Array<{ readonly folded: string; readonly at: readonly number[] }> {
  const out: Array<{ folded: string; at: number[] }> = [];
  let current = { folded: '', at: [] as number[] };
  let i = 0;
  let lineStart = false;
  while (i < text.length) {
    if (text.startsWith(SECRET_MARK, i)) {
      out.push(current);
      current = { folded: '', at: [] };
      i += SECRET_MARK.length;
      continue;
    }
    const unit = text[i] ?? '';
    if (unit === '\r' || unit === '\n') {
      lineStart = true;
      i += 1;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      const prefix = CONTINUATION.exec(text.slice(i, i + 32))?.[0] ?? '';
      if (prefix.length > 0) {
        i += prefix.length;
        continue;
      }
    }
    current.folded += fold(unit);
    current.at.push(i);
    i += 1;
  }
  out.push(current);
  return out.filter((s) => s.folded.length > 0);
}

export function createRedactor(forms: readonly string[], options: RedactorOptions = {}): Redact & { readonly whole: (text: string) => string } {
  const whole = redactorOf(forms, false);
  return Object.assign(options.pieces === false ? whole : redactorOf(forms, true), { whole });
}

function redactorOf(forms: readonly string[], pieces: boolean): (text: string) => string {
  if (forms.length === 0) return (text) => text;
  const folded = [...new Set(forms.map(foldAll))];
  // Every MIN_SECRET_PART-long piece of every form: a text window equal to one is part of
  // a secret. Whole forms shorter than that are matched as they are. A secret of a few
  // hundred characters gives a few hundred pieces; one Set lookup per window of the text.
  const windows = new Set<string>();
  const whole: string[] = [];
  for (const form of folded) {
    if (pieces && form.length >= MIN_SECRET_PART) {
      for (let i = 0; i + MIN_SECRET_PART <= form.length; i++) windows.add(form.slice(i, i + MIN_SECRET_PART));
    } else whole.push(form);
  }
  return (text) => {
    // Ranges of original indices to replace; overlapping and touching matches merge.
    const hidden: Array<[number, number]> = [];
    for (const segment of segments(text)) {
      const { folded: s, at } = segment;
      const spans: Array<[number, number]> = [];
      if (windows.size > 0) {
        for (let i = 0; i + MIN_SECRET_PART <= s.length; i++) if (windows.has(s.slice(i, i + MIN_SECRET_PART))) spans.push([i, i + MIN_SECRET_PART]);
      }
      for (const form of whole) {
        for (let i = s.indexOf(form); i !== -1; i = s.indexOf(form, i + 1)) spans.push([i, i + form.length]);
      }
      spans.sort((a, b) => a[0] - b[0]);
      let open: [number, number] | null = null;
      const merged: Array<[number, number]> = [];
      for (const span of spans) {
        if (open !== null && span[0] <= open[1]) open[1] = Math.max(open[1], span[1]);
        else merged.push((open = [span[0], span[1]]));
      }
      // Back to the original text: a match that spans a line break becomes one mark on
      // each side of it, and the break and the next line's prefix stay as they were.
      for (const [from, to] of merged) {
        let start = at[from] ?? 0;
        let end = start + 1;
        for (let k = from + 1; k < to; k++) {
          const index = at[k] ?? end;
          if (index === end) end += 1;
          else {
            hidden.push([start, end]);
            start = index;
            end = index + 1;
          }
        }
        hidden.push([start, end]);
      }
    }
    if (hidden.length === 0) return text;
    hidden.sort((a, b) => a[0] - b[0]);
    let out = '';
    let last = 0;
    for (const [start, end] of hidden) {
      if (start < last) {
        last = Math.max(last, end);
        continue;
      }
      out += text.slice(last, start) + SECRET_MARK;
      last = end;
    }
    return out + text.slice(last);
  };
}
