/**
 * Whether a stored secret may be lent now, as far as the address and Settings decide it.
 * Main refuses with this answer (src-main/vault/lending-binding.ts); the renderer shows the
 * same words beside the address, so the admin reads why before testing. Pure TypeScript.
 *
 * The secret is bound to the connection it was saved for (its binding, on the address):
 * - the server and account: a different one holds it back (a move deletes the secret too;
 *   this catches any path that would not);
 * - the certificate pin Settings had for the host: a pin added, changed or removed since
 *   holds it back until the secret is typed again and passes, or is rotated — whoever can
 *   change a pin could otherwise pin their own server's certificate and receive it;
 * - the DNS servers Settings named: after a change the lending goes ahead, but compares
 *   the host's addresses with the ones seen when it last signed in (`dnsChanged`).
 */
import type { Address, LendingBinding, LendingPurpose } from './addresses-schemas';
import type { Settings } from './app';
import type { AuthKind } from './fields';

export type LendingSettings = Pick<Settings, 'pinnedCertificates' | 'dnsServers' | 'dnsServersChangedAt'>;

export interface LendingHold {
  readonly reason: 'pin-changed' | 'server-changed';
  /** What happened and why it matters, in the admin's words. */
  readonly message: string;
  /** What to do next. */
  readonly hint: string;
}

export interface LendingCheck {
  /** Why the secret is held back; null = it may be lent. */
  readonly hold: LendingHold | null;
  /** The pin in force for the host (the one it is bound to when not held). */
  readonly pinSha256: string | null;
  /** Settings' DNS servers changed since the binding: compare the host's addresses. */
  readonly dnsChanged: boolean;
  /** The host's addresses when the secret last signed in. */
  readonly knownIps: readonly string[];
  /** The binding as worked out (for an address saved before bindings existed: from its timestamps). */
  readonly binding: LendingBinding | null;
}

const SECRET_NOUNS: Record<AuthKind, string> = { password: 'password', 'app-password': 'app password', 'api-key': 'API key', oauth2: 'OAuth 2.0 token' };

/** The pin Settings hold for a host (the first entry for it, as the engine uses), or null. */
export function pinFor(settings: Pick<Settings, 'pinnedCertificates'>, host: string): Settings['pinnedCertificates'][number] | null {
  return settings.pinnedCertificates.find((p) => p.host.toLowerCase() === host.toLowerCase()) ?? null;
}

/** The same DNS servers, whatever their order. */
export function sameDnsServers(a: readonly string[], b: readonly string[]): boolean {
  const norm = (list: readonly string[]) => [...new Set(list.map((s) => s.trim().toLowerCase()))].sort().join(' ');
  return norm(a) === norm(b);
}

/** Where an address's purpose sends its secret now: the SMTP server, or a mailbox. Null: no mailbox configured. */
export function targetOf(address: Address, purpose: LendingPurpose): Pick<LendingBinding, 'host' | 'port' | 'security' | 'username' | 'authKind'> | null {
  switch (purpose) {
    case 'smtp':
    case 'oauth':
      return { host: address.host, port: address.port, security: address.security, username: address.username, authKind: purpose === 'oauth' ? null : address.authKind };
    case 'imap':
    case 'imap-forwarding': {
      const mailbox = purpose === 'imap' ? address.mailbox : address.forwardingMailbox;
      return mailbox === null ? null : { host: mailbox.host, port: mailbox.port, security: mailbox.security, username: mailbox.username, authKind: null };
    }
  }
}

