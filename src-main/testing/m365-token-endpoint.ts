/**
 * A Microsoft Entra token endpoint on 127.0.0.1 for tests: HTTPS with the test PKI
 * (tls-certs.ts), the OpenID metadata and instance-discovery documents msal may ask for,
 * `/oauth2/v2.0/token` (client credentials with a secret or a certificate assertion, and
 * the device-code grant) and `/oauth2/v2.0/devicecode`.
 *
 * Tokens are well-formed JWTs that are NOT signed (`alg: none`, empty signature):
 * Relayproof only ever decodes them locally, and the local SMTP peer checks their claims.
 * Errors follow Entra's JSON shape (`error`, `error_description` starting `AADSTSnnn:`,
 * `error_codes`, `correlation_id`, `trace_id`, `timestamp`).
 */
import { createPublicKey, randomUUID, verify, X509Certificate, constants as cryptoConstants } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyPair } from './tls-certs';

/** What a token says about itself (Entra v1.0 access-token claims that matter to SMTP). */
export interface IssuedClaims {
  /** Default `https://outlook.office365.com`. */
  readonly aud?: string;
  /** App-only permissions (default `['SMTP.SendAsApp']` for client credentials). */
  readonly roles?: readonly string[];
  /** Delegated permissions, space separated (default `SMTP.Send` for the device-code grant). */
  readonly scp?: string;
  /** Default: the tenant in the request path. */
  readonly tid?: string;
  /** Seconds from now until `exp` (default 3599; negative = already expired). */
  readonly expiresInSeconds?: number;
  readonly upn?: string;
}

export interface TokenEndpointClient {
  readonly clientId: string;
  /** Client secret this app accepts. */
  readonly secret?: string;
  /** PEM certificate whose key signs this app's client assertions. */
  readonly certificate?: string;
  readonly claims?: IssuedClaims;
  readonly displayName?: string;
}

export interface TokenEndpointOptions {
  /** TLS certificate for 127.0.0.1 (the test PKI's leaf). */
  readonly tls: KeyPair;
  readonly clients: readonly TokenEndpointClient[];
  /** Tenant ids (GUIDs) or domains the endpoint knows; others get AADSTS90002. */
  readonly tenants: readonly string[];
  /** Device-code grant: how many polls answer `authorization_pending` before the token. */
  readonly pendingPolls?: number;
  readonly clock?: () => Date;
}

export interface RecordedTokenRequest {
  readonly method: string;
  readonly path: string;
  /** Form fields, with client_secret and client_assertion replaced by `[present]`. */
  readonly form: Readonly<Record<string, string>>;
  readonly status: number;
}

