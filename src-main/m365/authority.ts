/**
 * Which Microsoft Entra sign-in service Relayproof asks for tokens. The default is
 * `facts.oauth.authorityHost` (https://login.microsoftonline.com), where msal knows the
 * metadata itself. Another host is chosen when the app starts (`RELAYPROOF_M365_AUTHORITY`,
 * read by the CLI and browser mode), never by a channel call: a call could otherwise send
 * a saved client secret wherever it liked.
 *
 * For a loopback authority (the tests' local token endpoint) msal is handed the
 * authority and cloud-discovery metadata, built here from the Entra path layout, so no
 * discovery request leaves the machine.
 */
import { readFileSync } from 'node:fs';
import type { AuthorityMetadata, OAuthDeps } from './oauth';

export type AuthorityChoice = { readonly ok: true; readonly oauth: Pick<OAuthDeps, 'authorityHost' | 'authorityMetadata' | 'ca'> } | { readonly ok: false; readonly problem: string };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The OAuth settings of a CLI or browser-mode process from its environment:
 * `RELAYPROOF_M365_AUTHORITY`, and `NODE_EXTRA_CA_CERTS` read from the environment the
 * command was given (Node reads it only from its own at start; the CLI runs in-process in tests).
 */
export function m365OAuthFromEnv(env: NodeJS.ProcessEnv): AuthorityChoice {
  const chosen = chooseAuthority(env['RELAYPROOF_M365_AUTHORITY']);
  const caFile = env['NODE_EXTRA_CA_CERTS'];
  if (!chosen.ok || caFile === undefined || caFile === '') return chosen;
  try {
    return { ok: true, oauth: { ...chosen.oauth, ca: [readFileSync(caFile, 'utf8')] } };
  } catch {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so does this: the system roots still apply.
    return chosen;
  }
}

/** `https://host[:port]` with nothing after it; loopback hosts get local metadata. */
export function chooseAuthority(value: string | undefined): AuthorityChoice {
  if (value === undefined || value.trim() === '') return { ok: true, oauth: {} };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, problem: `RELAYPROOF_M365_AUTHORITY is not a URL: ${value}` };
  }
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return { ok: false, problem: `RELAYPROOF_M365_AUTHORITY must be https://host[:port] and nothing more, not ${value}` };
  }
  const origin = url.origin;
  if (!LOOPBACK_HOSTS.has(url.hostname)) return { ok: true, oauth: { authorityHost: origin } };
  return { ok: true, oauth: { authorityHost: origin, authorityMetadata: (tenant) => loopbackMetadata(origin, tenant) } };
}

/** The OpenID configuration and instance-discovery documents Entra serves, for `origin`. */
export function loopbackMetadata(origin: string, tenant: string): AuthorityMetadata {
  const host = new URL(origin).host;
  const authority = `${origin}/${tenant}`;
  return {
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${authority}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
    }),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${origin}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    }),
  };
}
