/**
 * Stable codes for every way a connection test or probe can stop. Its own file so that
 * analyze.ts (whose diagnoses name a code) and smtp-schemas.ts (whose report carries
 * that diagnosis) can both use it without importing each other.
 */
import { z } from 'zod';

export const failureCodes = [
  'dns-not-found',
  'dns-timeout',
  'dns-failed',
  'connect-refused',
  'connect-timeout',
  'connect-unreachable',
  'connect-failed',
  'greeting-timeout',
  'greeting-rejected',
  'slow-reply',
  'reply-timeout',
  'not-smtp',
  'reply-line-too-long',
  'reply-too-long',
  'session-too-large',
  'unexpected-reply',
  'connection-closed',
  'ehlo-rejected',
  'tls-required',
  'starttls-rejected',
  'port-expects-implicit-tls',
  'port-expects-starttls',
  'tls-handshake-failed',
  'tls-version-unsupported',
  'cert-self-signed',
  'cert-untrusted',
  'cert-expired',
  'cert-not-yet-valid',
  'cert-hostname-mismatch',
  'cert-pin-mismatch',
  'auth-not-offered',
  'auth-mechanism-unavailable',
  'auth-rejected',
  'oauth-rejected',
  'smtputf8-not-offered',
  'sender-rejected',
  'recipient-rejected',
  'message-rejected',
  'deadline-exceeded',
  'cancelled',
] as const;
export const failureCodeSchema = z.enum(failureCodes);
export type FailureCode = z.infer<typeof failureCodeSchema>;
