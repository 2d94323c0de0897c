/**
 * The services of `relayproof smtp test` and `smtp probe`: a dispatcher of the SMTP channels
 * (cli/smtp-dispatcher.ts builds it), loaded only when the command dispatches.
 *
 * A test whose input already names an IP address and a port is connected first, and the
 * rest loads while the TCP handshake and the server's wait before its greeting go by:
 * zod, the contract's schemas, the settings and the engine cost the process about 150 ms
 * before its first packet, and many servers hold their greeting 100 ms or more. Nothing is
 * sent on that connection until the dispatcher has checked the input as always and the
 * engine takes it for the same address and port (smtp/early-connection.ts); a test refused
 * or sent elsewhere closes it without a byte written. Names are never resolved here: which
 * DNS servers a test uses is for the settings to say.
 */
import type { Services } from '../services';
import type { Dispatcher } from '../rpc/channel-dispatch';
import { hiddenCharacterProblem } from '../../src-preload/contract/hidden-characters';
import { checkIpAddress } from '../../src-preload/contract/plain-fields';
import { openEarlyConnection, type EarlyConnection, type EarlyTarget } from '../smtp/early-connection';
import { SECURITY } from './command-table';
import type { CliIo } from './io';

/** How to open the connection before the rest loads; tests pass one that watches. */
export type OpenEarly = (target: EarlyTarget) => EarlyConnection;

export async function openSmtpServices(io: CliIo, openEarly: OpenEarly = openEarlyConnection): Promise<Pick<Services, 'createDispatcher'>> {
  return {
    createDispatcher: (onEvent) => {
      let current: Dispatcher | null = null;
      return {
        async dispatch(channel, rawInput, callerSignal) {
          const target = earlyTarget(channel, rawInput);
          const early = target !== null ? openEarly(target) : undefined;
          try {
            const { createSmtpDispatcher } = await import('./smtp-dispatcher');
            // One per call, so that each call's connection goes to its own test.
            const dispatcher = await createSmtpDispatcher(io, { early, onEvent });
            current = dispatcher;
            return await dispatcher.dispatch(channel, rawInput, callerSignal);
          } finally {
            // Refused, sent elsewhere, or failed before connecting: closed without a byte written.
            early?.discard();
          }
        },
        cancel: (operationId) => current?.cancel(operationId) ?? false,
      };
    },
  };
}

const TEST_CHANNELS: ReadonlySet<string> = new Set(['smtp:test-connection', 'smtp:send-test-message']);
const SECURITIES: ReadonlySet<unknown> = new Set(SECURITY);

/**
 * Where a connection test will connect, when its raw input says so plainly: an IP address,
 * a port, a security mode, no saved address, and nothing the contract refuses before a
 * connection is opened (a line break, control or bidi character in any field; credentials
 * without TLS). Null for anything else: that test connects when the engine gets to it, as
 * any other.
 */
export function earlyTarget(channel: string, input: unknown): EarlyTarget | null {
  if (!TEST_CHANNELS.has(channel) || !isRecord(input)) return null;
  const { host, port, security, addressId, credentials } = input;
  if (typeof host !== 'string' || !checkIpAddress(host).ok) return null;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  if (!SECURITIES.has(security) || addressId !== undefined) return null;
  if (security === 'none' && credentials !== undefined && credentials !== null) return null;
  if (hasHiddenCharacter(input, 0)) return null;
  return { address: host, port };
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Any string in the input with a line break or control character (CR, LF and NUL are SMTP
 * command injection), as even free text refuses them; anything nested too deep counts as one.
 */
function hasHiddenCharacter(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return hiddenCharacterProblem('field', value, 'free-text') !== null;
  if (typeof value !== 'object' || value === null) return false;
  if (depth > 4) return true;
  return Object.values(value).some((v) => hasHiddenCharacter(v, depth + 1));
}
