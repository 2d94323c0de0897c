/**
 * Misbehaving SMTP servers on 127.0.0.1 (raw `net`, or implicit TLS with `tls`) for the
 * engine's safety tests and benchmarks. Each behaviour is one way a real server, a
 * broken middlebox or an attacker can break the dialogue. Every line a client sends is
 * recorded, so a test can prove what was (not) sent.
 */
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { KeyPair } from './tls-certs';

export const hostileBehaviours = [
  /** Accepts the connection and never says anything. */
  'no-banner',
  /** Sends the 220 greeting only after `lateBannerMs`. */
  'late-banner',
  /** Sends a valid greeting one byte per `dripMs` (1 s). */
  'drip-feed',
  /** Answers with bytes that are not SMTP. */
  'binary-garbage',
  /** A 10 MB greeting line. */
  'huge-line',
  /** Answers EHLO with a multi-line reply that never ends. */
  'endless-multiline',
  /** 421 instead of a greeting, then closes. */
  'reject-on-connect',
  /** Offers AUTH, then drops the connection when the client sends AUTH (use with `tls`). */
  'disconnect-during-auth',
  /** Refuses AUTH with a reply that echoes the client's AUTH line (use with `tls`). */
  'echo-auth',
  /**
   * Refuses AUTH PLAIN with a multi-line reply that quotes the password it was sent,
   * changed: upper-cased, a piece of it, wrapped over two lines with a 3-character tail,
   * case-swapped (use with `tls`).
   */
  'quote-secret',
  /** Advertises STARTTLS, then answers it 454. */
  'starttls-refused',
  /** Advertises STARTTLS, says 220, then sends plain text instead of a handshake. */
  'starttls-broken',
  /** Offers AUTH in cleartext and never STARTTLS (the STARTTLS-stripping scenario). */
  'no-starttls',
  /** Answers EHLO with 354 (the reply to DATA). */
  'wrong-command-reply',
  /** Sends one reply more than asked for after EHLO. */
  'pipelining-confusion',
  /** A well-behaved plain server that records every line (injection tests). */
  'capture',
  /**
   * Greets and answers EHLO with text a terminal would obey or hide: ESC sequences (clear
   * screen, set the window title), a bare CR, C1 CSI, bidi overrides, zero-width characters.
   */
  'hidden-characters',
] as const;
export type HostileBehaviour = (typeof hostileBehaviours)[number];

export interface HostileServerOptions {
  /** Serve implicit TLS with this certificate. */
  readonly tls?: KeyPair;
  readonly lateBannerMs?: number;
  readonly dripMs?: number;
}

export interface HostileServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly behaviour: HostileBehaviour;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Every line received (bounded), across connections. */
  readonly lines: readonly string[];
  close(): Promise<void>;
}

const MAX_RECORDED_LINES = 10_000;
const HUGE_LINE = 10 * 1024 * 1024;
/** What 'hidden-characters' puts in its replies. */
export const HIDDEN_TEXT = '\u001b[2J\u001b]0;owned\u0007 cr\rhere \u009b31m \u202Eevil\u202C z\u200Bw \u2066iso\u2069 \uFEFFbom \u00ADshy';
const GARBAGE = Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x80, 0x81, 0x82, 0x90, 0x0d, 0x0a, 0x7f, 0x00, 0x01]);

