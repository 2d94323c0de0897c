import { describe, expect, it } from 'vitest';
import { formatReport, summarizeReport } from './report-summary';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';

const report: ConnectionReport = {
  ok: false,
  platformReady: false,
  blockers: [],
  outcome: 'fail',
  target: { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'a@example.com', from: null, to: null },
  startedAt: '2026-11-23T10:00:00.000Z',
  endedAt: '2026-11-23T10:00:01.000Z',
  ms: 1000,
  phases: [
    { name: 'dns', outcome: 'pass', startedAt: null, endedAt: null, ms: 3, detail: 'A 192.0.2.1', reply: null, failure: null },
    { name: 'auth', outcome: 'fail', startedAt: null, endedAt: null, ms: 40, detail: 'refused', reply: null, failure: 'auth-rejected' },
  ],
  dns: null,
  banner: null,
  capabilities: null,
  tls: null,
  auth: null,
  sendAs: null,
  testSend: null,
  failure: { code: 'auth-rejected', phase: 'auth', message: 'refused', reply: null, errorCode: null },
  diagnosis: {
    code: 'auth-rejected',
    kind: 'catalogue',
    title: 'The server refused the username or secret',
    happened: 'h',
    cause: 'c',
    steps: ['Check the username.', 'Paste the secret again.'],
    saasShows: [{ platform: 'zuora', text: 'Authentication failed' }],
    provider: 'generic',
    m365Item: null,
    references: [],
    matched: null,
    source: 'RFC 4954',
    checked: '2026-11-23',
  },
  transcript: [],
};

describe('report output', () => {
  it('--json has the shape the CLI promises', () => {
    expect(summarizeReport(report)).toEqual({
      ok: false,
      platformReady: false,
      blockers: [],
      phases: [
        { name: 'dns', outcome: 'pass', ms: 3, detail: 'A 192.0.2.1' },
        { name: 'auth', outcome: 'fail', ms: 40, detail: 'refused' },
      ],
      tls: null,
      auth: null,
      sendAs: null,
      diagnosis: { code: 'auth-rejected', title: 'The server refused the username or secret', steps: ['Check the username.', 'Paste the secret again.'] },
    });
  });

  it('the human form marks each phase and numbers the fix steps', () => {
    const text = formatReport(report, { platform: 'zuora' });
    expect(text).toContain('✓ dns');
    expect(text).toContain('✗ auth');
    expect(text).toContain('  2. Paste the secret again.');
    expect(text).toContain('What zuora shows: "Authentication failed"');
    // An ad-hoc test (no address) or another platform's address speaks for no platform.
    expect(formatReport(report)).not.toContain('What zuora shows');
    expect(formatReport(report, { platform: 'zendesk' })).not.toContain('What zuora shows');
    expect(text.trim().endsWith('Failed in the auth phase.')).toBe(true);
  });

  it('prints the blockers before the phases and before "Passed"', () => {
    const blocker = { code: 'host-not-public' as const, message: 'smtp.corp.test is a .test name.', fix: 'Give Zendesk the public host name.' };
    const passed: ConnectionReport = { ...report, ok: true, outcome: 'pass', failure: null, diagnosis: null, platformReady: false, blockers: [blocker] };
    const text = formatReport(passed);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Not ready for the platform: 1 blocker');
    expect(lines[1]).toBe('1. smtp.corp.test is a .test name. (host-not-public)');
    expect(text.indexOf('Give Zendesk the public host name.')).toBeLessThan(text.indexOf('✓ dns'));
    expect(lines.at(-1)).toBe('Passed in 1000 ms here, but not ready for the platform (see the blockers above).');
    expect(formatReport({ ...passed, platformReady: true, blockers: [] }).split('\n').at(-1)).toBe('Passed in 1000 ms.');
  });
});
