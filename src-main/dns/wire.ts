/**
 * RFC 1035 messages: dns2's maintained Packet codec (name compression, TXT kept as its
 * character-strings, SOA, EDNS OPT) turned into Relayproof's typed records. The only
 * file that knows dns2's loosely typed packet shape.
 */
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type DNS from 'dns2';
import type { DnsRecord, DnsRecordType } from '../../src-preload/contract/dns-schemas';

// The codec file alone: dns2's entry point also loads its servers and clients, and with them
// node's http, https, tls, http2, cluster and child_process modules, which a lookup never
// uses and which cost `relayproof spf` more start-up than its own code. The package exports
// only its entry point, so the file is required by its path beside it.
const requireHere = createRequire(import.meta.url);
const Packet = requireHere(join(dirname(requireHere.resolve('dns2')), 'packet.js')) as typeof DNS.Packet;
type Packet = DNS.Packet;

/** RFC 6891 §6.2.5 and the DNS flag day 2020 recommendation: 1232 bytes avoids IP fragmentation. */
export const EDNS_UDP_PAYLOAD = 1232;

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface EncodedQuery {
  readonly id: number;
  readonly bytes: Buffer;
}

export interface DecodedResponse {
  readonly id: number;
  readonly rcode: number;
  readonly truncated: boolean;
  readonly authoritative: boolean;
  readonly question: { readonly name: string; readonly type: number } | null;
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
}

export function typeCode(type: DnsRecordType): number {
  return Packet.TYPE[type];
}

export function normalizeName(name: string): string {
  return name.replace(/\.$/u, '').toLowerCase();
}

export function encodeQuery(name: string, type: DnsRecordType, options: { recursion: boolean; edns: boolean }): EncodedQuery {
  const packet = new Packet();
  const id = randomInt(0x10000);
  packet.header.id = id;
  packet.header.rd = options.recursion ? 1 : 0;
  packet.questions.push(new Packet.Question(name, typeCode(type), Packet.CLASS.IN));
  if (options.edns) {
    // dns2 types EDNS() with one parameter; its implementation takes the options object.
    const edns = Packet.Resource.EDNS as unknown as (rdata: object[], opts: { udpPayloadSize: number }) => DNS.Packet.Resource;
    packet.additionals.push(edns([], { udpPayloadSize: EDNS_UDP_PAYLOAD }));
  }
  return { id, bytes: packet.toBuffer() };
}

/**
 * A response, or why it could not be read. `id` is the query id of an unreadable answer
 * when at least its header was there (so the caller can tell "our answer, broken" from
 * a stray packet).
 */
export type Decoded =
  | { readonly kind: 'message'; readonly response: DecodedResponse }
  | { readonly kind: 'malformed'; readonly id: number | null; readonly problem: string };

/** RFC 1035 §4.1.2-4.1.3: the smallest question (root name, type, class) and resource record. */
const MIN_QUESTION_BYTES = 5;
const MIN_RECORD_BYTES = 11;

/**
 * Parse a response. dns2 skips a record it cannot read and carries on, so a message cut
 * short without the TC bit (RFC 1035 §4.1.1), or with a record that overruns its data,
 * would come back as a well-formed answer with fewer records — "no SPF record" when the
 * record was there. Every section must hold exactly the records its header announces.
 */
