/**
 * One DMARC aggregate report (RFC 7489 Appendix C, and RFC 9990's
 * `urn:ietf:params:xml:ns:dmarc-2.0` with np, testing and discovery_method) read from its
 * XML through the hardened scanner: only the fields Relayproof shows are kept, as the
 * elements close, without a document tree.
 */
import { ipFamily } from '../dns/ip-family';
import type { DmarcAggregateReport, DmarcPublishedPolicy, DmarcRecordRow } from '../../src-preload/contract/reports';
import { scanXml, type XmlRefusal } from './xml-scan';

export const DMARCBIS_NAMESPACE = 'urn:ietf:params:xml:ns:dmarc-2.0';
/** Far above any real report (the biggest receivers send a few thousand rows a day). */
export const MAX_RECORDS_PER_REPORT = 200_000;
/** Longest text kept from one field: report ids, org names and domains are short. */
const MAX_FIELD_CHARS = 1024;

export type AggregateParse =
  | { readonly ok: true; readonly report: DmarcAggregateReport }
  | { readonly ok: false; readonly refused: boolean; readonly message: string };

interface RowDraft {
  sourceIp: string | null;
  count: string | null;
  disposition: string | null;
  dkim: string | null;
  spf: string | null;
  reasons: Array<{ type: string; comment: string | null }>;
  reasonType: string | null;
  reasonComment: string | null;
  headerFrom: string | null;
  envelopeFrom: string | null;
  envelopeTo: string | null;
  authDkim: Array<{ domain: string | null; selector: string | null; result: string | null }>;
  authSpf: Array<{ domain: string | null; scope: string | null; result: string | null }>;
  auth: { domain: string | null; selector: string | null; scope: string | null; result: string | null };
}

function emptyRow(): RowDraft {
  return {
    sourceIp: null,
    count: null,
    disposition: null,
    dkim: null,
    spf: null,
    reasons: [],
    reasonType: null,
    reasonComment: null,
    headerFrom: null,
    envelopeFrom: null,
    envelopeTo: null,
    authDkim: [],
    authSpf: [],
    auth: { domain: null, selector: null, scope: null, result: null },
  };
}

const lower = (v: string | null) => (v === null ? null : v.toLowerCase());

