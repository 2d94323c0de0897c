/**
 * Platform readiness: what in a connection test that passed here would still stop the
 * SaaS platform. The platform connects from the internet (so a host only this network
 * reaches is useless to it), trusts only public certificate authorities (a pin in
 * Relayproof means nothing to it), and refuses TLS below 1.2 or no TLS at all. A wizard
 * step passed with "continue anyway" means nothing proved the setup at that step.
 *
 * Pure: the engine applies it to every report, the app's tester again with the address's
 * platform and its recorded "continue anyway" reason.
 */
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import type { PlatformBlocker } from '../../src-preload/contract/platform-readiness';
import { describeIpScope, ipScope, privateNameReason, type IpScope } from '../dns/address-scope';

/** What the report alone does not know: which platform, and whether a step was passed anyway. */
export interface ReadinessContext {
  /** The platform as the admin knows it (`Zendesk`); absent = "the platform". */
  readonly platformName?: string | undefined;
  /** The stored address's "continue anyway" reason; null or absent = none. */
  readonly proceedReason?: string | null | undefined;
}

export type ReadinessInput = Pick<ConnectionReport, 'ok' | 'target' | 'dns' | 'tls' | 'capabilities'>;

export interface PlatformReadiness {
  readonly platformReady: boolean;
  readonly blockers: readonly PlatformBlocker[];
}

/** The blockers, most basic first (can it reach the host, trust it, speak TLS to it); ready only when the test passed too. */
export function assessPlatformReadiness(report: ReadinessInput, context: ReadinessContext = {}): PlatformReadiness {
  const platform = context.platformName ?? 'the platform';
  const blockers = [hostNotPublic(report, platform), certificateNotPublic(report, platform), tlsLegacy(report, platform), continuedAnyway(context, platform)].filter(
    (b): b is PlatformBlocker => b !== null,
  );
  return { platformReady: report.ok && blockers.length === 0, blockers };
}

/** The report with its readiness (re)computed for this context. */
export function withPlatformReadiness<T extends ReadinessInput>(report: T, context: ReadinessContext = {}): T & { platformReady: boolean; blockers: PlatformBlocker[] } {
  const { platformReady, blockers } = assessPlatformReadiness(report, context);
  return { ...report, platformReady, blockers: [...blockers] };
}

function hostNotPublic(report: ReadinessInput, platform: string): PlatformBlocker | null {
  const host = report.target.host;
  const fix = `Give ${platform} the server's public host name — one that resolves, from anywhere on the internet, to a public IP address where the server accepts connections on port ${report.target.port} — and test that name here.`;
  const literal = ipScope(host);
  if (literal !== null) {
    if (literal === 'public') return null;
    return {
      code: 'host-not-public',
      message: `${upper(platform)} connects to the server from the internet, and ${host} is ${describeIpScope(literal)}: only this network can reach it, so ${platform} will fail with "could not connect" although the test passed here.`,
      fix,
    };
  }
  const nameReason = privateNameReason(host);
  if (nameReason !== null) {
    return {
      code: 'host-not-public',
      message: `${host} is ${nameReason}, which only resolves inside your own network: ${platform} looks the host up on the internet, will not find it, and will fail with "unknown host" although the test passed here.`,
      fix,
    };
  }
  const dns = report.dns;
  const addresses = dns === null ? [] : [...dns.a, ...dns.aaaa];
  if (addresses.length === 0) return null;
  const scopes = addresses.map((a) => ({ address: a, scope: ipScope(a) }));
  if (scopes.some((s) => s.scope === 'public' || s.scope === null)) return null;
  const described = scopes.map((s) => `${s.address} (${describeIpScope(s.scope as Exclude<IpScope, 'public'>)})`).join(', ');
  const where = dns?.source === 'system' ? "this computer's hosts file or local resolver" : 'DNS';
  return {
    code: 'host-not-public',
    message: `${host} resolves through ${where} only to ${described}: addresses that only your network can reach, so ${platform}, which connects from the internet, will fail to connect although the test passed here.`,
    fix,
  };
}

function certificateNotPublic(report: ReadinessInput, platform: string): PlatformBlocker | null {
  if (report.tls?.verdict === 'trusted' && report.tls.publicRoot === false) {
    return {
      code: 'certificate-not-public',
      message: `The server's certificate is trusted on this computer only through a certificate authority added here (such as a company CA in NODE_EXTRA_CA_CERTS), not one of the public certificate authorities. ${upper(platform)} does not have that CA and will refuse the TLS connection.`,
      fix: `Install a certificate from a public certificate authority (for example Let's Encrypt) issued for ${report.target.host}, with its intermediate certificates, and test again.`,
    };
  }
  if (report.tls?.verdict !== 'pinned') return null;
  const why = report.tls.verifyError === null ? '' : ` (${report.tls.verifyError})`;
  return {
    code: 'certificate-not-public',
    message: `The server's certificate${why} was accepted only because it is pinned in Relayproof ("Trust this certificate"). ${upper(platform)} checks certificates against the public certificate authorities, does not know your pin, and will refuse the TLS connection.`,
    fix: `Install a certificate from a public certificate authority (for example Let's Encrypt) issued for ${report.target.host}, with its intermediate certificates; then remove the pin in Settings and test again.`,
  };
}

const LEGACY = new Set(['TLSv1', 'TLSv1.1', 'SSLv3']);

function tlsLegacy(report: ReadinessInput, platform: string): PlatformBlocker | null {
  const fixNoTls = `Use STARTTLS on port 587 (or implicit TLS on port 465) with TLS 1.2 or 1.3, in ${platform} and in this test.`;
  if (report.target.security === 'none') {
    return {
      code: 'tls-legacy',
      message: `This test ran without TLS. ${upper(platform)} sends its credentials and mail only over TLS and will refuse a server it cannot encrypt to.`,
      fix: fixNoTls,
    };
  }
  const tls = report.tls;
  if (tls !== null && (tls.legacyVersion || (tls.protocol !== null && LEGACY.has(tls.protocol)))) {
    return {
      code: 'tls-legacy',
      message: `The server only speaks ${tls.protocol ?? 'TLS 1.0/1.1'}. ${upper(platform)} requires TLS 1.2 or newer and will refuse the connection (Microsoft 365 answers "421 4.7.66 TLS version not supported").`,
      fix: 'Enable TLS 1.2 and 1.3 on the mail server (and disable TLS 1.0 and 1.1), then test again.',
    };
  }
  if (tls === null && report.target.security === 'starttls' && report.capabilities !== null && !report.capabilities.starttls) {
    return {
      code: 'tls-legacy',
      message: `The server does not offer STARTTLS on port ${report.target.port}, so nothing can be encrypted. ${upper(platform)} refuses to send credentials or mail without TLS.`,
      fix: `Enable STARTTLS on the server with TLS 1.2 or 1.3, or use the port where it offers implicit TLS (usually 465).`,
    };
  }
  return null;
}

function continuedAnyway(context: ReadinessContext, platform: string): PlatformBlocker | null {
  const reason = context.proceedReason ?? null;
  if (reason === null) return null;
  return {
    code: 'continued-anyway',
    message: `The setup was finished with "continue anyway" ("${reason}"): a wizard step had not passed, so nothing proved then that ${platform} can send through this server.`,
    fix: 'Solve what that step reported, then prove the setup from here: this test with the stored secret, and the verification email in the Status view.',
  };
}

function upper(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
