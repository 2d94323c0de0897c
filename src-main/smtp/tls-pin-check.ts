/**
 * The one place that opens TLS for the SMTP engine (implicit TLS, RFC 8314, and the
 * STARTTLS upgrade, RFC 3207), and the one place that decides whether a certificate is
 * accepted.
 *
 * Why this function judges the certificate itself instead of letting OpenSSL abort
 * the handshake: with Node's verify-and-destroy mode, an untrusted certificate
 * destroys the socket before anyone can read it, so the admin could not be shown the
 * fingerprint of a self-signed or private-CA certificate, and could not pin it. So the
 * handshake completes, OpenSSL's own verdict (`authorized` / `authorizationError`,
 * computed against the system roots plus any `ca` given) is read, and the socket is
 * accepted only when:
 *   - the chain verified AND the host name matches the certificate (RFC 6125), or
 *   - the certificate's SHA-256 fingerprint equals the admin's pin exactly.
 * Anything else destroys the socket here. Nothing is written on it before the verdict:
 * the SMTP dialogue only receives the socket from this function's resolved promise, and
 * a rejected certificate never resolves it. Verification is never switched off; it is
 * performed here, in full, on every connection.
 */
import { connect as tlsConnect, checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { ipFamily } from '../dns/ip-family';
import { describeCertificate, describeChain, normaliseFingerprint } from './certificate-info';
import { EngineFailure, errorCodeOf, errorMessageOf } from './engine-failure';
import type { FailureCode, TlsResult } from '../../src-preload/contract/smtp-schemas';
import type { TlsTrust } from './tls-trust';

export interface PinCheckedTlsOptions {
  /** The plain socket after `220` to STARTTLS; absent for implicit TLS (then `address`/`port`). */
  readonly socket?: Socket;
  readonly address: string;
  readonly port: number;
  /** The name the certificate must carry: the host as the admin typed it. */
  readonly host: string;
  /** System roots plus any extra CA (see tls-trust.ts). */
  readonly trust: TlsTrust;
  /** Normalised SHA-256 fingerprint the admin pinned (64 hex digits). */
  readonly pinSha256?: string;
  /** Allow TLS 1.0/1.1 (OpenSSL security level 0) to name the version of a legacy-only server. */
  readonly legacy: boolean;
  /** `implicit`: a wrong-version error means the port speaks plain SMTP first. */
  readonly mode: 'implicit' | 'starttls';
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface PinCheckedTls {
  readonly socket: TLSSocket;
  readonly result: TlsResult;
}

const VERSION_ERRORS = new Set([
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED',
  'ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED',
]);

export function openTlsWithPinCheck(options: PinCheckedTlsOptions): Promise<PinCheckedTls> {
  const name = options.host.replace(/^\[|\]$/gu, '').replace(/\.$/u, '');
  const servername = ipFamily(name) === 0 ? name : undefined;
  // See the file comment: the verdict is taken from OpenSSL and enforced below, before
  // the socket leaves this function, so that an untrusted certificate can be shown and
  // pinned. This is the only TLS connect in the engine.
  const verdictEnforcedBelow = true;
  const secureContext = options.trust.context(options.legacy);
  return new Promise<PinCheckedTls>((resolve, reject) => {
    const socket = tlsConnect({
      ...(options.socket !== undefined ? { socket: options.socket } : { host: options.address, port: options.port }),
      ...(servername !== undefined ? { servername } : {}),
      ...(secureContext !== undefined ? { secureContext } : {}),
      rejectUnauthorized: !verdictEnforcedBelow,
      checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
    });
    const finish = (outcome: PinCheckedTls | EngineFailure) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      socket.off('secureConnect', onSecure);
      socket.off('error', onError);
      // Until the next owner attaches its listener, a late socket error must not go unhandled.
      socket.on('error', () => undefined);
      if (outcome instanceof EngineFailure) {
        socket.destroy();
        reject(outcome);
      } else resolve(outcome);
    };
    const onSecure = () => finish(judge(socket, name, options));
    const onError = (error: unknown) => finish(classifyHandshakeError(error, options));
    const onAbort = () => {
      const reason: unknown = options.signal.reason;
      finish(reason instanceof EngineFailure ? reason : new EngineFailure('cancelled', 'The test was cancelled.'));
    };
    const timer = setTimeout(
      () => finish(new EngineFailure('tls-handshake-failed', `The TLS handshake did not finish within ${options.timeoutMs} ms.`, { errorCode: 'ETIMEDOUT' })),
      options.timeoutMs,
    );
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The certificate verdict. Returns the accepted socket, or the failure that rejects it. */
function judge(socket: TLSSocket, name: string, options: PinCheckedTlsOptions): PinCheckedTls | EngineFailure {
  // Node returns an empty object when the server sent no certificate.
  const peer: DetailedPeerCertificate = socket.getPeerCertificate(true);
  if (typeof peer.fingerprint256 !== 'string') {
    return new EngineFailure('tls-handshake-failed', 'The server completed TLS without presenting a certificate.');
  }
  const verifyError = socket.authorized ? null : String(socket.authorizationError ?? 'UNKNOWN');
  const hostnameMatch = checkServerIdentity(name, peer) === undefined;
  // A name mismatch is the only verdict OpenSSL passes on after a good chain.
  const chainTrusted = verifyError === null || verifyError === 'ERR_TLS_CERT_ALTNAME_INVALID';
  const fingerprint = normaliseFingerprint(peer.fingerprint256);
  const pinned = options.pinSha256 !== undefined && fingerprint === options.pinSha256;
  const cipher = socket.getCipher();
  const result: TlsResult = {
    protocol: socket.getProtocol(),
    cipher: cipher.standardName || cipher.name,
    legacyVersion: options.legacy,
    certificate: describeCertificate(peer),
    chain: describeChain(peer),
    chainTrusted,
    hostnameMatch,
    verifyError: chainTrusted && hostnameMatch ? null : (verifyError ?? 'ERR_TLS_CERT_ALTNAME_INVALID'),
    verdict: chainTrusted && hostnameMatch ? 'trusted' : pinned ? 'pinned' : 'rejected',
    publicRoot: chainTrusted && options.trust.publicRoot(peer),
  };
  if (result.verdict !== 'rejected') return { socket, result };

  const fp = peer.fingerprint256;
  if (options.pinSha256 !== undefined) {
    return new EngineFailure(
      'cert-pin-mismatch',
      `The certificate (SHA-256 ${fp}) is not trusted and does not match the pinned fingerprint: the server's certificate changed, or this is not the server you pinned.`,
      { errorCode: result.verifyError, tls: result },
    );
  }
  const code = certificateFailureCode(result.verifyError ?? '');
  return new EngineFailure(code, `${certificateProblem(code, name)} Its SHA-256 fingerprint is ${fp}.`, { errorCode: result.verifyError, tls: result });
}

export function certificateFailureCode(verifyError: string): FailureCode {
  switch (verifyError) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'cert-self-signed';
    case 'CERT_HAS_EXPIRED':
      return 'cert-expired';
    case 'CERT_NOT_YET_VALID':
      return 'cert-not-yet-valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'cert-hostname-mismatch';
    default:
      return 'cert-untrusted';
  }
}

function certificateProblem(code: FailureCode, name: string): string {
  switch (code) {
    case 'cert-self-signed':
      return 'The server presented a self-signed certificate (or a chain ending in an unknown self-signed root).';
    case 'cert-expired':
      return 'The server’s certificate has expired.';
    case 'cert-not-yet-valid':
      return 'The server’s certificate is not valid yet (check this machine’s clock too).';
    case 'cert-hostname-mismatch':
      return `The server’s certificate is not issued for ${name}.`;
    default:
      return 'The server’s certificate does not chain to a certificate authority this machine trusts (missing intermediate, or a private CA).';
  }
}

function classifyHandshakeError(error: unknown, options: PinCheckedTlsOptions): EngineFailure {
  const code = errorCodeOf(error);
  const message = errorMessageOf(error);
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/iu.test(message)) {
    return options.mode === 'implicit'
      ? new EngineFailure(
          'port-expects-starttls',
          `Port ${options.port} answered in plain text, not TLS: it expects STARTTLS (choose STARTTLS for this port, or implicit TLS on 465).`,
          { errorCode: code ?? 'ERR_SSL_WRONG_VERSION_NUMBER' },
        )
      : new EngineFailure('tls-handshake-failed', 'The server accepted STARTTLS but did not start a TLS handshake (it answered in plain text).', {
          errorCode: code ?? 'ERR_SSL_WRONG_VERSION_NUMBER',
        });
  }
  if (code !== null && VERSION_ERRORS.has(code)) {
    return new EngineFailure('tls-version-unsupported', `The server and Relayproof share no TLS version (${code}).`, { errorCode: code });
  }
  return new EngineFailure('tls-handshake-failed', `The TLS handshake failed: ${message}`, { errorCode: code });
}
