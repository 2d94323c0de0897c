/**
 * OAuth 2.0 access tokens for SMTP AUTH XOAUTH2 with @azure/msal-node:
 * - app-only (what SaaS connectors use): client credentials with a client secret or a
 *   certificate, scope https://outlook.office365.com/.default;
 * - delegated (an admin testing interactively): the device-code flow with SMTP.Send and
 *   offline_access; the code and URL go to the caller's `onPrompt`.
 *
 * Tokens stay in memory: they are returned to the caller in the main process (to hand to
 * the connection test as an `oauth2` secret) and never written anywhere — msal runs with
 * its default in-memory cache and a fresh client per call. What may cross to the
 * renderer is `outcome`: the token explained from its claims, never the token.
 *
 * Every request goes through `https-network-client.ts`, restricted to the authority's
 * origin. Tests point the authority at a loopback endpoint and pass msal the authority
 * and cloud-discovery metadata, so no discovery leaves the machine.
 */
import { X509Certificate } from 'node:crypto';
// msal-node is loaded when a token is asked for, not with the services: a CLI command or an
// app start that never signs in does not pay for it.
import type { Configuration, INetworkModule } from '@azure/msal-node';
import { ok, type Result } from '../../src-preload/contract';
import { invalidInput } from '../smtp/invalid-input';
import { normalizeThumbprint } from './client-certificate';
import { createHttpsNetworkClient, NetworkRefusal } from './https-network-client';
import {
  appTokenInputSchema,
  deviceCodeInputSchema,
  type AppTokenInput,
  type DeviceCodeInput,
  type DeviceCodePrompt,
  type M365Facts,
  type TokenFailure,
  type TokenOutcome,
} from '../../src-preload/contract/m365-schemas';
import { explainToken } from './token-claims';

/** msal's own metadata options, so it asks no discovery endpoint (tests, air-gapped clouds). */
export interface AuthorityMetadata {
  readonly knownAuthorities: readonly string[];
  readonly authorityMetadata: string;
  readonly cloudDiscoveryMetadata: string;
}

export interface OAuthDeps {
  readonly facts: M365Facts;
  /** Default `facts.oauth.authorityHost` (https://login.microsoftonline.com). */
  readonly authorityHost?: string;
  readonly authorityMetadata?: (tenant: string) => AuthorityMetadata;
  /** Extra trusted CA certificates (a company proxy's CA; the test CA). */
  readonly ca?: readonly string[];
  /** Replaces the https client (its origin allowlist and trust list included). */
  readonly networkClient?: INetworkModule;
  readonly clock?: () => Date;
  /** Whole call (default 30 s for client credentials; the device code's lifetime for device code). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A token for the caller in main, and what may be shown. `accessToken` is null when refused. */
export interface TokenAcquisition {
  readonly accessToken: string | null;
  readonly outcome: TokenOutcome;
}

const DEFAULT_TIMEOUT_MS = 30_000;

class Stopped extends Error {
  constructor(readonly stage: 'cancelled' | 'timeout') {
    super(stage);
  }
}

interface MsalSetup {
  readonly config: Configuration;
  /** The real reason behind msal's bare `network_error`, when Relayproof's own client made the request. */
  readonly networkFailure: () => string | null;
}

function msalSetup(clientId: string, tenant: string, deps: OAuthDeps, auth: Partial<Configuration['auth']>): MsalSetup {
  const host = (deps.authorityHost ?? deps.facts.oauth.authorityHost).replace(/\/$/u, '');
  const metadata = deps.authorityMetadata?.(tenant);
  const own = createHttpsNetworkClient({ allowedOrigins: [host], ...(deps.ca !== undefined ? { ca: deps.ca } : {}) });
  const networkClient = deps.networkClient ?? own;
  const config: Configuration = {
    auth: {
      clientId,
      authority: `${host}/${tenant}`,
      ...(metadata !== undefined
        ? { knownAuthorities: [...metadata.knownAuthorities], authorityMetadata: metadata.authorityMetadata, cloudDiscoveryMetadata: metadata.cloudDiscoveryMetadata }
        : {}),
      ...auth,
    },
    // No logger callback: msal's log lines can carry request details; Relayproof reports outcomes instead.
    system: { networkClient },
  };
  return { config, networkFailure: () => (networkClient === own ? own.lastFailure() : null) };
}

/** Races msal against the deadline and the caller's signal (msal itself cannot be aborted mid-request). */
async function bounded<T>(work: Promise<T>, deps: OAuthDeps, timeoutMs: number, onStop?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onStop?.();
      reject(new Stopped('timeout'));
    }, timeoutMs);
    onAbort = () => {
      onStop?.();
      reject(new Stopped('cancelled'));
    };
    if (deps.signal?.aborted === true) onAbort();
    else deps.signal?.addEventListener('abort', onAbort, { once: true });
  });
  // A late msal rejection after a stop must not surface as unhandled.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) deps.signal?.removeEventListener('abort', onAbort);
  }
}

