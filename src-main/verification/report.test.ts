import { describe, expect, it } from 'vitest';
import { emptyHistory, recordRun } from './history';
import { buildReport, reportFileStem, reportJson } from './report';
import { escapeHtml, reportHtml } from './report-html';
import { verificationReportSchema, type MessageProof, type Observation } from '../../src-preload/contract/verification-schemas';
import { initialStatus } from './status-machine';

const EVIL_TXT = 'v=spf1 include:<script>alert(1)</script> "x" \'y\' & -all';
const EVIL_HEADER = '"><img src=https://evil.example/x.png onerror=alert(2)>';
const BIDI = 'v=DKIM1; p=abc\u202Edef';
const SECRET = 'Imap-Secret-Value-2026!';
const SMTP_SECRET = 'smtp-app-password-xyz';

function obs(itemId: Observation['itemId'], outcome: Observation['outcome'], at: string, value: string, summary = `${itemId} ${outcome}`): Observation {
  return { itemId, at, outcome, explanation: summary, evidence: { source: 'dns', observedAt: at, summary, value, facts: [{ label: 'Record', value }] } };
}

const proof: MessageProof = {
  spf: { result: 'pass', domain: 'acme.test', ip: '127.0.0.2', record: EVIL_TXT, explanation: `SPF pass (record: ${EVIL_TXT})` },
  dkim: [{ domain: 'acme.test', selector: 'relay1', result: 'pass', aligned: true, algorithm: 'rsa-sha256', signedHeaders: ['From'], bodyHashMatches: true, keyBits: 2048, comment: null, explanation: 'DKIM pass' }],
  dmarc: { result: 'pass', domain: 'acme.test', policy: 'reject', record: 'v=DMARC1; p=reject', spfAligned: 'acme.test', dkimAligned: 'acme.test', explanation: 'DMARC pass' },
  arc: { result: 'none', instance: null, explanation: 'No ARC seal' },
  headers: { 'X-Mailer': { present: true, value: EVIL_HEADER, expected: 'Zendesk Mailer', unchanged: false } },
  sender: { ip: '127.0.0.2', helo: 'relay.acme.test', hop: 0 },
  delayMs: 1200,
  from: 'support@acme.test',
  envelopeFrom: 'support@acme.test',
  messageId: '<m1@acme.test>',
  token: { expected: 't', found: 't', matches: true },
  received: [{ from: 'relay.acme.test', ip: '127.0.0.2', by: 'mx', with: 'LMTP', at: '2026-11-23T10:00:01.000Z' }],
  brokenSignatures: [],
  // A server echoed a secret back into a reply that ended up in a finding.
  findings: [{ code: 'header-changed', severity: 'fail', message: `X-Mailer changed; server said: AUTH failed for ${SECRET}`, subject: 'X-Mailer' }],
  pass: true,
  sizeBytes: 1800,
};

function sample() {
  const state = initialStatus({ addressId: 'support-acme', domain: 'acme.test', dnsCheckIds: ['spf', 'dkim:relay1'] });
  const first = recordRun(state, emptyHistory('support-acme'), {
    id: 'r1',
    trigger: 'manual',
    startedAt: '2026-11-23T10:00:00.000Z',
    finishedAt: '2026-11-23T10:00:02.000Z',
    observations: [obs('dns:spf', 'pass', '2026-11-23T10:00:00.000Z', 'v=spf1 ip4:127.0.0.2 -all'), obs('dns:dkim:relay1', 'pass', '2026-11-23T10:00:00.000Z', BIDI)],
    message: proof,
  });
  const second = recordRun(first.state, first.history, {
    id: 'r2',
    trigger: 'scheduled',
    startedAt: '2026-11-23T11:00:00.000Z',
    finishedAt: '2026-11-23T11:00:01.000Z',
    observations: [obs('dns:spf', 'fail', '2026-11-23T11:00:00.000Z', EVIL_TXT, `Broken: ${EVIL_TXT}`)],
  });
  return buildReport([{ id: 'support-acme', address: 'support@acme.test', platform: 'zendesk', environment: 'production', state: second.state, history: second.history }], {
    now: new Date('2026-11-23T12:00:00.000Z'),
    appVersion: '0.1.0',
    secrets: [
      { username: 'inbox@acme.test', secret: SECRET },
      { username: 'support@acme.test', secret: SMTP_SECRET },
    ],
  });
}

describe('report file name', () => {
  it('names the address (sanitised) and the date, never the internal id', () => {
    const now = new Date('2026-11-23T05:21:00.000Z');
    expect(reportFileStem('support@acme.test', now)).toBe('relayproof-verification-support-at-acme.test-2026-11-23');
    expect(reportFileStem(' Help Desk+EU@Acme.Test ', now)).toBe('relayproof-verification-help-desk-eu-at-acme.test-2026-11-23');
    expect(reportFileStem('../../etc/passwd@x', now)).toBe('relayproof-verification-etc-passwd-at-x-2026-11-23');
    expect(reportFileStem(undefined, now)).toBe('relayproof-verification-all-addresses-2026-11-23');
  });
});

