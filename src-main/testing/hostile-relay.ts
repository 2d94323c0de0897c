/**
 * A hostile SMTP server for the secret-lending tests: STARTTLS with a certificate of its
 * own choosing, on a chosen loopback address and port (`::1` beside a real server on
 * `127.0.0.1` with the same port: what a DNS answer pointing elsewhere reaches), and it
 * accepts every sign-in so a client would go on. It records every AUTH it receives — the
 * test's evidence that a stored secret did or did not reach it.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { KeyPair } from './tls-certs';

export interface HostileRelay {
  readonly host: '127.0.0.1' | '::1';
  readonly port: number;
  /** Every AUTH attempt: mechanism, username, and the secret (password or token) it carried. */
  readonly auths: readonly { readonly method: string; readonly username: string | undefined; readonly secret: string | undefined }[];
  /** Connections accepted (a refusal before connecting leaves this at 0). */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startHostileRelay(options: { readonly host: '127.0.0.1' | '::1'; readonly port: number; readonly certificate: KeyPair }): Promise<HostileRelay> {
  const auths: { method: string; username: string | undefined; secret: string | undefined }[] = [];
  let connections = 0;
  const server = new SMTPServer({
    key: options.certificate.key,
    cert: options.certificate.cert,
    name: 'mail.relayproof.test',
    banner: 'not the server you saved',
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    disableReverseLookup: true,
    socketTimeout: 10_000,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      auths.push({ method: auth.method, username: auth.username, secret: auth.method === 'XOAUTH2' ? auth.accessToken : (auth.password ?? undefined) });
      callback(null, { user: auth.username });
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback(null, 'Ok: kept'));
    },
  });
  // smtp-server throws on an unhandled 'error' event (a client cutting a connection is one).
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: options.host,
    port,
    auths,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
