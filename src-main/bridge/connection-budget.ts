/**
 * Who may keep a socket open on the bridge. Every local process connects from
 * 127.0.0.1, so the peer address cannot tell the admin's page from a flood: what
 * separates them is the token. A socket that has not yet carried it (anonymous) shares a
 * small budget with every other anonymous socket; when a new connection takes the
 * anonymous count over it, the oldest anonymous socket that is not in the middle of a
 * request is destroyed. A socket whose request proved the token is trusted and is never
 * closed to make room for anonymous ones. So sockets that send a byte and then sit idle
 * cost the newest connection nothing: the page's next request always gets in.
 *
 * A hard cap on all connections (`server.maxConnections`) does the opposite: once idle
 * sockets fill it, Node drops every new connection, the page's included.
 */
import type { Socket } from 'node:net';

export const MAX_ANONYMOUS_CONNECTIONS = 32;

export interface ConnectionBudget {
  /** A new connection: counted as anonymous; may close an older anonymous one. */
  admit(socket: Socket): void;
  /** The socket's request carried the token (or a launch code): it leaves the anonymous budget. */
  trust(socket: Socket): void;
  /** A request is being answered on the socket: not idle, so closed last. */
  busy(socket: Socket): void;
  /** The request's response is done (or the socket went away). */
  idle(socket: Socket): void;
  readonly anonymous: number;
  readonly trusted: number;
}

export interface ConnectionBudgetOptions {
  readonly maxAnonymous?: number;
  /** Called with the socket just closed to make room (logging). */
  readonly onEvict?: (socket: Socket) => void;
}

interface Tracked {
  /** Requests in flight on this socket (HTTP/1.1: 0 or 1, pipelining aside). */
  inFlight: number;
}

export function createConnectionBudget(options: ConnectionBudgetOptions = {}): ConnectionBudget {
  const maxAnonymous = options.maxAnonymous ?? MAX_ANONYMOUS_CONNECTIONS;
  // Insertion order is age order: the first anonymous entry is the oldest.
  const anonymous = new Map<Socket, Tracked>();
  const trusted = new Map<Socket, Tracked>();

  function forget(socket: Socket): void {
    anonymous.delete(socket);
    trusted.delete(socket);
  }

  /** False when there is nothing to close but `keep` itself. */
  function evictOne(keep: Socket): boolean {
    let victim: Socket | undefined;
    // Idle first: a socket that never finished its headers, or sits between requests.
    for (const [socket, state] of anonymous) {
      if (socket !== keep && state.inFlight === 0) {
        victim = socket;
        break;
      }
    }
    // All busy (a burst of real anonymous requests): the oldest still goes, so the newest
    // connection is never the one left out.
    if (victim === undefined) {
      for (const socket of anonymous.keys()) {
        if (socket !== keep) {
          victim = socket;
          break;
        }
      }
    }
    if (victim === undefined) return false;
    forget(victim);
    options.onEvict?.(victim);
    // Destroyed, not ended: a peer that ignores our FIN would keep a half-closed socket
    // (and its file descriptor) forever.
    victim.destroy();
    return true;
  }

  function tracked(socket: Socket): Tracked | undefined {
    return anonymous.get(socket) ?? trusted.get(socket);
  }

  return {
    admit(socket) {
      anonymous.set(socket, { inFlight: 0 });
      socket.once('close', () => forget(socket));
      while (anonymous.size > maxAnonymous && evictOne(socket));
    },
    trust(socket) {
      const state = anonymous.get(socket);
      if (state === undefined) return;
      anonymous.delete(socket);
      trusted.set(socket, state);
    },
    busy(socket) {
      const state = tracked(socket);
      if (state !== undefined) state.inFlight += 1;
    },
    idle(socket) {
      const state = tracked(socket);
      if (state !== undefined && state.inFlight > 0) state.inFlight -= 1;
    },
    get anonymous() {
      return anonymous.size;
    },
    get trusted() {
      return trusted.size;
    },
  };
}
