/**
 * The probe's reading in plain words: one recommendation, and what blocked or refused
 * ports mean. A timeout on one port while another answers points at this network (or a
 * firewall), not at a server that is down.
 */
import type { ProbeReport, ProbeResult } from '../../src-preload/contract/smtp-schemas';

/** Submission first (RFC 6409 / RFC 8314), then the providers' alternates, then relay port 25. */
const PREFERENCE: readonly (readonly [number, 'starttls' | 'tls'])[] = [
  [587, 'starttls'],
  [465, 'tls'],
  [2587, 'starttls'],
  [2465, 'tls'],
  [2525, 'starttls'],
  [2525, 'tls'],
  [25, 'starttls'],
];

function rank(r: ProbeResult): number {
  const i = PREFERENCE.findIndex(([port, mode]) => port === r.port && mode === r.mode);
  return i === -1 ? PREFERENCE.length + r.port : i;
}

export function modeName(mode: 'starttls' | 'tls'): string {
  return mode === 'starttls' ? 'STARTTLS' : 'implicit TLS (SSL/TLS)';
}

const byRank = (a: ProbeResult, b: ProbeResult) => rank(a) - rank(b);

export function recommend(results: readonly ProbeResult[]): ProbeReport['recommendation'] {
  const usable = results.filter((r) => r.status === 'ok' && r.tls?.trusted === true).sort(byRank);
  const [best, ...others] = usable;
  if (best !== undefined) {
    const alternative = others.find((r) => r.mode !== best.mode) ?? others[0];
    const also = alternative !== undefined ? ` (port ${alternative.port} with ${modeName(alternative.mode)} works too)` : '';
    return { port: best.port, security: best.mode, text: `Use ${best.port} with ${modeName(best.mode)}${also}.` };
  }
  const untrusted = results.filter((r) => r.status === 'untrusted-cert' || (r.status === 'ok' && r.tls?.trusted !== true)).sort(byRank)[0];
  if (untrusted !== undefined) {
    return {
      port: untrusted.port,
      security: untrusted.mode,
      text: `Port ${untrusted.port} offers ${modeName(untrusted.mode)}, but its certificate is not trusted (${untrusted.tls?.verifyError ?? 'unknown CA'}): install a certificate from a public CA first — connector platforms will refuse this one.`,
    };
  }
  const noAuth = results.filter((r) => r.status === 'no-auth').sort(byRank)[0];
  if (noAuth !== undefined) {
    return {
      port: noAuth.port,
      security: noAuth.mode,
      text: `Port ${noAuth.port} offers TLS but no AUTH on any port: this server does not take credentials here (it may relay only for allowed IP addresses).`,
    };
  }
  return null;
}

export function networkNotes(results: readonly ProbeResult[]): string[] {
  const notes: string[] = [];
  const ports = [...new Set(results.map((r) => r.port))];
  const all = (port: number, status: ProbeResult['status']) => results.filter((r) => r.port === port).every((r) => r.status === status);
  const blocked = ports.filter((p) => all(p, 'blocked'));
  const refused = ports.filter((p) => all(p, 'refused'));
  const answering = ports.filter((p) => !blocked.includes(p) && results.some((r) => r.port === p && r.status !== 'unreachable' && r.status !== 'error'));
  if (blocked.length > 0 && answering.length > 0) {
    notes.push(
      `Port${blocked.length > 1 ? 's' : ''} ${blocked.join(', ')} did not answer at all (connection timed out) while port ${answering.join(', ')} did: ${blocked.length > 1 ? 'they are' : 'it is'} probably blocked on this network — ISPs and company firewalls often block outbound port 25 — or filtered by the server's firewall. The server itself is up.`,
    );
  } else if (blocked.length > 0 && blocked.length === ports.length) {
    notes.push('No port answered (every connection timed out): the server may be down, its firewall may drop connections, or this network blocks outbound mail ports. Try from another network.');
  }
  if (refused.length > 0) {
    notes.push(`Port${refused.length > 1 ? 's' : ''} ${refused.join(', ')} refused the connection: the server is reachable, but nothing listens there.`);
  }
  const noTls = results.filter((r) => r.status === 'no-tls');
  if (noTls.length > 0 && !results.some((r) => r.status === 'ok')) {
    notes.push(`Port ${noTls.map((r) => r.port).join(', ')} speaks SMTP without STARTTLS: credentials must never be sent there.`);
  }
  return notes;
}
