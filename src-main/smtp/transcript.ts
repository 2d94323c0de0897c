/**
 * The timestamped dialogue of one test: `C:` what the client sent, `S:` what the server
 * answered, `*` what the engine did. AUTH payloads are written as `/* secret *\/`, and
 * every line passes the redactor (a server may echo a credential). The lines of one
 * reply are redacted together, so a secret the server wraps over two lines
 * (`535-5.7.8 …Sup3rS3cr` / `535 5.7.8 etPass…`) is found as one. Bounded: long lines
 * are cut and the line count is capped, so a hostile server cannot grow it.
 */
import type { TranscriptLine } from '../../src-preload/contract/smtp-schemas';
import { SECRET_MARK, type Redact } from './secret-redactor';

const MAX_LINES = 2000;
const MAX_LINE_CHARS = 1000;
/** Server lines redacted together: no reply wraps a secret over more lines than this. */
const JOINT_LINES = 16;

export class TranscriptRecorder {
  readonly #lines: TranscriptLine[] = [];
  readonly #clock: () => Date;
  readonly #start: number;
  readonly #redact: Redact;
  readonly #own: (text: string) => string;
  #dropped = 0;
  /** The unredacted text of the latest consecutive server lines, with their index in #lines (never exported). */
  #run: Array<{ readonly index: number; readonly raw: string }> = [];

  constructor(clock: () => Date, redact: Redact) {
    this.#clock = clock;
    this.#start = clock().getTime();
    this.#redact = redact;
    this.#own = redact.whole ?? redact;
  }

  /**
   * A command line; `secret` lines (AUTH payloads) are recorded as the marker only. Relayproof's
   * own words (commands, notes) lose only whole forms of the secret: a word they share with it
   * is not a quote.
   */
  client(text: string, secret: 'none' | 'payload' | 'after-mechanism' = 'none'): void {
    this.#run = [];
    if (secret === 'payload') this.#push('C', SECRET_MARK, this.#own);
    else if (secret === 'after-mechanism') {
      // `AUTH PLAIN <initial response>`: keep the command and mechanism, hide the response.
      const [command = '', mechanism = ''] = text.split(' ', 2);
      this.#push('C', `${command} ${mechanism} ${SECRET_MARK}`, this.#own);
    } else this.#push('C', text, this.#own);
  }

  /** A server line as received (printable, NOT yet redacted): redacted here, with the lines before it in the same reply. */
  server(text: string): void {
    const index = this.#push('S', text);
    if (index === null) return;
    this.#run.push({ index, raw: text });
    if (this.#run.length > JOINT_LINES) this.#run.shift();
    if (this.#run.length === 1) return;
    // Line breaks survive redaction (only the characters of a match are replaced), so the
    // joined text splits back into the same lines.
    const redacted = this.#redact(this.#run.map((r) => r.raw).join('\n')).split('\n');
    this.#run.forEach((r, i) => {
      const line = this.#lines[r.index];
      if (line !== undefined) this.#lines[r.index] = { ...line, text: cut(redacted[i] ?? SECRET_MARK) };
    });
  }

  note(text: string): void {
    this.#run = [];
    this.#push('*', text, this.#own);
  }

  lines(): TranscriptLine[] {
    if (this.#dropped === 0) return [...this.#lines];
    const last = this.#lines.at(-1);
    return [...this.#lines, { at: last?.at ?? this.#clock().toISOString(), t: last?.t ?? 0, dir: '*', text: `${this.#dropped} more lines not kept` }];
  }

  /** The index of the new line, or null when the cap dropped it. */
  #push(dir: TranscriptLine['dir'], raw: string, redact: (text: string) => string = this.#redact): number | null {
    if (this.#lines.length >= MAX_LINES) {
      this.#dropped += 1;
      return null;
    }
    const now = this.#clock();
    this.#lines.push({ at: now.toISOString(), t: now.getTime() - this.#start, dir, text: cut(redact(raw)) });
    return this.#lines.length - 1;
  }
}

function cut(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (${text.length - MAX_LINE_CHARS} more characters cut)` : text;
}
