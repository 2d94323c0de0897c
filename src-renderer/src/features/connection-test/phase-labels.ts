import type { PhaseName, PhaseOutcome, SmtpSecurity } from '../../../../src-preload/contract/smtp-schemas';

/** The phases in the order the engine runs them for a security mode (smtp/connection-test.ts). */
export function plannedPhases(security: SmtpSecurity): readonly PhaseName[] {
  return security === 'tls'
    ? ['dns', 'tcp', 'tls', 'banner', 'ehlo', 'ehlo-tls', 'auth', 'send-as', 'test-send', 'quit']
    : ['dns', 'tcp', 'banner', 'ehlo', 'tls', 'ehlo-tls', 'auth', 'send-as', 'test-send', 'quit'];
}

export const phaseLabels = {
  dns: 'DNS lookup',
  tcp: 'TCP connect',
  banner: 'Greeting',
  ehlo: 'EHLO',
  tls: 'TLS',
  'ehlo-tls': 'EHLO after TLS',
  auth: 'Sign-in (AUTH)',
  'send-as': 'Send-as',
  'test-send': 'Test message',
  quit: 'QUIT',
} as const satisfies Record<PhaseName, string>;

/** How a row of the timeline stands: an outcome, or where a phase is while the test runs. */
export type RowState = PhaseOutcome | 'running' | 'waiting' | 'stopped';

/** The mark drawn in front of a phase, and the word read out for it. */
export const rowMarks = {
  pass: { mark: '✓', word: 'passed' },
  warn: { mark: '!', word: 'warning' },
  fail: { mark: '✗', word: 'failed' },
  skipped: { mark: '·', word: 'skipped' },
  running: { mark: '…', word: 'running' },
  waiting: { mark: '·', word: 'waiting' },
  stopped: { mark: '·', word: 'not finished' },
} as const satisfies Record<RowState, { mark: string; word: string }>;

export const outcomeWords = {
  pass: 'passed',
  warn: 'passed with a warning',
  fail: 'failed',
  skipped: 'skipped',
} as const satisfies Record<PhaseOutcome, string>;