export function decodeResponse(bytes: Buffer): Decoded {
  if (bytes.length < 12) return { kind: 'malformed', id: null, problem: `${bytes.length} bytes, shorter than a DNS header` };
  const id = bytes.readUInt16BE(0);
  const counts = { question: bytes.readUInt16BE(4), answer: bytes.readUInt16BE(6), authority: bytes.readUInt16BE(8), additional: bytes.readUInt16BE(10) };
  if ((bytes[2] ?? 0) >> 7 !== 1) return { kind: 'malformed', id, problem: 'a query, not an answer (QR bit not set)' };
  // TC set: the server says it was cut short (RFC 1035 §4.1.1); the caller asks again over TCP.
  const truncatedMessage = (): Decoded => ({
    kind: 'message',
    response: { id, rcode: (bytes[3] ?? 0) & 0x0f, truncated: true, authoritative: ((bytes[2] ?? 0) & 0x04) !== 0, question: null, answers: [], authorities: [] },
  });
  const tc = ((bytes[2] ?? 0) & 0x02) !== 0;
  // Before parsing: a header announcing 50,000 records in 60 bytes is refused without trying each.
  const least = counts.question * MIN_QUESTION_BYTES + (counts.answer + counts.authority + counts.additional) * MIN_RECORD_BYTES;
  if (least > bytes.length - 12) {
    if (tc) return truncatedMessage();
    return { kind: 'malformed', id, problem: `its header announces ${counts.answer} answer record${counts.answer === 1 ? '' : 's'} and more than its ${bytes.length} bytes can hold (cut short without the truncation bit)` };
  }
  let packet: Packet;
  try {
    packet = Packet.parse(bytes);
  } catch {
    return tc ? truncatedMessage() : { kind: 'malformed', id, problem: 'it is not a DNS message' };
  }
  const sections = [
    ['question', packet.questions.length, counts.question],
    ['answer', packet.answers.length, counts.answer],
    ['authority', packet.authorities.length, counts.authority],
    ['additional', packet.additionals.length, counts.additional],
  ] as const;
  for (const [section, read, announced] of sections) {
    if (read !== announced) {
      if (tc) return truncatedMessage();
      return { kind: 'malformed', id, problem: `${announced - read} of its ${announced} ${section} record${announced === 1 ? '' : 's'} could not be read (cut short or damaged)` };
    }
  }
  const question = packet.questions[0];
  const response: DecodedResponse = {
    id: packet.header.id,
    rcode: packet.header.rcode,
    truncated: packet.header.tc === 1,
    authoritative: packet.header.aa === 1,
    question: question ? { name: normalizeName(question.name), type: question.type } : null,
    answers: packet.answers.flatMap(toRecord),
    authorities: packet.authorities.flatMap(toRecord),
  };
  return { kind: 'message', response };
}

function toRecord(resource: DNS.Packet.Resource | undefined): DnsRecord[] {
  if (!resource) return [];
  const name = normalizeName(resource.name);
  const ttl = resource.ttl;
  switch (resource.type) {
    case Packet.TYPE.A:
    case Packet.TYPE.AAAA: {
      const address = resource.address ?? '';
      return [{ type: resource.type === Packet.TYPE.A ? 'A' : 'AAAA', name, ttl, address, value: address }];
    }
    case Packet.TYPE.CNAME:
    case Packet.TYPE.PTR: {
      const target = normalizeName(resource.domain ?? '');
      return [{ type: resource.type === Packet.TYPE.CNAME ? 'CNAME' : 'PTR', name, ttl, target, value: target }];
    }
    case Packet.TYPE.NS: {
      const target = normalizeName(resource.ns ?? '');
      return [{ type: 'NS', name, ttl, target, value: target }];
    }
    case Packet.TYPE.MX: {
      const exchange = normalizeName(resource.exchange ?? '');
      const priority = resource.priority ?? 0;
      return [{ type: 'MX', name, ttl, priority, exchange, value: `${priority} ${exchange || '.'}` }];
    }
    case Packet.TYPE.SRV: {
      const target = normalizeName(resource.target ?? '');
      const priority = resource.priority ?? 0;
      const weight = resource.weight ?? 0;
      const port = resource.port ?? 0;
      return [{ type: 'SRV', name, ttl, priority, weight, port, target, value: `${priority} ${weight} ${port} ${target || '.'}` }];
    }
    case Packet.TYPE.TXT: {
      const data = resource.data;
      const strings = Array.isArray(data) ? data.map(String) : typeof data === 'string' ? [data] : [];
      // RFC 7208 §3.3 / RFC 6376 §3.6.2.2: receivers join the strings without separators.
      return [{ type: 'TXT', name, ttl, strings, value: strings.join('') }];
    }
    case Packet.TYPE.SOA: {
      const primary = normalizeName(resource.primary ?? '');
      const admin = normalizeName(resource.admin ?? '');
      const serial = resource.serial ?? 0;
      const minimum = resource.minimum ?? 0;
      return [{ type: 'SOA', name, ttl, primary, admin, serial, minimum, value: `${primary} ${admin} ${serial} … ${minimum}` }];
    }
    default:
      return [];
  }
}
