/**
 * A TCP relay on 127.0.0.1 in front of one mail server that counts the connections open
 * through it at once (now and the most ever), optionally with a simulated network delay,
 * and optionally answering like a server that throttles: `421 4.7.0 Too many connections`
 * for the first N connections. What the host limiter promises is
 * measured here, on the wire, not inside the code that promises it.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface CountingProxyOptions {
  /** Delay of every chunk in each direction (ms), so connections overlap as on a real network. */
  readonly oneWayMs?: number;
  /** Answer 421 to this many connections first, then relay. */
  readonly throttleFirst?: number;
  /** Counted also here, with the other proxies of the group (connections over every server at once). */
  readonly group?: ConnectionGroup;
}

export interface ConnectionGroup {
  open: number;
  maxOpen: number;
}

export function connectionGroup(): ConnectionGroup {
  return { open: 0, maxOpen: 0 };
}

export interface CountingProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Connections open through the proxy now. */
  readonly open: number;
  /** The most that were ever open at once (throttled ones included). */
  readonly maxOpen: number;
  /** Connections accepted in all. */
  readonly total: number;
  /** Connections answered with 421. */
  readonly throttled: number;
  close(): Promise<void>;
}

export const THROTTLE_REPLY = '421 4.7.0 Too many connections from your IP, try again later';

export async function startCountingProxy(target: { readonly host: string; readonly port: number }, options: CountingProxyOptions = {}): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const delay = options.oneWayMs ?? 0;
  let open = 0;
  let maxOpen = 0;
  let total = 0;
  let throttled = 0;
  const later = (work: () => void) => (delay > 0 ? setTimeout(work, delay) : setImmediate(work));
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  /** `ended` runs when this side ends or destroys `to` (the server closed its side). */
  const relay = (from: Socket, to: Socket, ended: () => void = () => undefined) => {
    from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)));
    from.on('end', () =>
      later(() => {
        ended();
        to.end();
      }),
    );
    from.on('close', () =>
      later(() => {
        ended();
        to.destroy();
      }),
    );
  };
  const server = createServer((client) => {
    total += 1;
    track(client);
    const group = options.group;
    // Open until either side closes it: the client's FIN or reset, or the server's close after
    // QUIT passed on to the client. After that nobody holds the connection, even while the
    // sockets are still being torn down.
    let counted = false;
    let gone = false;
    const closed = () => {
      gone = true;
      if (!counted) return;
      counted = false;
      open -= 1;
      if (group !== undefined) group.open -= 1;
    };
    client.once('end', closed);
    client.once('error', closed);
    client.once('close', closed);
    // Counted one turn later: the client closed its previous connection before opening this
    // one, but both can reach this process in the same poll, the new one first. Counting it at
    // once would blame the client for the order in which this side read them.
    setImmediate(() => {
      if (gone) return;
      counted = true;
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      if (group !== undefined) {
        group.open += 1;
        group.maxOpen = Math.max(group.maxOpen, group.open);
      }
    });
    if (options.throttleFirst !== undefined && total <= options.throttleFirst) {
      throttled += 1;
      later(() => client.end(`${THROTTLE_REPLY}\r\n`));
      return;
    }
    const upstream = connect(target.port, target.host);
    track(upstream);
    relay(client, upstream);
    relay(upstream, client, closed);
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    get total() {
      return total;
    },
    get throttled() {
      return throttled;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