/** App-only token (client credentials) for SMTP.SendAsApp. */
export async function acquireAppToken(input: AppTokenInput, deps: OAuthDeps): Promise<Result<TokenAcquisition>> {
  const parsed = appTokenInputSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const { tenant, clientId, credential } = parsed.data;
  let auth: Partial<Configuration['auth']>;
  let secret: string;
  if (credential.kind === 'secret') {
    secret = credential.clientSecret;
    auth = { clientSecret: credential.clientSecret };
  } else {
    // SHA-1 (what the Entra portal shows) → RS256 with x5t; SHA-256 → PS256 with x5t#S256.
    let thumbprint = credential.thumbprint !== undefined ? normalizeThumbprint(credential.thumbprint) : null;
    if (credential.certificate !== undefined) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(credential.certificate);
      } catch {
        return ok(refused('client-credentials', inputFailure('The certificate could not be read. Give the PEM certificate that was uploaded to the app registration (-----BEGIN CERTIFICATE-----).')));
      }
      const sha1 = cert.fingerprint.replaceAll(':', '');
      const sha256 = cert.fingerprint256.replaceAll(':', '');
      if (thumbprint !== null && thumbprint !== sha1 && thumbprint !== sha256) {
        return ok(refused('client-credentials', inputFailure(`The thumbprint does not belong to the certificate given (its SHA-1 thumbprint is ${sha1}).`)));
      }
      thumbprint ??= sha256;
    }
    if (thumbprint === null) return ok(refused('client-credentials', inputFailure('Give the certificate’s thumbprint (Certificates & secrets in the app registration).')));
    secret = credential.privateKey;
    auth = {
      clientCertificate: {
        ...(thumbprint.length === 40 ? { thumbprint } : { thumbprintSha256: thumbprint }),
        privateKey: credential.privateKey,
        ...(credential.certificate !== undefined ? { x5c: credential.certificate } : {}),
      },
    };
  }
  const { oauth } = deps.facts;
  const setup = msalSetup(clientId, tenant, deps, auth);
  try {
    const { ConfidentialClientApplication } = await import('@azure/msal-node');
    const app = new ConfidentialClientApplication(setup.config);
    const result = await bounded(app.acquireTokenByClientCredential({ scopes: [oauth.appOnlyScope] }), deps, deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (result === null) return ok(refused('client-credentials', noToken()));
    return ok(acquired('client-credentials', result.accessToken, result.expiresOn, result.scopes, tenant, deps));
  } catch (error) {
    return ok(refused('client-credentials', describeTokenError(error, deps.facts, secret, setup.networkFailure())));
  }
}

/**
 * Delegated token by device code: `onPrompt` receives the code and URL to show; the
 * promise settles when the admin has signed in, the code expires, or it is cancelled.
 */
