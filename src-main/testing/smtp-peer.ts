/**
 * Real SMTP servers (smtp-server) on 127.0.0.1 for tests and benchmarks: STARTTLS,
 * implicit TLS or plain; AUTH PLAIN / LOGIN / XOAUTH2 that accept one account and
 * refuse the rest with a chosen reply; send-as refused at MAIL or at RCPT; every
 * session's AUTH attempts, envelope and message recorded.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { KeyPair } from './tls-certs';

export interface PeerReply {
  readonly code: number;
  /** The text after the code, enhanced code included (`5.7.8 Authentication failed`). */
  readonly message: string;
}

export interface SmtpPeerOptions {
  readonly security: 'starttls' | 'tls' | 'none';
  /** Needed for starttls and tls. */
  readonly certificate?: KeyPair;
  /** TLS versions the server allows (a TLS-1.0-only server: `{ min: 'TLSv1', max: 'TLSv1' }`). */
  readonly tlsVersions?: { readonly min: 'TLSv1' | 'TLSv1.2'; readonly max: 'TLSv1' | 'TLSv1.2' | 'TLSv1.3' };
  readonly authMethods?: readonly ('PLAIN' | 'LOGIN' | 'XOAUTH2')[];
  /** The one account that signs in (password for PLAIN/LOGIN, access token for XOAUTH2). */
  readonly account?: { readonly username: string; readonly secret: string };
  /** Reply to a refused sign-in (default `535 5.7.8 Error: authentication failed`). */
  readonly authFailure?: PeerReply;
  /** Refuse MAIL FROM for addresses this returns a reply for. */
  readonly rejectMailFrom?: (address: string) => PeerReply | null;
  /** Refuse RCPT TO (e.g. Postfix's delayed sender check) for these. */
  readonly rejectRcptTo?: (address: string, mailFrom: string) => PeerReply | null;
  /** Advertise AUTH in cleartext (the STARTTLS-stripping scenario). */
  readonly allowInsecureAuth?: boolean;
  /** false = no AUTH at all (an IP-relay server: a client that never signs in still "verifies"). */
  readonly offerAuth?: boolean;
  readonly name?: string;
}

export interface RecordedSession {
  readonly authAttempts: { method: string; username: string | undefined; secret: string | undefined }[];
  readonly mailFrom: string[];
  readonly rcptTo: string[];
  readonly messages: string[];
  secure: boolean;
  /** The SNI name the client sent in its TLS handshake (null: none, or no TLS). */
  servername: string | null;
}

export interface SmtpPeer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly sessions: readonly RecordedSession[];
  close(): Promise<void>;
}

function peerError(reply: PeerReply): Error & { responseCode: number } {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

export async function startSmtpPeer(options: SmtpPeerOptions): Promise<SmtpPeer> {
  const sessions: RecordedSession[] = [];
  const byId = new Map<string, RecordedSession>();
  const session = (id: string) => {
    let s = byId.get(id);
    if (s === undefined) {
      s = { authAttempts: [], mailFrom: [], rcptTo: [], messages: [], secure: false, servername: null };
      byId.set(id, s);
      sessions.push(s);
    }
    return s;
  };
  const versions = options.tlsVersions;
  const tlsOptions: Partial<SMTPServerOptions> =
    options.certificate !== undefined
      ? {
          key: options.certificate.key,
          cert: options.certificate.cert,
          ...(versions !== undefined ? { minVersion: versions.min, maxVersion: versions.max } : {}),
          // OpenSSL 3 needs security level 0 for TLS 1.0/1.1.
          ...(versions?.min === 'TLSv1' ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
        }
      : {};
  const failure = options.authFailure ?? { code: 535, message: '5.7.8 Error: authentication failed' };
  const server = new SMTPServer({
    ...tlsOptions,
    name: options.name ?? 'mail.relayproof.test',
    banner: 'Relayproof test peer',
    secure: options.security === 'tls',
    disabledCommands: [...(options.security === 'none' ? ['STARTTLS'] : []), ...(options.offerAuth === false ? ['AUTH'] : [])],
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    authMethods: [...(options.authMethods ?? ['PLAIN', 'LOGIN'])],
    authOptional: options.account === undefined,
    disableReverseLookup: true,
    size: 10 * 1024 * 1024,
    socketTimeout: 10_000,
    closeTimeout: 1_000,
    onConnect(s, callback) {
      session(s.id);
      callback();
    },
    onSecure(socket, s, callback) {
      const recorded = session(s.id);
      recorded.secure = true;
      const name: unknown = (socket as { servername?: unknown }).servername;
      recorded.servername = typeof name === 'string' ? name : null;
      callback();
    },
    onAuth(auth, s, callback) {
      const secret = auth.method === 'XOAUTH2' ? auth.accessToken : (auth.password ?? undefined);
      session(s.id).authAttempts.push({ method: auth.method, username: auth.username, secret });
      const account = options.account;
      if (account !== undefined && auth.username === account.username && secret === account.secret) {
        callback(null, { user: auth.username });
      } else if (auth.method === 'XOAUTH2') {
        callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
      } else {
        callback(peerError(failure));
      }
    },
    onMailFrom(address, s, callback) {
      session(s.id).mailFrom.push(address.address);
      const reject = options.rejectMailFrom?.(address.address) ?? null;
      callback(reject === null ? null : peerError(reject));
    },
    onRcptTo(address, s, callback) {
      session(s.id).rcptTo.push(address.address);
      const from = s.envelope.mailFrom === false ? '' : s.envelope.mailFrom.address;
      const reject = options.rejectRcptTo?.(address.address, from) ?? null;
      callback(reject === null ? null : peerError(reject));
    },
    onData(stream, s, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        session(s.id).messages.push(Buffer.concat(chunks).toString('utf8'));
        callback(null, 'Ok: queued as RP1234');
      });
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
    sessions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
