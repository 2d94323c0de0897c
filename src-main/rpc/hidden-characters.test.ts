/**
 * Issue 12: every identifier field of every channel refuses control characters, bidi
 * controls and zero-width characters as `invalid-input` BEFORE anything is touched. Each
 * field gets 64 hostile variants of a valid value; the channel runs on real services whose
 * keychain records every call, whose DNS server and SMTP listener on 127.0.0.1 record
 * every question and connection, and whose Entra network client records every request.
 * The same hostile values in an import file are refused row by row, with the reason.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, type ChannelName } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { HIDDEN_FREE_TEXT_CHARACTERS, HIDDEN_IDENTIFIER_CHARACTERS, hiddenPayloads } from '../../src-preload/contract/testing/hidden-payloads';
import {
  identifierFields,
  valueAt,
  withValueAt,
  type IdentifierEnvironment,
  type IdentifierField,
} from '../testing/contract-invalid-inputs';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { makeTempDir, memoryKeychain, type TempDir } from '../testing/transport-support';
import type { KeychainBackend } from '../vault/vault';
import type { Dispatcher } from './dispatch';

const SMTP_HOST = 'smtp.relay.test';

/** The keychain the vault sees, with every call it makes (any call at all is a touch). */
function recordingKeychain(): KeychainBackend & { readonly calls: string[] } {
  const inner = memoryKeychain();
  const calls: string[] = [];
  return {
    calls,
    getPassword: (service, account) => (calls.push(`get ${account}`), inner.getPassword(service, account)),
    setPassword: (service, account, password) => (calls.push(`set ${account}`), inner.setPassword(service, account, password)),
    deletePassword: (service, account) => (calls.push(`delete ${account}`), inner.deletePassword(service, account)),
    findCredentials: (service) => (calls.push('find'), inner.findCredentials(service)),
  };
}

let temp: TempDir;
let dns: TestDnsServer;
let smtp: Server;
let smtpConnections = 0;
const smtpSockets = new Set<Socket>();
const entraRequests: string[] = [];
let keychain: ReturnType<typeof recordingKeychain>;
let services: Services;
let dispatcher: Dispatcher;
let env: IdentifierEnvironment;

/** The table with placeholder peers: only for test names and counts (the real one needs the ports). */
const TABLE = identifierFields({ addressId: 'addr-placeholder', smtpHost: SMTP_HOST, smtpPort: 2525, dnsServer: '127.0.0.1:53' });

function characterLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The character as a refusal names it: `(U+202E RIGHT-TO-LEFT OVERRIDE)` or, unnamed, `(U+1D173)`. */
function labelled(codePoint: number): RegExp {
  return new RegExp(`\\(${characterLabel(codePoint).replace('+', '\\+')}[ )]`, 'u');
}

function touches(): { keychain: string[]; dns: number; smtp: number; entra: number } {
  return { keychain: [...keychain.calls], dns: dns.queries.length, smtp: smtpConnections, entra: entraRequests.length };
}