/** Epoch seconds (RFC 7489 `date_range`) as an ISO time; null when not a plausible time. */
function epochToIso(value: string | null): string | null {
  if (value === null || !/^\d{1,12}$/u.test(value)) return null;
  const date = new Date(Number(value) * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function parseAggregateXml(xml: string, source: string): AggregateParse {
  let format: DmarcAggregateReport['format'] = 'rfc7489';
  const path: string[] = [];
  let text = '';
  let textTooLong = false;
  const meta = { org: null as string | null, email: null as string | null, reportId: null as string | null, begin: null as string | null, end: null as string | null };
  const policy: Record<string, string | null> = {};
  const records: DmarcRecordRow[] = [];
  let row: RowDraft | null = null;
  let rowProblem: string | null = null;
  let rootName: string | null = null;
  let tooMany = false;

  const finishRow = (draft: RowDraft) => {
    if (rowProblem !== null) return;
    const ip = draft.sourceIp ?? '';
    if (ipFamily(ip) === 0) {
      rowProblem = `A record's source_ip "${ip.slice(0, 64)}" is not an IP address.`;
      return;
    }
    const count = draft.count === null || !/^\d{1,10}$/u.test(draft.count) ? Number.NaN : Number(draft.count);
    if (!Number.isSafeInteger(count)) {
      rowProblem = `The record for ${ip} has no message count a report would write ("${(draft.count ?? '').slice(0, 32)}").`;
      return;
    }
    if (records.length >= MAX_RECORDS_PER_REPORT) {
      tooMany = true;
      return;
    }
    const dkim = lower(draft.dkim);
    const spf = lower(draft.spf);
    records.push({
      sourceIp: ip,
      count,
      disposition: lower(draft.disposition),
      dkim,
      spf,
      // RFC 7489 §6.6.2 / RFC 9989 §4.2: DMARC passes when an aligned DKIM or SPF passes,
      // which is what the receiver's policy_evaluated dkim/spf record.
      dmarc: dkim === 'pass' || spf === 'pass' ? 'pass' : 'fail',
      reasons: draft.reasons,
      headerFrom: lower(draft.headerFrom),
      envelopeFrom: lower(draft.envelopeFrom),
      envelopeTo: lower(draft.envelopeTo),
      auth: { dkim: draft.authDkim, spf: draft.authSpf },
    });
  };

  const refusal: XmlRefusal | null = scanXml(xml, {
    open(name, attributes) {
      if (path.length === 0) {
        rootName = name;
        if (attributes.includes(DMARCBIS_NAMESPACE)) format = 'dmarcbis';
      }
      path.push(name);
      text = '';
      textTooLong = false;
      if (name === 'record' && path.length === 2) row = emptyRow();
    },
    text(value) {
      if (text.length + value.length > MAX_FIELD_CHARS) textTooLong = true;
      else text += value;
    },
    close(name) {
      const depth = path.length;
      const parent = path[depth - 2] ?? '';
      const grand = path[depth - 3] ?? '';
      const value = textTooLong ? null : text.trim() === '' ? null : text.trim();
      text = '';
      path.pop();
      if (depth === 3 && parent === 'report_metadata') {
        if (name === 'org_name') meta.org = value;
        else if (name === 'email') meta.email = value;
        else if (name === 'report_id') meta.reportId = value;
      } else if (depth === 4 && parent === 'date_range' && grand === 'report_metadata') {
        if (name === 'begin') meta.begin = value;
        else if (name === 'end') meta.end = value;
      } else if (depth === 3 && parent === 'policy_published') {
        policy[name] = value;
      } else if (row !== null) {
        if (depth === 2 && name === 'record') {
          finishRow(row);
          row = null;
        } else if (parent === 'row' && depth === 4) {
          if (name === 'source_ip') row.sourceIp = value;
          else if (name === 'count') row.count = value;
        } else if (parent === 'policy_evaluated') {
          if (name === 'disposition') row.disposition = value;
          else if (name === 'dkim') row.dkim = value;
          else if (name === 'spf') row.spf = value;
          else if (name === 'reason') {
            if (row.reasonType !== null) row.reasons.push({ type: row.reasonType, comment: row.reasonComment });
            row.reasonType = null;
            row.reasonComment = null;
          }
        } else if (parent === 'reason' && grand === 'policy_evaluated') {
          if (name === 'type') row.reasonType = value;
          else if (name === 'comment') row.reasonComment = value;
        } else if (parent === 'identifiers') {
          if (name === 'header_from') row.headerFrom = value;
          else if (name === 'envelope_from') row.envelopeFrom = value;
          else if (name === 'envelope_to') row.envelopeTo = value;
        } else if (parent === 'auth_results') {
          const a = row.auth;
          if (name === 'dkim') row.authDkim.push({ domain: lower(a.domain), selector: a.selector, result: lower(a.result) });
          else if (name === 'spf') row.authSpf.push({ domain: lower(a.domain), scope: lower(a.scope), result: lower(a.result) });
          row.auth = { domain: null, selector: null, scope: null, result: null };
        } else if (grand === 'auth_results') {
          if (name === 'domain') row.auth.domain = value;
          else if (name === 'selector') row.auth.selector = value;
          else if (name === 'scope') row.auth.scope = value;
          else if (name === 'result') row.auth.result = value;
        }
      }
    },
  });
  if (refusal !== null) {
    const refused = refusal.code !== 'malformed';
    return { ok: false, refused, message: refusal.message };
  }
  if (rootName !== 'feedback') return { ok: false, refused: false, message: `This XML is not a DMARC aggregate report (its root is <${rootName ?? ''}>, not <feedback>).` };
  if (tooMany) return { ok: false, refused: true, message: `The report has more than ${MAX_RECORDS_PER_REPORT.toLocaleString('en')} records; no receiver writes that many.` };
  if (rowProblem !== null) return { ok: false, refused: false, message: rowProblem };
  const begin = epochToIso(meta.begin);
  const end = epochToIso(meta.end);
  const pct = policy['pct'] ?? null;
  const published: DmarcPublishedPolicy = {
    p: lower(policy['p'] ?? null),
    sp: lower(policy['sp'] ?? null),
    np: lower(policy['np'] ?? null),
    adkim: lower(policy['adkim'] ?? null),
    aspf: lower(policy['aspf'] ?? null),
    pct: pct !== null && /^\d{1,3}$/u.test(pct) ? Number(pct) : null,
    fo: policy['fo'] ?? null,
    testing: lower(policy['testing'] ?? null),
    discoveryMethod: lower(policy['discovery_method'] ?? null),
  };
  let messages = 0;
  let dmarcPass = 0;
  for (const r of records) {
    messages += r.count;
    if (r.dmarc === 'pass') dmarcPass += r.count;
  }
  return {
    ok: true,
    report: {
      format,
      source,
      org: meta.org,
      email: meta.email,
      reportId: meta.reportId,
      period: begin !== null && end !== null ? { begin, end } : null,
      domain: lower(policy['domain'] ?? null),
      policy: published,
      records,
      totals: { messages, dmarcPass, dmarcFail: messages - dmarcPass },
    },
  };
}
