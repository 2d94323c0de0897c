/**
 * An SMTP server on 127.0.0.1 that behaves like smtp.office365.com for one mailbox,
 * for the Microsoft 365 guide's tests:
 * - STARTTLS, then AUTH LOGIN / XOAUTH2 (what Exchange Online offers);
 * - a password is checked against the mailbox's; a wrong one gets Microsoft's
 *   "535 5.7.139 ... the user credentials were incorrect";
 * - an XOAUTH2 token is decoded (not signature-checked) and accepted only when its
 *   claims are what Exchange Online needs: audience, SMTP.SendAsApp / SMTP.Send, not
 *   expired, this tenant — otherwise "535 5.7.3 Authentication unsuccessful";
 * - MAIL FROM without AUTH gets "530 5.7.57" (unless it plays the MX endpoint); a fourth concurrent signed-in session of
 *   the mailbox gets "432 4.3.2 ... sender thread limit exceeded";
 * - a message From an address the mailbox may not send as is refused after DATA with
 *   "554 5.2.0 ... SendAsDenied" (Exchange checks Send As at submission);
 * - `refuse` answers any other Microsoft reply at the stage where Exchange gives it.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { PeerReply } from './smtp-peer';
import type { KeyPair } from './tls-certs';

export type M365Stage = 'connect' | 'secure' | 'auth' | 'mail' | 'rcpt' | 'data';

export interface M365PeerOptions {
  readonly tls: KeyPair;
  /** The mailbox UPN that signs in. */
  readonly mailbox: string;
  /** Its password (Basic authentication); omitted = passwords never work. */
  readonly password?: string;
  /** Accept XOAUTH2 tokens issued by this tenant. */
  readonly tenantId?: string;
  /** Other addresses the mailbox has Send As on. */
  readonly sendAs?: readonly string[];
  /** Answer this reply at this stage. */
  readonly refuse?: { readonly at: M365Stage; readonly reply: PeerReply };
  /** Concurrent signed-in sessions per mailbox (Exchange Online: 3). */
  readonly maxConcurrent?: number;
  /** Behave like the MX endpoint on port 25: MAIL FROM without AUTH is accepted, relaying is decided at RCPT. */
  readonly acceptsAnonymous?: boolean;
  /**
   * Concurrency tests: hold each MAIL FROM until this many sessions are signed in at
   * once (or `maxMs` passes), so the sessions really overlap whatever the machine's speed.
   */
  readonly holdMailFrom?: { readonly signedIn: number; readonly maxMs: number };
  readonly clock?: () => Date;
}

export interface M365Peer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** AUTH attempts: mechanism, user, accepted. */
  readonly signIns: readonly { method: string; username: string; accepted: boolean }[];
  /** Messages accepted (raw). */
  readonly messages: readonly string[];
  /** Change the reply given at a stage (null = behave normally), as an admin's fix would. */
  setRefuse(refuse: M365PeerOptions['refuse'] | null): void;
  close(): Promise<void>;
}

const AUDIENCES = ['https://outlook.office365.com', 'https://outlook.office.com', '00000002-0000-0ff1-ce00-000000000000'];

export const M365_REPLIES = {
  credentials: { code: 535, message: '5.7.139 Authentication unsuccessful, the user credentials were incorrect. [AM0PR10CA0018.EURPRD10.PROD.OUTLOOK.COM 2026-11-23T10:00:00.000Z]' },
  oauth: { code: 535, message: '5.7.3 Authentication unsuccessful [BN6PR1101CA0024.namprd11.prod.outlook.com 2026-11-23T10:00:00.000Z]' },
  notAuthenticated: { code: 530, message: '5.7.57 Client not authenticated to send mail. [MW4PR03CA0104.namprd03.prod.outlook.com 2026-11-23T10:00:00.000Z]' },
  threadLimit: { code: 432, message: '4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=BY5PR04MB6996.namprd04.prod.outlook.com]' },
  sendAsDenied: {
    code: 554,
    message:
      '5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. [Hostname=BY5PR04MB6996.namprd04.prod.outlook.com]',
  },
} as const satisfies Record<string, PeerReply>;

