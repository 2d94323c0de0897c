import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { repositoryResourcesDir } from '../analyze/reply-catalogue';
import { openEarlyConnection, type EarlyConnection, type EarlyTarget } from '../smtp/early-connection';
import { startByteCountingServer, type ByteCountingServer } from '../testing/byte-counting-server';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import type { CliIo } from './io';
import { earlyTarget, openSmtpServices } from './smtp-services';

const USER = 'support@example.test';
const SECRET = 'early-cli-secret';

let dir: string;
let pki: TestPki;
let peer: SmtpPeer;
let counting: ByteCountingServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-smtp-services-'));
  pki = createTestPki();
  peer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
  counting = await startByteCountingServer();
});
afterAll(async () => {
  await peer.close();
  await counting.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const CATALOGUE_UNREADABLE = 'Relayproof could not read its reply catalogue (resources/replies), so this part of the app cannot work.';

/** Runs `body` with RELAYPROOF_RESOURCES_DIR on a copy of resources/ whose reply catalogue is broken. */
async function withBrokenCatalogue(name: string, body: () => Promise<void>): Promise<void> {
  const resources = join(dir, name);
  cpSync(repositoryResourcesDir(), resources, { recursive: true });
  writeFileSync(join(resources, 'replies', 'connection.json'), '{ not json');
  const before = process.env.RELAYPROOF_RESOURCES_DIR;
  process.env.RELAYPROOF_RESOURCES_DIR = resources;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env.RELAYPROOF_RESOURCES_DIR;
    else process.env.RELAYPROOF_RESOURCES_DIR = before;
  }
}

const io = (): CliIo => ({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: { ...process.env, RELAYPROOF_DATA_DIR: join(dir, 'data') } });

/** What `relayproof smtp test --send` dispatches (smtp-commands.ts), with the test server's pin. */
const testInput = (port: number, extra: Record<string, unknown> = {}) => ({
  operationId: `cli_test_${port}`,
  host: '127.0.0.1',
  port,
  security: 'starttls',
  from: USER,
  pinSha256: pki.leaf.fingerprint256,
  dnsServers: [],
  credentials: { kind: 'password', username: USER },
  secret: SECRET,
  ...extra,
});

/** Opens early connections as the command does, and remembers where. */
function watched(): { readonly targets: EarlyTarget[]; readonly open: (target: EarlyTarget) => EarlyConnection } {
  const targets: EarlyTarget[] = [];
  return {
    targets,
    open: (target) => {
      targets.push(target);
      return openEarlyConnection(target);
    },
  };
}

describe('relayproof smtp test connects while it starts', () => {
  it('opens the connection to the IP address and port it was given, and the test uses it: one session at the server', async () => {
    const opener = watched();
    const sessions = peer.sessions.length;
    const dispatcher = (await openSmtpServices(io(), opener.open)).createDispatcher();
    const result = await dispatcher.dispatch('smtp:send-test-message', testInput(peer.port));
    expect(result.ok).toBe(true);
    const report = (result.ok ? result.value : null) as ConnectionReport | null;
    expect(report?.ok).toBe(true);
    expect(report?.testSend?.accepted).toBe(true);
    expect(opener.targets).toEqual([{ address: '127.0.0.1', port: peer.port }]);
    expect(peer.sessions.length).toBe(sessions + 1);
    expect(report?.transcript.map((l) => l.text)).toContainEqual(expect.stringMatching(/^the test began \d+ ms before the engine ran: its connection was opened/u));
  });

  it('closes it without a byte written when the dispatcher refuses the input', async () => {
    const before = counting.connections.length;
    const targets: EarlyTarget[] = [];
    // The refusal can come before the handshake is done: the close waits until the server
    // has the connection, so that it shows on the wire.
    const open = (target: EarlyTarget): EarlyConnection => {
      targets.push(target);
      const early = openEarlyConnection(target);
      return { startedAt: early.startedAt, take: (address, port) => early.take(address, port), discard: () => void counting.accepted(before + 1).then(() => early.discard()) };
    };
    const dispatcher = (await openSmtpServices(io(), open)).createDispatcher();
    // Passes the plain checks (IP address, port, no CR/LF) but not the contract's: EHLO localhost.
    const result = await dispatcher.dispatch('smtp:test-connection', testInput(counting.port, { ehloName: 'localhost' }));
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.error.code).toBe('invalid-input');
    expect(targets).toEqual([{ address: '127.0.0.1', port: counting.port }]);
    await counting.closed(before);
    expect(counting.connections[before]).toMatchObject({ bytes: 0, closed: true });
  });

  it('refuses a test when the reply catalogue cannot be read before it signs in: no AUTH, MAIL or message reaches the server', async () => {
    const sessions = peer.sessions.length;
    await withBrokenCatalogue('resources-broken', async () => {
      const dispatcher = (await openSmtpServices(io())).createDispatcher();
      const result = await dispatcher.dispatch('smtp:send-test-message', testInput(peer.port));
      expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: CATALOGUE_UNREADABLE } });
    });
    for (const session of peer.sessions.slice(sessions)) expect(session).toMatchObject({ authAttempts: [], mailFrom: [], rcptTo: [], messages: [] });
  });
  it('stops the test as soon as the reply catalogue comes back unreadable, instead of running its session first', async () => {
    const connections = counting.connections.length;
    await withBrokenCatalogue('resources-broken-stop', async () => {
      const dispatcher = (await openSmtpServices(io())).createDispatcher();
      // The server greets and then never answers: a test that ran its session would wait out
      // these timeouts (longer than the test's own) before it came back.
      const waits = { timeouts: { deadlineMs: 300_000, connectMs: 120_000, greetingMs: 300_000, commandMs: 300_000 } };
      const result = await dispatcher.dispatch('smtp:test-connection', testInput(counting.port, waits));
      expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: CATALOGUE_UNREADABLE } });
    });
    // Stopped before EHLO: whatever reached the server carries no byte (the connection may be
    // gone before the server even accepted it).
    expect(counting.connections.slice(connections).filter((c) => c.bytes > 0)).toEqual([]);
  });
});

