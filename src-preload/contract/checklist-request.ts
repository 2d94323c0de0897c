/**
 * The checklist's input read without zod, for `relayproof check`: building the contract's
 * schemas and parsing with them cost the command more CPU than its whole DNS evaluation,
 * and it ran while the first answers waited. The schema (`checks:run-checklist` in
 * checks.ts: checklistInputSchema and an operationId) stays the authority: this reader
 * only *accepts* input, and only input the schema accepts, returning exactly what the
 * schema returns. Anything it is not sure of (a refused field, `only`, `dmarcReports`, an
 * unknown key) it leaves to the schema, which then says what is wrong in its own words.
 * checklist-request.test.ts holds the two equal on every input of a corpus and a fuzz.
 */
import type { ChecklistInput } from './checks-schemas';
import { checkDomainName, checkIpAddress, checkSafeText, isDnsServerSpec } from './plain-fields';
import { GENERIC_PLATFORM_ID, PLATFORM_ID_PATTERN, ROUTE_IDS } from './platform-ids';
import { hiddenCharacterProblem } from './hidden-characters';

/** The checklist channel's deadline (checks.ts uses it too). */
export const CHECKLIST_TIMEOUT_MS = 60_000;

export type ChecklistRequest = ChecklistInput & { readonly operationId: string };

const KEYS = new Set([
  'domain',
  'platform',
  'route',
  'relaySelectors',
  'relayInclude',
  'selectors',
  'messageHeaders',
  'sendingIp',
  'smtpHost',
  'sender',
  'heloName',
  'heloSource',
  'forwardingAddress',
  'dnsServers',
  'operationId',
]);
const SELECTOR = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/u;
const OPERATION_ID = /^[A-Za-z0-9_-]{8,64}$/u;
const HELO_SOURCES: readonly string[] = ['ehlo', 'banner', 'user'];

/** Not sure: the schema decides. */
class Undecided extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Undecided();
  return value;
}

function checked(result: { readonly ok: true; readonly value: string } | { readonly ok: false }): string {
  if (!result.ok) throw new Undecided();
  return result.value;
}

function selectors(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 16) throw new Undecided();
  // Array.from: a hole becomes undefined and is refused (map would skip it).
  return Array.from(value as unknown[]).map((item) => {
    const raw = text(item);
    if (hiddenCharacterProblem('The DKIM selector', raw, 'identifier') !== null) throw new Undecided();
    const selector = raw.trim().toLowerCase();
    if (!SELECTOR.test(selector) || selector.length > 63) throw new Undecided();
    return selector;
  });
}

function safeText(label: string, max: number, value: unknown): string {
  return checked(checkSafeText(label, max, text(value)));
}

/** The parsed input, exactly as the contract's schema would return it; null when the schema must decide. */
export function acceptChecklistRequest(raw: unknown): ChecklistRequest | null {
  // A key given as undefined: left to the schema, which keeps such keys in its output.
  if (!isRecord(raw) || Object.entries(raw).some(([key, value]) => !KEYS.has(key) || value === undefined)) return null;
  const present = (key: string) => key in raw;
  try {
    const platform = present('platform') ? text(raw.platform) : GENERIC_PLATFORM_ID;
    if (!PLATFORM_ID_PATTERN.test(platform)) throw new Undecided();
    const route = raw.route;
    if (route !== undefined && !(ROUTE_IDS as readonly unknown[]).includes(route)) throw new Undecided();
    const heloSource = raw.heloSource;
    if (heloSource !== undefined && !HELO_SOURCES.includes(text(heloSource))) throw new Undecided();
    const dnsServers = raw.dnsServers === undefined ? [] : raw.dnsServers;
    if (!Array.isArray(dnsServers) || dnsServers.length > 8 || !Array.from(dnsServers as unknown[]).every((s) => typeof s === 'string' && isDnsServerSpec(s))) throw new Undecided();
    const messageHeaders = raw.messageHeaders;
    if (messageHeaders !== undefined && (typeof messageHeaders !== 'string' || messageHeaders.length > 65_536)) throw new Undecided();
    const operationId = text(raw.operationId);
    if (!OPERATION_ID.test(operationId)) throw new Undecided();
    // The schema's keys in its order; an optional field only when given.
    const input = {
      domain: checked(checkDomainName(text(raw.domain))),
      platform,
      ...(route !== undefined ? { route: route as ChecklistInput['route'] } : {}),
      relaySelectors: selectors(raw.relaySelectors),
      ...(present('relayInclude') ? { relayInclude: checked(checkDomainName(text(raw.relayInclude))) } : {}),
      selectors: selectors(raw.selectors),
      ...(messageHeaders !== undefined ? { messageHeaders } : {}),
      ...(present('sendingIp') ? { sendingIp: checked(checkIpAddress(text(raw.sendingIp))) } : {}),
      ...(present('smtpHost') ? { smtpHost: safeText('The SMTP host', 253, raw.smtpHost) } : {}),
      ...(present('sender') ? { sender: safeText('The envelope sender', 320, raw.sender) } : {}),
      ...(present('heloName') ? { heloName: safeText('The HELO name', 253, raw.heloName) } : {}),
      ...(heloSource !== undefined ? { heloSource: heloSource as ChecklistInput['heloSource'] } : {}),
      ...(present('forwardingAddress') ? { forwardingAddress: safeText('The forwarding address', 320, raw.forwardingAddress) } : {}),
      dnsServers: Array.from(dnsServers as string[]),
      operationId,
    };
    return input;
  } catch (error) {
    if (error instanceof Undecided) return null;
    throw error;
  }
}