export interface TokenEndpoint {
  readonly origin: string;
  readonly host: string;
  readonly requests: readonly RecordedTokenRequest[];
  /** Every client assertion received, as sent (a signed JWT: tests verify it themselves). */
  readonly assertions: readonly string[];
  /** `https://127.0.0.1:<port>/<tenant>`. */
  authority(tenant: string): string;
  /** What msal needs so that no discovery request leaves this endpoint. */
  msalMetadata(tenant: string): { knownAuthorities: string[]; authorityMetadata: string; cloudDiscoveryMetadata: string };
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const DEFAULT_AUD = 'https://outlook.office365.com';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** An unsigned, well-formed JWT (`alg: none`): decodable by anyone, proof of nothing. */
export function unsignedJwt(claims: Readonly<Record<string, unknown>>): string {
  return `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url(claims)}.`;
}

export async function startTokenEndpoint(options: TokenEndpointOptions): Promise<TokenEndpoint> {
  const clock = options.clock ?? (() => new Date());
  const requests: RecordedTokenRequest[] = [];
  const assertions: string[] = [];
  const deviceCodes = new Map<string, { clientId: string; tenant: string; polls: number; scope: string }>();
  let origin = '';

  const metadata = (tenant: string) => ({
    token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'relayproof.test',
  });
  const discovery = () => {
    const host = new URL(origin).host;
    return { tenant_discovery_endpoint: `${origin}/common/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }] };
  };

  const aadError = (status: number, error: string, code: number, text: string) => {
    const trace = randomUUID();
    const correlation = randomUUID();
    const timestamp = clock().toISOString().replace('T', ' ').replace(/\.\d+Z$/u, 'Z');
    return {
      status,
      body: {
        error,
        error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: trace,
        correlation_id: correlation,
        error_uri: `${origin}/error?code=${code}`,
      },
    };
  };

  const accessToken = (tenant: string, client: TokenEndpointClient, kind: 'app' | 'user') => {
    const now = Math.floor(clock().getTime() / 1000);
    const c = client.claims ?? {};
    const tid = c.tid ?? tenant;
    const common = {
      aud: c.aud ?? DEFAULT_AUD,
      iss: `https://sts.windows.net/${tid}/`,
      iat: now - 5,
      nbf: now - 5,
      exp: now + (c.expiresInSeconds ?? 3599),
      app_displayname: client.displayName ?? 'Relayproof test app',
      appid: client.clientId,
      tid,
      ver: '1.0',
    };
    if (kind === 'app') {
      return unsignedJwt({ ...common, idtyp: 'app', oid: '6f1e2d3c-0000-4000-8000-00000000a11c', sub: '6f1e2d3c-0000-4000-8000-00000000a11c', roles: [...(c.roles ?? ['SMTP.SendAsApp'])] });
    }
    return unsignedJwt({ ...common, idtyp: 'user', oid: '0d9c8b7a-0000-4000-8000-0000000000a1', sub: 'user-sub', scp: c.scp ?? 'SMTP.Send', upn: c.upn ?? 'admin@contoso.example', unique_name: c.upn ?? 'admin@contoso.example' });
  };

  const tokenResponse = (tenant: string, client: TokenEndpointClient, kind: 'app' | 'user', scope: string) => {
    const expiresIn = 3599;
    const body: Record<string, unknown> = { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken(tenant, client, kind) };
    if (kind === 'user') {
      const now = Math.floor(clock().getTime() / 1000);
      const tid = client.claims?.tid ?? tenant;
      const uid = '0d9c8b7a-0000-4000-8000-0000000000a1';
      body.scope = scope.split(' ').filter((s) => s !== 'openid' && s !== 'profile' && s !== 'offline_access').join(' ');
      body.refresh_token = `test-refresh-${randomUUID()}`;
      body.id_token = unsignedJwt({ aud: client.clientId, iss: `${origin}/${tid}/v2.0`, iat: now, nbf: now, exp: now + 3600, name: 'Test Admin', oid: uid, preferred_username: client.claims?.upn ?? 'admin@contoso.example', sub: 'user-sub', tid, ver: '2.0' });
      body.client_info = Buffer.from(JSON.stringify({ uid, utid: tid })).toString('base64url');
    }
    return { status: 200, body };
  };

  /** RFC 7523 client assertion: a JWT signed (PS256 or RS256) with the certificate's key, naming it by thumbprint. */
  const assertionValid = (assertion: string, client: TokenEndpointClient, audience: string): boolean => {
    if (client.certificate === undefined) return false;
    const [h, p, s] = assertion.split('.');
    if (h === undefined || p === undefined || s === undefined) return false;
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; 'x5t#S256'?: string; x5t?: string };
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { aud?: string; iss?: string; sub?: string; exp?: number };
      const cert = new X509Certificate(client.certificate);
      const sha256 = Buffer.from(cert.fingerprint256.replaceAll(':', ''), 'hex').toString('base64url');
      const sha1 = Buffer.from(cert.fingerprint.replaceAll(':', ''), 'hex').toString('base64url');
      // SHA-256 thumbprint → PS256 + x5t#S256; SHA-1 (as the Entra portal shows it) → RS256 + x5t. Entra takes both.
      if (header['x5t#S256'] !== sha256 && !(header['x5t#S256'] === undefined && header.x5t === sha1)) return false;
      if (payload.iss !== client.clientId || payload.sub !== client.clientId || payload.aud !== audience) return false;
      if (typeof payload.exp !== 'number' || payload.exp * 1000 < clock().getTime()) return false;
      const key = createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' }));
      const data = Buffer.from(`${h}.${p}`);
      const signature = Buffer.from(s, 'base64url');
      if (header.alg === 'PS256') return verify('sha256', data, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      if (header.alg === 'RS256') return verify('sha256', data, key, signature);
      return false;
    } catch {
      return false;
    }
  };

