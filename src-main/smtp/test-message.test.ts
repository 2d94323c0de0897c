import { describe, expect, it } from 'vitest';
import { loadPlatforms, repositoryResourcesDir } from '../providers/platforms';
import { buildTestMessage, dotStuff, perMessagePlaceholders, verificationHeaders, verificationHeadersFor } from './test-message';

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

  it("carries Zendesk's per-message headers with placeholders in Zendesk's format, derived from the token", async () => {
    const loaded = await loadPlatforms(repositoryResourcesDir());
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const zendesk = loaded.platforms.get('zendesk');
    const formats = zendesk?.perMessageHeaders ?? [];
    expect(formats.map((f) => f.name)).toEqual(['X-Zendesk-From-Account-Id', 'X-Zendesk-Email-Id']);
    const message = await buildTestMessage({ from: 'support@example.com', to: 'inbox@example.com', token: 'T0K3N', date: new Date('2026-11-23T10:00:00Z'), platformHeaders: zendesk?.headersToPersist?.headers ?? null, perMessageHeaders: formats });
    const text = message.data.toString('latin1');
    // The seed masks the values as 6 and 24 characters; field names are case-insensitive
    // (RFC 5322 §1.2.2), and nodemailer writes "Id" as "ID".
    expect(text).toMatch(/^X-Zendesk-From-Account-Id: [0-9a-z]{6}\r$/imu);
    expect(text).toMatch(/^X-Zendesk-Email-Id: [0-9a-z]{24}\r$/imu);
    // What arrives is checked against what was sent: the same values from the token alone.
    for (const h of verificationHeadersFor('T0K3N', zendesk?.headersToPersist?.headers ?? null, formats)) expect(text.toLowerCase()).toContain(`\r\n${h.name}: ${h.value}\r\n`.toLowerCase());
    expect(perMessagePlaceholders('T0K3N', formats)).toEqual(perMessagePlaceholders('T0K3N', formats));
    expect(perMessagePlaceholders('OTHER', formats)[1]?.value).not.toBe(perMessagePlaceholders('T0K3N', formats)[1]?.value);
  });

  it('never sends a placeholder for a hostile header name or over the token', () => {
    const placeholders = perMessagePlaceholders('T0K3N', [
      { name: 'Bcc: evil@example.org\r\nX', length: 6, alphabet: 'hex' },
      { name: 'X-Relayproof-Token', length: 6, alphabet: 'hex' },
      { name: 'X-Id', length: 40, alphabet: 'digits' },
    ]);
    expect(placeholders).toHaveLength(1);
    expect(placeholders[0]).toMatchObject({ name: 'X-Id' });
    expect(placeholders[0]?.value).toMatch(/^\d{40}$/u);
  });
});
