/**
 * msal-node against a local HTTPS token endpoint on 127.0.0.1 (test PKI). The authority
 * and cloud-discovery metadata are handed to msal, and the network client only allows
 * the endpoint's origin: nothing leaves the machine. The test CA is trusted through the
 * network client's `ca` — verification stays on (one test proves it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReplyCatalogue, repositoryResourcesDir, type ReplyCatalogue } from '../analyze/reply-catalogue';
import { createClientCertificate, startTokenEndpoint, type TokenEndpoint } from '../testing/m365-token-endpoint';
import { startM365Peer, type M365Peer } from '../testing/m365-smtp-peer';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { leakedForms, runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { m365Checklist } from './checklist';
import { loadM365Facts } from './facts';
import { createHttpsNetworkClient } from './https-network-client';
import { acquireAppToken, acquireDelegatedToken, type OAuthDeps, type TokenAcquisition } from './oauth';
import type { DeviceCodePrompt, M365Facts, TokenOutcome } from '../../src-preload/contract/m365-schemas';

const TENANT = '11111111-2222-4333-8444-555555555555';
const OTHER_TENANT = '99999999-2222-4333-8444-555555555555';
const SECRET = 'q~8Q~correct-client-secret-value';
const MAILBOX = 'support@contoso.com';
const app = (n: number) => `aaaaaaaa-0000-4000-8000-00000000000${n}`;
const APPS = { good: app(1), graph: app(2), noRole: app(3), expired: app(4), otherTenant: app(5), cert: app(6), delegated: app(7) };

let pki: TestPki;
let endpoint: TokenEndpoint;
let facts: M365Facts;
let catalogue: ReplyCatalogue;
let certificate: { privateKey: string; certificate: string };
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pki = createTestPki();
  certificate = createClientCertificate();
  const loaded = await loadM365Facts(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  facts = loaded.facts;
  const replies = await loadReplyCatalogue(repositoryResourcesDir());
  if (!replies.ok) throw new Error(replies.problems.join('\n'));
  catalogue = replies.catalogue;
  endpoint = await startTokenEndpoint({
    tls: pki.leaf,
    tenants: [TENANT],
    clients: [
      { clientId: APPS.good, secret: SECRET },
      { clientId: APPS.graph, secret: SECRET, claims: { aud: 'https://graph.microsoft.com', roles: ['Mail.Send'] } },
      { clientId: APPS.noRole, secret: SECRET, claims: { roles: [] } },
      { clientId: APPS.expired, secret: SECRET, claims: { expiresInSeconds: -120 } },
      { clientId: APPS.otherTenant, secret: SECRET, claims: { tid: OTHER_TENANT } },
      { clientId: APPS.cert, certificate: certificate.certificate },
      { clientId: APPS.delegated, claims: { aud: 'https://outlook.office.com', upn: 'admin@contoso.com' } },
    ],
  });
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await endpoint?.close();
  pki?.cleanup();
});

function deps(extra: Partial<OAuthDeps> = {}): OAuthDeps {
  return { facts, authorityHost: endpoint.origin, authorityMetadata: (tenant) => endpoint.msalMetadata(tenant), ca: [pki.ca], timeoutMs: 10_000, ...extra };
}

async function appToken(clientId: string, clientSecret = SECRET, extra: Partial<OAuthDeps> = {}): Promise<TokenAcquisition> {
  const result = await acquireAppToken({ tenant: TENANT, clientId, credential: { kind: 'secret', clientSecret } }, deps(extra));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function acquired(outcome: TokenOutcome): Extract<TokenOutcome, { status: 'acquired' }> {
  if (outcome.status !== 'acquired') throw new Error(`refused: ${JSON.stringify(outcome.failure)}`);
  return outcome;
}
function refusedWith(outcome: TokenOutcome): Extract<TokenOutcome, { status: 'refused' }>['failure'] {
  if (outcome.status !== 'refused') throw new Error('acquired');
  return outcome.failure;
}

describe('app-only tokens (client credentials)', () => {
  it('a good token: Exchange Online audience, SMTP.SendAsApp, this tenant — and only the token endpoint was asked', async () => {
    const before = endpoint.requests.length;
    const { accessToken, outcome } = await appToken(APPS.good);
    expect(accessToken).toMatch(/^eyJ/u);
    const ok = acquired(outcome);
    expect(ok).toMatchObject({ flow: 'client-credentials', scopes: ['https://outlook.office365.com/.default'] });
    expect(ok.explanation).toMatchObject({ kind: 'app-only', audience: 'https://outlook.office365.com', roles: ['SMTP.SendAsApp'], tenantId: TENANT, usable: true });
    const requests = endpoint.requests.slice(before);
    expect(requests.map((r) => [r.method, r.path.split('?')[0], r.status])).toEqual([['POST', `/${TENANT}/oauth2/v2.0/token`, 200]]);
    expect(requests[0]?.form).toMatchObject({ grant_type: 'client_credentials', scope: 'https://outlook.office365.com/.default', client_secret: '[present]' });
    // What may cross to the renderer never holds the token.
    expect(JSON.stringify(outcome)).not.toContain(accessToken?.split('.')[1]);
  });

  it('a certificate credential signs a client assertion the endpoint verifies', async () => {
    const result = await acquireAppToken({ tenant: TENANT, clientId: APPS.cert, credential: { kind: 'certificate', ...certificate } }, deps());
    expect(result.ok && acquired(result.value.outcome).explanation.usable).toBe(true);
    expect(endpoint.requests.at(-1)?.form).toMatchObject({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: '[present]' });
  });

  it('a token for the wrong audience is explained in the admin’s words', async () => {
    const e = acquired((await appToken(APPS.graph)).outcome).explanation;
    expect(e.usable).toBe(false);
    expect(e.problems[0]).toMatch(/^The token is for https:\/\/graph.microsoft.com \(Microsoft Graph\), not for Exchange Online/u);
  });

  it('a token without the SMTP.SendAsApp role', async () => {
    expect(acquired((await appToken(APPS.noRole)).outcome).explanation.problems).toEqual([expect.stringMatching(/has no SMTP.SendAsApp role.*grant admin consent/u)]);
  });

  it('an expired token', async () => {
    const e = acquired((await appToken(APPS.expired)).outcome).explanation;
    expect(e.secondsLeft).toBeLessThan(0);
    expect(e.problems).toEqual([expect.stringMatching(/^The token expired at .* \(2 minutes ago\)/u)]);
  });

  it('a token from another tenant than the one asked', async () => {
    expect(acquired((await appToken(APPS.otherTenant)).outcome).explanation.problems).toEqual([expect.stringMatching(`issued by tenant ${OTHER_TENANT}, but the mailbox is in tenant ${TENANT}`)]);
  });

  it('an invalid client secret: AADSTS7000215 explained, the readiness item named, the secret nowhere', async () => {
    const wrong = 'q~8Q~wrong-secret-pasted-by-mistake';
    const { accessToken, outcome } = await appToken(APPS.good, wrong);
    expect(accessToken).toBeNull();
    const failure = refusedWith(outcome);
    expect(failure).toMatchObject({ stage: 'identity-platform', aadsts: 'AADSTS7000215', error: 'invalid_client', title: 'Invalid client secret', item: 'oauth-app' });
    expect(failure.explanation).toMatch(/secret's ID \(a GUID\) instead of its Value/u);
    expect(failure.detail).toMatch(/^Error\(s\): 7000215 .*AADSTS7000215: Invalid client secret provided/u);
    expect(failure.correlationId).toMatch(/^[0-9a-f-]{36}$/u);
    expect(JSON.stringify(outcome)).not.toContain(wrong);
  });

  it('an unknown app: AADSTS700016', async () => {
    expect(refusedWith((await appToken('aaaaaaaa-0000-4000-8000-0000000000ff')).outcome)).toMatchObject({ aadsts: 'AADSTS700016', title: 'Application not found in this tenant' });
  });

  it('refuses `common` as the tenant before asking anything', async () => {
    const result = await acquireAppToken({ tenant: 'common', clientId: APPS.good, credential: { kind: 'secret', clientSecret: SECRET } }, deps());
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toMatch(/must name your tenant/u);
  });

  it('keeps certificate verification on: without the test CA the endpoint is not trusted', async () => {
    const { outcome } = await appToken(APPS.good, SECRET, { ca: [] });
    const failure = refusedWith(outcome);
    expect(failure).toMatchObject({ stage: 'network', title: 'The identity platform’s certificate is not trusted here' });
    expect(failure.detail).toMatch(/certificate.*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/u);
  });

  it('without metadata, msal’s discovery request to login.microsoftonline.com is refused by the origin allowlist', async () => {
    const refusedUrls: string[] = [];
    const inner = createHttpsNetworkClient({ ca: [pki.ca], allowedOrigins: [endpoint.origin] });
    const recording = {
      sendGetRequestAsync: <T>(url: string, ...rest: [never?, number?]) => {
        if (!url.startsWith(endpoint.origin)) refusedUrls.push(new URL(url).origin);
        return inner.sendGetRequestAsync<T>(url, ...rest);
      },
      sendPostRequestAsync: <T>(url: string, ...rest: [never?]) => {
        if (!url.startsWith(endpoint.origin)) refusedUrls.push(new URL(url).origin);
        return inner.sendPostRequestAsync<T>(url, ...rest);
      },
    };
    const result = await acquireAppToken(
      { tenant: TENANT, clientId: APPS.good, credential: { kind: 'secret', clientSecret: SECRET } },
      { facts, authorityHost: endpoint.origin, networkClient: recording, timeoutMs: 10_000 },
    );
    expect(result.ok && result.value.outcome.status).toBe('refused');
    expect(new Set(refusedUrls)).toEqual(new Set(['https://login.microsoftonline.com']));
  });

  it('a cancelled request stops waiting and says so', async () => {
    const controller = new AbortController();
    controller.abort();
    const { outcome } = await appToken(APPS.good, SECRET, { signal: controller.signal });
    expect(refusedWith(outcome)).toMatchObject({ stage: 'cancelled' });
  });
});

describe('delegated tokens (device code)', () => {
  it('shows the code and URL, polls until the admin signed in, and returns an SMTP.Send token', async () => {
    const prompts: DeviceCodePrompt[] = [];
    const result = await acquireDelegatedToken({ tenant: TENANT, clientId: APPS.delegated }, { ...deps(), onPrompt: (p) => prompts.push(p) });
    expect(prompts).toEqual([expect.objectContaining({ userCode: 'RPTEST42', verificationUri: 'https://microsoft.com/devicelogin' })]);
    const outcome = acquired(result.ok ? result.value.outcome : ({} as TokenOutcome));
    expect(outcome).toMatchObject({ flow: 'device-code', scopes: ['https://outlook.office.com/SMTP.Send'] });
    expect(outcome.explanation).toMatchObject({ kind: 'delegated', scopes: ['SMTP.Send'], user: 'admin@contoso.com', usable: true });
    const polls = endpoint.requests.filter((r) => r.form.grant_type === 'device_code');
    expect(polls.map((r) => r.status)).toEqual([400, 200]);
    expect(endpoint.requests.find((r) => r.path.endsWith('/devicecode'))?.form.scope).toMatch(/https:\/\/outlook\.office\.com\/SMTP\.Send offline_access/u);
  });
});

describe('the token signs in over SMTP AUTH XOAUTH2 through the connection test', () => {
  let token: string;
  beforeAll(async () => {
    token = (await appToken(APPS.good)).accessToken ?? '';
  });

  it('against a local smtp-server that checks the SASL XOAUTH2 string', async () => {
    const peer: SmtpPeer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, authMethods: ['PLAIN', 'XOAUTH2'], account: { username: MAILBOX, secret: token } });
    closers.push(() => peer.close());
    const report = await runTest(
      { host: '127.0.0.1', port: peer.port, security: 'starttls', from: MAILBOX, credentials: { kind: 'oauth2', username: MAILBOX, secret: token } },
      { ca: [pki.ca], catalogue },
    );
    expect(report.auth).toMatchObject({ mechanism: 'XOAUTH2', accepted: true });
    expect(peer.sessions.at(-1)?.authAttempts).toEqual([{ method: 'XOAUTH2', username: MAILBOX, secret: token }]);
    const transcript = JSON.stringify(report.transcript);
    for (const form of leakedForms(MAILBOX, token)) expect(transcript).not.toContain(form);
  });

  it('against an Exchange-like peer that reads the claims: accepted, and a Graph token refused with 535 5.7.3 → the OAuth app item', async () => {
    const peer: M365Peer = await startM365Peer({ tls: pki.leaf, mailbox: MAILBOX, tenantId: TENANT });
    closers.push(() => peer.close());
    const run = (secret: string) =>
      runTest({ host: '127.0.0.1', port: peer.port, security: 'starttls', from: MAILBOX, credentials: { kind: 'oauth2', username: MAILBOX, secret } }, { ca: [pki.ca], catalogue });
    expect((await run(token)).auth).toMatchObject({ mechanism: 'XOAUTH2', accepted: true });

    const graphToken = (await appToken(APPS.graph)).accessToken ?? '';
    const report = await run(graphToken);
    expect(report.failure?.reply?.text).toMatch(/^535 5\.7\.3 Authentication unsuccessful/u);
    const checklist = m365Checklist({ upn: MAILBOX, today: '2026-11-23', report }, { facts, catalogue });
    const list = checklist.ok ? checklist.value : null;
    expect(list?.authMode).toBe('oauth2');
    expect(list?.nextFix).toMatchObject({ item: 'oauth-app', script: 'oauth-setup' });
    expect(list?.items.find((i) => i.id === 'oauth-app')).toMatchObject({ state: 'problem', setBy: 'test', highlighted: true });
  });
});
