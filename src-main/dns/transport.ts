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
import { connect, isIPv6 } from 'node:net';
import { decodeResponse, type DecodedResponse, type EncodedQuery } from './wire';
import type { DnsTransport } from './schemas';

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
}

export type ExchangeResult =
  | { readonly kind: 'response'; readonly response: DecodedResponse; readonly transport: DnsTransport; readonly truncatedUdp: boolean }
  | { readonly kind: 'timeout'; readonly transport: DnsTransport; readonly truncatedUdp: boolean }
  | { readonly kind: 'network-error'; readonly transport: DnsTransport; readonly truncatedUdp: boolean; readonly message: string };

const MAX_TCP_MESSAGE = 65_535;

export async function exchange(server: DnsServerAddress, query: EncodedQuery, options: ExchangeOptions): Promise<ExchangeResult> {
  if (options.transport === 'tcp') return exchangeTcp(server, query, options, false);
  const udp = await exchangeUdp(server, query, options);
  if (udp.kind === 'response' && udp.response.truncated) {
    return exchangeTcp(server, query, options, true);
  }
  return udp;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function sameHost(a: string, b: string): boolean {
  return a.replace(/^::ffff:/u, '').toLowerCase() === b.replace(/^::ffff:/u, '').toLowerCase();
}

function exchangeUdp(server: DnsServerAddress, query: EncodedQuery, options: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError(options.signal));
      return;
    }
    const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
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
    const timer = setTimeout(() => finish(() => resolve({ kind: 'timeout', transport: 'udp', truncatedUdp: false })), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('message', (message: Buffer, remote: RemoteInfo) => {
      // RFC 5452 §9.1: accept only the server we asked, with our id; anything else is
      // a stray or a forgery and we keep waiting.
      if (remote.port !== server.port || !sameHost(remote.address, server.host)) return;
      const response = decodeResponse(message);
      if (response === null || response.id !== query.id) return;
      finish(() => resolve({ kind: 'response', response, transport: 'udp', truncatedUdp: false }));
    });
    socket.on('error', (error) => finish(() => resolve({ kind: 'network-error', transport: 'udp', truncatedUdp: false, message: error.message })));
    socket.send(query.bytes, server.port, server.host, (error) => {
      if (error) finish(() => resolve({ kind: 'network-error', transport: 'udp', truncatedUdp: false, message: error.message }));
    });
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
      const response = decodeResponse(buffered.subarray(2, expected + 2));
      if (response === null || response.id !== query.id) {
        finish(() => resolve({ kind: 'network-error', transport: 'tcp', truncatedUdp, message: 'the server sent something that is not an answer to our question' }));
        return;
      }
      finish(() => resolve({ kind: 'response', response, transport: 'tcp', truncatedUdp }));
    });
    socket.on('error', (error) => finish(() => resolve({ kind: 'network-error', transport: 'tcp', truncatedUdp, message: error.message })));
    socket.on('close', () =>
      finish(() => resolve({ kind: 'network-error', transport: 'tcp', truncatedUdp, message: 'the server closed the TCP connection without answering' })),
    );
  });
}
