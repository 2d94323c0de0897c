/**
 * Explains an access token from its own claims, decoded on this machine. The signature
 * is NOT checked — Relayproof has no reason to trust or distrust it; Microsoft 365 checks
 * it when the token is used. The token itself never appears in the result.
 *
 * What Exchange Online needs for SMTP AUTH XOAUTH2 (resources/m365.json `oauth`):
 * audience = Exchange Online (https://outlook.office365.com, https://outlook.office.com
 * or its app id 00000002-0000-0ff1-ce00-000000000000); app-only tokens carry the role
 * SMTP.SendAsApp, delegated tokens the scope SMTP.Send; not expired; issued by the
 * mailbox's tenant.
 */
import { ok, type Result } from '../../src-preload/contract';
import { invalidInput } from '../smtp/invalid-input';
import { explainTokenInputSchema, type ExplainTokenInput, type M365Facts, type TokenCheck, type TokenExplanation } from '../../src-preload/contract/m365-schemas';

export interface ExplainTokenOptions {
  readonly now: Date;
  /** The mailbox's tenant id (GUID) or domain. */
  readonly expectedTenant?: string;
  readonly oauth: M365Facts['oauth'];
}

const NOTE = 'Decoded on this computer only; nothing was sent anywhere. The signature is not checked here: Microsoft 365 checks it when the token is used.';
/** Tokens this close to expiry may die mid-test. */
const SOON_SECONDS = 5 * 60;

