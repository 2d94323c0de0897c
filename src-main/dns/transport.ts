/**
 * One DNS exchange with one server over UDP, retried over TCP when the answer is
 * truncated (RFC 1035 §4.2.1, RFC 7766 §5).
 *
 * Why not dns2's own clients (dns2 is used for the wire format in wire.ts): its TCP
 * client has no timeout and no error path (a server that accepts and stays silent
 * hangs the check forever), splits `host:port` on ':' so IPv6 servers cannot be used,
 * takes no AbortSignal, and its UDP client switches to TCP without telling the caller,
 * while the evidence must say which transport produced the answer. Node's
 * dns.promises.Resolver cannot report TXT TTLs, the RCODE (SERVFAIL vs REFUSED), the
 * TC bit or the answering server. This file is the small transport that adds those.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { connect } from 'node:net';
import { decodeResponse, type DecodedResponse, type EncodedQuery } from './wire';
import type { TakenQuestion } from './early-question';
import { sameHost } from './server-spec';
import type { DnsTransport } from '../../src-preload/contract/dns-schemas';

export interface DnsServerAddress {
  readonly host: string;
  readonly port: number;
  /** `host:port`, IPv6 in brackets. */
  readonly label: string;
}

export interface ExchangeOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Ask over TCP from the start (used after a truncated UDP answer). */
  readonly transport?: DnsTransport;
  /**
   * The query already sent on this socket while the command was loading (early-question.ts):
   * its answer is waited for and checked here exactly as if this exchange had sent it.
   */
  readonly early?: TakenQuestion;
}

export type ExchangeResult =
  | { readonly kind: 'response'; readonly response: DecodedResponse; readonly transport: DnsTransport; readonly truncatedUdp: boolean }
  | { readonly kind: 'timeout'; readonly transport: DnsTransport; readonly truncatedUdp: boolean }
  /** The server answered, but its answer could not be read (cut short without TC, damaged, another query's id). */
  | { readonly kind: 'malformed'; readonly transport: DnsTransport; readonly truncatedUdp: boolean; readonly problem: string }
  | { readonly kind: 'network-error'; readonly transport: DnsTransport; readonly truncatedUdp: boolean; readonly message: string };

const MAX_TCP_MESSAGE = 65_535;

export async function exchange(server: DnsServerAddress, query: EncodedQuery, options: ExchangeOptions): Promise<ExchangeResult> {
  if (options.transport === 'tcp') {
    options.early?.socket.close();
    return exchangeTcp(server, query, options, false);
  }
  const udp = await exchangeUdp(server, query, options);
  if (udp.kind === 'response' && udp.response.truncated) {
    return exchangeTcp(server, query, options, true);
  }
  return udp;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function exchangeUdp(server: DnsServerAddress, query: EncodedQuery, options: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      options.early?.socket.close();
      reject(abortError(options.signal));
      return;
    }
    // The host is an IP address already (parseServerSpec); only IPv6 has a colon. Node's
    // isIPv6 compiles its large pattern on first use, about 6 ms of every CLI run.
    const early = options.early;
    const socket = early?.socket.ref() ?? createSocket(server.host.includes(':') ? 'udp6' : 'udp4');
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.close();
      settle();
    };
    const onAbort = () => finish(() => reject(abortError(options.signal as AbortSignal)));
    // What the asked server sent that could not be our answer: said at the deadline instead
    // of "no answer", because the server did answer — with something unreadable.
    let unreadable: string | null = null;
    const timer = setTimeout(
      () => finish(() => resolve(unreadable === null ? { kind: 'timeout', transport: 'udp', truncatedUdp: false } : { kind: 'malformed', transport: 'udp', truncatedUdp: false, problem: unreadable })),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onMessage = (message: Buffer, remote: RemoteInfo) => {
      // RFC 5452 §9.1: accept only the server we asked, with our id; anything else is
      // a stray or a forgery and we keep waiting.
      if (remote.port !== server.port || !sameHost(remote.address, server.host)) return;
      const decoded = decodeResponse(message);
      if (decoded.kind === 'message' && decoded.response.id === query.id) {
        finish(() => resolve({ kind: 'response', response: decoded.response, transport: 'udp', truncatedUdp: false }));
        return;
      }
      // Our id on a broken message: this is the server's answer, and it cannot be read.
      if (decoded.kind === 'malformed' && decoded.id === query.id) {
        finish(() => resolve({ kind: 'malformed', transport: 'udp', truncatedUdp: false, problem: decoded.problem }));
        return;
      }
      unreadable = decoded.kind === 'malformed' && decoded.id === null ? decoded.problem : 'it answered with another query id, so not our question';
    };
    const onError = (error: Error) => finish(() => resolve({ kind: 'network-error', transport: 'udp', truncatedUdp: false, message: error.message }));
    socket.on('message', onMessage);
    socket.on('error', onError);
    if (early === undefined) {
      socket.send(query.bytes, server.port, server.host, (error) => {
        if (error) onError(error);
      });
    } else {
      // Sent already: what came meanwhile is handled first, in the order it came.
      for (const arrival of early.arrived) {
        if (arrival.kind === 'message') onMessage(arrival.message, arrival.remote);
        else onError(arrival.error);
      }
    }
  });
}

function exchangeTcp(server: DnsServerAddress, query: EncodedQuery, options: ExchangeOptions, truncatedUdp: boolean): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError(options.signal));
      return;
    }
    const socket = connect({ host: server.host, port: server.port });
    let buffered = Buffer.alloc(0);
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      settle();
    };
    const onAbort = () => finish(() => reject(abortError(options.signal as AbortSignal)));
    // One deadline for connect + write + read: a server that drip-feeds bytes must not
    // keep the check waiting past its timeout.
    const timer = setTimeout(() => finish(() => resolve({ kind: 'timeout', transport: 'tcp', truncatedUdp })), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.bytes.length);
      socket.write(Buffer.concat([length, query.bytes]));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > MAX_TCP_MESSAGE + 2) {
        finish(() => resolve({ kind: 'network-error', transport: 'tcp', truncatedUdp, message: 'answer larger than a DNS message can be' }));
        return;
      }
      if (buffered.length < 2) return;
      const expected = buffered.readUInt16BE(0);
      if (buffered.length < expected + 2) return;
      const decoded = decodeResponse(buffered.subarray(2, expected + 2));
      if (decoded.kind === 'malformed') {
        finish(() => resolve({ kind: 'malformed', transport: 'tcp', truncatedUdp, problem: decoded.problem }));
        return;
      }
      if (decoded.response.id !== query.id) {
        finish(() => resolve({ kind: 'malformed', transport: 'tcp', truncatedUdp, problem: 'it answered with another query id, so not our question' }));
        return;
      }
      finish(() => resolve({ kind: 'response', response: decoded.response, transport: 'tcp', truncatedUdp }));
    });
    socket.on('error', (error) => finish(() => resolve({ kind: 'network-error', transport: 'tcp', truncatedUdp, message: error.message })));
    socket.on('close', () =>
      finish(() => resolve({ kind: 'network-error', transport: 'tcp', truncatedUdp, message: 'the server closed the TCP connection without answering' })),
    );
  });
}
