/**
 * An IMAP server over implicit TLS on 127.0.0.1 that refuses every sign-in with a NO
 * quoting the password it was sent, changed (upper-cased, a piece of it, case-swapped):
 * what a careless or hostile mail server can put into the failure Relayproof records.
 * Speaks just enough IMAP4rev1 (RFC 3501) for a client to reach LOGIN or AUTHENTICATE.
 */
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';
import type { KeyPair } from './tls-certs';

export interface HostileImapServer {
  readonly port: number;
  /** Passwords the server was sent. */
  readonly passwords: readonly string[];
  close(): Promise<void>;
}

function quote(password: string): string {
  const swapped = [...password].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
  return `Invalid credentials ${password.toUpperCase()}; we also saw ${password.slice(2, 10)} and ${swapped}`;
}

export async function startHostileImap(certificate: KeyPair): Promise<HostileImapServer> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile IMAP ready\r\n');
    let pending = '';
    let authenticating: string | null = null;
    const refuse = (tag: string, password: string) => {
      passwords.push(password);
      socket.write(`${tag} NO [AUTHENTICATIONFAILED] ${quote(password)}\r\n`);
    };
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let lf = pending.indexOf('\n'); lf !== -1; lf = pending.indexOf('\n')) {
        const line = pending.slice(0, lf).replace(/\r$/u, '');
        pending = pending.slice(lf + 1);
        if (authenticating !== null) {
          // RFC 4616: the PLAIN response is authzid NUL authcid NUL password.
          refuse(authenticating, Buffer.from(line, 'base64').toString('utf8').split('\u0000')[2] ?? '');
          authenticating = null;
          continue;
        }
        const [tag = '*', command = '', ...rest] = line.split(' ');
        switch (command.toUpperCase()) {
          case 'CAPABILITY':
            socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK CAPABILITY completed\r\n`);
            break;
          case 'LOGIN':
            refuse(tag, (rest[1] ?? '').replace(/^"|"$/gu, ''));
            break;
          case 'AUTHENTICATE':
            if (rest[1] !== undefined) refuse(tag, Buffer.from(rest[1], 'base64').toString('utf8').split('\u0000')[2] ?? '');
            else {
              authenticating = tag;
              socket.write('+ \r\n');
            }
            break;
          case 'LOGOUT':
            socket.end(`* BYE\r\n${tag} OK LOGOUT completed\r\n`);
            break;
          default:
            socket.write(`${tag} OK\r\n`);
        }
      }
    });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    passwords,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
