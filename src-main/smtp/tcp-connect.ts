/** TCP phase: one connection to one address, with its own timeout and the test's abort signal. */
import { connect as netConnectRaw, type Socket } from 'node:net';
import { EngineFailure, errorCodeOf, errorMessageOf } from './engine-failure';

export interface ConnectOptions {
  readonly address: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /**
   * Called with the socket as soon as it exists (opened now, or taken from one opened
   * earlier), before it has connected: the caller closes it whatever happens next.
   */
  readonly onOpen?: (socket: Socket) => void;
}

/** Opens a TCP connection; injectable so tests and the probe can shape it. */
export type Connect = (options: ConnectOptions) => Promise<Socket>;

export const netConnect: Connect = (options) => connection(netConnectRaw({ host: options.address, port: options.port, noDelay: true }), options);

/**
 * A socket's connection to `address`:`port`, started by the caller (now, or earlier: see
 * early-connection.ts), with netConnect's timeout, abort and failure messages. A socket that
 * has already connected resolves at once.
 */
export function connection(socket: Socket, { address, port, timeoutMs, signal, onOpen }: ConnectOptions): Promise<Socket> {
  onOpen?.(socket);
  return new Promise<Socket>((resolve, reject) => {
    const done = (error: EngineFailure | null) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      // Until the caller attaches its listener, a late socket error must not go unhandled.
      socket.on('error', () => undefined);
      if (error === null) resolve(socket);
      else {
        socket.destroy();
        reject(error);
      }
    };
    const onConnect = () => done(null);
    const onError = (error: unknown) => done(classifyConnectError(error, address, port));
    const onAbort = () => {
      const reason: unknown = signal.reason;
      done(reason instanceof EngineFailure ? reason : new EngineFailure('cancelled', 'The test was cancelled.'));
    };
    const timer = setTimeout(
      () =>
        done(
          new EngineFailure('connect-timeout', `${address} port ${port} did not answer within ${timeoutMs} ms (no reply at all: packets dropped).`, {
            errorCode: 'ETIMEDOUT',
          }),
        ),
      timeoutMs,
    );
    socket.once('connect', onConnect);
    socket.once('error', onError);
    if (signal.aborted) onAbort();
    else if (!socket.pending && !socket.destroyed) onConnect();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function classifyConnectError(error: unknown, address: string, port: number): EngineFailure {
  const code = errorCodeOf(error);
  switch (code) {
    case 'ECONNREFUSED':
      return new EngineFailure('connect-refused', `${address} refused the connection on port ${port}: nothing listens there.`, { errorCode: code });
    case 'ETIMEDOUT':
      return new EngineFailure('connect-timeout', `${address} port ${port} did not answer (ETIMEDOUT).`, { errorCode: code });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return new EngineFailure('connect-unreachable', `${address} cannot be reached from this machine (${code}).`, { errorCode: code });
    default:
      return new EngineFailure('connect-failed', `Connecting to ${address} port ${port} failed: ${errorMessageOf(error)}`, { errorCode: code });
  }
}
