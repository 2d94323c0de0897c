/**
 * A TCP server on 127.0.0.1 that greets like an SMTP server and counts, per connection,
 * the bytes a client sent and whether it has closed: how a test sees on the wire that a
 * connection was closed without a byte written.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface CountedConnection {
  /** When it was accepted (epoch ms). */
  readonly at: number;
  bytes: number;
  closed: boolean;
}

export interface ByteCountingServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** In the order they were accepted. */
  readonly connections: readonly CountedConnection[];
  /** Resolves once `count` connections have been accepted. */
  accepted(count: number): Promise<void>;
  /** Resolves once connection `index` has closed. */
  closed(index: number): Promise<void>;
  close(): Promise<void>;
}

export async function startByteCountingServer(greeting = '220 counting.relayproof.test ESMTP\r\n'): Promise<ByteCountingServer> {
  const connections: CountedConnection[] = [];
  const sockets = new Set<Socket>();
  const changed = new Set<() => void>();
  const notify = () => {
    for (const waiter of changed) waiter();
  };
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        changed.delete(check);
        resolve();
      };
      changed.add(check);
    });
  const server = createServer((socket) => {
    const counted: CountedConnection = { at: Date.now(), bytes: 0, closed: false };
    connections.push(counted);
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      counted.bytes += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      counted.closed = true;
      sockets.delete(socket);
      notify();
    });
    socket.write(greeting);
    notify();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    connections,
    accepted: (count) => until(() => connections.length >= count),
    closed: (index) => until(() => connections[index]?.closed === true),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
