/**
 * A connection opened while a one-shot command is still starting (`relayproof smtp test`):
 * the TCP handshake and the server's wait before its greeting (smtp-server waits 100 ms
 * for clients that talk too soon, Postfix's postscreen longer) pass while the process loads
 * and checks what the test needs, instead of after it.
 *
 * Nothing is written on it until the test has been checked and takes it, and the engine
 * takes it only for the very address and port it would have connected to, once. A test
 * that goes elsewhere, or is refused, or never runs, leaves it to `discard()`, which closes
 * it without a byte sent.
 *
 * Nothing reads from it either: what the server sends meanwhile (its greeting) waits in the
 * socket for the engine, as on any connection. When it was opened and when it connected
 * are kept for the report's tcp phase; when the greeting came cannot be told (the process
 * does not look while it loads), so the banner phase is the time the test waited for it.
 */
import { connect as netConnectRaw, type Socket } from 'node:net';
import { connection, type ConnectOptions } from './tcp-connect';

export interface EarlyTarget {
  /** An IP address: the connection is opened before anything could resolve a name. */
  readonly address: string;
  readonly port: number;
}

export interface EarlyConnection {
  /** For the engine: this connection when it goes to `address`:`port` and was not taken before; null otherwise. */
  take(address: string, port: number): TakenConnection | null;
  /** Closes the connection unless the engine took it. */
  discard(): void;
}

export interface TakenConnection {
  /** When the connection was started. */
  readonly startedAt: Date;
  /** The socket once connected (at once, or when the handshake completes): netConnect's timeout, abort and failures (tcp-connect.ts). */
  connected(options: Pick<ConnectOptions, 'timeoutMs' | 'signal'>): Promise<Socket>;
  /** When the TCP handshake was seen to complete; null before. */
  connectedAt(): Date | null;
}

/** Starts the TCP connection; tests pass one that keeps the socket to watch it close. */
export type OpenSocket = (target: EarlyTarget) => Socket;

const openSocket: OpenSocket = ({ address, port }) => netConnectRaw({ host: address, port, noDelay: true });

export function openEarlyConnection(target: EarlyTarget, clock: () => Date = () => new Date(), open: OpenSocket = openSocket): EarlyConnection {
  const startedAt = clock();
  const socket = open(target);
  let connectedAt: Date | null = null;
  /**
   * Failed, closed or broken before anyone took it: of no use to a test, which then connects
   * as usual (and so reports a refusal with its own timing).
   */
  let lost = false;
  let settled = false;

  const onConnect = () => {
    connectedAt = clock();
  };
  const onError = () => {
    lost = true;
  };
  const onClose = () => {
    lost = true;
  };
  socket.once('connect', onConnect);
  socket.on('error', onError);
  socket.once('close', onClose);

  /** The engine's listeners replace these (the connect time is still noted); a late error must not go unhandled until they are attached. */
  const release = () => {
    settled = true;
    socket.off('close', onClose);
    socket.off('error', onError);
    socket.on('error', () => undefined);
  };

  return {
    take(address, port) {
      if (settled || lost || address !== target.address || port !== target.port) return null;
      release();
      return {
        startedAt,
        connected: (options) => connection(socket, { address, port, ...options }),
        connectedAt: () => connectedAt,
      };
    },
    discard() {
      if (settled) return;
      release();
      socket.destroy();
    },
  };
}
