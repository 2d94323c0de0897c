/**
 * The byte-level SMTP dialogue over one socket: send a command line, read one reply.
 *
 * Purpose-built rather than nodemailer's SMTPConnection because a checker needs what a
 * sender does not: per-phase timing, a timeout that does not reset on every byte (a
 * 1-byte-per-second drip never times out a socket idle timer), caps on bytes per line,
 * per reply and per session (a 10 MB line or an endless multi-line reply must be cut,
 * with memory bounded by the cap), stopping before DATA, and a redacted transcript.
 *
 * The client never pipelines (RFC 2920 is optional), so exactly one reply is
 * outstanding at a time: bytes that arrive when no command is waiting are a protocol
 * error (pipelining confusion, or a reply to the wrong command), not data to keep.
 */
import type { Socket } from 'node:net';
import { EngineFailure, errorCodeOf } from './engine-failure';
import type { FailureCode, SmtpReply } from '../../src-preload/contract/smtp-schemas';
import type { Redact } from './secret-redactor';
import { buildReply, isPlausibleReplyPrefix, parseReplyLine, printable } from './smtp-reply';
import type { TranscriptRecorder } from './transcript';

export interface WireLimits {
  /** RFC 5321 §4.5.3.1.5 sets 512 octets for a reply line; real servers go a little over. */
  readonly maxLineBytes: number;
  readonly maxReplyLines: number;
  readonly maxReplyBytes: number;
  readonly maxSessionBytes: number;
}

export const defaultWireLimits: WireLimits = {
  maxLineBytes: 4096,
  maxReplyLines: 200,
  maxReplyBytes: 64 * 1024,
  maxSessionBytes: 4 * 1024 * 1024,
};

/** Shared by the plain and the TLS wire of one session, so STARTTLS does not reset the budget. */
export interface SessionBudget {
  received: number;
}

export interface WireOptions {
  readonly transcript: TranscriptRecorder;
  readonly redact: Redact;
  readonly limits: WireLimits;
  readonly budget: SessionBudget;
  /** Aborted with an EngineFailure reason (deadline or cancel). */
  readonly signal: AbortSignal;
  /** ms left before the overall deadline; every wait is capped by it. */
  readonly remaining: () => number;
}

export interface CommandOptions {
  readonly timeoutMs: number;
  /** Positive replies (2xx/3xx) that fit this command; any 4xx/5xx is returned to the caller. */
  readonly expect: readonly number[];
  /** What the reply answers, for messages ("the reply to MAIL FROM"). */
  readonly what: string;
  /** How the transcript shows the line (AUTH payloads are never written). */
  readonly secret?: 'none' | 'payload' | 'after-mechanism';
}

interface Waiter {
  readonly resolve: (reply: SmtpReply) => void;
  readonly reject: (failure: EngineFailure) => void;
  readonly timer: NodeJS.Timeout;
  readonly what: string;
}

const LF = 0x0a;

