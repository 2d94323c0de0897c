/**
 * The failure decoder: what a connection test report, or an error the admin pasted,
 * proves about the Microsoft 365 readiness items. The reply's meaning comes from the one
 * diagnosis catalogue (resources/replies/*.json, `m365Item`); identity-platform errors
 * (AADSTSnnn) from resources/m365.json. Pure: no I/O.
 */
import { diagnoseFailure } from '../analyze/diagnose-failure';
import { explain } from '../analyze/explain';
import type { ReplyCatalogue } from '../analyze/reply-catalogue';
import type { Diagnosis } from '../../src-preload/contract/analyze';
import type { ConnectionReport, FailureCode, PhaseName } from '../../src-preload/contract/smtp-schemas';
import type { M365AuthMode, M365Facts, ReadinessItemId, ReadinessSource, ReadinessState } from '../../src-preload/contract/m365-schemas';

export interface ItemFinding {
  readonly item: ReadinessItemId;
  /** `unknown` = a note only: applied while nothing else is known about the item. */
  readonly state: Exclude<ReadinessState, 'not-applicable'>;
  readonly setBy: Extract<ReadinessSource, 'test' | 'pasted-error'>;
  readonly evidence: string;
  readonly diagnosis: Diagnosis | null;
  /** The failure that stopped the test: its fix is the one to run first. */
  readonly decisive: boolean;
}

/** When a reply is not one the catalogue ties to an item, the engine's failure code still says which item failed. */
const ITEM_BY_FAILURE: Partial<Record<FailureCode, ReadinessItemId>> = {
  'auth-rejected': 'credentials',
  'oauth-rejected': 'oauth-app',
  'auth-not-offered': 'authenticated-submission',
  'tls-version-unsupported': 'tls-1-2',
  'sender-rejected': 'send-as-rights',
};

const PHASE_WORDS: Record<PhaseName, string> = {
  dns: 'looking up the host',
  tcp: 'connecting',
  tls: 'the TLS handshake',
  banner: 'the greeting',
  ehlo: 'EHLO',
  'ehlo-tls': 'EHLO after STARTTLS',
  auth: 'sign-in (AUTH)',
  'send-as': 'the send-as check (MAIL FROM / RCPT TO)',
  'test-send': 'the test message',
  quit: 'QUIT',
};

/**
 * An XOAUTH2 sign-in refused with Microsoft's generic "535 5.7.3 Authentication
 * unsuccessful" is about the app (permission, service principal, FullAccess) or its
 * token, not a password.
 */
function adjustForMode(item: ReadinessItemId, mode: M365AuthMode): ReadinessItemId {
  return mode === 'oauth2' && item === 'credentials' ? 'oauth-app' : item;
}

export function authModeOf(report: ConnectionReport): M365AuthMode | null {
  const mechanism = report.auth?.mechanism ?? null;
  if (mechanism === null) return null;
  return mechanism === 'XOAUTH2' ? 'oauth2' : 'basic';
}

