import { beforeAll, describe, expect, it } from 'vitest';
import { repositoryResourcesDir } from '../analyze/reply-catalogue';
import { unsignedJwt } from '../testing/m365-token-endpoint';
import { loadM365Facts } from './facts';
import type { M365Facts, TokenExplanation } from '../../src-preload/contract/m365-schemas';
import { explainToken } from './token-claims';

let oauth: M365Facts['oauth'];
beforeAll(async () => {
  const loaded = await loadM365Facts(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  oauth = loaded.facts.oauth;
});

const TENANT = '11111111-2222-4333-8444-555555555555';
const NOW = new Date('2026-11-23T12:00:00Z');
const nowS = NOW.getTime() / 1000;
const appToken = (claims: Record<string, unknown> = {}) =>
  unsignedJwt({ aud: 'https://outlook.office365.com', tid: TENANT, appid: 'aaaaaaaa-0000-4000-8000-000000000001', roles: ['SMTP.SendAsApp'], idtyp: 'app', iat: nowS - 60, nbf: nowS - 60, exp: nowS + 3600, ...claims });
const check = (e: TokenExplanation, id: string) => e.checks.find((c) => c.id === id);

describe('explaining an access token from its claims', () => {
  it('an app-only token for Exchange Online with SMTP.SendAsApp is usable, and says the signature was not checked', () => {
    const e = explainToken(appToken(), { now: NOW, oauth, expectedTenant: TENANT });
    expect(e).toMatchObject({ decoded: true, signatureChecked: false, kind: 'app-only', audience: 'https://outlook.office365.com', tenantId: TENANT, roles: ['SMTP.SendAsApp'], usable: true, secondsLeft: 3600 });
    expect(e.note).toMatch(/signature is not checked/u);
    expect(e.checks.map((c) => [c.id, c.outcome])).toEqual([
      ['format', 'pass'],
      ['audience', 'pass'],
      ['permission', 'pass'],
      ['expiry', 'pass'],
      ['tenant', 'pass'],
    ]);
  });

  it('accepts Exchange Online by its application id as the audience', () => {
    expect(explainToken(appToken({ aud: '00000002-0000-0ff1-ce00-000000000000' }), { now: NOW, oauth }).usable).toBe(true);
  });

  it('a Microsoft Graph token is for the wrong audience, with the scope to ask for', () => {
    const e = explainToken(appToken({ aud: 'https://graph.microsoft.com' }), { now: NOW, oauth });
    expect(e.usable).toBe(false);
    expect(check(e, 'audience')?.message).toBe(
      'The token is for https://graph.microsoft.com (Microsoft Graph), not for Exchange Online, so SMTP AUTH refuses it with 535 5.7.3. Ask for the scope https://outlook.office365.com/.default (app-only) or https://outlook.office.com/SMTP.Send (delegated).',
    );
  });

  it('an app-only token without SMTP.SendAsApp names the permission and the consent to grant', () => {
    const e = explainToken(appToken({ roles: ['Mail.Send'] }), { now: NOW, oauth });
    expect(e.problems).toEqual([
      'The app-only token has no SMTP.SendAsApp role (it has Mail.Send). In the Microsoft Entra admin center, add the Office 365 Exchange Online application permission SMTP.SendAsApp to the app and grant admin consent, then get a new token.',
    ]);
  });

  it('a token with neither roles nor scopes grants nothing', () => {
    const e = explainToken(appToken({ roles: undefined, idtyp: undefined }), { now: NOW, oauth });
    expect(e.kind).toBe('unknown');
    expect(check(e, 'permission')?.message).toMatch(/neither roles \(app-only\) nor scp \(delegated\)/u);
  });

  it('an expired token says when, how long ago, and that tokens live 60–90 minutes', () => {
    const e = explainToken(appToken({ exp: nowS - 35 * 60 }), { now: NOW, oauth });
    expect(e.secondsLeft).toBe(-2100);
    expect(check(e, 'expiry')).toMatchObject({ outcome: 'fail', message: expect.stringMatching(/expired at 2026-11-23T11:25:00.000Z \(35 minutes ago\).*60–90 minutes/u) });
  });

  it('warns when the token is about to expire, and fails one from the future', () => {
    expect(check(explainToken(appToken({ exp: nowS + 120 }), { now: NOW, oauth }), 'expiry')).toMatchObject({ outcome: 'warn' });
    expect(check(explainToken(appToken({ nbf: nowS + 3600 }), { now: NOW, oauth }), 'not-before')?.message).toMatch(/clock/u);
  });

  it('a token from another tenant says which one and where to ask instead', () => {
    const e = explainToken(appToken({ tid: '99999999-2222-4333-8444-555555555555' }), { now: NOW, oauth, expectedTenant: TENANT });
    expect(check(e, 'tenant')?.message).toBe(
      `The token was issued by tenant 99999999-2222-4333-8444-555555555555, but the mailbox is in tenant ${TENANT}. The app is registered (or the authority URL points) in another tenant: request the token from https://login.microsoftonline.com/${TENANT}.`,
    );
  });

  it('cannot compare a tenant domain with tid, and says so', () => {
    expect(check(explainToken(appToken(), { now: NOW, oauth, expectedTenant: 'contoso.onmicrosoft.com' }), 'tenant')).toMatchObject({ outcome: 'skipped' });
  });

  it('a delegated token needs SMTP.Send', () => {
    const token = (scp: string) => unsignedJwt({ aud: 'https://outlook.office.com', tid: TENANT, scp, upn: 'admin@contoso.com', exp: nowS + 3600 });
    expect(explainToken(token('SMTP.Send offline_access'), { now: NOW, oauth })).toMatchObject({ kind: 'delegated', user: 'admin@contoso.com', usable: true });
    expect(explainToken(token('Mail.Read'), { now: NOW, oauth }).problems[0]).toMatch(/no SMTP.Send scope \(it has Mail.Read\)/u);
  });

  it('reads a pasted "Bearer …" value', () => {
    expect(explainToken(`Bearer ${appToken()}`, { now: NOW, oauth }).usable).toBe(true);
  });

  it.each([
    ['the client secret', 'q~8Q~abcdefghijklmnopqrstuvwxyz0123456789', /not an access token in JWT form/u],
    ['a JSON response', '{"access_token":"x"}', /not an access token/u],
    ['an encrypted token', 'a.b.c.d.e', /encrypted token/u],
    ['a cut-off token', 'eyJhbGciOi.eyJhdWQiOi.', /base64url-encoded JSON/u],
  ])('%s is not a usable token, and says what to paste', (_what, text, message) => {
    const e = explainToken(text, { now: NOW, oauth });
    expect(e).toMatchObject({ decoded: false, usable: false });
    expect(e.problems[0]).toMatch(message);
  });

  it('never repeats the token in its explanation', () => {
    const token = appToken({ aud: 'https://graph.microsoft.com', exp: nowS - 10 });
    expect(JSON.stringify(explainToken(token, { now: NOW, oauth }))).not.toContain(token.split('.')[1]);
  });
});
