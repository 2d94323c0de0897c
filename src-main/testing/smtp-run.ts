/** Test helpers around the engine: run a test that must be accepted as input, and the secret forms to hunt for. */
import { testConnection, type ConnectionTestOptions } from '../smtp/connection-test';
import type { ConnectionReport, ConnectionTestInput } from '../../src-preload/contract/smtp-schemas';

/** Short, injected deadlines: tests finish fast on 2 cores. */
export const FAST = { deadlineMs: 3_000, connectMs: 1_000, greetingMs: 1_000, commandMs: 1_500, dnsMs: 1_000 } as const;

export async function runTest(input: ConnectionTestInput, options: ConnectionTestOptions = {}): Promise<ConnectionReport> {
  const result = await testConnection({ timeouts: FAST, ...input }, options);
  if (!result.ok) throw new Error(`input refused: ${result.error.message}`);
  return result.value;
}

/** The secret as it may travel: raw, base64, SASL PLAIN and XOAUTH2 encodings. */
export function leakedForms(username: string, secret: string): string[] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [secret, b64(secret), b64(`\u0000${username}\u0000${secret}`), b64(`user=${username}\u0001auth=Bearer ${secret}\u0001\u0001`)];
}
