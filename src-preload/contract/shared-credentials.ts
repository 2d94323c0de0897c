/**
 * Unique credentials per address or brand (resources/platforms prerequisite
 * `unique-credentials`): which other saved addresses already sign in with the same
 * username on the same server. A warning, never a refusal: one mailbox may legitimately
 * relay for several addresses, but then one rotation or one leak touches them all.
 * Pure, so the wizard says it while the username is typed.
 */
export interface CredentialHolder {
  readonly id: string;
  readonly address: string;
  readonly host: string;
  readonly username: string;
}

/** The other addresses using `username` on `host` (case-insensitive), the address being set up left out. */
export function addressesSharingCredentials(candidate: { readonly host: string; readonly username: string; readonly excludeId?: string | null }, saved: readonly CredentialHolder[]): CredentialHolder[] {
  const username = candidate.username.trim().toLowerCase();
  const host = candidate.host.trim().toLowerCase().replace(/\.$/u, '');
  if (username === '' || host === '') return [];
  return saved.filter((a) => a.id !== candidate.excludeId && a.username.trim().toLowerCase() === username && a.host.trim().toLowerCase().replace(/\.$/u, '') === host);
}