export class SmtpWire {
  readonly #socket: Socket;
  readonly #o: WireOptions;
  /** Bytes of the line being received (no LF yet). */
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #replyCode: number | null = null;
  #replyTexts: string[] = [];
  #replyBytes = 0;
  #ready: SmtpReply[] = [];
  #waiter: Waiter | null = null;
  #failure: EngineFailure | null = null;
  #closed = false;
  #socketError: string | null = null;
  #bytesSinceRead = 0;
  readonly #onData = (chunk: Buffer) => this.#receive(chunk);
  readonly #onEnd = () => this.#closedByPeer();
  readonly #onError = (error: unknown) => {
    this.#socketError = errorCodeOf(error) ?? 'socket error';
    this.#closedByPeer();
  };
  readonly #onAbort = () => {
    const reason: unknown = this.#o.signal.reason;
    this.#fail(reason instanceof EngineFailure ? reason : new EngineFailure('cancelled', 'The test was cancelled.'));
  };

  constructor(socket: Socket, options: WireOptions) {
    this.#socket = socket;
    this.#o = options;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
    if (options.signal.aborted) this.#onAbort();
    else options.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Still connected and in step with the server: a polite QUIT makes sense. */
  get usable(): boolean {
    return !this.#closed && this.#failure === null;
  }

  get socket(): Socket {
    return this.#socket;
  }

  /** Reads the next reply (the greeting, or the reply to a line already sent). */
  read(timeoutMs: number, timeoutCode: Extract<FailureCode, 'greeting-timeout' | 'reply-timeout'>, what: string): Promise<SmtpReply> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const queued = this.#ready.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closed) return Promise.reject(this.#closedFailure(what));
    const remaining = this.#o.remaining();
    if (remaining <= 0) return Promise.reject(new EngineFailure('deadline-exceeded', `The overall deadline passed before ${what}.`));
    const wait = Math.min(timeoutMs, remaining);
    this.#bytesSinceRead = this.#partialBytes;
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const cutByDeadline = wait < timeoutMs ? ' (the overall deadline)' : '';
        const failure =
          this.#bytesSinceRead > 0
            ? new EngineFailure('slow-reply', `The server sent only ${this.#bytesSinceRead} bytes of ${what} in ${wait} ms${cutByDeadline}: it answers far too slowly.`)
            : new EngineFailure(timeoutCode, `No ${what} within ${wait} ms${cutByDeadline}.`);
        this.#fail(failure);
      }, wait);
      this.#waiter = { resolve, reject, timer, what };
    });
  }

  /** Sends one command line and reads its reply. */
  async command(line: string, options: CommandOptions): Promise<SmtpReply> {
    this.send(line, options.secret ?? 'none');
    const reply = await this.read(options.timeoutMs, 'reply-timeout', `reply to ${options.what}`);
    if (reply.code < 400 && !options.expect.includes(reply.code)) {
      const failure = new EngineFailure(
        'unexpected-reply',
        `The server answered "${reply.text}" to ${options.what}, which expects ${options.expect.join(' or ')}: it is replying to a different command.`,
        { reply },
      );
      this.#fail(failure);
      throw failure;
    }
    return reply;
  }

  /** Writes one command line (CRLF added). */
  send(line: string, secret: CommandOptions['secret'] = 'none'): void {
    if (this.#failure !== null) throw this.#failure;
    // Input validation refuses CR, LF and NUL long before this; a line that still has
    // one is a bug, and sending it would be a command injection (RFC 5321 §2.3.8).
    if (/[\r\n\u0000]/u.test(line)) throw new Error('SMTP command line contains CR, LF or NUL');
    this.#ensureInStep(line);
    this.#o.transcript.client(line, secret);
    this.#socket.write(`${line}\r\n`);
  }

  /** Writes message data as is (the caller has dot-stuffed it). */
  sendData(data: Buffer, note: string): void {
    if (this.#failure !== null) throw this.#failure;
    this.#ensureInStep('the message');
    this.#o.transcript.note(note);
    this.#socket.write(data);
  }

  /**
   * Hands the socket over for the TLS handshake after `220` to STARTTLS. Anything the
   * server sent after that 220 arrived in cleartext and must not be read as if it came
   * over TLS (RFC 3207 §5, the STARTTLS response-injection attack): it is an error.
   */
  detachForTls(): Socket {
    this.#ensureInStep('the TLS handshake');
    this.#release();
    // The socket now belongs to the TLS layer; this wire must not be used again.
    this.#closed = true;
    return this.#socket;
  }

  destroy(): void {
    this.#release();
    this.#closed = true;
    this.#socket.destroy();
  }

  /**
   * Resolves once the socket is really closed, or after `capMs`. destroy() closes the
   * descriptor a turn later; a caller that counts connections to a server (the host
   * limiter) must not open the next one while this one still exists.
   */
  whenClosed(capMs: number): Promise<void> {
    const socket = this.#socket;
    if (socket.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, capMs);
      socket.once('close', done);
    });
  }

  #ensureInStep(next: string): void {
    if (this.#ready.length > 0 || this.#partialBytes > 0 || this.#replyTexts.length > 0) {
      const extra = this.#ready[0]?.text ?? 'part of a reply';
      const failure = new EngineFailure(
        'unexpected-reply',
        `The server sent "${extra}" that answers no command, before ${next} (pipelining confusion: replies no longer match commands).`,
        this.#ready[0] !== undefined ? { reply: this.#ready[0] } : {},
      );
      this.#fail(failure);
      throw failure;
    }
  }

  #release(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('close', this.#onEnd);
    this.#socket.off('error', this.#onError);
    this.#o.signal.removeEventListener('abort', this.#onAbort);
    // Swallow late socket errors after release; the new owner attaches its own.
    if (this.#socket.listenerCount('error') === 0) this.#socket.on('error', () => undefined);
  }

  #receive(chunk: Buffer): void {
    if (this.#failure !== null) return;
    const limits = this.#o.limits;
    this.#o.budget.received += chunk.length;
    this.#bytesSinceRead += chunk.length;
    if (this.#o.budget.received > limits.maxSessionBytes) {
      this.#fail(new EngineFailure('session-too-large', `The server sent more than ${limits.maxSessionBytes} bytes in one session; the connection was cut.`));
      return;
    }
    let start = 0;
    while (this.#failure === null) {
      const lf = chunk.indexOf(LF, start);
      const piece = chunk.subarray(start, lf === -1 ? chunk.length : lf);
      this.#partial.push(piece);
      this.#partialBytes += piece.length;
      if (this.#partialBytes > limits.maxLineBytes) {
        this.#cutLongLine();
        return;
      }
      if (lf === -1) {
        if (!isPlausibleReplyPrefix(this.#linePrefix())) this.#notSmtp(this.#linePrefix());
        return;
      }
      const line = Buffer.concat(this.#partial, this.#partialBytes);
      this.#partial = [];
      this.#partialBytes = 0;
      this.#line(line.at(-1) === 0x0d ? line.subarray(0, -1) : line);
      start = lf + 1;
      if (start >= chunk.length) return;
    }
  }

  #linePrefix(): Buffer {
    return Buffer.concat(this.#partial, this.#partialBytes).subarray(0, 4);
  }

  #cutLongLine(): void {
    const prefix = this.#linePrefix();
    if (!isPlausibleReplyPrefix(prefix)) {
      this.#notSmtp(prefix);
      return;
    }
    this.#o.transcript.server(`${printable(Buffer.concat(this.#partial).subarray(0, 200).toString('utf8'))}…`);
    this.#o.transcript.note(`reply line cut after ${this.#partialBytes} bytes without a line end (limit ${this.#o.limits.maxLineBytes})`);
    this.#fail(
      new EngineFailure('reply-line-too-long', `The server sent a reply line longer than ${this.#o.limits.maxLineBytes} bytes (RFC 5321 allows 512); the connection was cut.`),
    );
  }

  #notSmtp(bytes: Buffer): void {
    const shown = printable(bytes.toString('latin1'));
    this.#o.transcript.server(`${shown}… (not an SMTP reply)`);
    this.#fail(new EngineFailure('not-smtp', `The server sent "${shown}…", which is not an SMTP reply: something other than a mail server answers on this port.`));
  }

  #line(raw: Buffer): void {
    // Unredacted here: the transcript and the reply below redact a reply's lines together,
    // so a secret the server wraps over two lines is still found.
    const text = printable(raw.toString('utf8'));
    this.#o.transcript.server(text);
    const parsed = parseReplyLine(text);
    if (parsed === null) {
      this.#fail(new EngineFailure('not-smtp', `The server sent "${this.#o.redact(text).slice(0, 80)}", which is not an SMTP reply line (RFC 5321 §4.2).`));
      return;
    }
    if (this.#replyCode !== null && parsed.code !== this.#replyCode) {
      this.#fail(new EngineFailure('not-smtp', `A multi-line reply changed its code from ${this.#replyCode} to ${parsed.code} (RFC 5321 §4.2.1 forbids it).`));
      return;
    }
    this.#replyCode = parsed.code;
    this.#replyTexts.push(parsed.text);
    this.#replyBytes += raw.length;
    const limits = this.#o.limits;
    if (this.#replyTexts.length > limits.maxReplyLines || this.#replyBytes > limits.maxReplyBytes) {
      this.#o.transcript.note(`reply cut after ${this.#replyTexts.length} lines / ${this.#replyBytes} bytes`);
      this.#fail(
        new EngineFailure(
          'reply-too-long',
          `The server's reply went on for more than ${limits.maxReplyLines} lines or ${limits.maxReplyBytes} bytes without ending; the connection was cut.`,
        ),
      );
      return;
    }
    if (!parsed.last) return;
    const reply = buildReply(parsed.code, this.#o.redact(this.#replyTexts.join('\n')).split('\n'));
    this.#replyCode = null;
    this.#replyTexts = [];
    this.#replyBytes = 0;
    const waiter = this.#waiter;
    if (waiter === null) {
      this.#ready.push(reply);
      return;
    }
    this.#waiter = null;
    clearTimeout(waiter.timer);
    waiter.resolve(reply);
  }

  #closedFailure(what: string): EngineFailure {
    const why = this.#socketError !== null ? ` (${this.#socketError})` : '';
    return new EngineFailure('connection-closed', `The server closed the connection while Relayproof waited for ${what}${why}.`, {
      errorCode: this.#socketError,
    });
  }

  #closedByPeer(): void {
    if (this.#closed) return;
    this.#closed = true;
    const waiter = this.#waiter;
    if (waiter === null || this.#failure !== null) return;
    this.#waiter = null;
    clearTimeout(waiter.timer);
    waiter.reject(this.#closedFailure(waiter.what));
  }

  #fail(failure: EngineFailure): void {
    if (this.#failure !== null) return;
    this.#failure = failure;
    this.#partial = [];
    this.#partialBytes = 0;
    this.#ready = [];
    this.#socket.destroy();
    this.#closed = true;
    const waiter = this.#waiter;
    if (waiter === null) return;
    this.#waiter = null;
    clearTimeout(waiter.timer);
    waiter.reject(failure);
  }
}
