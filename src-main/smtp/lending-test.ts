/**
 * The one way the app runs a connection test: `smtp:test-connection`,
 * `smtp:send-test-message`, secret rotation and the verification runs all come through here.
 * The handlers only adapt the channel's input to an `SmtpTestRequest`. Settings fill in
 * what the call leaves out (EHLO name, deadline, DNS servers, a pinned certificate for
 * the host), and a test with the stored secret of a saved address is remembered on the
 * address as its last test (never the secret).
 *
 * A stored secret (or an OAuth 2.0 token held for the address) is lent only to the
 * connection it was saved for (src-preload/contract/lending.ts): the saved server and account, the
 * pin in force when it was saved or last tested, and — when Settings' DNS servers changed
 * since — only at an address it signed in at before, unless the certificate there is
 * publicly trusted. DNS servers given with a call never apply to it.
 */
import type { z } from 'zod';
import type { Address, Result } from '../../src-preload/contract';
import { fail, ok } from '../../src-preload/contract/result-values';
import type { LoadCatalogueResult, ReplyCatalogue } from '../analyze/reply-catalogue';
import { parseAddress } from '../addresses/address-check';
import { lastTestOf } from '../addresses/lifecycle';
import { proveContinuedStep } from '../addresses/proceed-reason';
import { notFoundAddress } from '../addresses/not-found';
import { testConnection } from './connection-test';
import { diagnosisForPlatform } from '../analyze/platform-diagnosis';
import type { PerMessageHeaderFormat } from './test-message';
import type { ConnectionReport, ConnectionTestInput, PhaseEvent, connectionTestFieldsSchema, smtpCredentialsFieldsSchema } from '../../src-preload/contract/smtp-schemas';
import type { AddressStatusUpdate, AppStore } from '../store/store';
import { bind, checkLending, ipsOf, refreshedAfterSignIn, sameSecret, withBinding, type LendingCheck } from '../vault/lending-binding';
import type { Vault } from '../vault/vault';
import { unreadableResource } from '../app/json-resource';
import type { LoadPlatformsResult } from '../providers/platforms';
import { withPlatformReadiness, type ReadinessContext } from './platform-readiness';
import type { Connect } from './tcp-connect';

export interface SmtpTestDeps {
  /** What a test reads and records of the store (proceed-reason.ts and lending-binding.ts take the same). */
  readonly store: Pick<AppStore, 'settings' | 'getAddress' | 'setAddressStatus' | 'recordEvent'>;
  readonly vault: Vault;
  readonly clock: () => Date;
  readonly replies: () => Promise<LoadCatalogueResult>;
  /** An OAuth 2.0 access token held in memory for a saved address (the Microsoft 365 view) with when it was got, or null. */
  readonly heldToken?: (addressId: string) => { readonly token: string; readonly heldAt: string } | null;
  /** The connector platforms: a message sent for a saved address carries its platform's headers. */
  readonly platforms?: () => Promise<LoadPlatformsResult>;
  /**
   * How a test with a typed secret, or none, connects, and when it began if before it was
   * called: a one-shot command opens its connection while it starts (cli/smtp-services.ts)
   * and its connect takes that one (smtp/early-connection.ts).
   */
  readonly connect?: Connect;
  readonly startedAt?: Date;
}

/**
 * A connection test as the app asks for one: the server fields, the credentials without
 * their secret, and where the secret comes from — typed for this call (`secret`), or the
 * keychain entry of the saved address `addressId` (or an OAuth 2.0 token held for it).
 */
export type SmtpTestRequest = z.output<typeof connectionTestFieldsSchema> & {
  readonly addressId?: string | undefined;
  readonly secret?: string | undefined;
  /** null = do not sign in. */
  readonly credentials: z.output<typeof smtpCredentialsFieldsSchema> | null;
  /**
   * End with a real test message (`smtp:send-test-message`, the verification email). For a
   * saved address it carries the headers of the address's platform (smtp/test-message.ts).
   */
  readonly send: boolean;
};

