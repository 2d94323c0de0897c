/** Turns Node's peer certificate objects into the report's plain data. */
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateInfo } from '../../src-preload/contract/smtp-schemas';

type NameFields = PeerCertificate['subject'];

function distinguishedName(fields: NameFields | undefined): string {
  if (fields === undefined || fields === null) return '';
  return Object.entries(fields)
    .map(([key, value]: [string, string | string[] | undefined]) => `${key}=${Array.isArray(value) ? value.join('+') : (value ?? '')}`)
    .join(', ');
}

function firstValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function isoDate(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

export function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[:\s]/gu, '').toUpperCase();
}

export function describeCertificate(cert: PeerCertificate): CertificateInfo {
  const subject = distinguishedName(cert.subject);
  const issuer = distinguishedName(cert.issuer);
  return {
    subject,
    commonName: firstValue(cert.subject?.CN),
    subjectAltNames: (cert.subjectaltname ?? '')
      .split(/,\s*/u)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    issuer,
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    selfSigned: subject === issuer,
  };
}

/** The issuers above the leaf, as the server sent them (stops at the root's self-reference). */
export function describeChain(leaf: DetailedPeerCertificate): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const seen = new Set([leaf.fingerprint256]);
  let current: DetailedPeerCertificate | undefined = leaf.issuerCertificate;
  while (current !== undefined && current !== null && !seen.has(current.fingerprint256) && chain.length < 10) {
    seen.add(current.fingerprint256);
    chain.push(describeCertificate(current));
    current = current.issuerCertificate;
  }
  return chain;
}
