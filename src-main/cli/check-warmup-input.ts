/**
 * The arguments of `relayproof check` that name DNS questions, checked with the plain field
 * rules exactly as the checklist's schema checks and normalises them, in a module of its
 * own: the command's warm-up (dns-commands.ts) and its early question, asked before the
 * command's modules load (check-early-question.ts), start only for arguments that pass.
 */
import { checkDomainName, checkIpAddress, checkSafeText, isDnsServerSpec } from '../../src-preload/contract/plain-fields';
import { PLATFORM_ID_PATTERN, ROUTE_IDS, SES_PLATFORM_ID } from '../../src-preload/contract/platform-ids';
import type { WarmupInput } from '../checks/checklist-warmup';

/** The contract's limit on the servers one checklist asks (checks-schemas.ts: dnsServers). */
const MAX_DNS_SERVERS = 8;

/** What makes `check` refuse its options before any question is asked; null when nothing does. */
export function checkUsageProblem(values: CheckValues): string | null {
  if (values.from !== undefined && values.platform !== SES_PLATFORM_ID) return `--from says which SES identity covers a From address: it needs --platform ${SES_PLATFORM_ID}.`;
  if (values.environment !== undefined && values.from === undefined) return '--environment says where --from must be covered: give --from too.';
  return null;
}

/** Servers the questions may go to before the schema has read them: at most the contract's number, each one a server spec (none: the system's). */
export function askableServers(servers: readonly string[]): boolean {
  return servers.length <= MAX_DNS_SERVERS && servers.every(isDnsServerSpec);
}

/** The option values of `check` (parseArgs' inferred type loses the names once wrapped). */
export interface CheckValues {
  json?: boolean;
  'dns-server'?: string[];
  platform?: string;
  route?: string;
  'relay-selector'?: string[];
  selector?: string[];
  ip?: string;
  'smtp-host'?: string;
  helo?: string;
  'forward-to'?: string;
  from?: string;
  environment?: string;
}

/**
 * The arguments that name DNS questions, checked with the plain field rules exactly as the
 * checklist's schema checks and normalises them, and `--platform` and `--route` by theirs;
 * null when one is refused (the schema then says why, and no question leaves for it). The
 * arguments only the schema checks (the selectors, `--forward-to`) are refused after the
 * first questions about a valid domain have left for the servers the admin named.
 */
export function warmupInput(domain: string, values: CheckValues): WarmupInput | null {
  if (values.platform !== undefined && !PLATFORM_ID_PATTERN.test(values.platform)) return null;
  if (values.route !== undefined && !(ROUTE_IDS as readonly string[]).includes(values.route)) return null;
  const checked = {
    domain: checkDomainName(domain),
    sendingIp: values.ip === undefined ? undefined : checkIpAddress(values.ip),
    smtpHost: values['smtp-host'] === undefined ? undefined : checkSafeText('The SMTP host', 253, values['smtp-host']),
    heloName: values.helo === undefined ? undefined : checkSafeText('The HELO name', 253, values.helo),
  };
  if (Object.values(checked).some((c) => c !== undefined && !c.ok)) return null;
  const value = (c: (typeof checked)[keyof typeof checked]) => (c?.ok === true ? c.value : undefined);
  const input: WarmupInput = {
    domain: value(checked.domain) ?? domain,
    ...(checked.sendingIp !== undefined ? { sendingIp: value(checked.sendingIp) } : {}),
    ...(checked.smtpHost !== undefined ? { smtpHost: value(checked.smtpHost) } : {}),
    ...(checked.heloName !== undefined ? { heloName: value(checked.heloName), heloSource: 'user' as const } : {}),
  };
  return input;
}