export async function acquireDelegatedToken(input: DeviceCodeInput, deps: OAuthDeps & { readonly onPrompt: (prompt: DeviceCodePrompt) => void }): Promise<Result<TokenAcquisition>> {
  const parsed = deviceCodeInputSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const { tenant, clientId, timeoutSeconds } = parsed.data;
  const clock = deps.clock ?? (() => new Date());
  const { oauth } = deps.facts;
  // msal polls until `cancel` is true; flipping it stops the loop at its next poll.
  const request = {
    scopes: [...oauth.delegatedScopes],
    cancel: false,
    ...(timeoutSeconds !== undefined ? { timeout: timeoutSeconds } : {}),
    deviceCodeCallback: (response: { userCode: string; verificationUri: string; message: string; expiresIn: number }) => {
      deps.onPrompt({
        userCode: response.userCode,
        verificationUri: response.verificationUri,
        message: response.message,
        expiresAt: new Date(clock().getTime() + response.expiresIn * 1000).toISOString(),
      });
    },
  };
  const setup = msalSetup(clientId, tenant, deps, {});
  try {
    const { PublicClientApplication } = await import('@azure/msal-node');
    const app = new PublicClientApplication(setup.config);
    const limitMs = deps.timeoutMs ?? ((timeoutSeconds ?? 900) + 30) * 1000;
    const result = await bounded(app.acquireTokenByDeviceCode(request), deps, limitMs, () => {
      request.cancel = true;
    });
    if (result === null) return ok(refused('device-code', noToken()));
    return ok(acquired('device-code', result.accessToken, result.expiresOn, result.scopes, tenant === 'organizations' ? undefined : tenant, deps));
  } catch (error) {
    return ok(refused('device-code', describeTokenError(error, deps.facts, null, setup.networkFailure())));
  }
}

function acquired(flow: TokenOutcome['flow'], accessToken: string, expiresOn: Date | null, scopes: readonly string[], tenant: string | undefined, deps: OAuthDeps): TokenAcquisition {
  const now = (deps.clock ?? (() => new Date()))();
  const explanation = explainToken(accessToken, { now, oauth: deps.facts.oauth, ...(tenant !== undefined ? { expectedTenant: tenant } : {}) });
  return { accessToken, outcome: { status: 'acquired', flow, expiresOn: expiresOn?.toISOString() ?? null, scopes: [...scopes], explanation } };
}

function refused(flow: TokenOutcome['flow'], failure: TokenFailure): TokenAcquisition {
  return { accessToken: null, outcome: { status: 'refused', flow, failure } };
}

function inputFailure(explanation: string): TokenFailure {
  return { stage: 'input', aadsts: null, error: null, title: 'Input not usable', explanation, steps: [], item: null, detail: null, correlationId: null };
}

function noToken(): TokenFailure {
  return {
    stage: 'identity-platform',
    aadsts: null,
    error: null,
    title: 'No token returned',
    explanation: 'The identity platform answered without an access token.',
    steps: ['Try again; if it repeats, check the app registration in Microsoft Entra.'],
    item: 'oauth-app',
    detail: null,
    correlationId: null,
  };
}

interface MsalErrorShape {
  readonly errorCode?: unknown;
  readonly errorMessage?: unknown;
  readonly errorNo?: unknown;
  readonly correlationId?: unknown;
  readonly cause?: unknown;
  readonly message?: unknown;
}

const DEVICE_CODE_ERRORS: Record<string, { title: string; explanation: string; aadsts: number | null }> = {
  authorization_declined: { title: 'Sign-in declined', explanation: 'The person signing in chose not to continue.', aadsts: null },
  expired_token: { title: 'Device code expired', explanation: 'Nobody completed the sign-in before the code expired.', aadsts: 70020 },
  bad_verification_code: { title: 'Code not recognised', explanation: 'The identity platform did not recognise the device code.', aadsts: null },
  device_code_expired: { title: 'Device code expired', explanation: 'Nobody completed the sign-in before the code expired.', aadsts: 70020 },
};

