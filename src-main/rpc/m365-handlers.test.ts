/**
 * The Microsoft 365 channels through the real dispatcher (contract validation in and
 * out), on real services with resources/m365.json and a fixed clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelResult } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';

let dir: string;
let services: Services;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-m365-handlers-'));
  services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, clock: () => new Date('2027-03-01T12:00:00Z'), validateOutput: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Through the dispatcher, so the contract validates the input and the output. */
async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
  return (await services.createDispatcher().dispatch(channel, input)) as ChannelResult<C>;
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('m365 channels', () => {
  it('get-facts gives the retirement status for the clock’s day', async () => {
    const result = await call('m365:get-facts', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.retirement.today).toBe('2027-03-01');
    expect(result.value.retirement.phase).toBe('default-off');
    expect(result.value.facts.endpoint.host).toBe('smtp.office365.com');
  });

  it('get-checklist turns a pasted 535 5.7.139 into the mailbox item’s highlighted fix', async () => {
    const result = await call('m365:get-checklist', {
      upn: 'support@contoso.com',
      pastedError: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items.find((i) => i.id === 'mailbox-smtp-auth')).toMatchObject({ state: 'problem', highlighted: true, setBy: 'pasted-error' });
    expect(result.value.nextFix?.command).toBe("Set-CASMailbox -Identity 'support@contoso.com' -SmtpClientAuthenticationDisabled $false");
  });

  it('generate-script refuses a value that could break out of the quoting', async () => {
    const result = await call('m365:generate-script', { script: 'enable-mailbox', upn: "a'; Remove-Mailbox -Identity x@contoso.com" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-input');
    expect(result.error.message).toContain('The sign-in name (UPN)');
  });

  it('explain-token explains the claims and never returns the token', async () => {
    const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({
      aud: 'https://outlook.office365.com',
      tid: '11111111-2222-3333-4444-555555555555',
      appid: '6e2f4a1b-93c5-4d7e-8f10-2a3b4c5d6e7f',
      roles: ['SMTP.SendAsApp'],
      iat: 1_788_000_000,
      nbf: 1_788_000_000,
      exp: 1_788_003_600,
    })}.c2lnbmF0dXJl`;
    const result = await call('m365:explain-token', { token, now: '2026-08-29T10:30:00Z' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.decoded).toBe(true);
    expect(result.value.kind).toBe('app-only');
    expect(result.value.roles).toContain('SMTP.SendAsApp');
    expect(JSON.stringify(result.value)).not.toContain(token);
  });
});