export async function startHostileServer(behaviour: HostileBehaviour, options: HostileServerOptions = {}): Promise<HostileServer> {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const handle = (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    const write = (text: string) => {
      if (!socket.destroyed) socket.write(text);
    };
    greet(socket, write);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let lf = pending.indexOf('\n'); lf !== -1; lf = pending.indexOf('\n')) {
        const line = pending.slice(0, lf).replace(/\r$/u, '');
        pending = pending.slice(lf + 1);
        if (lines.length < MAX_RECORDED_LINES) lines.push(line);
        answer(socket, line, write);
      }
    });
  };

  const greet = (socket: Socket, write: (text: string) => void) => {
    switch (behaviour) {
      case 'no-banner':
        return;
      case 'late-banner':
        later(options.lateBannerMs ?? 3_000, () => write('220 late.example ESMTP\r\n'));
        return;
      case 'drip-feed': {
        const banner = '220 drip.example ESMTP\r\n';
        let i = 0;
        const drip = () => {
          if (socket.destroyed || i >= banner.length) return;
          write(banner[i] ?? '');
          i += 1;
          later(options.dripMs ?? 1_000, drip);
        };
        drip();
        return;
      }
      case 'binary-garbage':
        socket.write(GARBAGE);
        return;
      case 'huge-line':
        socket.write('220 ');
        socket.write(Buffer.alloc(HUGE_LINE, 0x78));
        socket.write('\r\n');
        return;
      case 'reject-on-connect':
        socket.end('421 4.3.2 Service not available, closing transmission channel\r\n');
        return;
      case 'hidden-characters':
        write(`220 hostile.example ESMTP ${HIDDEN_TEXT}\r\n`);
        return;
      default:
        write('220 hostile.example ESMTP\r\n');
    }
  };

  const answer = (socket: Socket, line: string, write: (text: string) => void) => {
    const verb = line.split(' ')[0]?.toUpperCase() ?? '';
    if (verb === 'EHLO' || verb === 'HELO') {
      switch (behaviour) {
        case 'endless-multiline':
          write('250-hostile.example\r\n');
          endless(socket);
          return;
        case 'disconnect-during-auth':
        case 'echo-auth':
        case 'no-starttls':
          write('250-hostile.example\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
          return;
        case 'quote-secret':
          write('250-hostile.example\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
          return;
        case 'starttls-refused':
        case 'starttls-broken':
          write('250-hostile.example\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n');
          return;
        case 'wrong-command-reply':
          write('354 Start mail input; end with <CRLF>.<CRLF>\r\n');
          return;
        case 'pipelining-confusion':
          write('250-hostile.example\r\n250-STARTTLS\r\n250 PIPELINING\r\n250 2.0.0 OK\r\n');
          return;
        case 'hidden-characters':
          write(`250-hostile.example\u202Eelpmaxe\u202C greets you ${HIDDEN_TEXT}\r\n250 8BITMIME\r\n`);
          return;
        default:
          write('250-hostile.example\r\n250 8BITMIME\r\n');
          return;
      }
    }
    switch (verb) {
      case 'STARTTLS':
        if (behaviour === 'starttls-refused') write('454 4.7.0 TLS not available due to local problem\r\n');
        else if (behaviour === 'starttls-broken') {
          write('220 2.0.0 Ready to start TLS\r\n');
          socket.end('this is not a TLS handshake\r\n');
        } else write('502 5.5.1 Command not implemented\r\n');
        return;
      case 'AUTH':
        if (behaviour === 'disconnect-during-auth') socket.destroy();
        else if (behaviour === 'echo-auth') write(`535 5.7.8 Authentication failed for ${line}\r\n`);
        else if (behaviour === 'quote-secret') write(quoteSecret(line));
        else write('535 5.7.8 Authentication failed\r\n');
        return;
      case 'QUIT':
        socket.end('221 2.0.0 Bye\r\n');
        return;
      default:
        write('250 2.0.0 OK\r\n');
    }
  };

  /** The 535 of 'quote-secret': the password from `AUTH PLAIN <base64>`, quoted changed. */
  const quoteSecret = (line: string): string => {
    const secret = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8').split('\u0000')[2] ?? '';
    const swapped = [...secret].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    return [
      `535-5.7.8 Authentication failed for password ${secret.toUpperCase()}`,
      `535-5.7.8 We also saw '${secret.slice(3, 11)}' in your request`,
      `535-5.7.8 Your password begins ${secret.slice(0, -3)}`,
      `535-5.7.8 ${secret.slice(-3)} and ends there`,
      `535 5.7.8 Swapped: ${swapped}`,
    ].join('\r\n') + '\r\n';
  };

  /** Writes continuation lines as fast as the client reads them, until it hangs up. */
  const endless = (socket: Socket) => {
    const batch = '250-PADDING the reply goes on and on\r\n'.repeat(500);
    const pump = () => {
      while (!socket.destroyed && socket.write(batch));
      if (!socket.destroyed) socket.once('drain', pump);
    };
    pump();
  };

  const server: Server =
    options.tls !== undefined ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handle).on('tlsClientError', () => undefined) : createNetServer(handle);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    behaviour,
    connections: () => connections,
    lines,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
