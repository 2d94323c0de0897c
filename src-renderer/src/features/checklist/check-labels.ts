import type { BadgeProps } from '@fluentui/react-components';
import { formatLocalTime } from '../../ui/time-format';
import type { CheckStatus, FindingSeverity, Requirement } from '../../../../src-preload/contract/checks-schemas';
import type { DnsOutcome } from '../../../../src-preload/contract/dns-schemas';
import { assertNever } from '../../app/assert-never';
import { itemStandingLabels } from '../../../../src-preload/contract/state-labels';

export const statusLabels = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  pending: 'Pending',
  error: 'Error',
  // The same fact as a status item waiting for input: one word for both.
  'needs-input': itemStandingLabels['needs-input'],
  'not-needed': 'Not needed',
} as const satisfies Record<CheckStatus, string>;

export function statusColor(status: CheckStatus | FindingSeverity): NonNullable<BadgeProps['color']> {
  switch (status) {
    case 'pass':
      return 'success';
    case 'warn':
      return 'warning';
    case 'fail':
      return 'danger';
    case 'error':
      return 'severe';
    case 'pending':
    case 'needs-input':
    case 'info':
      return 'informative';
    case 'not-needed':
      return 'subtle';
    default:
      return assertNever(status);
  }
}

export const severityLabels = {
  info: 'Note',
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  error: 'Error',
} as const satisfies Record<FindingSeverity, string>;

/** The results grouped by what the sending route needs; what it does not need comes last. */
export const requirementGroups = [
  { level: 'required', label: 'Required', description: 'Mail sent this way is not trusted without these.' },
  { level: 'recommended', label: 'Recommended', description: 'Secondary protections and reputation.' },
  { level: 'optional', label: 'Optional', description: 'Informational.' },
  { level: 'not-needed', label: 'Not needed on this route', description: 'Looked at so you know, never counted as a failure: this route does not use them.' },
] as const satisfies ReadonlyArray<{ level: Requirement['level']; label: string; description: string }>;

export const outcomeLabels = {
  answer: 'Answer',
  nodata: 'No record of this type (NODATA)',
  nxdomain: 'Name does not exist (NXDOMAIN)',
  servfail: 'Server failure (SERVFAIL)',
  refused: 'Refused (REFUSED)',
  timeout: 'No answer (timeout)',
  'cname-loop': 'CNAME loop',
  error: 'Error',
} as const satisfies Record<DnsOutcome, string>;

/** The renderer's one time format (ui/time-format.ts). */
export function formatDateTime(iso: string): string {
  return formatLocalTime(iso);
}

/** `300` → `5 min`, `3600` → `1 h`, `90` → `90 s`. */
export function formatTtl(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds} s (${seconds / 3600} h)`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds} s (${seconds / 60} min)`;
  return `${seconds} s`;
}
