/**
 * A real authoritative DNS server on 127.0.0.1 (random port, UDP and TCP on the same
 * port) serving in-memory zones, built on dns2's server. Tests and benchmarks point
 * Relayproof's resolver at it; faults are injected per name (and optionally type):
 * SERVFAIL, REFUSED, no answer at all, a truncated UDP answer that forces TCP, and
 * latency per query.
 */
import type { AddressInfo, Socket } from 'node:net';
import type DNS from 'dns2';
import { createTCPServer, createUDPServer, Packet } from 'dns2';
import type { DnsRecordType } from '../../src-preload/contract/dns-schemas';
import { DEFAULT_TTL, type Zone, type ZoneRecord } from './dns-zone';

export type DnsFault =
  | { readonly kind: 'servfail' }
  | { readonly kind: 'refused' }
  /** Never answer (the client times out). */
  | { readonly kind: 'drop' }
  /** Over UDP answer with TC=1 and no records; over TCP answer normally. */
  | { readonly kind: 'truncate' }
  | { readonly kind: 'latency'; readonly ms: number };

export interface ServedQuery {
  readonly name: string;
  readonly type: string;
  readonly transport: 'udp' | 'tcp';
  readonly at: number;
}

export interface TestDnsServer {
  readonly host: string;
  readonly port: number;
  /** `127.0.0.1:PORT`, as the resolver and `--dns-server` take it. */
  readonly address: string;
  readonly queries: readonly ServedQuery[];
  setZones(zones: readonly Zone[]): void;
  /** Fault for a name (any type unless given). Later calls for the same key replace. */
  setFault(name: string, fault: DnsFault | null, type?: DnsRecordType): void;
  /** Delay before every answer (benchmarks). */
  setLatency(ms: number): void;
  resetQueries(): void;
  close(): Promise<void>;
}

export interface TestDnsServerOptions {
  readonly zones?: readonly Zone[];
  readonly latencyMs?: number;
}

const lower = (name: string) => name.replace(/\.$/u, '').toLowerCase();