/** Any msal / network error → the admin's words, with the AADSTS entry from m365.json when there is one. */
export function describeTokenError(error: unknown, facts: M365Facts, secret: string | null, networkFailure: string | null = null): TokenFailure {
  const redact = (text: string) => (secret !== null && secret.length > 0 ? text.split(secret).join('[secret]') : text);
  if (error instanceof Stopped) {
    return {
      stage: error.stage,
      aadsts: null,
      error: null,
      title: error.stage === 'timeout' ? 'No answer in time' : 'Cancelled',
      explanation: error.stage === 'timeout' ? 'The identity platform did not answer before the deadline.' : 'The token request was cancelled.',
      steps: error.stage === 'timeout' ? ['Check this computer’s connection to login.microsoftonline.com (proxy, firewall), then try again.'] : [],
      item: null,
      detail: null,
      correlationId: null,
    };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as MsalErrorShape;
  const code = typeof e.errorCode === 'string' ? e.errorCode : null;
  const own = typeof e.errorMessage === 'string' && e.errorMessage !== '' ? e.errorMessage : typeof e.message === 'string' ? e.message : String(error);
  const message = code === 'network_error' && networkFailure !== null ? networkFailure : own;
  const correlationId = typeof e.correlationId === 'string' && e.correlationId !== '' ? e.correlationId : null;
  const aadstsNumber = typeof e.errorNo === 'string' || typeof e.errorNo === 'number' ? Number(e.errorNo) : Number(/AADSTS(\d+)/u.exec(message)?.[1] ?? NaN);

  const network = error instanceof NetworkRefusal || code === 'network_error' || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|certificate|self[- ]signed|UNABLE_TO_VERIFY/iu.test(message);
  if (network && Number.isNaN(aadstsNumber)) {
    const tls = /certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_/iu.test(message);
    return {
      stage: 'network',
      aadsts: null,
      error: code,
      title: tls ? 'The identity platform’s certificate is not trusted here' : 'Could not reach the identity platform',
      explanation: tls
        ? 'The HTTPS certificate presented for the sign-in service did not verify on this computer. A company proxy that inspects TLS is the usual cause.'
        : 'Relayproof could not get an answer from the Microsoft identity platform.',
      steps: tls
        ? ['Add your company’s proxy CA certificate to Relayproof’s trusted certificates, or run from a network without TLS inspection.']
        : ['Check the connection to login.microsoftonline.com (proxy, firewall, DNS), then try again.'],
      item: null,
      detail: redact(message).slice(0, 1000),
      correlationId,
    };
  }

  const deviceCode = code !== null ? DEVICE_CODE_ERRORS[message] ?? DEVICE_CODE_ERRORS[code] : undefined;
  const number = Number.isNaN(aadstsNumber) ? (deviceCode?.aadsts ?? NaN) : aadstsNumber;
  const entry = facts.aadsts.find((a) => a.code === number);
  const oauthError = code === 'post_request_failed' ? message : code;
  if (entry !== undefined) {
    return {
      stage: 'identity-platform',
      aadsts: `AADSTS${entry.code}`,
      error: oauthError,
      title: entry.title,
      explanation: entry.meaning,
      steps: entry.steps,
      item: entry.item,
      detail: redact(message).slice(0, 1000),
      correlationId,
    };
  }
  return {
    stage: 'identity-platform',
    aadsts: Number.isNaN(number) ? null : `AADSTS${number}`,
    error: oauthError,
    title: deviceCode?.title ?? 'The identity platform refused the request',
    explanation: deviceCode?.explanation ?? 'Microsoft Entra refused to issue a token. Its own message is below; the AADSTS number identifies the reason.',
    steps: deviceCode !== undefined ? ['Start again.'] : ['Look the AADSTS number up at https://login.microsoftonline.com/error, or in the Microsoft Entra sign-in logs (service principal sign-ins).'],
    item: null,
    detail: redact(message).slice(0, 1000),
    correlationId,
  };
}