/** How a caller follows and stops a test: its abort signal and the phases as they end. */
export interface SmtpTestOptions {
  readonly signal: AbortSignal;
  readonly onPhase?: ((event: PhaseEvent) => void) | undefined;
  /**
   * Where a test with a stored secret records its outcome on the address (last test, where
   * it signed in). Default: written at once. A fleet run gathers them into a few writes
   * (store/address-status-batch.ts); each is then dropped if the address's server, account
   * or secret changed before it was written, since the test spoke for the old ones.
   */
  readonly recordStatus?: ((addressId: string, update: AddressStatusUpdate) => void) | undefined;
}

export interface SmtpTester {
  /** A test with a typed secret, a saved address's stored secret, or none. */
  run(request: SmtpTestRequest, options: SmtpTestOptions): Promise<Result<ConnectionReport>>;
  /**
   * A candidate secret against a saved address's own server and account (host, port,
   * security, username, sign-in method, and the pin saved in Settings for that host).
   * Signs in, then checks send-as (MAIL FROM the address, RCPT TO itself, then RSET):
   * the platform sends as the address, so a secret that signs in but may not send as it
   * is no good. No message is sent.
   */
  testCandidate(address: Address, secret: string, options: SmtpTestOptions): Promise<Result<ConnectionReport>>;
}

/** What a test with a typed secret used: enough to tell whether it was the saved connection. */
interface TypedTest {
  readonly host: string;
  readonly port: number;
  readonly security: string;
  readonly dnsServers: readonly string[];
  readonly credentials: { readonly kind: string; readonly username: string };
  readonly pin: string | undefined;
}

/**
 * Typed secrets that signed in but were not the stored one, per address, within the
 * window. Whether a re-bind happened shows on the address, so each proof is a yes/no
 * answer to "is this the stored secret?": without a bound, a caller holding the browser
 * key could guess a weak password at handshake speed against a server of its own.
 */
export const PROOF_ATTEMPTS = 5;
export const PROOF_WINDOW_MS = 15 * 60 * 1000;