describe('which tests connect before the input is checked', () => {
  const ok = { host: '127.0.0.1', port: 587, security: 'starttls', from: USER, credentials: { kind: 'password', username: USER }, secret: SECRET, dnsServers: [] };

  it('a test or test message to an IP address and port, with or without credentials', () => {
    expect(earlyTarget('smtp:test-connection', ok)).toEqual({ address: '127.0.0.1', port: 587 });
    expect(earlyTarget('smtp:send-test-message', { ...ok, host: '::1', port: 465, security: 'tls' })).toEqual({ address: '::1', port: 465 });
    expect(earlyTarget('smtp:test-connection', { host: '192.0.2.25', port: 25, security: 'none', credentials: null })).toEqual({ address: '192.0.2.25', port: 25 });
  });

  it.each([
    ['a host name: the settings say which DNS servers resolve it', 'smtp:test-connection', { ...ok, host: 'smtp.example.com' }],
    ['a bracketed address', 'smtp:test-connection', { ...ok, host: '[::1]' }],
    ['a port as text', 'smtp:test-connection', { ...ok, port: '587' }],
    ['port 0', 'smtp:test-connection', { ...ok, port: 0 }],
    ['a port past 65535', 'smtp:test-connection', { ...ok, port: 65536 }],
    ['a fractional port', 'smtp:test-connection', { ...ok, port: 587.5 }],
    ['an unknown security mode', 'smtp:test-connection', { ...ok, security: 'ssl' }],
    ['credentials without TLS', 'smtp:test-connection', { ...ok, security: 'none' }],
    ['a saved address (its secret is lent only after the lending checks)', 'smtp:test-connection', { ...ok, addressId: 'a1' }],
    ['CR/LF in the From address', 'smtp:test-connection', { ...ok, from: `${USER}\r\nRCPT TO:<x@example.com>` }],
    ['LF in the username', 'smtp:test-connection', { ...ok, credentials: { kind: 'password', username: `${USER}\nAUTH` } }],
    ['NUL in the EHLO name', 'smtp:send-test-message', { ...ok, ehloName: 'relay.example.com\u0000' }],
    ['U+2028 LINE SEPARATOR in the To address', 'smtp:send-test-message', { ...ok, to: `${USER}\u2028RCPT TO:<x@example.com>` }],
    ['a bidi control in the username', 'smtp:test-connection', { ...ok, credentials: { kind: 'password', username: `\u202E${USER}` } }],
    ['ESC in the secret', 'smtp:test-connection', { ...ok, secret: `${SECRET}\u001b` }],
    ['the probe', 'smtp:probe', ok],
    ['no object', 'smtp:test-connection', null],
    ['a list', 'smtp:test-connection', [ok]],
  ])('not %s', (_why, channel, input) => {
    expect(earlyTarget(channel, input)).toBeNull();
  });
});
