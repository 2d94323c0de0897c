/**
 * One SMTP TLS report (RFC 8460 §4): JSON, read with JSON.parse (no expansion of any kind)
 * after the archive layer has bounded its size, and checked field by field: a report
 * whose counts are not counts is refused rather than summed.
 */
import type { TlsReport } from '../../src-preload/contract/reports';

export type TlsParse = { readonly ok: true; readonly report: TlsReport } | { readonly ok: false; readonly message: string };

const MAX_POLICIES = 1_000;
const MAX_FAILURE_DETAILS = 10_000;

type Json = Record<string, unknown>;

function object(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 1024 ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function isoTime(value: unknown): string | null {
  const t = text(value);
  if (t === null) return null;
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function parseTlsReportJson(json: string, source: string): TlsParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, message: 'The JSON of the TLS report could not be read (it is damaged or cut off).' };
  }
  const root = object(parsed);
  const policies = root === null ? null : root['policies'];
  if (root === null || !Array.isArray(policies)) return { ok: false, message: 'This JSON is not an SMTP TLS report (RFC 8460): it has no "policies" list.' };
  if (policies.length > MAX_POLICIES) return { ok: false, message: `The TLS report lists more than ${MAX_POLICIES} policies.` };
  const range = object(root['date-range']);
  const begin = range === null ? null : isoTime(range['start-datetime']);
  const end = range === null ? null : isoTime(range['end-datetime']);
  const out: TlsReport['policies'] = [];
  let details = 0;
  for (const entry of policies) {
    const item = object(entry);
    const policy = item === null ? null : object(item['policy']);
    const summary = item === null ? null : object(item['summary']);
    const successful = summary === null ? null : count(summary['total-successful-session-count']);
    const failed = summary === null ? null : count(summary['total-failure-session-count']);
    if (item === null || policy === null || successful === null || failed === null) {
      return { ok: false, message: 'A policy of the TLS report has no summary with session counts (RFC 8460 §4.4).' };
    }
    const failureList = Array.isArray(item['failure-details']) ? (item['failure-details'] as unknown[]) : [];
    details += failureList.length;
    if (details > MAX_FAILURE_DETAILS) return { ok: false, message: `The TLS report lists more than ${MAX_FAILURE_DETAILS} failure details.` };
    const failures: TlsReport['policies'][number]['failures'] = [];
    for (const f of failureList) {
      const detail = object(f);
      const sessions = detail === null ? null : count(detail['failed-session-count']);
      if (detail === null || sessions === null) return { ok: false, message: 'A failure detail of the TLS report has no failed-session-count.' };
      failures.push({
        resultType: text(detail['result-type']) ?? 'unknown',
        sendingMtaIp: text(detail['sending-mta-ip']),
        receivingMx: text(detail['receiving-mx-hostname']),
        receivingIp: text(detail['receiving-ip']),
        count: sessions,
        reasonCode: text(detail['failure-reason-code']),
      });
    }
    const mx = Array.isArray(policy['mx-host']) ? (policy['mx-host'] as unknown[]).flatMap((h) => (text(h) === null ? [] : [text(h) ?? ''])) : [];
    out.push({ type: text(policy['policy-type']) ?? 'unknown', domain: text(policy['policy-domain'])?.toLowerCase() ?? null, mxHosts: mx.slice(0, 50), successful, failed, failures });
  }
  return {
    ok: true,
    report: { source, org: text(root['organization-name']), reportId: text(root['report-id']), period: begin !== null && end !== null ? { begin, end } : null, policies: out },
  };
}
