import { connect as netConnectRaw, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startByteCountingServer, type ByteCountingServer } from '../testing/byte-counting-server';
import { closedTcpPort } from '../testing/closed-ports';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { connectWithEarly, openEarlyConnection } from './early-connection';

const USER = 'early@example.com';
const SECRET = 'early-secret';

const signal = new AbortController().signal;

let pki: TestPki;
let peer: SmtpPeer;
let counting: ByteCountingServer;
beforeAll(async () => {
  pki = createTestPki();
  peer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
  counting = await startByteCountingServer();
});
afterAll(async () => {
  await peer.close();
  await counting.close();
  pki.cleanup();
});

describe('a connection opened early', () => {
  it('is taken once, and only for the address and port it was opened to', async () => {
    const early = openEarlyConnection({ address: '127.0.0.1', port: counting.port });
    expect(early.take('127.0.0.2', counting.port)).toBeNull();
    expect(early.take('127.0.0.1', counting.port + 1)).toBeNull();
    const taken = early.take('127.0.0.1', counting.port);
    expect(taken).not.toBeNull();
    expect(early.take('127.0.0.1', counting.port)).toBeNull();
    const socket = await taken?.connected({ timeoutMs: 2_000, signal });
    // What the server sent while nobody read is still there for whoever takes the socket.
    const greeting = await new Promise<string>((resolve) => socket?.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(greeting).toBe('220 counting.relayproof.test ESMTP\r\n');
    socket?.destroy();
  });

  it('is closed by discard without a byte written when nobody takes it', async () => {
    const before = counting.connections.length;
    const early = openEarlyConnection({ address: '127.0.0.1', port: counting.port });
    await counting.accepted(before + 1);
    early.discard();
    await counting.closed(before);
    expect(counting.connections[before]).toMatchObject({ bytes: 0, closed: true });
    // Once discarded it is nobody's.
    expect(early.take('127.0.0.1', counting.port)).toBeNull();
  });

  it('is handed to the engine as soon as it is taken, before it has connected, so the engine closes it whatever happens next', async () => {
    const early = openEarlyConnection({ address: '127.0.0.1', port: counting.port });
    const seen: Socket[] = [];
    const pending = connectWithEarly(early)({ address: '127.0.0.1', port: counting.port, timeoutMs: 2_000, signal, onOpen: (socket) => seen.push(socket) });
    expect(seen).toHaveLength(1);
    const socket = await pending;
    expect(seen).toEqual([socket]);
    socket.destroy();
  });

  it('that failed is not taken: the test connects itself and reports the refusal as usual', async () => {
    const port = await closedTcpPort();
    let opened: Socket | null = null;
    const early = openEarlyConnection({ address: '127.0.0.1', port }, undefined, (target) => (opened = netConnectRaw({ host: target.address, port: target.port })));
    // Its own 'close' listener was attached first, so by this one it knows it is lost.
    await new Promise((resolve) => (opened as Socket | null)?.once('close', resolve));
    expect(early.take('127.0.0.1', port)).toBeNull();
    const report = await runTest({ host: '127.0.0.1', port, security: 'starttls' }, { connect: connectWithEarly(early) });
    expect(report.failure?.code).toBe('connect-refused');
  });
});

describe('the engine on an early connection', () => {
  it('uses it for the same address and port: one session at the server, the report timed from its opening', async () => {
    const sessions = peer.sessions.length;
    // A clock that moves on at every reading: the order of the times shows what came first, without waiting.
    let now = Date.now();
    const clock = () => new Date(now++);
    const early = openEarlyConnection({ address: '127.0.0.1', port: peer.port }, clock);
    const called = clock();
    const report = await runTest({ host: '127.0.0.1', port: peer.port, security: 'starttls', from: USER, credentials: { kind: 'password', username: USER, secret: SECRET } }, { ca: [pki.ca], connect: connectWithEarly(early), startedAt: early.startedAt, clock });
    expect(report.outcome).toBe('pass');
    expect(peer.sessions.length).toBe(sessions + 1);
    expect(peer.sessions.at(-1)?.authAttempts).toEqual([{ method: 'PLAIN', username: USER, secret: SECRET }]);
    // The test began when its connection was opened, before the engine was called and so
    // before every phase, which follow each other in order.
    expect(report.startedAt).toBe(early.startedAt.toISOString());
    expect(Date.parse(report.startedAt)).toBeLessThan(called.getTime());
    const run = report.phases.filter((p) => p.startedAt !== null);
    expect(run.map((p) => p.name)).toEqual(['dns', 'tcp', 'banner', 'ehlo', 'tls', 'ehlo-tls', 'auth', 'send-as', 'quit']);
    let previousEnd = called.getTime();
    for (const phase of run) {
      expect(Date.parse(phase.startedAt ?? '')).toBeGreaterThanOrEqual(previousEnd);
      previousEnd = Date.parse(phase.endedAt ?? '');
    }
    expect(report.transcript.map((l) => l.text)).toContainEqual(expect.stringMatching(/^the test began \d+ ms before the engine ran: its connection was opened while Relayproof started$/u));
  });

  it('connects itself to another port, and the early connection stays untouched for discard', async () => {
    const before = counting.connections.length;
    const early = openEarlyConnection({ address: '127.0.0.1', port: counting.port });
    await counting.accepted(before + 1);
    const sessions = peer.sessions.length;
    const report = await runTest({ host: '127.0.0.1', port: peer.port, security: 'starttls' }, { ca: [pki.ca], connect: connectWithEarly(early) });
    expect(report.outcome).toBe('pass');
    expect(peer.sessions.length).toBe(sessions + 1);
    expect(early.take('127.0.0.1', counting.port)).not.toBeNull();
    early.discard();
    expect(counting.connections[before]?.bytes).toBe(0);
  });
});