export function createSmtpTester(deps: SmtpTestDeps): SmtpTester {
  const { store, vault, clock } = deps;
  const failedProofs = new Map<string, number[]>();

  /** Failed proofs of the address still inside the window. */
  function recentFailures(addressId: string): number[] {
    const since = clock().getTime() - PROOF_WINDOW_MS;
    const recent = (failedProofs.get(addressId) ?? []).filter((t) => t > since);
    failedProofs.set(addressId, recent);
    return recent;
  }

  async function catalogue(): Promise<Result<ReplyCatalogue>> {
    const loaded = await deps.replies();
    return loaded.ok
      ? ok(loaded.catalogue)
      : unreadableResource('replies', loaded.problems);
  }

  function savedPin(host: string): string | undefined {
    return store.settings().pinnedCertificates.find((p) => p.host.toLowerCase() === host.toLowerCase())?.sha256;
  }

  function defaults(dnsServers: readonly string[], timeouts: ConnectionTestInput['timeouts']) {
    const settings = store.settings();
    const ehloName = settings.ehloName ?? undefined;
    return {
      dnsServers: dnsServers.length > 0 ? [...dnsServers] : [...settings.dnsServers],
      timeouts: { deadlineMs: settings.smtpTimeoutSeconds * 1000, ...timeouts },
      ...(ehloName !== undefined ? { ehloName } : {}),
    };
  }

  /** The headersToPersist of the saved address's platform; null when there is none to say. */
  async function platformHeadersOf(addressId: string | undefined): Promise<{ readonly platformHeaders: readonly string[] | null; readonly perMessageHeaders: readonly PerMessageHeaderFormat[] | null }> {
    const address = addressId === undefined ? undefined : store.getAddress(addressId);
    if (address === undefined || deps.platforms === undefined) return { platformHeaders: null, perMessageHeaders: null };
    const loaded = await deps.platforms();
    const platform = loaded.ok ? loaded.platforms.get(address.platform) : undefined;
    return { platformHeaders: platform?.headersToPersist?.headers ?? null, perMessageHeaders: platform?.perMessageHeaders ?? null };
  }

  /**
   * A test of a saved address speaks for it: its blockers name the address's platform and
   * count its "continue anyway" reason (platform-readiness.ts).
   */
  async function readinessOf(addressId: string | undefined): Promise<ReadinessContext> {
    const address = addressId === undefined ? undefined : store.getAddress(addressId);
    if (address === undefined) return {};
    const loaded = await deps.platforms?.();
    return { platformName: loaded?.ok === true ? loaded.platforms.get(address.platform)?.shortName : undefined, proceedReason: address.proceedReason };
  }

  /**
   * A saved address's test speaks for its platform: a network refusal names the
   * platform's IP allowlist as the likely cause (analyze/platform-diagnosis.ts).
   */
  async function run(request: SmtpTestRequest, options: SmtpTestOptions): Promise<Result<ConnectionReport>> {
    const tested = await runTest(request, options);
    if (!tested.ok || tested.value.diagnosis === null || request.addressId === undefined) return tested;
    const address = store.getAddress(request.addressId);
    const replies = await catalogue();
    const loaded = await deps.platforms?.();
    if (address === undefined || !replies.ok || loaded?.ok !== true) return tested;
    const diagnosis = diagnosisForPlatform(tested.value.diagnosis, replies.value, loaded.platforms.get(address.platform), address.platformSubdomain);
    return diagnosis === tested.value.diagnosis ? tested : ok({ ...tested.value, diagnosis });
  }

  async function runTest({ addressId, secret, credentials, send, ...fields }: SmtpTestRequest, { signal, onPhase, recordStatus }: SmtpTestOptions): Promise<Result<ConnectionReport>> {
    // Read while the connection is made: a test with a typed secret (or none) waits for it
    // only before it signs in (connection-test.ts), and fails with the catalogue's problem
    // when it cannot be read, as before. Reading and checking it first cost every test about
    // 10 ms before its first packet.
    const reading = catalogue();
    const readiness = await readinessOf(addressId);
    // Every message sent for a saved address is the platform's verification email, whichever
    // view sent it, so the relay treats it (and the proof checks it) like the platform's mail.
    const { platformHeaders, perMessageHeaders } = send ? await platformHeadersOf(addressId) : { platformHeaders: null, perMessageHeaders: null };
    const fromKeychain = credentials !== null && secret === undefined;
    // A pin given with the call may only accompany a secret given with the call: a
    // stored secret is never sent to a certificate that only this call vouches for.
    const pin = fromKeychain ? savedPin(fields.host) : (fields.pinSha256 ?? savedPin(fields.host));
    const { pinSha256: _givenPin, ...rest } = fields;
    const base = defaults(fields.dnsServers, fields.timeouts);
    const request = {
      ...rest,
      ...base,
      send,
      ...(pin !== undefined ? { pinSha256: pin } : {}),
      ...(fields.ehloName !== undefined ? { ehloName: fields.ehloName } : {}),
    };
    const common = { signal, ...(onPhase !== undefined ? { onPhase } : {}), platformHeaders, perMessageHeaders, readiness };
    const alongside = { ...common, catalogueReading: reading.then((r) => (r.ok ? r.value : null)), ...(deps.connect !== undefined ? { connect: deps.connect } : {}), ...(deps.startedAt !== undefined ? { startedAt: deps.startedAt } : {}) };
    if (credentials === null) return withCatalogue(reading, signal, (stop) => testConnection({ ...request, credentials: null } as ConnectionTestInput, { ...alongside, signal: stop }));
    if (secret !== undefined) {
      const typed = await withCatalogue(reading, signal, (stop) => testConnection({ ...request, credentials: { ...credentials, secret } } as ConnectionTestInput, { ...alongside, signal: stop }));
      if (addressId !== undefined && typed.ok) await rebindIfProven(addressId, { ...fields, credentials, pin }, secret, typed.value);
      return typed;
    }
    // A stored secret leaves the keychain only for a test whose failures can be explained,
    // and a test that never ran leaves nothing on the address: the catalogue first.
    const replies = await reading;
    if (!replies.ok) return replies;
    const options = { ...common, catalogue: replies.value };
    if (addressId === undefined) {
      return fail('invalid-input', 'There is no secret to test with: type the password, or test a saved address whose secret is in the keychain.');
    }
    const address = store.getAddress(addressId);
    if (address === undefined) return notFoundAddress(addressId);
    // An OAuth 2.0 test of a saved address signs in with the token the Microsoft 365 view
    // acquired for it (held in main's memory), whatever the address's usual sign-in method.
    const held = credentials.kind === 'oauth2' ? (deps.heldToken?.(addressId) ?? null) : null;
    const heldToken = held?.token ?? null;
    if (credentials.kind === 'oauth2' && heldToken === null && address.authKind !== 'oauth2') {
      return fail('not-found', `No OAuth 2.0 access token is held for ${address.address}.`, {
        hint: 'Get a token on the OAuth 2.0 tab of the Microsoft 365 view first. Tokens are kept in memory only, so a restart forgets them.',
      });
    }
    // The keychain lends a secret only to the server and account it was saved for, so
    // no call (a typo, or a compromised page) can send it anywhere else.
    const differs = [
      fields.host.toLowerCase() !== address.host.toLowerCase() ? `host ${fields.host}` : null,
      fields.port !== address.port ? `port ${fields.port}` : null,
      fields.security !== address.security ? `security ${fields.security}` : null,
      credentials.username !== address.username ? `username ${credentials.username}` : null,
      heldToken === null && credentials.kind !== address.authKind ? `sign-in method ${credentials.kind}` : null,
    ].filter((d): d is string => d !== null);
    if (differs.length > 0) {
      return fail(
        'invalid-input',
        `The secret saved for ${address.address} is only used with ${address.host}:${address.port} (${address.security}) as ${address.username}; this test asks for ${differs.join(', ')}.`,
        { hint: 'Type the password to test other settings, or save the new settings on the address first (it will ask for the secret again).' },
      );
    }
    if (fields.dnsServers.length > 0) {
      return fail(
        'invalid-input',
        `DNS servers given with a test are used only with a secret typed for that test; the stored secret of ${address.address} goes only to the address the DNS servers in Settings find for ${address.host}.`,
        { hint: 'Leave the DNS servers out to test with the stored secret, or type the secret to test through other DNS servers.' },
      );
    }
    const purpose = heldToken !== null ? 'oauth' : 'smtp';
    const check = checkLending(address, purpose, store.settings());
    if (check.hold !== null) return fail('conflict', check.hold.message, { hint: check.hold.hint, details: { lending: check.hold.reason, purpose } });
    // A token got before the app's credential was last saved (a new client secret or
    // certificate re-binds the OAuth purpose to today's pin and DNS servers) was not got
    // with that credential: lending it would let whoever saved one steer an old token.
    if (held !== null && address.lending?.oauth !== null && address.lending?.oauth !== undefined && Date.parse(held.heldAt) < Date.parse(address.lending.oauth.at)) {
      return fail('conflict', `The OAuth 2.0 token held for ${address.address} was got before the app’s certificate or client secret was last saved, so Relayproof does not send it.`, {
        hint: 'Get a new token on the OAuth 2.0 tab of the Microsoft 365 view (it is got with the saved credential), then test again.',
        details: { lending: 'token-before-binding', purpose },
      });
    }
    // After a change of Settings' DNS servers, the pin counts only where the secret signed in before.
    const pinOnlyAt = check.dnsChanged && check.pinSha256 !== null ? check.knownIps : undefined;
    const lendOptions = { ...options, ...(pinOnlyAt !== undefined ? { pinOnlyAt } : {}) };
    const lendRequest = { ...request, ...(check.pinSha256 !== null ? { pinSha256: check.pinSha256 } : {}) };
    let tested: Result<ConnectionReport>;
    if (heldToken !== null) tested = await testConnection({ ...lendRequest, credentials: { ...credentials, secret: heldToken } } as ConnectionTestInput, lendOptions);
    else {
      const lent = await vault.withSecret(addressId, 'smtp', (stored) => testConnection({ ...lendRequest, credentials: { ...credentials, secret: stored } } as ConnectionTestInput, lendOptions));
      if (!lent.ok) return lent;
      tested = lent.value;
    }
    if (!tested.ok) return tested;
    if (pinOnlyAt !== undefined && stoppedAtNewAddress(tested.value, pinOnlyAt)) return movedAddress(address.address, address.host, purpose, check, tested.value);
    // The address's own sign-in passed (its stored secret, or the token of an OAuth 2.0 address): that proves a
    // connection-test "continue anyway", so neither this report nor the last test it leaves carries that blocker.
    let report = tested.value;
    if (signedInAsPlatform(report) && (purpose === 'smtp' || address.authKind === 'oauth2')) {
      const proven = proveContinuedStep(store, addressId, 'test', `A connection test with the stored ${purpose === 'smtp' ? 'secret' : 'token'} signed in to ${address.host}:${address.port}${report.sendAs?.accepted === true ? ` and was allowed to send as ${address.address}` : ''}`);
      if (proven !== null) report = withPlatformReadiness(report, { ...readiness, proceedReason: null });
    }
    afterLending(addressId, purpose, check, report, recordStatus);
    return report === tested.value ? tested : ok(report);
  }

  /** A test that passed and signed in (send-as too, when it was asked): what the platform's own sign-in would do. */
  function signedInAsPlatform(report: ConnectionReport): boolean {
    return report.ok && report.auth?.accepted === true && report.sendAs?.accepted !== false;
  }

  /** Still the server, account and secret that were tested (nothing saved over them since). */
  function sameConnection(now: Address, tested: Address): boolean {
    return (
      now.host.toLowerCase() === tested.host.toLowerCase() &&
      now.port === tested.port &&
      now.security === tested.security &&
      now.username === tested.username &&
      now.authKind === tested.authKind &&
      now.secretChangedAt === tested.secretChangedAt
    );
  }

  /** The certificate was refused at an address the secret never signed in at, after the DNS servers changed. */
  function stoppedAtNewAddress(report: ConnectionReport, known: readonly string[]): boolean {
    const used = report.dns?.used ?? null;
    return report.failure !== null && report.auth === null && report.failure.code.startsWith('cert-') && used !== null && !known.includes(used);
  }

  function movedAddress(address: string, host: string, purpose: 'smtp' | 'oauth', check: LendingCheck, report: ConnectionReport): Result<never> {
    const servers = store.settings().dnsServers;
    const through = servers.length > 0 ? `the DNS servers in Settings (${servers.join(', ')})` : 'the system’s DNS servers';
    const before = check.knownIps.length > 0 ? `it signed in at ${check.knownIps.join(', ')}` : 'no address was recorded for it';
    const what = purpose === 'oauth' ? 'OAuth 2.0 token' : 'secret';
    return fail(
      'conflict',
      `${host} now resolves to ${report.dns?.used ?? 'another address'} through ${through}, which changed since the stored ${what} of ${address} last signed in (${before}). ` +
        `The certificate there is not publicly trusted for ${host}, so Relayproof stopped before signing in: the stored ${what} was not sent.`,
      {
        hint: 'If the server really moved, type the secret again and test (or rotate it). Otherwise check the DNS servers in Settings: they send this host somewhere else.',
        details: { lending: 'address-changed', purpose, address: report.dns?.used ?? null },
      },
    );
  }

  /** What a lending leaves on the address: its last test (keychain secret), and where it signed in. */
  function afterLending(addressId: string, purpose: 'smtp' | 'oauth', check: LendingCheck, report: ConnectionReport, recordStatus: SmtpTestOptions['recordStatus']): void {
    const address = store.getAddress(addressId);
    if (address === undefined) return;
    const at = clock().toISOString();
    const refreshed = report.auth?.accepted === true ? refreshedAfterSignIn(check, store.settings(), report) : null;
    if (purpose === 'oauth' && refreshed === null) return;
    const status = (current: Address) => ({
      ...(purpose === 'smtp' ? { lastTest: lastTestOf(report, at) } : {}),
      ...(refreshed !== null ? { lending: withBinding(current, purpose, refreshed) } : {}),
    });
    if (recordStatus === undefined) store.setAddressStatus(addressId, status(address));
    // Written later, in a batch: by then the address may have moved, or been tested again
    // by the admin (a newer last test, written at once, must not be overwritten by this one).
    else recordStatus(addressId, (current) => (sameConnection(current, address) && !(current.lastTest !== null && current.lastTest.at > at) ? status(current) : null));
  }

  /**
   * A test of a saved address with its secret typed again re-binds the stored secret to
   * the connection as it is now (a new pin, new DNS servers) — only when the typed secret
   * IS the stored one, it signed in to the saved server and account, and Settings decided
   * the pin and the DNS servers. Anyone may test a secret they typed; only one who knows
   * the stored secret may change where it is lent.
   */
  async function rebindIfProven(addressId: string, used: TypedTest, typed: string, report: ConnectionReport): Promise<void> {
    const address = store.getAddress(addressId);
    if (address === undefined || report.auth?.accepted !== true || used.dnsServers.length > 0) return;
    const sameServer =
      used.host.toLowerCase() === address.host.toLowerCase() &&
      used.port === address.port &&
      used.security === address.security &&
      used.credentials.username === address.username &&
      used.credentials.kind === address.authKind;
    if (!sameServer || used.pin !== savedPin(address.host)) return;
    // Past the bound nothing is compared, so a right guess is not told apart from a wrong one.
    const failures = recentFailures(addressId);
    if (failures.length >= PROOF_ATTEMPTS) return;
    const proven = await vault.withSecret(addressId, 'smtp', async (stored) => sameSecret(typed, stored));
    if (!proven.ok) return;
    if (!proven.value) {
      failedProofs.set(addressId, [...failures, clock().getTime()]);
      return;
    }
    const at = clock().toISOString();
    bind(store, addressId, 'smtp', at, ipsOf(report));
    store.setAddressStatus(addressId, { lastTest: lastTestOf(report, at) });
  }

  async function testCandidate(address: Address, secret: string, { signal, onPhase }: SmtpTestOptions): Promise<Result<ConnectionReport>> {
    const replies = await catalogue();
    if (!replies.ok) return replies;
    if (address.security === 'none') {
      return fail('invalid-input', `${address.address} is saved with security "none": a password is never sent without TLS.`, {
        hint: 'Change the address to STARTTLS (port 587) or implicit TLS (port 465) first; changing the server asks for the secret again.',
      });
    }
    const pin = savedPin(address.host);
    // SMTP's form of the address (punycode domain), as the platform will send it.
    const from = parseAddress(address.address)?.ascii ?? address.address;
    const request = {
      host: address.host,
      port: address.port,
      security: address.security,
      ...defaults([], {}),
      ...(pin !== undefined ? { pinSha256: pin } : {}),
      send: false,
      from,
      credentials: { kind: address.authKind, username: address.username, mechanism: 'auto' as const, secret },
    };
    const readiness = await readinessOf(address.id);
    return testConnection(request as ConnectionTestInput, { signal, ...(onPhase !== undefined ? { onPhase } : {}), catalogue: replies.value, readiness });
  }

  return { run, testCandidate };
}

/**
 * A test run alongside the catalogue's reading: the catalogue's problem, when it has one, is
 * the answer, so the test is stopped as soon as the reading fails instead of running its
 * whole session (and keeping the admin waiting) for a report nobody sees.
 */
async function withCatalogue(
  reading: Promise<Result<ReplyCatalogue>>,
  signal: AbortSignal,
  test: (signal: AbortSignal) => Promise<Result<ConnectionReport>>,
): Promise<Result<ConnectionReport>> {
  const unreadable = new AbortController();
  const stopped = reading.then((replies) => {
    if (!replies.ok) unreadable.abort();
  });
  const [replies, report] = await Promise.all([reading, test(AbortSignal.any([signal, unreadable.signal])), stopped]);
  return replies.ok ? report : replies;
}
