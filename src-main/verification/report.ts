/**
 * The exported verification report (per address or for all), for a SaaS vendor's
 * support or a colleague: the derived status with countdowns, the latest message
 * proof, and the recent runs with their drift. JSON here; HTML in report-html.ts.
 *
 * No secret can be in it: the inputs (state, history) never hold one, and as a second
 * line of defence every string is scrubbed of the secrets the caller knows about
 * (their raw and base64/SASL forms, in any case, and any piece of 6 or more characters
 * a server may have quoted), with the same redactor as the SMTP transcript.
 */
import { createRedactor, secretForms, type Redact } from '../smtp/secret-redactor';
import { statusView } from './status-machine';
import { addressVerdictLabel, type ConnectionTestFacts } from '../../src-preload/contract/state-labels';
import type { RouteId } from '../../src-preload/contract/route-ids';
import { verificationReportSchema, type AddressVerificationState, type History, type RunRecord, type VerificationReport } from '../../src-preload/contract/verification-schemas';

export interface ReportAddressInput {
  readonly id: string;
  readonly address: string;
  readonly platform: string;
  readonly environment: string;
  /** The sending route the address is judged on (the same route as its checklist). */
  readonly route?: { readonly id: RouteId; readonly label: string };
  readonly state: AddressVerificationState;
  readonly history: History;
  /** The address's last connection test: a pass on this computer only is never a plain "Verified". */
  readonly lastTest?: ConnectionTestFacts;
}

export interface BuildReportOptions {
  readonly now: Date;
  readonly appVersion: string;
  /** Newest runs kept per address (the whole history stays in the store). */
  readonly runsPerAddress?: number;
  /** Secrets that must not appear (SMTP and IMAP passwords, tokens) with their usernames. */
  readonly secrets?: readonly { readonly username: string | null; readonly secret: string }[];
}

export const DEFAULT_REPORT_RUNS = 20;

/**
 * Relayproof's own vocabulary: ISO times, item ids (`dns:dkim:relay1`), states, codes.
 * No server writes these, so a piece they share with a secret is a coincidence, and
 * replacing it would break the report's schema; only a whole secret form is removed there.
 */
const VOCABULARY = /^(?:\d{4}-\d{2}-\d{2}T[\d:.]+Z|[a-z0-9]+(?:[-:._][a-z0-9]+)*)$/u;

interface Redactors {
  readonly full: Redact;
  readonly whole: Redact;
}

function redactString(text: string, redactors: Redactors): string {
  return VOCABULARY.test(text) ? redactors.whole(text) : redactors.full(text);
}

/** Deep copy with every string (and key) redacted. */
function scrub<T>(value: T, redactors: Redactors): T {
  if (typeof value === 'string') return redactString(value, redactors) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrub(v, redactors)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactString(k, redactors), scrub(v, redactors)])) as T;
  }
  return value;
}

export function buildReport(addresses: readonly ReportAddressInput[], options: BuildReportOptions): VerificationReport {
  const keep = options.runsPerAddress ?? DEFAULT_REPORT_RUNS;
  const report: VerificationReport = {
    kind: 'relayproof-verification-report',
    version: 1,
    generatedAt: options.now.toISOString(),
    appVersion: options.appVersion,
    addresses: addresses.map((a) => {
      const runs: RunRecord[] = [...a.history.runs].reverse().slice(0, keep);
      const latestMessage = [...a.history.runs].reverse().find((r) => r.message !== null)?.message ?? null;
      const status = statusView(a.state, options.now);
      return { id: a.id, address: a.address, platform: a.platform, environment: a.environment, ...(a.route === undefined ? {} : { route: a.route }), status, verdict: addressVerdictLabel(status, a.lastTest ?? null), runs, latestMessage };
    }),
  };
  const forms = [...new Set((options.secrets ?? []).filter((s) => s.secret.length >= 4).flatMap((s) => secretForms(s.username, s.secret)))];
  const scrubbed = forms.length === 0 ? report : scrub(report, { full: createRedactor(forms), whole: createRedactor(forms, { pieces: false }) });
  return verificationReportSchema.parse(scrubbed);
}

export function reportJson(report: VerificationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The report's file name without extension: the address as the admin knows it (sanitised:
 * `support@acme.test` → `support-at-acme.test`) and the date, never the internal id.
 * `address` undefined = the report of every address.
 */
export function reportFileStem(address: string | undefined, now: Date): string {
  const who =
    address === undefined
      ? 'all-addresses'
      : address
          .trim()
          .toLowerCase()
          .replace(/@/gu, '-at-')
          .replace(/[^a-z0-9._-]+/gu, '-')
          .replace(/-{2,}/gu, '-')
          .replace(/^[-.]+|[-.]+$/gu, '')
          .slice(0, 100) || 'address';
  return `relayproof-verification-${who}-${now.toISOString().slice(0, 10)}`;
}
