/**
 * The timestamped dialogue of one test: `C:` what the client sent, `S:` what the server
 * answered, `*` what the engine did. AUTH payloads are written as `/* secret *\/`, and
 * every line passes the redactor (a server may echo a credential). Bounded: long lines
 * are cut and the line count is capped, so a hostile server cannot grow it.
 */
import type { TranscriptLine } from './schemas';
import { SECRET_MARK, type Redact } from './secret-redactor';

const MAX_LINES = 2000;
const MAX_LINE_CHARS = 1000;

export class TranscriptRecorder {
  readonly #lines: TranscriptLine[] = [];
  readonly #clock: () => Date;
  readonly #start: number;
  readonly #redact: Redact;
  #dropped = 0;

  constructor(clock: () => Date, redact: Redact) {
    this.#clock = clock;
    this.#start = clock().getTime();
    this.#redact = redact;
  }

  /** A command line; `secret` lines (AUTH payloads) are recorded as the marker only. */
  client(text: string, secret: 'none' | 'payload' | 'after-mechanism' = 'none'): void {
    if (secret === 'payload') this.#push('C', SECRET_MARK);
    else if (secret === 'after-mechanism') {
      // `AUTH PLAIN <initial response>`: keep the command and mechanism, hide the response.
      const [command = '', mechanism = ''] = text.split(' ', 2);
      this.#push('C', `${command} ${mechanism} ${SECRET_MARK}`);
    } else this.#push('C', text);
  }

  server(text: string): void {
    this.#push('S', text);
  }

  note(text: string): void {
    this.#push('*', text);
  }

  lines(): TranscriptLine[] {
    if (this.#dropped === 0) return [...this.#lines];
    const last = this.#lines.at(-1);
    return [...this.#lines, { at: last?.at ?? this.#clock().toISOString(), t: last?.t ?? 0, dir: '*', text: `${this.#dropped} more lines not kept` }];
  }

  #push(dir: TranscriptLine['dir'], raw: string): void {
    if (this.#lines.length >= MAX_LINES) {
      this.#dropped += 1;
      return;
    }
    const now = this.#clock();
    let text = this.#redact(raw);
    if (text.length > MAX_LINE_CHARS) text = `${text.slice(0, MAX_LINE_CHARS)}… (${text.length - MAX_LINE_CHARS} more characters cut)`;
    this.#lines.push({ at: now.toISOString(), t: now.getTime() - this.#start, dir, text });
  }
}