beforeAll(async () => {
  temp = await makeTempDir('hidden-chars');
  dns = await startTestDnsServer({ zones: [{ origin: 'relay.test', records: [rr.a(SMTP_HOST, '127.0.0.1')] }, { origin: 'example.test', records: [rr.txt('_dmarc.example.test', 'v=DMARC1; p=none')] }] });
  smtp = createServer((socket) => {
    smtpConnections += 1;
    smtpSockets.add(socket);
    socket.on('close', () => smtpSockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end('421 4.3.2 recording listener, closing\r\n');
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.address() as { port: number }).port;
  keychain = recordingKeychain();
  const refuse = (url: string) => {
    entraRequests.push(url);
    return Promise.reject(new Error('recording network client: no Entra here'));
  };
  services = createServices({
    dataDirectory: join(temp.path, 'data'),
    mode: 'browser',
    logger: silentLogger,
    keychain: async () => keychain,
    validateOutput: true,
    m365OAuth: { networkClient: { sendGetRequestAsync: refuse, sendPostRequestAsync: refuse } },
  });
  dispatcher = services.createDispatcher();
  const created = await dispatcher.dispatch('addresses:create', {
    fields: { address: 'support@example.test', platform: 'zendesk', environment: 'production', provider: 'microsoft-365', host: SMTP_HOST, port: smtpPort, security: 'starttls', username: 'support@example.test', authKind: 'password' },
    secret: 'stored-app-password',
  });
  if (!created.ok) throw new Error(created.error.message);
  env = { addressId: (created.value as { id: string }).id, smtpHost: SMTP_HOST, smtpPort, dnsServer: dns.address };
  keychain.calls.length = 0;
  dns.resetQueries();
}, 60_000);

afterAll(async () => {
  for (const socket of smtpSockets) socket.destroy();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await dns.close();
  await temp.remove();
});

describe(`${TABLE.length} identifier fields across ${new Set(TABLE.map((f) => f.channel)).size} channels refuse hidden characters before touching anything`, () => {
  it('the table is complete: 50+ payloads per field, and every base input is valid as it stands', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(80);
    expect(HIDDEN_IDENTIFIER_CHARACTERS.length).toBeGreaterThanOrEqual(60);
    for (const field of identifierFields(env)) {
      const value = valueAt(field.base, field.path);
      expect(typeof value, `${field.channel} ${field.path.join('.')}`).toBe('string');
      const parsed = contract[field.channel].input.safeParse(field.base);
      expect(parsed.success, `${field.channel} base: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(hiddenPayloads(value as string, field.rule === 'free-text' ? HIDDEN_FREE_TEXT_CHARACTERS : HIDDEN_IDENTIFIER_CHARACTERS).length).toBeGreaterThanOrEqual(50);
    }
  });

  it.each(TABLE.map((f, i) => [`${f.channel} ${f.path.join('.')}`, i] as const))('%s', async (_name, index) => {
    const field = identifierFields(env)[index] as IdentifierField;
    const valid = valueAt(field.base, field.path) as string;
    const payloads = hiddenPayloads(valid, field.rule === 'free-text' ? HIDDEN_FREE_TEXT_CHARACTERS : HIDDEN_IDENTIFIER_CHARACTERS);
    const before = touches();
    for (const payload of payloads) {
      const answer = await dispatcher.dispatch(field.channel, withValueAt(field.base, field.path, payload.value));
      const what = `${field.channel} ${field.path.join('.')} ${payload.label} ${JSON.stringify(payload.value)}`;
      expect(answer.ok, what).toBe(false);
      if (answer.ok) continue;
      expect(answer.error.code, `${what}: ${answer.error.message}`).toBe('invalid-input');
      if (field.named) {
        // Named (`(U+202E RIGHT-TO-LEFT OVERRIDE)`), or an unnamed format character (`(U+1D173)`).
        expect(answer.error.message, what).toMatch(labelled(payload.codePoint));
        expect(answer.error.message, what).toContain(`at position ${payload.position}.`);
      }
    }
    // Not one keychain call, DNS question, SMTP connection or Entra request.
    expect(touches()).toEqual(before);
  });

  it('the recorders do record: the valid inputs reach the DNS server, the SMTP listener and the keychain', async () => {
    const fields = identifierFields(env);
    const baseOf = (channel: ChannelName) => fields.find((f) => f.channel === channel)?.base;
    keychain.calls.length = 0;
    expect(await dispatcher.dispatch('checks:check-propagation', baseOf('checks:check-propagation'))).toMatchObject({ ok: true });
    expect(dns.queries.length).toBeGreaterThan(0);
    expect(await dispatcher.dispatch('smtp:probe', baseOf('smtp:probe'))).toMatchObject({ ok: true });
    expect(smtpConnections).toBeGreaterThan(0);
    expect(await dispatcher.dispatch('vault:set-secret', baseOf('vault:set-secret'))).toMatchObject({ ok: true });
    expect(keychain.calls.length).toBeGreaterThan(0);
  });
});

describe('an import file with hidden characters is refused row by row, with the reason', () => {
  it('every hostile row of every identifier field is rejected naming the field and the character; the good row is imported', async () => {
    const good = { address: 'good@example.test', platform: 'generic', environment: 'sandbox', provider: 'generic', host: 'smtp.example.test', port: 587, security: 'starttls', username: 'good@example.test', authKind: 'password' };
    const rowFields = identifierFields(env).filter((f) => f.channel === 'addresses:create').map((f) => ({ path: f.path.slice(1), named: f.named }));
    const base = { ...good, address: 'row@example.test', selectors: ['zendesk1'], platformSubdomain: 'example', mailbox: { host: 'imap.example.test', port: 993, security: 'tls', username: 'inbox@example.test', mailboxes: ['INBOX', 'Junk'] }, forwardingMailbox: { host: 'imap.example.test', port: 993, security: 'tls', username: 'desk@example.test', mailboxes: ['INBOX', 'Junk'] } };
    const hostile: Array<{ value: unknown; label: string; codePoint: number; position: number; named: boolean }> = [];
    for (const field of rowFields) {
      for (const payload of hiddenPayloads(valueAt(base, field.path) as string)) {
        // Distinct addresses, so no row is refused as a duplicate of another instead.
        const row = withValueAt({ ...base, address: `row${hostile.length}@example.test` }, field.path, payload.value);
        hostile.push({ value: row, label: `${field.path.join('.')} ${payload.label}`, codePoint: payload.codePoint, position: payload.position, named: field.named });
      }
    }
    expect(hostile.length).toBeGreaterThanOrEqual(12 * 50);
    const document = { format: 'relayproof-addresses', version: 1, exportedAt: '2026-11-23T12:00:00.000Z', addresses: [good, ...hostile.map((h) => h.value)] };
    const before = touches();
    const answer = await dispatcher.dispatch('addresses:import', { document });
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const result = answer.value as { imported: Array<{ address: string }>; rejected: Array<{ row: number; reason: string }> };
    expect(result.imported.map((a) => a.address)).toEqual(['good@example.test']);
    expect(result.rejected).toHaveLength(hostile.length);
    result.rejected.forEach((rejected, i) => {
      const h = hostile[i];
      expect(rejected.row, h?.label).toBe(i + 2);
      if (h?.named === true) expect(rejected.reason, h.label).toMatch(labelled(h.codePoint));
      if (h?.named === true) expect(rejected.reason, h.label).toContain(`at position ${h.position}.`);
    });
    expect(touches().dns).toBe(before.dns);
    expect(touches().smtp).toBe(before.smtp);
    expect(services.store.listAddresses().some((a) => a.address.startsWith('row'))).toBe(false);
  });
});