function replyError(reply: PeerReply): Error & { responseCode: number } {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** Exchange Online's view of a bearer token: the claims must fit, the signature is not our business here. */
function tokenAccepted(token: string, options: M365PeerOptions): boolean {
  const payload = token.split('.')[1];
  if (payload === undefined || options.tenantId === undefined) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: string; roles?: string[]; scp?: string; exp?: number; tid?: string };
    const now = (options.clock ?? (() => new Date()))().getTime() / 1000;
    const permitted = (claims.roles ?? []).includes('SMTP.SendAsApp') || (claims.scp ?? '').split(' ').includes('SMTP.Send');
    return AUDIENCES.includes(claims.aud ?? '') && permitted && typeof claims.exp === 'number' && claims.exp > now && claims.tid === options.tenantId;
  } catch {
    return false;
  }
}

export async function startM365Peer(options: M365PeerOptions): Promise<M365Peer> {
  const signIns: { method: string; username: string; accepted: boolean }[] = [];
  const messages: string[] = [];
  const active = new Set<string>();
  const overLimit = new Set<string>();
  let peakSignedIn = 0;
  let refuse = options.refuse ?? null;
  const refusal = (stage: M365Stage) => (refuse !== null && refuse.at === stage ? replyError(refuse.reply) : null);
  const mailbox = options.mailbox.toLowerCase();
  const allowedFrom = new Set([mailbox, ...(options.sendAs ?? []).map((a) => a.toLowerCase())]);

  const server = new SMTPServer({
    key: options.tls.key,
    cert: options.tls.cert,
    name: 'BY5PR04MB6996.namprd04.prod.outlook.com',
    banner: 'Microsoft ESMTP MAIL Service ready',
    secure: false,
    authMethods: ['LOGIN', 'XOAUTH2'],
    allowInsecureAuth: false,
    // Exchange answers MAIL FROM without AUTH itself (530 5.7.57), so AUTH is optional here.
    authOptional: true,
    disableReverseLookup: true,
    size: 35 * 1024 * 1024,
    socketTimeout: 10_000,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      callback(refusal('connect'));
    },
    onSecure(_socket, _session, callback) {
      callback(refusal('secure'));
    },
    onAuth(auth, session, callback) {
      const username = auth.username ?? '';
      const refused = refusal('auth');
      let accepted = false;
      if (refused === null && username.toLowerCase() === mailbox) {
        accepted = auth.method === 'XOAUTH2' ? tokenAccepted(auth.accessToken ?? '', options) : options.password !== undefined && auth.password === options.password;
      }
      signIns.push({ method: auth.method, username, accepted });
      if (!accepted) {
        callback(refused ?? replyError(auth.method === 'XOAUTH2' ? M365_REPLIES.oauth : M365_REPLIES.credentials));
        return;
      }
      active.add(session.id);
      peakSignedIn = Math.max(peakSignedIn, active.size);
      if (active.size > (options.maxConcurrent ?? 3)) overLimit.add(session.id);
      callback(null, { user: username });
    },
    onMailFrom(_address, session, callback) {
      if (options.acceptsAnonymous !== true && (session.user === undefined || session.user === null || session.user === false)) {
        callback(replyError(M365_REPLIES.notAuthenticated));
        return;
      }
      const answer = () => callback(overLimit.has(session.id) ? replyError(M365_REPLIES.threadLimit) : refusal('mail'));
      const hold = options.holdMailFrom;
      if (hold === undefined) {
        answer();
        return;
      }
      const until = Date.now() + hold.maxMs;
      const wait = () => (peakSignedIn >= hold.signedIn || Date.now() >= until ? answer() : setTimeout(wait, 10));
      wait();
    },
    onRcptTo(_address, _session, callback) {
      callback(refusal('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refused = refusal('data');
        const text = Buffer.concat(chunks).toString('utf8');
        const from = /^From:.*?<?([^\s<>]+@[^\s<>]+)>?\s*$/imu.exec(text)?.[1]?.toLowerCase() ?? '';
        if (refused !== null) callback(refused);
        else if (!allowedFrom.has(from)) callback(replyError(M365_REPLIES.sendAsDenied));
        else {
          messages.push(text);
          callback(null, `2.0.0 OK <${session.id}@relayproof.test> [Hostname=BY5PR04MB6996.namprd04.prod.outlook.com]`);
        }
      });
    },
    onClose(session) {
      active.delete(session.id);
      overLimit.delete(session.id);
    },
  });
  // smtp-server throws on an unhandled 'error' event (a client cutting a connection is one).
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    signIns,
    messages,
    setRefuse: (next) => {
      refuse = next ?? null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
