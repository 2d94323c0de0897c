/**
 * Issue 12: a hostile SMTP server on 127.0.0.1 answers the stored password with a
 * multi-line 535 that quotes it changed (upper-cased, a piece of it, wrapped over two
 * lines with a 3-character tail, case-swapped). The connection test's transcript and
 * report, the verification history it is recorded in, and the exported reports (JSON and
 * HTML) must hold none of it: no piece of 6 or more characters, in any case. An IMAP
 * server that does the same to the mailbox password gets the same treatment.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { SECRET_MARK } from '../smtp/secret-redactor';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { startHostileImap } from '../testing/hostile-imap';
import { startHostileServer, type HostileServer } from '../testing/hostile-servers';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { makeTempDir, memoryKeychain, type TempDir } from '../testing/transport-support';
import { receiveByImap } from './imap-receipt';

const USER = 'support@example.test';
/** No English in it, so a piece found in a text can only be a leak. */
const SECRET = 'Zq7vT9kLp2Wm4xR8Hy';

let temp: TempDir;
let pki: TestPki;
let server: HostileServer;
let dns: TestDnsServer;
let services: Services;
let dispatcher: ReturnType<Services['createDispatcher']>;
let addressId: string;

/** The promise: no piece of the secret this long, in any case. */
const PIECE = 6;

/** Every piece of the secret of PIECE characters that `text` holds, in any case. */
function leaks(text: string): string[] {
  const folded = text.toLowerCase();
  const found: string[] = [];
  for (let i = 0; i + PIECE <= SECRET.length; i++) {
    const piece = SECRET.slice(i, i + PIECE).toLowerCase();
    if (folded.includes(piece)) found.push(piece);
  }
  return found;
}

beforeAll(async () => {
  temp = await makeTempDir('secret-quotes');
  pki = createTestPki();
  server = await startHostileServer('quote-secret', { tls: pki.leaf });
  dns = await startTestDnsServer({ zones: [{ origin: 'example.test', records: [rr.txt('example.test', 'v=spf1 ip4:127.0.0.1 -all'), rr.txt('_dmarc.example.test', 'v=DMARC1; p=none')] }] });
  services = createServices({
    dataDirectory: join(temp.path, 'data'),
    mode: 'cli',
    logger: silentLogger,
    keychain: async () => memoryKeychain(),
    validateOutput: true,
    verification: { resolverOptions: { timeoutMs: 1_000, retries: 0 } },
  });
  dispatcher = services.createDispatcher();
  const settings = await dispatcher.dispatch('settings:update', {
    patch: { dnsServers: [dns.address], pinnedCertificates: [{ host: '127.0.0.1', sha256: pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }] },
  });
  if (!settings.ok) throw new Error(settings.error.message);
  const created = await dispatcher.dispatch('addresses:create', {
    fields: { address: USER, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: server.port, security: 'tls', username: USER, authKind: 'password' },
    secret: SECRET,
  });
  if (!created.ok) throw new Error(created.error.message);
  addressId = (created.value as { id: string }).id;
}, 60_000);

afterAll(async () => {
  await server.close();
  await dns.close();
  pki.cleanup();
  await temp.remove();
}, 60_000);

describe('a server that quotes the password changed', () => {
  it('the connection test: transcript, replies, failure and diagnosis hold no piece of it', async () => {
    const answer = await dispatcher.dispatch('smtp:test-connection', {
      operationId: 'op_quote_secret_1',
      host: '127.0.0.1',
      port: server.port,
      security: 'tls',
      from: USER,
      addressId,
      credentials: { kind: 'password', username: USER },
    });
    if (!answer.ok) throw new Error(answer.error.message);
    const report = answer.value as ConnectionReport;
    expect(server.lines.some((l) => l.startsWith('AUTH PLAIN '))).toBe(true);
    expect(report.auth?.accepted).toBe(false);
    const replies = report.transcript.filter((l) => l.dir === 'S' && l.text.startsWith('535')).map((l) => l.text);
    expect(replies).toHaveLength(5);
    // Every quoting line lost its quote; the tail wrapped onto the next line (3 characters) too.
    expect(replies.every((l) => l.includes(SECRET_MARK))).toBe(true);
    expect(replies[3]).toBe(`535-5.7.8 ${SECRET_MARK} and ends there`);
    expect(leaks(JSON.stringify(report))).toEqual([]);
  });

  it('the verification history of a re-check holds no piece of it', async () => {
    const rechecked = await dispatcher.dispatch('verification:recheck', { operationId: 'op_quote_secret_2', addressId });
    if (!rechecked.ok) throw new Error(rechecked.error.message);
    const history = await dispatcher.dispatch('verification:history', { addressId, limit: 10 });
    if (!history.ok) throw new Error(history.error.message);
    const text = JSON.stringify(history.value);
    // The run recorded the refused sign-in, with the server's words (redacted).
    expect(text).toContain('535');
    expect(text).toContain(SECRET_MARK);
    expect(leaks(text)).toEqual([]);
    expect(leaks(JSON.stringify(rechecked.value))).toEqual([]);
  });

  it('the exported reports, JSON and HTML, hold no piece of it and still validate', async () => {
    for (const format of ['json', 'html'] as const) {
      const report = await dispatcher.dispatch('verification:report', { addressId, format });
      if (!report.ok) throw new Error(report.error.message);
      const { content } = report.value as { content: string };
      expect(content).toContain(format === 'json' ? '"kind": "relayproof-verification-report"' : '<html');
      expect(leaks(content), format).toEqual([]);
    }
  });

  it('an IMAP server quoting the mailbox password: the failure that goes into history holds no piece of it', async () => {
    const imap = await startHostileImap(pki.leaf);
    try {
      const outcome = await receiveByImap({
        mailbox: { host: '127.0.0.1', port: imap.port, security: 'tls', username: 'inbox@example.test' },
        password: SECRET,
        token: 'rp-token-1',
        deadlineAt: new Date(Date.now() + 5_000),
        ca: [pki.ca],
      });
      expect(imap.passwords).toEqual([SECRET]);
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(outcome.failure.code).toBe('auth-failed');
      expect(outcome.failure.message).toContain(SECRET_MARK);
      expect(leaks(JSON.stringify(outcome.failure))).toEqual([]);
    } finally {
      await imap.close();
    }
  });
});
