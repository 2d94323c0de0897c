/**
 * A connection opened while a one-shot command is still starting (`relayproof smtp test`):
 * the TCP handshake and the server's wait before its greeting (smtp-server waits 100 ms
 * for clients that talk too soon, Postfix's postscreen longer) pass while the process loads
 * and checks what the test needs, instead of after it.
 *
 * Nothing is written on it until the test has been checked and takes it: the engine's
 * connect (`connectWithEarly`) takes it only for the very address and port the engine
 * connects to, once, and opens any other connection as usual. A test
 * that goes elsewhere, or is refused, or never runs, leaves it to `discard()`, which closes
 * it without a byte sent.
 *
 * Nothing reads from it either: what the server sends meanwhile (its greeting) waits in the
 * socket for the engine, as on any connection. When it was opened is the report's start;
 * when the greeting came cannot be told (the process does not look while it loads), so the
 * banner phase is the time the test waited for it.
 */
import { connect as netConnectRaw, type Socket } from 'node:net';
import { connection, netConnect, type Connect, type ConnectOptions } from './tcp-connect';

export interface EarlyTarget {
  /** An IP address: the connection is opened before anything could resolve a name. */
  readonly address: string;
  readonly port: number;
}

export interface EarlyConnection {
  /** When the connection was started: the test's start, for the report. */
  readonly startedAt: Date;
  /** For the engine: this connection when it goes to `address`:`port` and was not taken before; null otherwise. */
  take(address: string, port: number): TakenConnection | null;
  /** Closes the connection unless the engine took it. */
  discard(): void;
}

export interface TakenConnection {
  /** The socket once connected (at once, or when the handshake completes): netConnect's timeout, abort, failures and onOpen (tcp-connect.ts). */
  connected(options: Omit<ConnectOptions, 'address' | 'port'>): Promise<Socket>;
}

/**
 * The engine's connect for a test that may use `early`: its socket when the engine connects
 * to the address and port it was opened to, the first time; any other connection is
 * `fallback`'s.
 */
export function connectWithEarly(early: EarlyConnection, fallback: Connect = netConnect): Connect {
  return (options) => early.take(options.address, options.port)?.connected(options) ?? fallback(options);
}

/** Starts the TCP connection; tests pass one that keeps the socket to watch it close. */
export type OpenSocket = (target: EarlyTarget) => Socket;

const openSocket: OpenSocket = ({ address, port }) => netConnectRaw({ host: address, port, noDelay: true });

export function openEarlyConnection(target: EarlyTarget, clock: () => Date = () => new Date(), open: OpenSocket = openSocket): EarlyConnection {
  const startedAt = clock();
  const socket = open(target);
  /**
   * Failed, closed or broken before anyone took it: of no use to a test, which then connects
   * as usual (and so reports a refusal with its own timing).
   */
  let lost = false;
  let settled = false;

  const onError = () => {
    lost = true;
  };
  const onClose = () => {
    lost = true;
  };
  socket.on('error', onError);
  socket.once('close', onClose);

  /** The engine's listeners replace these; a late error must not go unhandled until they are attached. */
  const release = () => {
    settled = true;
    socket.off('close', onClose);
    socket.off('error', onError);
    socket.on('error', () => undefined);
  };

  return {
    startedAt,
    take(address, port) {
      if (settled || lost || address !== target.address || port !== target.port) return null;
      release();
      return { connected: (options) => connection(socket, { address, port, ...options }) };
    },
    discard() {
      if (settled) return;
      release();
      socket.destroy();
    },
  };
}