function latest(times: readonly (string | null | undefined)[]): string {
  return times.filter((t): t is string => typeof t === 'string').reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

/**
 * The binding of an address saved before bindings existed, from what it recorded: the
 * secret was saved (or last signed in) at `anchor`; a pin Settings stamped later, or a
 * DNS change Settings recorded later, came after it. The pin in force at `anchor` is then
 * unknown, so it is taken as "none" (a later pin holds the secret back).
 */
function legacyBinding(address: Address, purpose: 'smtp' | 'oauth', settings: LendingSettings): LendingBinding {
  const anchor = latest([address.createdAt, purpose === 'smtp' ? address.secretChangedAt : null, address.lastTest?.ok === true ? address.lastTest.at : null]);
  const pin = pinFor(settings, address.host);
  const pinThen = pin !== null && Date.parse(pin.pinnedAt) <= Date.parse(anchor) ? pin.sha256 : null;
  const dnsChangedSince = settings.dnsServersChangedAt !== undefined && Date.parse(settings.dnsServersChangedAt) > Date.parse(anchor);
  const target = targetOf(address, purpose);
  return {
    at: anchor,
    host: address.host,
    port: address.port,
    security: address.security,
    username: address.username,
    authKind: target?.authKind ?? null,
    pinSha256: pinThen,
    // Unknown after a recorded change: a list that matches no Settings value, so the addresses are compared.
    dnsServers: dnsChangedSince ? ['(changed since)'] : [...settings.dnsServers],
    ips: [],
  };
}

function serverWords(b: Pick<LendingBinding, 'host' | 'port' | 'security' | 'username'>): string {
  return `${b.host}:${b.port} (${b.security}) as ${b.username}`;
}

/** May the address's secret for `purpose` be lent now? */
export function checkLending(address: Address, purpose: LendingPurpose, settings: LendingSettings): LendingCheck {
  const target = targetOf(address, purpose);
  const stored = address.lending?.[purpose] ?? null;
  const mailbox = purpose === 'imap' || purpose === 'imap-forwarding';
  // A mailbox password saved before bindings existed is bound on its first use (mailboxes
  // have no pin or DNS setting: they use the system's resolvers and trusted certificates).
  const binding = stored ?? (mailbox ? null : legacyBinding(address, purpose as 'smtp' | 'oauth', settings));
  const noun = purpose === 'smtp' ? SECRET_NOUNS[address.authKind] : purpose === 'oauth' ? 'OAuth 2.0 token' : 'mailbox password';
  const pin = mailbox ? null : (pinFor(settings, address.host)?.sha256 ?? null);
  const none: LendingCheck = { hold: null, pinSha256: pin, dnsChanged: false, knownIps: [], binding };
  if (binding === null || target === null) return none;

  const moved =
    binding.host.toLowerCase() !== target.host.toLowerCase() ||
    binding.port !== target.port ||
    binding.security !== target.security ||
    binding.username !== target.username ||
    binding.authKind !== target.authKind;
  if (moved) {
    const where = mailbox ? `the ${purpose === 'imap' ? 'mailbox' : 'forwarding check mailbox'} of ${address.address}` : address.address;
    return {
      ...none,
      hold: {
        reason: 'server-changed',
        message: `The stored ${noun} of ${where} was saved for ${serverWords(binding)}, not for ${serverWords(target)}: Relayproof does not send it to a server it was not saved for.`,
        hint: mailbox
          ? 'Set the mailbox again with its password.'
          : purpose === 'oauth'
            ? 'Save the OAuth 2.0 app’s certificate (or, if it has none, its client secret) again (Microsoft 365 → OAuth 2.0) for the new server.'
            : `Enter the ${noun} for the new server (Addresses → Rotate).`,
      },
    };
  }
  if (mailbox) return none;

  if (binding.pinSha256 !== pin) {
    const host = address.host;
    const what =
      binding.pinSha256 === null
        ? `A certificate was pinned for ${host}`
        : pin === null
          ? `The certificate pinned for ${host} was unpinned`
          : `The certificate pinned for ${host} changed`;
    const oauth = purpose === 'oauth';
    const since = oauth ? `the OAuth 2.0 app of ${address.address} was saved` : `the ${noun} of ${address.address} was last tested`;
    const next = oauth ? 'save the app’s certificate (or, if it has none, its client secret) again' : `type the ${noun} again and test, or rotate it`;
    return {
      ...none,
      hold: {
        reason: 'pin-changed',
        message: `${what} since ${since}; ${next}. Until then Relayproof does not send the stored ${oauth ? 'credential' : noun}: a newly trusted certificate may belong to another server.`,
        hint: oauth
          ? 'Microsoft 365 → OAuth 2.0 saves the certificate or client secret; or remove the new pin in Settings.'
          : 'Connection test, with “Use the secret stored” unticked, tests a typed one; Addresses → Rotate replaces it after a test.',
      },
    };
  }
  // An IP address as the host is not looked up: DNS servers cannot send it elsewhere.
  const looksUp = !isIpLiteral(address.host);
  return { ...none, dnsChanged: looksUp && !sameDnsServers(binding.dnsServers, settings.dnsServers), knownIps: binding.ips };
}

/** `192.0.2.1`, `2001:db8::1` or `[2001:db8::1]` (a host name never has a colon). */
export function isIpLiteral(host: string): boolean {
  const bare = host.replace(/^\[|\]$/gu, '');
  return /^\d{1,3}(?:\.\d{1,3}){3}$/u.test(bare) || bare.includes(':');
}