export async function startTestDnsServer(options: TestDnsServerOptions = {}): Promise<TestDnsServer> {
  let zones: readonly Zone[] = options.zones ?? [];
  let latencyMs = options.latencyMs ?? 0;
  const faults = new Map<string, DnsFault>();
  const queries: ServedQuery[] = [];
  const sockets = new Set<Socket>();

  function handle(transport: 'udp' | 'tcp', request: Packet, send: (response: Packet) => Promise<Buffer>): void {
    const question = request.questions[0];
    const response = Packet.createResponseFromRequest(request);
    if (question === undefined) {
      response.header.rcode = 1;
      void send(response);
      return;
    }
    const name = lower(question.name);
    const typeName = Object.entries(Packet.TYPE).find(([, code]) => code === question.type)?.[0] ?? String(question.type);
    queries.push({ name, type: typeName, transport, at: Date.now() });
    const fault = faults.get(`${name} ${typeName}`) ?? faults.get(name);
    let delay = latencyMs;
    if (fault?.kind === 'drop') return;
    if (fault?.kind === 'latency') delay += fault.ms;
    if (fault?.kind === 'servfail' || fault?.kind === 'refused') {
      response.header.rcode = fault.kind === 'servfail' ? 2 : 5;
    } else if (fault?.kind === 'truncate' && transport === 'udp') {
      response.header.tc = 1;
      response.header.aa = 1;
    } else {
      answer(name, question.type, response);
    }
    const reply = () => void send(response).catch(() => undefined);
    if (delay > 0) setTimeout(reply, delay);
    else reply();
  }

  function zoneFor(name: string): Zone | undefined {
    return [...zones]
      .filter((z) => name === lower(z.origin) || name.endsWith(`.${lower(z.origin)}`))
      .sort((a, b) => b.origin.length - a.origin.length)[0];
  }

  function answer(qname: string, qtype: number, response: Packet): void {
    const zone = zoneFor(qname);
    if (zone === undefined) {
      response.header.rcode = 5;
      return;
    }
    response.header.aa = 1;
    const origin = lower(zone.origin);
    const inZone = (n: string) => n === origin || n.endsWith(`.${origin}`);
    const at = (n: string) => zone.records.filter((r) => lower(r.name) === n);
    let name = qname;
    const visited = new Set([name]);
    // RFC 1034 §4.3.2: follow CNAMEs while the target stays in this zone.
    for (;;) {
      const here = at(name);
      const alias = here.find((r) => r.type === 'CNAME');
      if (alias !== undefined && qtype !== Packet.TYPE.CNAME) {
        response.answers.push(toResource(alias));
        const target = lower(alias.type === 'CNAME' ? alias.target : '');
        if (!inZone(target) || visited.has(target)) return;
        visited.add(target);
        name = target;
        continue;
      }
      const matching = here.filter((r) => Packet.TYPE[r.type] === qtype);
      if (matching.length > 0) {
        response.answers.push(...matching.map(toResource));
        return;
      }
      const exists = here.length > 0 || zone.records.some((r) => lower(r.name).endsWith(`.${name}`)) || name === origin;
      if (!exists) response.header.rcode = 3;
      response.authorities.push(soaResource(zone));
      return;
    }
  }

  const { udp, tcp, port } = await listenOnSamePort((udp, tcp) => {
    udp.on('request', (request, send) => handle('udp', request, send));
    tcp.on('request', (request, send) => handle('tcp', request, send));
    udp.on('requestError', () => undefined);
    tcp.on('requestError', () => undefined);
    tcp.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    });
  });
  const host = '127.0.0.1';
  return {
    host,
    port,
    address: `${host}:${port}`,
    queries,
    setZones(next) {
      zones = next;
    },
    setFault(name, fault, type) {
      const key = type === undefined ? lower(name) : `${lower(name)} ${type}`;
      if (fault === null) faults.delete(key);
      else faults.set(key, fault);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    resetQueries() {
      queries.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}

type UdpServer = ReturnType<typeof createUDPServer>;
type TcpServer = ReturnType<typeof createTCPServer>;

/** Bind UDP to a random port, then TCP to the same one (a TC answer must be retried there). */
async function listenOnSamePort(wire: (udp: UdpServer, tcp: TcpServer) => void): Promise<{ udp: UdpServer; tcp: TcpServer; port: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createUDPServer({ type: 'udp4' });
    const tcp = createTCPServer();
    wire(udp, tcp);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const port = udp.address().port;
    const listening = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      tcp.once('error', onError);
      tcp.listen(port, '127.0.0.1', () => {
        tcp.off('error', onError);
        resolve(true);
      });
    });
    if (listening && (tcp.address() as AddressInfo).port === port) return { udp, tcp, port };
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
  throw new Error('The test DNS server found no port free for both UDP and TCP.');
}

function toResource(record: ZoneRecord): DNS.Packet.Resource {
  const base = { name: record.name, type: Packet.TYPE[record.type], class: Packet.CLASS.IN, ttl: record.ttl ?? DEFAULT_TTL };
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return new Packet.Resource({ ...base, address: record.address });
    case 'CNAME':
    case 'PTR':
      return new Packet.Resource({ ...base, domain: record.target });
    case 'NS':
      return new Packet.Resource({ ...base, ns: record.target });
    case 'MX':
      return new Packet.Resource({ ...base, exchange: record.exchange, priority: record.priority });
    case 'TXT':
      return new Packet.Resource({ ...base, data: [...record.strings] });
    case 'SRV':
      return new Packet.Resource({ ...base, priority: record.priority, weight: record.weight, port: record.port, target: record.target });
  }
}

function soaResource(zone: Zone): DNS.Packet.Resource {
  const minimum = zone.soa?.minimum ?? 300;
  const ttl = zone.soa?.ttl ?? 3600;
  // RFC 2308 §3: the SOA in a negative answer carries min(SOA TTL, MINIMUM).
  return new Packet.Resource({
    name: zone.origin,
    type: Packet.TYPE.SOA,
    class: Packet.CLASS.IN,
    ttl: Math.min(ttl, minimum),
    primary: `ns1.${zone.origin}`,
    admin: `hostmaster.${zone.origin}`,
    serial: zone.soa?.serial ?? 2026112301,
    refresh: 3600,
    retry: 600,
    expiration: 604_800,
    minimum,
  });
}
