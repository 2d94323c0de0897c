/**
 * The question `relayproof check` sends before its modules load is the very message the
 * resolver would send, and the resolver that takes it asks nothing again: the answer is
 * checked and used as if the resolver had sent the question itself (sender, id, truncation
 * and TCP, the deadline). Against a real DNS server on 127.0.0.1.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { encodeEarlyQuery, queryId, sendEarlyQuestion } from './early-question';
import { createResolver } from './resolver';
import { serverAddress } from './server-spec';
import { exchange } from './transport';
import { encodeQuery } from './wire';

let dns: TestDnsServer;
const long = 'x'.repeat(250);

beforeAll(async () => {
  dns = await startTestDnsServer({
    zones: [
      {
        origin: 'early.test',
        records: [rr.txt('early.test', 'v=spf1 include:_spf.early.test -all'), rr.txt('big.early.test', long, long, long, long, long, long), rr.txt('_spf.early.test', 'v=spf1 -all')],
      },
    ],
  });
});
afterAll(() => dns.close());
beforeEach(() => {
  dns.resetQueries();
  dns.setFault('early.test', null);
  dns.setLatency(0);
});

const server = () => serverAddress('127.0.0.1', dns.port);
const resolver = (early?: ReturnType<typeof sendEarlyQuestion>) => createResolver({ servers: [server()], kind: 'explicit', timeoutMs: 1000, retries: 0, early: early ?? undefined });
const asked = (name: string) => dns.queries.filter((q) => q.name.toLowerCase() === name && q.type === 'TXT');
const withoutTimes = (lookup: Awaited<ReturnType<ReturnType<typeof resolver>['lookup']>>) => ({
  ...lookup,
  at: '',
  durationMs: 0,
  attempts: lookup.attempts.map((a) => ({ ...a, durationMs: 0 })),
});

describe('the early question', () => {
  it('is byte for byte the query the resolver sends (recursion desired, EDNS with 1232 bytes)', () => {
    for (const name of ['early.test', 'cli-bench.example', '_dmarc.example.com', 'a.b', 'x1-y_2.example.org', `${'a'.repeat(63)}.example`]) {
      const resolverQuery = encodeQuery(name, 'TXT', { recursion: true, edns: true });
      expect(encodeEarlyQuery(name, 'TXT', resolverQuery.id), name).toEqual(resolverQuery.bytes);
    }
  });

  it('takes an unpredictable id: from /dev/urandom, and from node:crypto on Windows', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const ids = new Set(Array.from({ length: 32 }, () => queryId(platform)));
      // 32 draws from 65,536: two repeats or more have a chance of about 1 in 35,000.
      expect(ids.size, platform).toBeGreaterThanOrEqual(31);
      for (const id of ids) expect(id >= 0 && id <= 0xffff, platform).toBe(true);
    }
  });

  it('leaves to the resolver a name it would write otherwise (upper case, Unicode, a trailing dot, an empty or overlong label)', () => {
    for (const name of ['Early.test', 'bücher.example', 'early.test.', 'a..b', '', `${'a'.repeat(64)}.example`]) expect(encodeEarlyQuery(name, 'TXT', 1), name).toBeNull();
  });

  it('is taken by the resolver: one question reaches the server, and the lookup is what a lookup without it is', async () => {
    const early = sendEarlyQuestion(server(), 'early.test', 'TXT');
    expect(early).not.toBeNull();
    const taken = await resolver(early).lookup('early.test', 'TXT');
    expect(asked('early.test')).toHaveLength(1);
    dns.resetQueries();
    const plain = await resolver().lookup('early.test', 'TXT');
    expect(withoutTimes(taken)).toEqual(withoutTimes(plain));
    expect(taken.records.map((r) => r.value)).toEqual(['v=spf1 include:_spf.early.test -all']);
  });

  it('its time counts from when it left, not from when the resolver took it', async () => {
    dns.setLatency(60);
    const early = sendEarlyQuestion(server(), 'early.test', 'TXT');
    // The answer is on its way when the resolver takes the question: wait until the server has it.
    await expect.poll(() => asked('early.test').length).toBe(1);
    const lookup = await resolver(early).lookup('early.test', 'TXT');
    expect(lookup.attempts[0]?.durationMs ?? 0).toBeGreaterThanOrEqual(55);
  });

  it('what arrived before the transport took the socket is handled first, in order: a stray is passed over, the answer is used', async () => {
    const socket = createSocket('udp4');
    const query = encodeQuery('early.test', 'TXT', { recursion: true, edns: true });
    const answered = new Promise<{ message: Buffer; remote: RemoteInfo }>((resolve) => socket.once('message', (message, remote) => resolve({ message, remote })));
    socket.send(query.bytes, dns.port, '127.0.0.1');
    const { message, remote } = await answered;
    // A datagram from another port with the same bytes (a forgery) came first.
    const stray = { kind: 'message' as const, message, remote: { ...remote, port: remote.port + 1 } };
    const sentAt = performance.now() - 5;
    const result = await exchange(server(), query, { timeoutMs: 500, early: { query, sentAt, socket, arrived: [stray, { kind: 'message', message, remote }] } });
    expect(result.kind).toBe('response');
    expect(result.kind === 'response' ? result.response.answers.map((a) => a.value) : []).toEqual(['v=spf1 include:_spf.early.test -all']);
    expect(asked('early.test')).toHaveLength(1);
  });

  it('a truncated answer is asked again over TCP with the same question, as the transport does for its own', async () => {
    const early = sendEarlyQuestion(server(), 'big.early.test', 'TXT');
    const lookup = await resolver(early).lookup('big.early.test', 'TXT');
    expect(lookup.outcome).toBe('answer');
    expect(lookup.transport).toBe('tcp');
    expect(asked('big.early.test').map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('is taken once, for its own name, type and server only; any other question is asked as usual', async () => {
    const early = sendEarlyQuestion(server(), 'early.test', 'TXT');
    expect(early?.take('127.0.0.1:53', 'early.test', 'TXT')).toBeNull();
    expect(early?.take(server().label, '_spf.early.test', 'TXT')).toBeNull();
    expect(early?.take(server().label, 'early.test', 'MX')).toBeNull();
    const r = resolver(early);
    await r.lookup('_spf.early.test', 'TXT');
    expect(asked('_spf.early.test')).toHaveLength(1);
    await r.lookup('early.test', 'TXT');
    await r.lookup('early.test', 'TXT');
    // The early question, then the second lookup's own (a resolver alone does not memoise).
    expect(asked('early.test')).toHaveLength(2);
  });

  it('one nobody takes is closed by discard, and then cannot be taken', async () => {
    const early = sendEarlyQuestion(server(), 'early.test', 'TXT');
    await expect.poll(() => asked('early.test').length).toBe(1);
    early?.discard();
    expect(early?.take(server().label, 'early.test', 'TXT')).toBeNull();
    await resolver(early).lookup('early.test', 'TXT');
    expect(asked('early.test')).toHaveLength(2);
  });

  it('a server that never answers: the resolver that took it reports a timeout after its own deadline', async () => {
    dns.setFault('early.test', { kind: 'drop' });
    const early = sendEarlyQuestion(server(), 'early.test', 'TXT');
    const r = createResolver({ servers: [server()], kind: 'explicit', timeoutMs: 150, retries: 0, early: early ?? undefined });
    const lookup = await r.lookup('early.test', 'TXT');
    expect(lookup.outcome).toBe('timeout');
    expect(asked('early.test')).toHaveLength(1);
  });
});
