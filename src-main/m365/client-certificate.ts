/**
 * The certificate credential of an app registration (client credentials with a signed
 * client assertion instead of a client secret), checked in main with node:crypto:
 * - the private key must parse (`createPrivateKey`), be unencrypted and RSA — Microsoft
 *   Entra signs-in apps with RS256/PS256 assertions;
 * - the thumbprint is the hex SHA-1 (what the Entra portal's "Certificates & secrets"
 *   shows) or SHA-256 of the certificate;
 * - the certificate, when given, must match both the thumbprint and the key.
 *
 * The keychain stores one line of text (keytar refuses line breaks): the key as
 * base64 PKCS#8 DER (`keychainFormOf`), turned back into PEM only to lend it to msal.
 * No function here puts key material into a message.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { fail, ok, type Result } from '../../src-preload/contract';

export const THUMBPRINT_HINT = 'Copy the Thumbprint shown next to the certificate under Certificates & secrets in the app registration (40 hex characters; a 64-character SHA-256 thumbprint also works).';

/** Uppercase hex without separators; `null` when it is neither a SHA-1 nor a SHA-256 thumbprint. */
export function normalizeThumbprint(text: string): string | null {
  const hex = text.replace(/[\s:]/gu, '').toUpperCase();
  return /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/u.test(hex) ? hex : null;
}

export interface CheckedCertificate {
  /** What the keychain stores: base64 PKCS#8 DER, one line. */
  readonly keychainForm: string;
  readonly thumbprint: string;
  /** The PEM certificate (public), when given. */
  readonly certificatePem: string | null;
}

const KEY_HINT = 'Give the private key of the certificate uploaded to the app registration, as PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----), for example from: openssl pkcs12 -in app.pfx -nocerts -nodes';

function parseKey(pem: string): Result<KeyObject> {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/u.test(pem)) {
    return fail('invalid-input', 'The private key is protected with a passphrase, which Relayproof cannot store.', {
      hint: 'Save an unprotected copy (openssl pkey -in key.pem -out key-plain.pem), paste that, then delete the copy. The keychain protects it from then on.',
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    const what = /-----BEGIN CERTIFICATE-----/u.test(pem) && !/PRIVATE KEY-----/u.test(pem) ? 'That is a certificate, not its private key.' : 'The private key could not be read.';
    return fail('invalid-input', what, { hint: KEY_HINT });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return fail('invalid-input', `The private key is ${key.asymmetricKeyType?.toUpperCase() ?? 'of an unknown type'}; Microsoft Entra app certificates need an RSA key.`, {
      hint: 'Create the app registration’s certificate with an RSA key (2048 bits or more), for example: openssl req -x509 -newkey rsa:2048 -nodes -keyout app.key -out app.pem -days 365',
    });
  }
  return ok(key);
}

/** Validates what the admin gave; the errors name the problem, never the key. */
export function checkClientCertificate(input: { readonly thumbprint: string; readonly privateKeyPem: string; readonly certificatePem?: string | undefined }): Result<CheckedCertificate> {
  const thumbprint = normalizeThumbprint(input.thumbprint);
  if (thumbprint === null) return fail('invalid-input', 'The thumbprint is not a SHA-1 or SHA-256 certificate thumbprint.', { hint: THUMBPRINT_HINT });
  const key = parseKey(input.privateKeyPem);
  if (!key.ok) return key;
  let certificatePem: string | null = null;
  if (input.certificatePem !== undefined && input.certificatePem.trim() !== '') {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(input.certificatePem);
    } catch {
      return fail('invalid-input', 'The certificate could not be read.', { hint: 'Give the PEM certificate uploaded to the app registration (-----BEGIN CERTIFICATE-----), or leave it out.' });
    }
    const sha1 = cert.fingerprint.replaceAll(':', '');
    const sha256 = cert.fingerprint256.replaceAll(':', '');
    if (thumbprint !== sha1 && thumbprint !== sha256) {
      return fail('invalid-input', `The thumbprint does not belong to this certificate (its SHA-1 thumbprint is ${sha1}).`, { hint: THUMBPRINT_HINT });
    }
    if (!cert.checkPrivateKey(key.value)) {
      return fail('invalid-input', 'The private key does not belong to this certificate.', { hint: 'Give the key that was created together with the certificate uploaded to the app registration.' });
    }
    certificatePem = cert.toString();
  }
  const der = key.value.export({ type: 'pkcs8', format: 'der' });
  return ok({ keychainForm: der.toString('base64'), thumbprint, certificatePem });
}

/** The keychain's one-line form back to a PKCS#8 PEM for msal; a refusal if the entry was damaged. */
export function pemFromKeychainForm(stored: string, address: string): Result<string> {
  try {
    const key = createPrivateKey({ key: Buffer.from(stored, 'base64'), format: 'der', type: 'pkcs8' });
    return ok(key.export({ type: 'pkcs8', format: 'pem' }).toString());
  } catch {
    return fail('invalid-input', `The certificate private key saved in the keychain for ${address} could not be read.`, {
      hint: 'Save the certificate again (thumbprint and private key) on the OAuth 2.0 tab of the Microsoft 365 view.',
    });
  }
}

/** The saved certificate credential (key from the keychain, public half from the app registration) as msal's input. */
export function certificateCredential(
  stored: string,
  saved: { readonly thumbprint: string; readonly certificatePem: string | null },
  address: string,
): Result<{ kind: 'certificate'; privateKey: string; thumbprint: string; certificate?: string }> {
  const privateKey = pemFromKeychainForm(stored, address);
  if (!privateKey.ok) return privateKey;
  return ok({ kind: 'certificate', privateKey: privateKey.value, thumbprint: saved.thumbprint, ...(saved.certificatePem !== null ? { certificate: saved.certificatePem } : {}) });
}