  const token = (tenant: string, form: URLSearchParams): { status: number; body: unknown } => {
    const clientId = form.get('client_id') ?? '';
    const client = options.clients.find((c) => c.clientId === clientId);
    const grant = form.get('grant_type');
    // msal sends `device_code`; RFC 8628 §3.4 names it `urn:ietf:params:oauth:grant-type:device_code`.
    if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      const entry = deviceCodes.get(form.get('device_code') ?? '');
      if (entry === undefined || client === undefined) return aadError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.');
      entry.polls += 1;
      if (entry.polls <= (options.pendingPolls ?? 1)) return aadError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
      deviceCodes.delete(form.get('device_code') ?? '');
      return tokenResponse(entry.tenant, client, 'user', entry.scope);
    }
    if (grant !== 'client_credentials') return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (client === undefined) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    }
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').some((s) => s.endsWith('/.default'))) {
      return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (client.secret === undefined || secret !== client.secret) {
        return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
      }
    } else if (assertion !== null) {
      if (!assertionValid(assertion, client, `${origin}/${tenant}/oauth2/v2.0/token`)) {
        return aadError(401, 'invalid_client', 700027, 'The certificate with identifier used to sign the client assertion is not registered on application. Client assertion failed signature validation.');
      }
    } else {
      return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    return tokenResponse(tenant, client, 'app', scope);
  };

  const deviceCode = (tenant: string, form: URLSearchParams): { status: number; body: unknown } => {
    const clientId = form.get('client_id') ?? '';
    if (!options.clients.some((c) => c.clientId === clientId)) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
    }
    const code = `device-${randomUUID()}`;
    deviceCodes.set(code, { clientId, tenant, polls: 0, scope: form.get('scope') ?? '' });
    return {
      status: 200,
      body: {
        user_code: 'RPTEST42',
        device_code: code,
        verification_uri: 'https://microsoft.com/devicelogin',
        expires_in: 900,
        interval: 1,
        message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code RPTEST42 to authenticate.',
      },
    };
  };

  const route = (method: string, path: string, form: URLSearchParams): { status: number; body: unknown } => {
    const [tenant = '', ...rest] = path.split('?')[0]?.split('/').filter((s) => s !== '') ?? [];
    const tail = rest.join('/');
    if (method === 'GET' && tenant === 'common' && tail === 'discovery/instance') return { status: 200, body: discovery() };
    if (!options.tenants.includes(tenant) && tenant !== 'common' && tenant !== 'organizations') {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    if (method === 'GET' && tail === 'v2.0/.well-known/openid-configuration') return { status: 200, body: metadata(tenant) };
    if (method === 'POST' && tail === 'oauth2/v2.0/token') return token(tenant, form);
    if (method === 'POST' && tail === 'oauth2/v2.0/devicecode') return deviceCode(tenant, form);
    return { status: 404, body: { error: 'not_found' } };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const path = req.url ?? '/';
      const result = route(req.method ?? 'GET', path, form);
      const recorded: Record<string, string> = {};
      const assertion = form.get('client_assertion');
      if (assertion !== null) assertions.push(assertion);
      for (const [key, value] of form) recorded[key] = key === 'client_secret' || key === 'client_assertion' ? '[present]' : value;
      requests.push({ method: req.method ?? 'GET', path, form: recorded, status: result.status });
      res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(result.body));
    });
  };

  const server: Server = createServer({ key: options.tls.key, cert: options.tls.cert }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `https://127.0.0.1:${port}`;
  const host = `127.0.0.1:${port}`;
  return {
    origin,
    host,
    requests,
    assertions,
    authority: (tenant) => `${origin}/${tenant}`,
    msalMetadata: (tenant) => ({
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify(metadata(tenant)),
      cloudDiscoveryMetadata: JSON.stringify(discovery()),
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An app's certificate credential: RSA key (msal signs assertions with PS256) and a self-signed certificate. */
export function createClientCertificate(): { readonly privateKey: string; readonly certificate: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-app-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'app.key'), '-out', join(dir, 'app.pem'), '-days', '30', '-subj', '/CN=Relayproof test app'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return { privateKey: readFileSync(join(dir, 'app.key'), 'utf8'), certificate: readFileSync(join(dir, 'app.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
