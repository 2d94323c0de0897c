/**
 * Receipt of the verification email over IMAP (imapflow): sign in over TLS (implicit
 * TLS, or STARTTLS required before LOGIN — credentials never travel in cleartext), then
 * search INBOX and the Junk folder for the token (X-Relayproof-Token header or Subject)
 * with backoff until the deadline, and return the raw message (size-bounded).
 *
 * A wrong password, an untrusted certificate or a refused connection end at once with a
 * clear failure (retrying a bad password only gets the account locked); a message that
 * has not arrived is retried until the deadline. The password is never logged: imapflow's
 * logger is off and failures are built from server response codes and texts only.
 */
import { rootCertificates } from 'node:tls';
// imapflow is imported on the first connection, not with the services.
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import { createRedactor, secretForms } from '../smtp/secret-redactor';
import { TOKEN_HEADER } from '../smtp/test-message';
import type { ImapMailbox, ReceiptFailure, ReceiptFailureCode, ReceiptInfo, ReceiptProgress } from '../../src-preload/contract/verification-schemas';

/** Seconds between searches: quick at first (most mail lands within seconds), then every minute. */
export const DEFAULT_POLL_BACKOFF_MS: readonly number[] = [2_000, 5_000, 10_000, 20_000, 30_000, 60_000];
export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** A search still running this long after the deadline is cut off. */
const DEADLINE_GRACE_MS = 5_000;

export interface ImapReceiveOptions {
  readonly mailbox: ImapMailbox;
  /** From the keychain; used for LOGIN only. */
  readonly password: string;
  readonly token: string;
  readonly deadlineAt: Date;
  readonly signal?: AbortSignal;
  readonly backoffMs?: readonly number[];
  readonly clock?: () => Date;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  readonly ca?: readonly string[];
  /** TLS server name when `host` is an IP address. */
  readonly servername?: string;
  readonly maxMessageBytes?: number;
  readonly connectTimeoutMs?: number;
  readonly onProgress?: (progress: ReceiptProgress) => void;
}

export type ReceiveOutcome =
  | { readonly ok: true; readonly receipt: ReceiptInfo; readonly raw: Buffer }
  | { readonly ok: false; readonly failure: ReceiptFailure };

