import { describe, expect, it } from 'vitest';
import { chooseAuthority } from './authority';

describe('the Entra sign-in service chosen at start', () => {
  it('defaults to the facts file’s authority when nothing is set', () => {
    expect(chooseAuthority(undefined)).toEqual({ ok: true, oauth: {} });
  });

  it('a loopback authority gets locally built metadata, so msal asks no discovery endpoint', () => {
    const chosen = chooseAuthority('https://127.0.0.1:8443');
    expect(chosen.ok).toBe(true);
    if (!chosen.ok) return;
    expect(chosen.oauth.authorityHost).toBe('https://127.0.0.1:8443');
    const metadata = chosen.oauth.authorityMetadata?.('contoso.onmicrosoft.com');
    expect(metadata?.knownAuthorities).toEqual(['127.0.0.1:8443']);
    expect(JSON.parse(metadata?.authorityMetadata ?? '{}')).toMatchObject({ token_endpoint: 'https://127.0.0.1:8443/contoso.onmicrosoft.com/oauth2/v2.0/token' });
  });

  it('a sovereign cloud is used as it is, with msal’s own discovery', () => {
    expect(chooseAuthority('https://login.microsoftonline.us')).toEqual({ ok: true, oauth: { authorityHost: 'https://login.microsoftonline.us' } });
  });

  it.each(['http://127.0.0.1:8443', 'https://login.example.com/tenant', 'https://u:p@login.example.com', 'not a url', 'https://login.example.com/?x=1'])('refuses %j', (value) => {
    const chosen = chooseAuthority(value);
    expect(chosen.ok).toBe(false);
    expect(chosen.ok ? '' : chosen.problem).toMatch(/^RELAYPROOF_M365_AUTHORITY /u);
  });
});
