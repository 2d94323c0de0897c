/**
 * The checklist's checks whose questions depend on the domain and the sending server
 * alone, never on the platform's data: MX, PTR, HELO, MTA-STS, TLS-RPT and BIMI. One
 * list, used by the checklist's plan (checklist.ts) and by its warm-up
 * (checklist-warmup.ts), so the warm-up cannot ask what the checklist would not.
 * No zod here, nor in what it imports: the warm-up runs before the schemas have loaded.
 */
import type { CheckItem, CheckKind, ChecklistInput } from '../../src-preload/contract/checks-schemas';
import type { DnsResolver } from '../dns/resolver';
import { checkBimi } from './bimi';
import { checkHelo } from './helo';
import { checkMtaSts, type FetchPolicy } from './mta-sts';
import { checkMx } from './mx';
import { checkPtr } from './ptr';
import { checkTlsRpt } from './tls-rpt';

/** The fields of the checklist's input these checks read. */
export type PlatformFreeInput = Pick<ChecklistInput, 'domain' | 'sendingIp' | 'smtpHost' | 'heloName' | 'heloSource' | 'only'>;

export interface PlatformFreeCheck {
  readonly id: string;
  readonly kind: CheckKind;
  readonly run: () => Promise<CheckItem>;
}

/** In the checklist's order (after DMARC, before forwarding); only those `input.only` asks for. */
export function platformFreeChecks(
  input: PlatformFreeInput,
  common: { readonly resolver: DnsResolver; readonly signal?: AbortSignal | undefined },
  fetchMtaStsPolicy?: FetchPolicy,
): PlatformFreeCheck[] {
  const base = { domain: input.domain, resolver: common.resolver, signal: common.signal };
  const wanted = (kind: CheckKind) => input.only === undefined || input.only.includes(kind);
  const checks: PlatformFreeCheck[] = [];
  if (wanted('mx')) checks.push({ id: 'mx', kind: 'mx', run: () => checkMx(base) });
  if (wanted('ptr')) checks.push({ id: 'ptr', kind: 'ptr', run: () => checkPtr({ ...base, ip: input.sendingIp, smtpHost: input.smtpHost }) });
  if (wanted('helo')) checks.push({ id: 'helo', kind: 'helo', run: () => checkHelo({ ...base, name: input.heloName, source: input.heloSource, sendingIp: input.sendingIp }) });
  if (wanted('mta-sts')) checks.push({ id: 'mta-sts', kind: 'mta-sts', run: () => checkMtaSts({ ...base, fetchPolicy: fetchMtaStsPolicy }) });
  if (wanted('tls-rpt')) checks.push({ id: 'tls-rpt', kind: 'tls-rpt', run: () => checkTlsRpt(base) });
  if (wanted('bimi')) checks.push({ id: 'bimi', kind: 'bimi', run: () => checkBimi(base) });
  return checks;
}