const TLS_CODES = /^(?:CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/u;
const PERMANENT_NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

interface ImapErrorFields {
  readonly code?: string;
  readonly authenticationFailed?: boolean;
  readonly serverResponseCode?: string;
  readonly responseText?: string;
  readonly message?: string;
}

class ReceiptStop extends Error {
  constructor(
    readonly code: ReceiptFailureCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function fields(error: unknown): ImapErrorFields {
  return typeof error === 'object' && error !== null ? (error as ImapErrorFields) : { message: String(error) };
}

/** Turn an imapflow / socket error into a failure the admin can act on; null = transient, retry. */
function classify(error: unknown, mailbox: ImapMailbox, serverWords: (text: string) => string): ReceiptStop | null {
  if (error instanceof ReceiptStop) return error;
  const raw = fields(error);
  // What the server or the socket said: the only text here a server can fill with the password.
  const e: ImapErrorFields = {
    ...raw,
    ...(raw.responseText !== undefined ? { responseText: serverWords(raw.responseText) } : {}),
    ...(raw.message !== undefined ? { message: serverWords(raw.message) } : {}),
  };
  const where = `${mailbox.host}:${mailbox.port}`;
  if (e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    const said = e.responseText !== undefined && e.responseText !== '' ? ` (${e.serverResponseCode ?? 'NO'}: ${e.responseText})` : '';
    return new ReceiptStop(
      'auth-failed',
      `The IMAP server ${where} refused the sign-in for ${mailbox.username}${said}.`,
      'Check the username and the mailbox password. Gmail and iCloud need an app password; Microsoft 365 mailboxes need IMAP enabled (and OAuth 2.0 where basic authentication is off).',
    );
  }
  const code = e.code ?? '';
  if (TLS_CODES.test(code) || /certificate|self[- ]signed|altname/iu.test(e.message ?? '')) {
    return new ReceiptStop('tls-failed', `The TLS certificate of ${where} is not trusted (${code || e.message || 'unknown'}).`, 'Check the host name; a company CA must be added to the trusted certificates.');
  }
  if (PERMANENT_NETWORK.has(code)) {
    return new ReceiptStop('connect-failed', `Could not connect to the IMAP server ${where} (${code}).`, 'Check the host and port: IMAP over TLS is usually port 993, STARTTLS port 143.');
  }
  if (e.code === 'MissingServerExtension' || /STARTTLS/iu.test(e.message ?? '')) {
    return new ReceiptStop('tls-failed', `The IMAP server ${where} does not offer STARTTLS, so the password would travel in cleartext.`, 'Use implicit TLS on port 993.');
  }
  return null;
}

function waitText(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  // An 'abort' listener added to a signal that is already aborted never fires: a cancel
  // that came during the search would otherwise wait out the whole pause.
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function receiveByImap(options: ImapReceiveOptions): Promise<ReceiveOutcome> {
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const backoff = options.backoffMs ?? DEFAULT_POLL_BACKOFF_MS;
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const started = clock().getTime();
  const deadline = options.deadlineAt.getTime();
  const box = options.mailbox;
  let attempts = 0;
  // Held in an object: the closures below replace it, which plain `let` narrowing cannot follow.
  const conn: { client: ImapFlow | null } = { client: null };
  let lastTransient = '';
  const elapsed = () => Math.max(0, clock().getTime() - started);
  // A failure quotes the server's words (its NO/BAD text), which a server may fill with the
  // password it was sent, whole or in part: those go to history and reports only redacted,
  // pieces included. Relayproof's own words lose only whole forms ("mailbox password" in a
  // hint is not a quote of "mailbox-password-1").
  const redact = createRedactor(secretForms(options.mailbox.username, options.password));
  const failure = (code: ReceiptFailureCode, message: string, hint: string): ReceiveOutcome => ({ ok: false, failure: { code, message: redact.whole(message), hint: redact.whole(hint), attempts, elapsedMs: elapsed() } });

  const clientOptions: ImapFlowOptions = {
    host: box.host,
    port: box.port,
    secure: box.security === 'tls',
    ...(box.security === 'starttls' ? { doSTARTTLS: true } : {}),
    ...(options.servername !== undefined ? { servername: options.servername } : {}),
    auth: { user: box.username, pass: options.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: options.connectTimeoutMs ?? 15_000,
    greetingTimeout: options.connectTimeoutMs ?? 15_000,
    socketTimeout: 60_000,
    maxLiteralSize: maxBytes + 64 * 1024,
    tls: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
      ...(options.ca !== undefined && options.ca.length > 0 ? { ca: [...rootCertificates, ...options.ca] } : {}),
      ...(options.servername !== undefined ? { servername: options.servername } : {}),
    },
  };

  async function connected(): Promise<ImapFlow> {
    if (conn.client?.usable === true) return conn.client;
    conn.client?.close();
    const next = new (await import('imapflow')).ImapFlow(clientOptions);
    // imapflow emits 'error' on socket failures after connect; the next attempt reconnects.
    next.on('error', () => undefined);
    conn.client = next;
    await next.connect();
    return next;
  }

  let folders: string[] | null = null;
  async function searchFolders(c: ImapFlow): Promise<string[]> {
    if (folders !== null) return folders;
    const list = await c.list();
    const wanted = box.mailboxes ?? ['INBOX', ...list.filter((m) => m.specialUse === '\\Junk').map((m) => m.path)];
    const missing = wanted.filter((w) => w.toUpperCase() !== 'INBOX' && !list.some((m) => m.path === w));
    if (missing.length > 0) {
      throw new ReceiptStop('mailbox-missing', `The mailbox has no folder named ${missing.join(', ')}.`, `Folders on this account: ${list.map((m) => m.path).join(', ')}.`);
    }
    folders = [...new Set(wanted)];
    return folders;
  }

  /** One pass over the folders; the message when found. */
  async function look(): Promise<{ raw: Buffer; mailbox: string; uid: number } | null> {
    const c = await connected();
    for (const path of await searchFolders(c)) {
      const lock = await c.getMailboxLock(path, { readOnly: true });
      try {
        // Still selected from the last search: NOOP lets the server announce new mail (RFC 3501 §6.1.2).
        if (attempts > 1) await c.noop();
        // IMAP4rev1 §6.4.4: HEADER and SUBJECT search are substring matches.
        const uids = await c.search({ or: [{ header: { [TOKEN_HEADER]: options.token } }, { subject: options.token }] }, { uid: true });
        const uid = Array.isArray(uids) ? uids.at(-1) : undefined;
        if (uid === undefined) continue;
        const meta = await c.fetchOne(String(uid), { size: true }, { uid: true });
        const size = meta === false ? 0 : (meta.size ?? 0);
        if (size > maxBytes) throw new ReceiptStop('too-large', `The message with the token is ${size} bytes, over the ${maxBytes}-byte limit.`, 'This is not the verification email Relayproof sent.');
        const message = await c.fetchOne(String(uid), { source: true }, { uid: true });
        if (message === false || message.source === undefined) continue;
        return { raw: message.source, mailbox: path, uid };
      } finally {
        lock.release();
      }
    }
    return null;
  }

  // A command that hangs (a stalled server) must not outlive a cancel or the deadline:
  // closing the connection makes it fail, and the loop below ends.
  const cut = () => conn.client?.close();
  options.signal?.addEventListener('abort', cut, { once: true });
  const deadlineTimer = setTimeout(cut, Math.max(0, deadline - clock().getTime()) + DEADLINE_GRACE_MS);

  try {
    for (;;) {
      if (options.signal?.aborted === true) return failure('cancelled', 'Waiting for the verification email was cancelled.', 'Start the verification again when ready.');
      attempts += 1;
      const at = clock();
      let found: { raw: Buffer; mailbox: string; uid: number } | null = null;
      try {
        found = await look();
      } catch (error) {
        const stop = classify(error, box, redact);
        if (stop !== null) return failure(stop.code, stop.message, stop.hint);
        lastTransient = redact(fields(error).responseText ?? fields(error).message ?? fields(error).code ?? 'connection problem');
        conn.client?.close();
        conn.client = null;
      }
      if (found !== null) {
        return {
          ok: true,
          raw: found.raw,
          receipt: { source: 'imap', mailbox: found.mailbox, uid: found.uid, attempts, elapsedMs: elapsed(), sizeBytes: found.raw.length, foundAt: clock().toISOString() },
        };
      }
      const now = clock().getTime();
      if (now >= deadline) break;
      const wait = Math.min(backoff[Math.min(attempts - 1, backoff.length - 1)] ?? 60_000, deadline - now);
      options.onProgress?.({ attempt: attempts, at: at.toISOString(), nextAttemptAt: new Date(now + wait).toISOString(), deadlineAt: options.deadlineAt.toISOString(), searched: folders ?? [] });
      await sleep(wait, options.signal);
    }
    const searched = (folders ?? ['INBOX']).join(', ');
    return failure(
      'not-arrived',
      `No message with token ${options.token} reached ${box.username} (${searched}) within ${waitText(deadline - started)} (${attempts} searches${lastTransient === '' ? '' : `; last problem: ${lastTransient}`}).`,
      'The relay may still be queueing it (graylisting delays first mail by minutes), a filter may have discarded it, or it went to another recipient. Check the relay\'s queue and logs for the Message-ID, then send again.',
    );
  } finally {
    clearTimeout(deadlineTimer);
    options.signal?.removeEventListener('abort', cut);
    const c = conn.client;
    if (c !== null) {
      if (c.usable) await c.logout().catch(() => c.close());
      else c.close();
    }
  }
}