/** What one test run proves: the failure's item is a problem; what passed before it is ok. */
export function findingsFromReport(report: ConnectionReport, catalogue: ReplyCatalogue, fallbackMode: M365AuthMode): ItemFinding[] {
  const mode = authModeOf(report) ?? fallbackMode;
  const findings: ItemFinding[] = [];
  const ok = (item: ReadinessItemId, evidence: string) => findings.push({ item, state: 'ok', setBy: 'test', evidence, diagnosis: null, decisive: false });
  const note = (item: ReadinessItemId, evidence: string) => findings.push({ item, state: 'unknown', setBy: 'test', evidence, diagnosis: null, decisive: false });
  const host = `${report.target.host}:${report.target.port}`;

  const protocol = report.tls?.protocol ?? null;
  if (protocol === 'TLSv1.2' || protocol === 'TLSv1.3') {
    ok('tls-1-2', `Relayproof negotiated ${protocol} with ${host}. The platform must use TLS 1.2 or later too: check its settings if only the platform fails.`);
  }

  if (report.auth?.accepted === true) {
    const how = mode === 'oauth2' ? 'an OAuth 2.0 token (XOAUTH2)' : `a password (AUTH ${report.auth.mechanism ?? 'PLAIN'})`;
    const signedIn = `${host} accepted the sign-in of ${report.target.username ?? 'the mailbox'} with ${how}`;
    // A mailbox set to $false overrides a tenant that has SMTP AUTH off: one sign-in proves the mailbox, not the tenant.
    ok('mailbox-smtp-auth', `${signedIn}, so SMTP AUTH is on for this mailbox (by its own setting or the organisation's).`);
    note(
      'tenant-smtp-auth',
      `${signedIn}. This does not prove the organisation-wide setting: a mailbox set to -SmtpClientAuthenticationDisabled $false signs in even when the tenant has SMTP AUTH off. Run the check script (Get-TransportConfig) to see the tenant's value.`,
    );
    ok('mailbox-licence', `${signedIn}: the mailbox exists and can sign in.`);
    ok('authenticated-submission', `${signedIn}: the connector's settings work when they match this test.`);
    if (mode === 'basic') {
      ok('credentials', `${signedIn}.`);
      ok('account-lockout', `${signedIn}.`);
      ok('security-defaults', `${signedIn}: security defaults are not blocking Basic authentication for it.`);
      ok('mfa-basic-auth', `${signedIn}: no MFA prompt blocks the password sign-in.`);
      ok('basic-auth-retirement', `${signedIn}: Basic authentication still works for this tenant today. It will not after the retirement dates above.`);
    } else {
      ok('oauth-app', `${signedIn}: the app's permission, service principal and mailbox access are in place.`);
    }
    note(
      'conditional-access',
      'The sign-in passed from this workstation. Conditional Access policies on location or device platform can still block the platform’s servers (Linux, other IP addresses): read the sign-in log after the platform’s first attempt.',
    );
  }

  const from = report.target.from;
  const username = report.target.username;
  if (report.testSend?.accepted === true && from !== null && username !== null && from.toLowerCase() !== username.toLowerCase()) {
    ok('send-as-rights', `${host} accepted a test message from ${from} sent by ${username}: Send As works.`);
  }

  if (report.failure !== null) {
    const diagnosis = report.diagnosis ?? diagnoseFailure(report.failure, catalogue);
    const catalogued = diagnosis.m365Item ?? ITEM_BY_FAILURE[report.failure.code] ?? null;
    if (catalogued !== null) {
      const item = adjustForMode(catalogued, mode);
      const reply = report.failure.reply?.text ?? report.failure.message;
      findings.push({
        item,
        state: 'problem',
        setBy: 'test',
        evidence: `${host} answered “${reply}” during ${PHASE_WORDS[report.failure.phase]}. ${diagnosis.happened}`,
        diagnosis,
        decisive: true,
      });
    }
  }
  return findings;
}

const AADSTS = /\bAADSTS(\d{5,8})\b/u;

/** What a pasted error proves: the best catalogue entry tied to an item, or an AADSTS code from the identity platform. */
export function findingsFromText(text: string, catalogue: ReplyCatalogue, facts: M365Facts, mode: M365AuthMode): ItemFinding[] {
  const aadsts = AADSTS.exec(text)?.[1];
  if (aadsts !== undefined) {
    const entry = facts.aadsts.find((e) => e.code === Number(aadsts));
    if (entry?.item != null) {
      return [
        {
          item: entry.item,
          state: 'problem',
          setBy: 'pasted-error',
          evidence: `The identity platform answered AADSTS${aadsts} (${entry.title}). ${entry.meaning}`,
          diagnosis: null,
          decisive: true,
        },
      ];
    }
  }
  const diagnosis = explain(text, catalogue).diagnoses.find((d) => d.kind === 'catalogue' && d.m365Item !== null);
  if (diagnosis?.m365Item == null) return [];
  const quoted = diagnosis.matched ?? text.slice(0, 200);
  return [
    {
      item: adjustForMode(diagnosis.m365Item, mode),
      state: 'problem',
      setBy: 'pasted-error',
      evidence: `The pasted error says “${quoted}”. ${diagnosis.happened}`,
      diagnosis,
      decisive: true,
    },
  ];
}
