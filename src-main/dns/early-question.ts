/**
 * The first DNS question of a one-shot command, sent while the process is still loading
 * (`relayproof check`: the domain's TXT record, the head of the SPF chain, the longest run
 * of questions that wait on each other). Loading the checklist takes longer than a DNS
 * answer on a fast network; asked first, the question's round trip passes meanwhile.
 *
 * The same message the resolver would send (wire.ts's encodeQuery, with EDNS and recursion
 * desired: a test holds the bytes equal), written here without dns2's codec, which is part
 * of what is loading. Nothing reads the answer here: what arrives waits until the resolver
 * takes the question (`take`, for exactly this name, type and server, once) and the
 * transport handles it as the answer to a datagram it sent itself (transport.ts: the same
 * checks of sender, id and message, the same deadline and fallback to TCP). A question
 * nobody takes is closed by `discard()`, and never keeps the process alive.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { closeSync, openSync, readSync } from 'node:fs';
import { sameHost } from './server-spec';
import type { DnsServerAddress } from './transport';
import type { EncodedQuery } from './wire';

/** The record types the early question asks (their codes, RFC 1035 §3.2.2). */
const TYPE_CODES = { TXT: 16 } as const;
export type EarlyQuestionType = keyof typeof TYPE_CODES;

/** wire.ts's EDNS_UDP_PAYLOAD (RFC 6891, the DNS flag day 2020 value). */
const EDNS_UDP_PAYLOAD = 1232;
/** Datagrams kept for the resolver before it takes the question: a flood is not kept. */
const MAX_KEPT = 16;

/** What arrived on the socket before the resolver took it, in order. */
export type EarlyArrival = { readonly kind: 'message'; readonly message: Buffer; readonly remote: RemoteInfo } | { readonly kind: 'error'; readonly error: Error };

export interface TakenQuestion {
  readonly query: EncodedQuery;
  /** performance.now() when the query left: the lookup's time counts from then. */
  readonly sentAt: number;
  /** The socket the query left on; the transport owns it from now on (listeners, deadline, close), and must close it even when it does not use it. */
  readonly socket: Socket;
  /** What arrived before, for the transport to handle first. */
  readonly arrived: readonly EarlyArrival[];
}

export interface EarlyQuestion {
  /** The question, when the resolver asks exactly this of exactly this server, the first time; else null. */
  take(server: string, name: string, type: string): TakenQuestion | null;
  /** Closes the socket unless the resolver took it. */
  discard(): void;
}

/** The question a resolver would send for an ASCII name (lower case, no trailing dot); null for a name it would write otherwise. */
export function encodeEarlyQuery(name: string, type: EarlyQuestionType, id: number): Buffer | null {
  if (!/^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/u.test(name) || name.length > 253 || name.split('.').some((label) => label.length > 63)) return null;
  const labels = name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // a standard query, recursion desired
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(1, 10); // one additional record: EDNS's OPT
  const question = Buffer.alloc(5);
  question.writeUInt16BE(TYPE_CODES[type], 1);
  question.writeUInt16BE(1, 3); // class IN
  // OPT (RFC 6891 §6.1.2): root name, type 41, the UDP payload size as its class, TTL 0, no data.
  const opt = Buffer.from([0, 0, 41, EDNS_UDP_PAYLOAD >> 8, EDNS_UDP_PAYLOAD & 0xff, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, question, opt]);
}

/**
 * An unpredictable query id (RFC 5452 §9.2) from the kernel's random source, without
 * node:crypto, whose loading (~4 ms) would come before the question could leave; node:crypto
 * on Windows (where "/dev/urandom" would be a path on the current drive that any user could
 * create) and wherever the device cannot be read. The resolver loads node:crypto for its own ids later.
 */
export function queryId(platform: NodeJS.Platform = process.platform): number {
  const bytes = Buffer.alloc(2);
  if (platform !== 'win32') {
    try {
      const fd = openSync('/dev/urandom', 'r');
      try {
        if (readSync(fd, bytes, 0, 2, null) === 2) return bytes.readUInt16BE(0);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Not readable: below.
    }
  }
  return process.getBuiltinModule('node:crypto').randomInt(0x10000);
}

/**
 * The server is an IP address (server-spec.ts), and so is the address the socket binds to:
 * dgram's default lookup would load node:dns (~2 ms) to be told so, before the datagram leaves.
 */
function literalLookup(host: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  callback(null, host, host.includes(':') ? 6 : 4);
}

/** Sends the question; null when the name is not one the early question can write (the resolver then asks it as usual). */
export function sendEarlyQuestion(server: DnsServerAddress, name: string, type: EarlyQuestionType): EarlyQuestion | null {
  const id = queryId();
  const bytes = encodeEarlyQuery(name, type, id);
  if (bytes === null) return null;
  const socket = createSocket({ type: server.host.includes(':') ? 'udp6' : 'udp4', lookup: literalLookup });
  const arrived: EarlyArrival[] = [];
  // Only what comes from the server asked is kept (the transport checks it again, with the
  // id): datagrams from anyone else cannot crowd the answer out.
  const onMessage = (message: Buffer, remote: RemoteInfo) => {
    if (remote.port === server.port && sameHost(remote.address, server.host) && arrived.length < MAX_KEPT) arrived.push({ kind: 'message', message, remote });
  };
  const onError = (error: Error) => void arrived.push({ kind: 'error', error });
  socket.on('message', onMessage);
  socket.on('error', onError);
  // Until taken, the question does not keep the process alive (a refused command ends at once).
  socket.unref();
  let state: 'waiting' | 'taken' | 'discarded' = 'waiting';
  const sentAt = performance.now();
  socket.send(bytes, server.port, server.host, (error) => {
    if (!error) return;
    // After the transport took the socket, the failure is its to report (its 'error' listener).
    if (state === 'taken') socket.emit('error', error);
    else onError(error);
  });
  return {
    take(serverLabel, asked, askedType) {
      if (state !== 'waiting' || serverLabel !== server.label || asked !== name || askedType !== type) return null;
      state = 'taken';
      socket.off('message', onMessage);
      socket.off('error', onError);
      // Still unref'd: the transport refs it when it adopts it, and closes it in every case.
      return { query: { id, bytes }, sentAt, socket, arrived };
    },
    discard() {
      if (state !== 'waiting') return;
      state = 'discarded';
      socket.close();
    },
  };
}
