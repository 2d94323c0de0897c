/**
 * How a phase stops the test. Thrown inside the engine only (the phase runner catches it
 * and records it as data); it never crosses the engine's boundary as an exception.
 */
import type { FailureCode, SmtpReply, TlsResult } from '../../src-preload/contract/smtp-schemas';

export interface EngineFailureExtra {
  readonly reply?: SmtpReply | null;
  /** Node / OpenSSL error code (`ECONNREFUSED`, `CERT_HAS_EXPIRED` ...). */
  readonly errorCode?: string | null;
  /** The certificate seen when a TLS verdict stopped the test. */
  readonly tls?: TlsResult;
  /** The connection is still usable for a polite QUIT. */
  readonly sessionUsable?: boolean;
}

export class EngineFailure extends Error {
  readonly code: FailureCode;
  readonly reply: SmtpReply | null;
  readonly errorCode: string | null;
  readonly tls: TlsResult | undefined;
  readonly sessionUsable: boolean;

  constructor(code: FailureCode, message: string, extra: EngineFailureExtra = {}) {
    super(message);
    this.name = 'EngineFailure';
    this.code = code;
    this.reply = extra.reply ?? null;
    this.errorCode = extra.errorCode ?? null;
    this.tls = extra.tls;
    this.sessionUsable = extra.sessionUsable ?? false;
  }
}

/** The Node error code of an unknown thrown value, if it has one. */
export function errorCodeOf(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return null;
}

export function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
