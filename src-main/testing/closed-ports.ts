/**
 * Ports a test knows to be closed because it opened them itself and closed them again:
 * a "dead server" that is never someone else's (a fixed port such as 9 or 2587 may be a
 * real service on the machine running the tests). The kernel hands out ephemeral ports in
 * turn, so another program taking the same one in the meantime is unlikely.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on: connecting is refused. */
export function closedTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A UDP port on 127.0.0.1 that nothing reads: a DNS server there never answers (ICMP port unreachable). */
export function closedUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
