/**
 * Reports read from an IMAP mailbox on demand: the verification mailbox of the address, or
 * a folder that receives its rua= reports. Signs in as the verification receipt does (TLS,
 * or STARTTLS before LOGIN; imapflow's logger off), opens the folder read-only, finds the
 * report messages by their subject (RFC 7489 §7.2.1.1 and RFC 8460 §5.3 both start it with
 * "Report Domain:"), and reads the newest of them, each within the message size limit.
 */
import { rootCertificates } from 'node:tls';
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { ImapMailbox } from '../../src-preload/contract/verification-schemas';
import { createRedactor, secretForms } from '../smtp/secret-redactor';
import { MAX_REPORT_FILE_BYTES, readReportBytes, type ReportRead } from './report-files';

/** The newest this many report messages are read: months of daily reports from the big receivers. */
export const MAX_REPORT_MESSAGES = 500;

export interface MailboxReadOptions {
  readonly mailbox: ImapMailbox;
  readonly password: string;
  readonly folder: string;
  readonly signal?: AbortSignal;
  readonly ca?: readonly string[];
  readonly connectTimeoutMs?: number;
  readonly maxMessages?: number;
}

export type MailboxRead =
  | { readonly ok: true; readonly messagesSeen: number; readonly reads: ReadonlyArray<{ readonly name: string; readonly read: ReportRead }> }
  | { readonly ok: false; readonly code: 'auth-failed' | 'connect-failed' | 'folder-missing'; readonly message: string; readonly hint: string };

interface ImapErrorFields {
  readonly code?: string;
  readonly authenticationFailed?: boolean;
  readonly serverResponseCode?: string;
  readonly responseText?: string;
  readonly message?: string;
}

export async function readMailboxReports(options: MailboxReadOptions): Promise<MailboxRead> {
  const box = options.mailbox;
  const where = `${box.host}:${box.port}`;
  // A server may quote the password back in its refusal: its words are redacted, pieces included.
  const redact = createRedactor(secretForms(box.username, options.password));
  const clientOptions: ImapFlowOptions = {
    host: box.host,
    port: box.port,
    secure: box.security === 'tls',
    ...(box.security === 'starttls' ? { doSTARTTLS: true } : {}),
    auth: { user: box.username, pass: options.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: options.connectTimeoutMs ?? 15_000,
    greetingTimeout: options.connectTimeoutMs ?? 15_000,
    socketTimeout: 60_000,
    maxLiteralSize: MAX_REPORT_FILE_BYTES + 64 * 1024,
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(options.ca !== undefined && options.ca.length > 0 ? { ca: [...rootCertificates, ...options.ca] } : {}) },
  };
  let client: ImapFlow | null = null;
  const cut = () => client?.close();
  options.signal?.addEventListener('abort', cut, { once: true });
  try {
    client = new (await import('imapflow')).ImapFlow(clientOptions);
    client.on('error', () => undefined);
    await client.connect();
    const list = await client.list();
    if (options.folder.toUpperCase() !== 'INBOX' && !list.some((m) => m.path === options.folder)) {
      return { ok: false, code: 'folder-missing', message: `The mailbox ${box.username} has no folder named ${options.folder}.`, hint: `Folders on this account: ${list.map((m) => m.path).join(', ')}.` };
    }
    const lock = await client.getMailboxLock(options.folder, { readOnly: true });
    try {
      // IMAP SEARCH SUBJECT is a case-insensitive substring match (RFC 3501 §6.4.4).
      const found = await client.search({ subject: 'Report Domain' }, { uid: true });
      const uids = (Array.isArray(found) ? found : []).slice(-(options.maxMessages ?? MAX_REPORT_MESSAGES));
      const reads: Array<{ name: string; read: ReportRead }> = [];
      if (uids.length === 0) return { ok: true, messagesSeen: 0, reads };
      const sizes = new Map<number, number>();
      for await (const m of client.fetch(uids.join(','), { size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
      for (const uid of uids) {
        const name = `${options.folder} #${uid}`;
        const size = sizes.get(uid) ?? 0;
        if (size > MAX_REPORT_FILE_BYTES) {
          reads.push({ name, read: { dmarc: [], tls: [], problem: { kind: 'refused', message: `${name} is ${(size / 1024 / 1024).toFixed(1)} MB; a report message is at most ${MAX_REPORT_FILE_BYTES / 1024 / 1024} MB.` } } });
          continue;
        }
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (message === false || message.source === undefined) continue;
        reads.push({ name, read: readReportBytes(message.source, name) });
      }
      return { ok: true, messagesSeen: uids.length, reads };
    } finally {
      lock.release();
    }
  } catch (error) {
    const e: ImapErrorFields = typeof error === 'object' && error !== null ? (error as ImapErrorFields) : { message: String(error) };
    if (e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
      return {
        ok: false,
        code: 'auth-failed',
        message: redact.whole(`The IMAP server ${where} refused the sign-in for ${box.username}${e.responseText ? ` (${redact(e.responseText)})` : ''}.`),
        hint: 'Check the mailbox password (Verification → Mailbox); Gmail and iCloud need an app password.',
      };
    }
    return {
      ok: false,
      code: 'connect-failed',
      message: `The reports could not be read from ${where}: ${redact(e.responseText ?? e.message ?? e.code ?? 'connection problem')}.`,
      hint: 'Check the mailbox\'s host, port and security (IMAP over TLS is usually port 993), then read the reports again.',
    };
  } finally {
    options.signal?.removeEventListener('abort', cut);
    const c = client;
    if (c !== null) {
      if (c.usable) await c.logout().catch(() => c.close());
      else c.close();
    }
  }
}
