import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startByteCountingServer, type ByteCountingServer } from '../testing/byte-counting-server';
import { closedTcpPort } from '../testing/closed-ports';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { openEarlyConnection } from './early-connection';

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
    expect(taken?.connectedAt()).toBeInstanceOf(Date);
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

  it('that failed is not taken: the test connects itself and reports the refusal as usual', async () => {
    const port = await closedTcpPort();
    const early = openEarlyConnection({ address: '127.0.0.1', port });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(early.take('127.0.0.1', port)).toBeNull();
    const report = await runTest({ host: '127.0.0.1', port, security: 'starttls' }, { early });
    expect(report.failure?.code).toBe('connect-refused');
  });
});

describe('the engine on an early connection', () => {
  it('uses it for the same address and port: one session at the server, the tcp phase timed from its opening', async () => {
    const sessions = peer.sessions.length;
    const early = openEarlyConnection({ address: '127.0.0.1', port: peer.port });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const report = await runTest({ host: '127.0.0.1', port: peer.port, security: 'starttls', from: USER, credentials: { kind: 'password', username: USER, secret: SECRET } }, { ca: [pki.ca], early });
    expect(report.outcome).toBe('pass');
    expect(peer.sessions.length).toBe(sessions + 1);
    expect(peer.sessions.at(-1)?.authAttempts).toEqual([{ method: 'PLAIN', username: USER, secret: SECRET }]);
    const tcp = report.phases.find((p) => p.name === 'tcp');
    // The test began when its connection was opened, 150 ms before it ran; the handshake itself took far less.
    expect(tcp?.startedAt).toBe(report.startedAt);
    expect(Date.parse(report.endedAt) - Date.parse(report.startedAt)).toBeGreaterThanOrEqual(150);
    expect(tcp?.ms).toBeLessThan(150);
    expect(report.transcript.map((l) => l.text)).toContainEqual(expect.stringMatching(/^the connection was opened \d+ ms before the test, while Relayproof started$/u));
  });

  it('connects itself to another port, and the early connection stays untouched for discard', async () => {
    const before = counting.connections.length;
    const early = openEarlyConnection({ address: '127.0.0.1', port: counting.port });
    await counting.accepted(before + 1);
    const sessions = peer.sessions.length;
    const report = await runTest({ host: '127.0.0.1', port: peer.port, security: 'starttls' }, { ca: [pki.ca], early });
    expect(report.outcome).toBe('pass');
    expect(peer.sessions.length).toBe(sessions + 1);
    expect(report.transcript.map((l) => l.text).join('\n')).not.toMatch(/opened \d+ ms before the test/u);
    expect(early.take('127.0.0.1', counting.port)).not.toBeNull();
    early.discard();
    expect(counting.connections[before]?.bytes).toBe(0);
  });
});
