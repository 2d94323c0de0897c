/**
 * The arguments of `relayproof check` that name DNS questions, checked with the plain field
 * rules exactly as the checklist's schema checks and normalises them, in a module of its
 * own: the command's warm-up (dns-commands.ts) and its early question, asked before the
 * command's modules load (check-early-question.ts), start only for arguments that pass.
 */
import { checkDomainName, checkIpAddress, checkSafeText } from '../../src-preload/contract/plain-fields';
import type { WarmupInput } from '../checks/checklist-warmup';

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
 * checklist's schema checks and normalises them; null when one is refused (the schema then
 * says why, and no question leaves for it). `--platform`, `--route` and `--environment` are
 * refused before, by the option table; the arguments only the schema checks (the selectors,
 * `--forward-to`) are refused after the first questions about a valid domain have left for
 * the servers the admin named.
 */
export function warmupInput(domain: string, values: CheckValues): WarmupInput | null {
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

