/** How the TLS phase reads to the admin: pass, or a warning with the reason. */
import type { TlsResult } from '../../src-preload/contract/smtp-schemas';

const DAY_MS = 86_400_000;
const MODERN = new Set(['TLSv1.2', 'TLSv1.3']);

export function describeTls(result: TlsResult, expiryWarningDays: number, now: Date): { outcome: 'pass' | 'warn'; detail: string } {
  const cert = result.certificate;
  const warnings: string[] = [];
  if (result.protocol !== null && !MODERN.has(result.protocol)) {
    warnings.push(
      `${result.protocol} is below TLS 1.2: Microsoft 365 (421 4.7.66), Zendesk and most connector platforms refuse it. Enable TLS 1.2 or 1.3 on the server.`,
    );
  }
  if (result.verdict === 'pinned') {
    warnings.push(
      `The certificate is accepted only because it matches your pin (${result.verifyError ?? 'not trusted'}): the SaaS platform does not know your pin and will likely fail with "Could not convert socket to TLS". Install a certificate from a public CA.`,
    );
  }
  if (cert !== null) {
    const daysLeft = Math.floor((new Date(cert.validTo).getTime() - now.getTime()) / DAY_MS);
    if (daysLeft >= 0 && daysLeft < expiryWarningDays) warnings.push(`The certificate expires in ${daysLeft} day(s), on ${cert.validTo}.`);
  }
  const who = cert === null ? 'no certificate' : `certificate ${cert.commonName ?? cert.subject}, issued by ${cert.issuer}, valid until ${cert.validTo}`;
  const summary = `${result.protocol ?? '?'} ${result.cipher ?? ''}; ${who}; ${result.verdict}.`;
  return warnings.length === 0 ? { outcome: 'pass', detail: summary } : { outcome: 'warn', detail: `${summary} ${warnings.join(' ')}` };
}
