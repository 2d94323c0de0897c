/**
 * DNS for the verification-loop tests: the company domain `acme.test` (SPF allows only
 * the relay's outbound address 127.0.0.2, a DKIM key for the relay and one for the
 * platform, DMARC p=reject) and a relay provider's own domain `relay-provider.test`
 * (SPF and DKIM that pass but do not align with acme.test). Keys are real RSA 2048 keys
 * made per test file; the private halves go to the signing relay.
 */
import { generateKeyPairSync } from 'node:crypto';
import { rr, type Zone } from './dns-zone';

export const ACME = 'acme.test';
export const RELAY_PROVIDER = 'relay-provider.test';
/** The relay's outbound address, listed in acme.test's SPF. Any 127/8 address is loopback on Linux. */
export const RELAY_IP = '127.0.0.2';
/** An address the SPF record does not list. */
export const ROGUE_IP = '127.0.0.3';

export interface DkimKey {
  readonly domain: string;
  readonly selector: string;
  /** PKCS#8 PEM, for mailauth's dkimSign. */
  readonly privateKey: string;
  /** `v=DKIM1; k=rsa; p=...` as published. */
  readonly record: string;
}

export function createDkimKey(domain: string, selector: string, bits = 2048): DkimKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { domain, selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${der}` };
}

export interface VerificationKeys {
  /** The relay signs as the company (aligned). */
  readonly acmeRelay: DkimKey;
  /** The platform (e.g. Zendesk) signs as the company before the relay sees the message. */
  readonly acmePlatform: DkimKey;
  /** The relay provider signs as itself (not aligned). */
  readonly provider: DkimKey;
}

export function createVerificationKeys(): VerificationKeys {
  return {
    acmeRelay: createDkimKey(ACME, 'relay1'),
    acmePlatform: createDkimKey(ACME, 'zendesk1'),
    provider: createDkimKey(RELAY_PROVIDER, 'rp2026'),
  };
}

export function verificationZones(keys: VerificationKeys): Zone[] {
  const key = (k: DkimKey) => rr.txt(`${k.selector}._domainkey.${k.domain}`, k.record);
  return [
    {
      origin: ACME,
      records: [
        rr.txt(ACME, `v=spf1 ip4:${RELAY_IP} -all`),
        rr.txt(`_dmarc.${ACME}`, 'v=DMARC1; p=reject; adkim=r; aspf=r'),
        rr.mx(ACME, 10, `mx.${ACME}`),
        rr.a(`mx.${ACME}`, '127.0.0.1'),
        rr.a(`relay.${ACME}`, RELAY_IP),
        key(keys.acmeRelay),
        key(keys.acmePlatform),
      ],
    },
    {
      origin: RELAY_PROVIDER,
      records: [rr.txt(RELAY_PROVIDER, `v=spf1 ip4:${RELAY_IP} -all`), rr.txt(`_dmarc.${RELAY_PROVIDER}`, 'v=DMARC1; p=none'), rr.a(`out.${RELAY_PROVIDER}`, RELAY_IP), key(keys.provider)],
    },
  ];
}
