/**
 * A DNS server on 127.0.0.1 (UDP and TCP on one port) whose every answer is broken in one
 * chosen way, for the resolver's "the server's answer could not be read" path. It builds
 * the correct answer first (a TXT record for the name asked) with dns2's codec, then
 * breaks the bytes: what a faulty middlebox, a buggy server or an off-path forger sends.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { Packet } from 'dns2';

export const brokenAnswers = [
  /** Eight bytes: not even a DNS header. */
  'garbage',
  /** The right answer with its last bytes cut off, and the TC bit NOT set. */
  'cut',
  /** The right answer under another query id (RFC 5452: not ours, a stray or a forgery). */
  'wrong-id',
  /** The TXT record's character-string claims more bytes than the record holds. */
  'damaged-record',
  /** A header announcing 60,000 answers in a message of a few dozen bytes. */
  'huge-counts',
  /** The QR bit cleared: a query sent back instead of an answer. */
  'not-an-answer',
] as const;
export type BrokenAnswer = (typeof brokenAnswers)[number];

export interface BrokenDnsServer {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly port: number;
  /** Questions received, over either transport. */
  readonly questions: () => number;
  close(): Promise<void>;
}

function correctAnswer(query: Buffer): Buffer {
  const request = Packet.parse(query);
  const response = Packet.createResponseFromRequest(request);
  const question = request.questions[0];
  if (question !== undefined) response.answers.push({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 300, data: ['v=spf1 -all'] } as never);
  return response.toBuffer();
}

export function breakAnswer(query: Buffer, how: BrokenAnswer): Buffer {
  const answer = correctAnswer(query);
  switch (how) {
    case 'garbage':
      return Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0x00, 0x01]);
    case 'cut':
      return answer.subarray(0, answer.length - 5);
    case 'wrong-id': {
      const copy = Buffer.from(answer);
      copy.writeUInt16BE((copy.readUInt16BE(0) + 1) & 0xffff, 0);
      return copy;
    }
    case 'damaged-record': {
      // The last bytes are the TXT rdata: length byte + 'v=spf1 -all' (11 bytes).
      const copy = Buffer.from(answer);
      copy[copy.length - 12] = 200;
      return copy;
    }
    case 'huge-counts': {
      const copy = Buffer.from(answer);
      copy.writeUInt16BE(60_000, 6);
      return copy;
    }
    case 'not-an-answer': {
      const copy = Buffer.from(answer);
      copy[2] = (copy[2] ?? 0) & 0x7f;
      return copy;
    }
  }
}

export async function startBrokenDnsServer(how: BrokenAnswer): Promise<BrokenDnsServer> {
  let questions = 0;
  const tcpSockets = new Set<Socket>();
  const tcp: Server = createServer((socket) => {
    tcpSockets.add(socket);
    socket.on('close', () => tcpSockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < length + 2) return;
      questions += 1;
      const broken = breakAnswer(buffered.subarray(2, length + 2), how);
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(broken.length);
      socket.end(Buffer.concat([prefix, broken]));
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const port = (tcp.address() as { port: number }).port;
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (query, remote) => {
    questions += 1;
    udp.send(breakAnswer(query, how), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${port}`,
    port,
    questions: () => questions,
    close: async () => {
      for (const socket of tcpSockets) socket.destroy();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
