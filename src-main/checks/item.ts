/** Building check items: status from findings, evidence, timing. */
import type { DnsLookup, ResolverDescription } from '../../src-preload/contract/dns-schemas';
import type { CheckDetailsOf, CheckItem, CheckKind, CheckStatus, Finding, FindingSeverity, Fix, Importance, Reference } from '../../src-preload/contract/checks-schemas';

export function finding(code: string, severity: FindingSeverity, message: string, subject: string | null = null): Finding {
  return { code, severity, message, subject };
}

/**
 * A definite problem (fail) outranks a resolver fault (error): the admin must fix it
 * either way. A fault outranks warnings, and nothing with a fault is ever `pass`.
 */
export function statusOf(findings: readonly Finding[]): CheckStatus {
  const has = (s: FindingSeverity) => findings.some((f) => f.severity === s);
  if (has('fail')) return 'fail';
  if (has('error')) return 'error';
  if (has('warn')) return 'warn';
  return 'pass';
}

export interface ItemDraft<K extends CheckKind> {
  readonly id: string;
  readonly kind: K;
  readonly title: string;
  readonly importance: Importance;
  readonly findings: readonly Finding[];
  /** Defaults to the message of the first finding that decided the status. */
  readonly summary?: string;
  /** `needs-input`: waiting for something the admin must enter (`needsInput` names it). */
  readonly status?: 'needs-input';
  readonly needsInput?: CheckItem['needsInput'];
  readonly details: CheckDetailsOf<K>;
  readonly queries: readonly DnsLookup[];
  readonly records?: readonly string[];
  readonly ttl?: number | null;
  readonly fix?: Fix | null;
  readonly references: readonly Reference[];
}

const SEVERITY_FOR: Readonly<Record<CheckStatus, FindingSeverity>> = { pass: 'pass', warn: 'warn', fail: 'fail', error: 'error', pending: 'info', 'needs-input': 'info', 'not-needed': 'info' };

export function buildItem<K extends CheckKind>(draft: ItemDraft<K>, run: { readonly resolver: ResolverDescription; readonly startedAt: number }): CheckItem {
  const status = draft.status ?? statusOf(draft.findings);
  const deciding = draft.findings.find((f) => f.severity === SEVERITY_FOR[status]) ?? draft.findings[0];
  const fix = draft.fix && (draft.fix.steps.length > 0 || draft.fix.records.length > 0) && status !== 'pass' ? draft.fix : null;
  return {
    id: draft.id,
    kind: draft.kind,
    title: draft.title,
    importance: draft.importance,
    // The route is applied by the checklist (route-evaluation.ts); alone, an item is as important as its kind.
    required: draft.importance === 'required',
    requirement: { level: draft.importance, route: null, why: '' },
    ...(status === 'needs-input' && draft.needsInput !== undefined ? { needsInput: draft.needsInput } : {}),
    status,
    summary: draft.summary ?? deciding?.message ?? '',
    findings: [...draft.findings],
    evidence: {
      queries: [...draft.queries],
      records: [...(draft.records ?? [])],
      resolver: run.resolver,
      ttl: draft.ttl ?? null,
      details: draft.details,
    },
    ...(fix ? { fix } : {}),
    references: [...draft.references],
    durationMs: Math.round((performance.now() - run.startedAt) * 10) / 10,
  };
}