describe('verification report', () => {
  it('JSON: the schema-valid report with status, drift, runs newest first and the latest proof', () => {
    const report = sample();
    const parsed = verificationReportSchema.parse(JSON.parse(reportJson(report)));
    const address = parsed.addresses[0];
    expect(address?.status.overall).toBe('stale');
    expect(address?.status.worst).toMatchObject({ id: 'dns:spf', state: 'stale' });
    expect(address?.runs.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(address?.runs[0]?.drift[0]).toMatchObject({ itemId: 'dns:spf', before: 'v=spf1 ip4:127.0.0.2 -all', after: EVIL_TXT });
    expect(address?.latestMessage?.spf.record).toBe(EVIL_TXT);
  });

  it('never contains a known secret, in any form', () => {
    const report = sample();
    const json = reportJson(report);
    const html = reportHtml(report);
    for (const text of [json, html]) {
      for (const secret of [SECRET, SMTP_SECRET, Buffer.from(SECRET).toString('base64')]) expect(text).not.toContain(secret);
      expect(text).toContain('/* secret */');
    }
  });

  it('HTML: self-contained, printable, and loads nothing', () => {
    const html = reportHtml(sample());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\(/iu);
    expect(html).not.toMatch(/<[a-z][^>]*\s(?:src|href|srcset|action|formaction|background|poster|style)\s*=/iu);
  });

  it('HTML: every DNS and header string is escaped, and hidden characters are named', () => {
    const html = reportHtml(sample());
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain(escapeHtml(EVIL_TXT));
    expect(html).not.toContain(EVIL_HEADER);
    expect(html).toContain('&quot;&gt;&lt;img src=https://evil.example/x.png onerror=alert(2)&gt;');
    expect(html).not.toContain('\u202E');
    expect(html).toContain('⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩');
    // Only tags the renderer writes remain: no markup survived from the data.
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/giu)].map((m) => m[1]?.toLowerCase()));
    expect([...tags].sort()).toEqual(
      ['body', 'br', 'code', 'dd', 'div', 'dl', 'dt', 'h1', 'h2', 'h3', 'h4', 'head', 'html', 'li', 'meta', 'p', 'pre', 'section', 'span', 'strong', 'style', 'table', 'tbody', 'td', 'th', 'thead', 'title', 'tr', 'ul'].sort(),
    );
  });

  it('names the route in the header and says "needs input" with the checklist\'s words where the Status view shows a field', () => {
    const at = '2026-11-23T10:00:00.000Z';
    const state = initialStatus({ addressId: 'support-acme', domain: 'acme.test' });
    const asking: Observation = {
      ...obs('dns:dkim:*', 'error', at, '', 'Enter the DKIM selector your mail server signs with, or paste the headers of a message it sent (DKIM-Signature: s=).'),
      needsInput: { field: 'relaySelectors', label: 'DKIM selector your mail server signs with' },
    };
    const faulty = obs('dns:dmarc', 'error', at, '', 'The resolver did not answer.');
    const notNeeded = [{ itemId: 'dns:dkim:zendesk1' as const, title: 'DKIM key zendesk1', why: 'Not used on the route: <b>Zendesk</b> does not sign there.' }];
    const run = recordRun(state, emptyHistory('support-acme'), { id: 'r1', trigger: 'manual', startedAt: at, finishedAt: at, observations: [asking, faulty], notNeeded });
    const report = buildReport(
      [{ id: 'support-acme', address: 'support@acme.test', platform: 'generic', environment: 'production', route: { id: 'connector', label: 'Through your mail server' }, state: run.state, history: run.history }],
      { now: new Date(at), appVersion: '0.1.0' },
    );
    expect(report.addresses[0]?.route).toEqual({ id: 'connector', label: 'Through your mail server' });
    expect(report.addresses[0]?.status.items.find((i) => i.id === 'dns:dkim:*')?.lastError?.needsInput?.field).toBe('relaySelectors');
    const html = reportHtml(report);
    expect(html).toContain('Route: through your mail server (connector).');
    const row = (id: string) => html.split('<tr>').find((r) => r.includes(`<div class="id">${escapeHtml(id)}</div>`)) ?? '';
    expect(row('dns:dkim:*')).toContain('Needs input');
    expect(row('dns:dkim:*')).toContain('Enter the DKIM selector your mail server signs with');
    expect(row('dns:dkim:*')).not.toContain('could not decide');
    expect(row('dns:dmarc')).toContain('not decided yet');
    expect(row('dns:dmarc')).toContain('The last check could not decide: The resolver did not answer.');
    // Not tracked, but named with why, as in the Status view.
    expect(html).toContain('Not needed on this route: DKIM key zendesk1.');
    expect(html).toContain('DKIM key zendesk1: Not used on the route: &lt;b&gt;Zendesk&lt;/b&gt; does not sign there.');
    expect(reportHtml(sample())).not.toContain('Not needed on this route');
    // Without a known route the header says nothing about it (never a guess).
    expect(reportHtml(sample())).not.toContain('Route:');
  });

  it('escapeHtml escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
