/**
 * A diagnosis said for an address of a given platform. A reply that refuses the client
 * by its network address (catalogue entries marked `networkRefusal`) means, for a
 * platform that connects from its own published IPs (resources/platforms
 * networkAllowlist), that the mail service's allowlist is the likely cause: Relayproof
 * tests from this computer, the platform connects from its IPs, and an allowlist that
 * refuses one usually refuses the other.
 */
import type { Diagnosis } from '../../src-preload/contract/analyze';
import type { Platform } from '../../src-preload/contract/providers';
import type { ReplyCatalogue } from './reply-catalogue';

/** The platform's IP list for this account: `{subdomain}` filled in when the address has one. */
export function allowlistUrl(listUrl: string, subdomain: string | null | undefined): string {
  return listUrl.replaceAll('{subdomain}', subdomain !== null && subdomain !== undefined && subdomain !== '' ? subdomain : 'yoursubdomain');
}

export function isNetworkRefusal(diagnosis: Pick<Diagnosis, 'code' | 'kind'>, catalogue: ReplyCatalogue): boolean {
  if (diagnosis.kind !== 'catalogue') return false;
  return catalogue.entries.some((e) => e.entry.code === diagnosis.code && e.entry.networkRefusal === true);
}

/**
 * The same diagnosis, with the platform's allowlist named first as the likely cause when
 * the reply is a network refusal and the platform publishes its IPs; unchanged otherwise.
 */
export function diagnosisForPlatform(
  diagnosis: Diagnosis,
  catalogue: ReplyCatalogue,
  platform: Pick<Platform, 'shortName' | 'networkAllowlist'> | undefined,
  subdomain: string | null | undefined,
): Diagnosis {
  const allowlist = platform?.networkAllowlist;
  if (allowlist === undefined || !isNetworkRefusal(diagnosis, catalogue)) return diagnosis;
  const name = platform?.shortName ?? 'the platform';
  const url = allowlistUrl(allowlist.listUrl, subdomain);
  return {
    ...diagnosis,
    cause: `Likely cause for a ${name} address: your mail service allows only listed IP addresses, and ${name}'s outbound IPs are not on that allowlist. ${allowlist.refusalHint} (${diagnosis.cause})`,
    steps: [`Add ${name}'s outbound IP addresses to your mail service's allowlist: ${name} publishes them for your account at ${url} (how: ${allowlist.docsUrl}).`, ...diagnosis.steps],
    references: diagnosis.references.includes(allowlist.docsUrl) ? diagnosis.references : [allowlist.docsUrl, ...diagnosis.references],
  };
}