function decodeSegment(segment: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+$/u.test(segment)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const iso = (seconds: number | null): string | null => (seconds === null ? null : new Date(seconds * 1000).toISOString());

function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'}`;
  const d = Math.round(h / 24);
  return `${d} day${d === 1 ? '' : 's'}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

function notJwt(message: string): TokenExplanation {
  return {
    decoded: false,
    signatureChecked: false,
    note: NOTE,
    kind: 'unknown',
    audience: null,
    tenantId: null,
    appId: null,
    appName: null,
    user: null,
    roles: [],
    scopes: [],
    issuedAt: null,
    notBefore: null,
    expiresAt: null,
    secondsLeft: null,
    checks: [{ id: 'format', outcome: 'fail', message }],
    problems: [message],
    usable: false,
  };
}

export function explainToken(token: string, options: ExplainTokenOptions): TokenExplanation {
  const text = token.trim().replace(/^Bearer\s+/iu, '');
  const parts = text.split('.');
  if (parts.length === 5) {
    return notJwt('This is an encrypted token (JWE, five parts): only the service it was made for can read it, so its claims cannot be explained. Tokens for Exchange Online are not encrypted — it is probably for another resource.');
  }
  if (parts.length !== 3) {
    return notJwt(
      `This is not an access token in JWT form (three base64url parts separated by dots); it has ${parts.length} part${parts.length === 1 ? '' : 's'}. Paste the access_token value, not the refresh token, the client secret or the whole JSON response.`,
    );
  }
  const header = decodeSegment(parts[0] ?? '');
  const claims = decodeSegment(parts[1] ?? '');
  if (header === null || claims === null) {
    return notJwt('The token’s header or payload is not base64url-encoded JSON: it was probably cut short or changed while copying.');
  }

  const { oauth } = options;
  const audience = str(claims.aud);
  const tenantId = str(claims.tid);
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  const scopes = (str(claims.scp) ?? '').split(' ').filter((s) => s.length > 0);
  const kind: TokenExplanation['kind'] = scopes.length > 0 ? 'delegated' : roles.length > 0 || claims.idtyp === 'app' ? 'app-only' : 'unknown';
  const exp = num(claims.exp);
  const nbf = num(claims.nbf);
  const nowSeconds = options.now.getTime() / 1000;
  const checks: TokenCheck[] = [{ id: 'format', outcome: 'pass', message: `A JWT signed with ${str(header.alg) ?? 'an unnamed algorithm'} (signature not checked here).` }];

  // Audience
  if (audience === null) {
    checks.push({ id: 'audience', outcome: 'fail', message: 'The token names no audience (aud), so Exchange Online will refuse it.' });
  } else if (oauth.audiences.includes(audience.replace(/\/$/u, ''))) {
    checks.push({ id: 'audience', outcome: 'pass', message: `Made for Exchange Online (${audience}).` });
  } else {
    const graph = /graph\.microsoft\.com|00000003-0000-0000-c000-000000000000/iu.test(audience);
    checks.push({
      id: 'audience',
      outcome: 'fail',
      message: `The token is for ${audience}${graph ? ' (Microsoft Graph)' : ''}, not for Exchange Online, so SMTP AUTH refuses it with 535 5.7.3. Ask for the scope ${oauth.appOnlyScope} (app-only) or ${oauth.delegatedScopes[0] ?? oauth.delegatedScope} (delegated).`,
    });
  }

  // Permission
  switch (kind) {
    case 'app-only':
      checks.push(
        roles.includes(oauth.appOnlyRole)
          ? { id: 'permission', outcome: 'pass', message: `App-only token with the role ${oauth.appOnlyRole}.` }
          : {
              id: 'permission',
              outcome: 'fail',
              message: `The app-only token has no ${oauth.appOnlyRole} role${roles.length > 0 ? ` (it has ${roles.join(', ')})` : ''}. In the Microsoft Entra admin center, add the Office 365 Exchange Online application permission ${oauth.appOnlyRole} to the app and grant admin consent, then get a new token.`,
            },
      );
      break;
    case 'delegated':
      checks.push(
        scopes.includes(oauth.delegatedScope)
          ? { id: 'permission', outcome: 'pass', message: `Delegated token with the scope ${oauth.delegatedScope}.` }
          : {
              id: 'permission',
              outcome: 'fail',
              message: `The delegated token has no ${oauth.delegatedScope} scope (it has ${scopes.join(' ')}). Ask for ${oauth.delegatedScopes.join(' ')} and consent to it.`,
            },
      );
      break;
    case 'unknown':
      checks.push({
        id: 'permission',
        outcome: 'fail',
        message: `The token carries neither roles (app-only) nor scp (delegated), so it grants nothing. App-only sending needs the role ${oauth.appOnlyRole}; delegated sending the scope ${oauth.delegatedScope}.`,
      });
      break;
  }

  // Time
  if (exp === null) {
    checks.push({ id: 'expiry', outcome: 'fail', message: 'The token has no expiry (exp); Microsoft tokens always have one.' });
  } else if (exp <= nowSeconds) {
    checks.push({
      id: 'expiry',
      outcome: 'fail',
      message: `The token expired at ${iso(exp)} (${duration(nowSeconds - exp)} ago). Tokens live ${oauth.tokenLifetimeMinutes.min}–${oauth.tokenLifetimeMinutes.max} minutes: get a new one (the connector does this itself with its client secret or certificate).`,
    });
  } else if (exp - nowSeconds < SOON_SECONDS) {
    checks.push({ id: 'expiry', outcome: 'warn', message: `The token expires in ${duration(exp - nowSeconds)} (${iso(exp)}): get a new one before a long test.` });
  } else {
    checks.push({ id: 'expiry', outcome: 'pass', message: `Valid for another ${duration(exp - nowSeconds)} (until ${iso(exp)}).` });
  }
  if (nbf !== null && nbf > nowSeconds + 300) {
    checks.push({ id: 'not-before', outcome: 'fail', message: `The token is not valid before ${iso(nbf)}: this computer's clock (or the issuer's) is wrong by ${duration(nbf - nowSeconds)}.` });
  }

  // Tenant
  const expected = options.expectedTenant;
  if (expected === undefined) {
    checks.push({ id: 'tenant', outcome: 'skipped', message: tenantId !== null ? `Issued by tenant ${tenantId}; no expected tenant given to compare with.` : 'No tenant to compare with.' });
  } else if (tenantId === null) {
    checks.push({ id: 'tenant', outcome: 'fail', message: 'The token names no tenant (tid).' });
  } else if (!GUID.test(expected)) {
    checks.push({ id: 'tenant', outcome: 'skipped', message: `Issued by tenant ${tenantId}. ${expected} is a domain; only a tenant ID (GUID) can be compared with the token.` });
  } else if (expected.toLowerCase() === tenantId.toLowerCase()) {
    checks.push({ id: 'tenant', outcome: 'pass', message: `Issued by the mailbox’s tenant (${tenantId}).` });
  } else {
    checks.push({
      id: 'tenant',
      outcome: 'fail',
      message: `The token was issued by tenant ${tenantId}, but the mailbox is in tenant ${expected}. The app is registered (or the authority URL points) in another tenant: request the token from https://login.microsoftonline.com/${expected}.`,
    });
  }

  const problems = checks.filter((c) => c.outcome === 'fail').map((c) => c.message);
  return {
    decoded: true,
    signatureChecked: false,
    note: NOTE,
    kind,
    audience,
    tenantId,
    appId: str(claims.appid) ?? str(claims.azp),
    appName: str(claims.app_displayname),
    user: str(claims.upn) ?? str(claims.unique_name) ?? str(claims.preferred_username),
    roles,
    scopes,
    issuedAt: iso(num(claims.iat)),
    notBefore: iso(nbf),
    expiresAt: iso(exp),
    secondsLeft: exp === null ? null : Math.round(exp - nowSeconds),
    checks,
    problems,
    usable: problems.length === 0,
  };
}

/** `m365:explain-token`: validates the input, then explains. `now` defaults to the clock. */
export function explainTokenInput(input: ExplainTokenInput, deps: { readonly oauth: M365Facts['oauth']; readonly clock?: () => Date }): Result<TokenExplanation> {
  const parsed = explainTokenInputSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const now = parsed.data.now !== undefined ? new Date(parsed.data.now) : (deps.clock ?? (() => new Date()))();
  return ok(explainToken(parsed.data.token, { now, oauth: deps.oauth, ...(parsed.data.expectedTenant !== undefined ? { expectedTenant: parsed.data.expectedTenant } : {}) }));
}
