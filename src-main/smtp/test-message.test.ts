import { describe, expect, it } from 'vitest';
import { buildTestMessage, dotStuff, verificationHeaders } from './test-message';

describe('the test message', () => {
  it('dot-stuffs lines that start with a dot and ends with CRLF.CRLF (RFC 5321 §4.5.2)', () => {
    expect(dotStuff(Buffer.from('a\r\n.b\r\n..c\n')).toString()).toBe('a\r\n..b\r\n...c\r\n.\r\n');
  });

  it('carries the token, the connector headers and no bare LF', async () => {
    const message = await buildTestMessage({ from: 'support@example.com', to: 'inbox@example.com', token: 'T0K3N', date: new Date('2026-11-23T10:00:00Z') });
    const text = message.data.toString('latin1');
    expect(text).toMatch(/^Subject: Relayproof test T0K3N\r$/mu);
    expect(text).toMatch(/^X-Relayproof-Token: T0K3N\r$/mu);
    expect(text).toMatch(/^Auto-Submitted: auto-generated\r$/mu);
    expect(text).toMatch(/^X-Auto-Response-Suppress: All\r$/mu);
    expect(text).toMatch(/^X-Mailer: Relayproof\r$/mu);
    expect(message.messageId).toBe('<relayproof-T0K3N@example.com>');
    expect(/[^\r]\n/u.test(text)).toBe(false);
    expect(text.endsWith('\r\n.\r\n')).toBe(true);
  });

  it("carries the platform's fixed-value headers over its own, never a hostile one, never over the token", async () => {
    const message = await buildTestMessage({
      from: 'support@example.com',
      to: 'inbox@example.com',
      token: 'T0K3N',
      date: new Date('2026-11-23T10:00:00Z'),
      platformHeaders: ['X-Mailer: Zendesk Mailer', 'X-Platform-Flag: yes', 'X-Zendesk-Email-Id', 'X-Relayproof-Token: other', 'Bcc: x\r\nBcc: evil@example.org', 'Bad Name: v'],
    });
    const text = message.data.toString('latin1');
    expect(text).toMatch(/^X-Mailer: Zendesk Mailer\r$/mu);
    expect(text).not.toMatch(/^X-Mailer: Relayproof\r$/mu);
    expect(text).toMatch(/^X-Platform-Flag: yes\r$/mu);
    expect(text).toMatch(/^X-Relayproof-Token: T0K3N\r$/mu);
    expect(text).not.toMatch(/other|evil@example\.org|Bad Name|X-Zendesk-Email-Id:/u);
    expect(text).toMatch(/^Auto-Submitted: auto-generated\r$/mu);
  });

  it('checks on arrival exactly the headers it sends: the one list for both', async () => {
    const zendesk = ['Auto-Submitted: auto-generated', 'X-Auto-Response-Suppress: All', 'X-Mailer: Zendesk Mailer', 'X-Zendesk-From-Account-Id', 'X-Zendesk-Email-Id'];
    expect(verificationHeaders(zendesk)).toEqual([
      { name: 'Auto-Submitted', value: 'auto-generated' },
      { name: 'X-Auto-Response-Suppress', value: 'All' },
      { name: 'X-Mailer', value: 'Zendesk Mailer' },
    ]);
    const message = await buildTestMessage({ from: 'support@example.com', to: 'inbox@example.com', token: 'T0K3N', date: new Date('2026-11-23T10:00:00Z'), platformHeaders: zendesk });
    const text = message.data.toString('latin1');
    for (const h of verificationHeaders(zendesk)) expect(text).toContain(`\r\n${h.name}: ${h.value}\r\n`);
  });
});
