import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileServer, type HostileServer } from '../testing/hostile-servers';
import { testConnection } from './connection-test';
import { probeHost } from './probe';
import type { ConnectionTestInput } from '../../src-preload/contract/smtp-schemas';

/** CR, LF and NUL alone, combined, and carrying whole SMTP commands (RFC 5321 §2.3.8). */
const SEQUENCES = [
  '\r',
  '\n',
  '\r\n',
  '\u0000',
  '\n\r',
  '\r\r\n',
  '\u0000\r\n',
  '\r\n.\r\n',
  '\r\nRSET',
  '\r\nQUIT',
  '\r\nMAIL FROM:<evil@example.com>',
  '\r\nRCPT TO:<victim@example.com>',
  '\r\nDATA\r\nSubject: injected\r\n\r\nbody\r\n.\r\n',
  '\nAUTH PLAIN AGV2aWwAZXZpbA==',
  '\u0000MAIL FROM:<evil@example.com>',
  '\r\n\r\n',
];

function payloads(base: string): string[] {
  const middle = Math.floor(base.length / 2);
  return SEQUENCES.flatMap((seq) => [seq + base, base.slice(0, middle) + seq + base.slice(middle), base + seq]);
}

let capture: HostileServer;
beforeAll(async () => {
  capture = await startHostileServer('capture');
});
afterAll(async () => {
  await capture.close();
});

type Field = 'host' | 'from' | 'to' | 'ehloName' | 'username' | 'secret' | 'dnsServer';
const base = (): ConnectionTestInput => ({
  host: '127.0.0.1',
  port: capture.port,
  security: 'none',
  from: 'support@example.com',
  to: 'inbox@example.com',
  ehloName: 'relay.example.com',
  timeouts: { deadlineMs: 1_000 },
});
const withCredentials = (username: string, secret: string): ConnectionTestInput => ({
  ...base(),
  security: 'starttls',
  credentials: { kind: 'password', username, secret },
});

const fields: Record<Field, { value: string; input: (value: string) => ConnectionTestInput }> = {
  host: { value: 'smtp.example.com', input: (host) => ({ ...base(), host }) },
  from: { value: 'support@example.com', input: (from) => ({ ...base(), from }) },
  to: { value: 'inbox@example.com', input: (to) => ({ ...base(), to }) },
  ehloName: { value: 'relay.example.com', input: (ehloName) => ({ ...base(), ehloName }) },
  username: { value: 'app@example.com', input: (username) => withCredentials(username, 'secret') },
  secret: { value: 'correct-horse', input: (secret) => withCredentials('app@example.com', secret) },
  dnsServer: { value: '127.0.0.1:53', input: (server) => ({ ...base(), host: 'smtp.example.com', dnsServers: [server] }) },
};

describe('CR, LF and NUL in any text field are refused before a connection', () => {
  it.each(Object.keys(fields) as Field[])('%s: every payload is invalid-input and the server sees nothing', async (field) => {
    const { value, input } = fields[field];
    const list = payloads(value);
    expect(list.length).toBeGreaterThanOrEqual(40);
    for (const payload of list) {
      const result = await testConnection(input(payload));
      expect(result.ok, JSON.stringify(payload)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid-input');
    }
    expect(capture.connections()).toBe(0);
    expect(capture.lines).toEqual([]);
  });

  it('the probe refuses them in its host and EHLO name too', async () => {
    for (const payload of [...payloads('smtp.example.com'), ...payloads('relay.example.com').map((p) => `ehlo:${p}`)]) {
      const input = payload.startsWith('ehlo:') ? { host: '127.0.0.1', ehloName: payload.slice(5), ports: [capture.port] } : { host: payload, ports: [capture.port] };
      const result = await probeHost(input);
      expect(result.ok).toBe(false);
    }
    expect(capture.connections()).toBe(0);
  });

  it('control: the same fields without a payload do reach the server', async () => {
    const control = await startHostileServer('capture');
    try {
      const result = await testConnection({ ...base(), port: control.port });
      expect(result.ok && result.value.ok).toBe(true);
      expect(control.lines).toEqual(['EHLO relay.example.com', 'MAIL FROM:<support@example.com>', 'RCPT TO:<inbox@example.com>', 'RSET', 'QUIT']);
    } finally {
      await control.close();
    }
  });
});
