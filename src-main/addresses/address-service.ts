/**
 * The address lifecycle as a service: the new-address check, create (with its secret),
 * edit (a server change or a move deletes what no longer belongs), disconnect, finishing
 * the wizard's setup, two-phase rotation, the keychain entry of the SMTP secret, lifecycle
 * history, export/import, the connect wizard's draft, and the mailboxes the verification
 * reads (with their passwords). The channels (rpc/), the CLI
 * (through the dispatcher) and the browser-mode bridge all come here; every method
 * returns a Result.
 *
 * The rules in words and the pure decisions live beside it (lifecycle.ts, address-check.ts,
 * import-export.ts); this file stores, touches the keychain and records the events.
 */
import {
  fail,
  ok,
  type Address,
  type AddressCheck,
  type AddressExport,
  type AddressFields,
  type AddressView,
  type AppError,
  type ImportResult,
  type LifecycleEvent,
  type Result,
  type RotationResult,
  type WizardDraft,
} from '../../src-preload/contract';
import { proceedStepOf } from '../../src-preload/contract/addresses-schemas';
import type { PlatformId } from '../../src-preload/contract/platform-vocabulary';
import type { ImapMailbox } from '../../src-preload/contract/verification-schemas';
import { ClipboardUnavailableError, type SecretClipboard } from '../app/clipboard';
import { unreadableResource } from '../app/json-resource';
import type { AddressTokens } from '../m365/address-tokens';
import type { AppRegistrations } from '../m365/app-registrations';
import { unknownPlatform, type LoadPlatformsResult, type PlatformCatalog } from '../providers/platforms';
import { routeOf } from '../checks/route-evaluation';
import type { SmtpTester, SmtpTestOptions } from '../smtp/lending-test';
import { definedOnly } from '../store/patch';
import type { AppStore } from '../store/store';
import { bind, bindingsAfterMove, ipsOf } from '../vault/lending-binding';
import { SECRET_PURPOSES, type SecretPurpose, type Vault } from '../vault/vault';
import { checkNewAddress, parseAddress, platformShortName, type AddressCheckRequest } from './address-check';
import { buildExport, identityRowRefusal, importRowRefusal, planIdentityImport, planImport } from './import-export';
import { SES_PLATFORM_ID, sesRulesOf } from '../../src-preload/contract/ses-identities';
import { eventFor, eventsForUpdate, keychainRemovalDetail, lastTestOf, serverChanged, serverOf } from './lifecycle';
import { notFoundAddress } from './not-found';
import { proveContinuedStep } from './proceed-reason';

export interface AddressServiceDeps {
  readonly store: AppStore;
  readonly vault: Vault;
  /** Rotation tests the new secret against the saved server before anything changes. */
  readonly smtp: Pick<SmtpTester, 'testCandidate'>;
  readonly clock: () => Date;
  /** Platform data from resources/platforms (limits, names). */
  readonly platforms: () => Promise<LoadPlatformsResult>;
  /** OAuth 2.0 access tokens held in memory: a moved or removed address's token is forgotten. */
  readonly m365Tokens: Pick<AddressTokens, 'forget'>;
  /** The address's OAuth 2.0 app registration (tenant and client id), removed with the address. */
  readonly m365Apps?: Pick<AppRegistrations, 'remove'> | undefined;
  /** Copies a secret to the system clipboard inside main and clears it later. */
  readonly clipboard: SecretClipboard;
}

/** An edit as a channel gives it: a zod `.partial()` output may carry explicit `undefined`s. */
export type AddressPatch = { readonly [K in keyof AddressFields]?: AddressFields[K] | undefined };

export interface AddressService {
  /** Every address, with whether its SMTP secret is in the keychain (null: the keychain cannot tell). */
  list(): Promise<Result<AddressView[]>>;
  check(request: AddressCheckRequest): Promise<Result<AddressCheck>>;
  /** Saves the address and (when given) its secret; a secret the keychain refuses leaves no address behind. */
  create(request: { readonly fields: AddressFields; readonly secret?: string | undefined; readonly setup?: Address['setup'] | undefined }): Promise<Result<AddressView>>;
  /** A rename, a move between environments or a server change; a server or mailbox change deletes the secret that belonged to the old one. */
  update(id: string, patch: AddressPatch): Promise<Result<AddressView>>;
  /** Disconnect: every keychain entry, then the address; kept whole when the keychain cannot be reached. */
  remove(id: string): Promise<Result<{ deleted: boolean; secretDeleted: boolean }>>;
  /** The wizard's Finish; a reason records a continue past a failed test. */
  completeSetup(id: string, proceedReason: string | null): Promise<Result<AddressView>>;
  /** Two-phase rotation: the new secret must sign in and may send as the address, then it replaces the old one; on any failure the old one stays. */
  rotateSecret(id: string, secret: string, options: SmtpTestOptions): Promise<Result<RotationResult>>;
  /** Saves (or replaces) the SMTP secret without a rotation test. */
  setSecret(id: string, secret: string): Promise<Result<{ stored: true; changedAt: string }>>;
  hasSecret(id: string): Promise<Result<{ stored: boolean | null; changedAt: string | null }>>;
  deleteSecret(id: string): Promise<Result<{ deleted: boolean }>>;
  /**
   * The verification mailbox or the forwarding check mailbox: the mailbox on the address,
   * its password in the keychain. As for the SMTP secret, a password belongs to one server
   * and account: moving or removing the mailbox deletes it.
   */
  setMailbox(
    id: string,
    which: 'mailbox' | 'forwardingMailbox',
    mailbox: ImapMailbox | null,
    secret: string | undefined,
  ): Promise<Result<{ address: AddressView; mailboxSecret: { stored: boolean | null } }>>;
  /** Copies the stored SMTP secret to the clipboard (cleared later), never returning it. */
  copySecretToClipboard(id: string): Promise<Result<{ copied: true; clearsAfterSeconds: number }>>;
  events(addressId?: string): Result<LifecycleEvent[]>;
  /** Finished addresses (or the ids given), never a secret. */
  exportAddresses(ids?: readonly string[]): Result<AddressExport>;
  /** Every good row in one write; each bad row with its reason. */
  importAddresses(document: unknown): Promise<Result<ImportResult>>;
  wizardDraft(): Result<WizardDraft | null>;
  saveWizardDraft(draft: WizardDraft): Result<WizardDraft>;
  /** Cancel: forgets the draft and removes the address the wizard left in progress, with its keychain entries. */
  discardWizardDraft(): Promise<Result<{ discarded: boolean; addressRemoved: boolean }>>;
}

const SECRET_WORDS: Record<Address['authKind'], string> = { password: 'password', 'app-password': 'app password', 'api-key': 'API key', oauth2: 'OAuth 2.0 token' };

/**
 * The form an address is stored in: punycode domain, as SMTP and DNS use it (the wizard
 * stores the check's `ascii`; create, import and the CLI do the same), so one address is
 * never stored in two spellings. The UI shows the Unicode form where it helps.
 */
function storedForm(address: string): string {
  return parseAddress(address)?.ascii ?? address.trim();
}

function hintOf(error: AppError): Pick<AppError, 'hint'> {
  return error.hint !== undefined ? { hint: error.hint } : {};
}

function view(address: Address, stored: boolean | null): AddressView {
  return { ...address, secret: { stored, changedAt: address.secretChangedAt } };
}

export function createAddressService(deps: AddressServiceDeps): AddressService {
  const { store, vault, clock } = deps;

  async function viewOne(address: Address): Promise<AddressView> {
    const has = await vault.has(address.id, 'smtp');
    return view(address, has.ok ? has.value : null);
  }

  async function platforms(): Promise<Result<PlatformCatalog>> {
    const loaded = await deps.platforms();
    return loaded.ok ? ok(loaded.platforms) : unreadableResource('platforms', loaded.problems);
  }

  async function check(request: AddressCheckRequest): Promise<Result<AddressCheck>> {
    const catalog = await platforms();
    if (!catalog.ok) return catalog;
    const platform = catalog.value.get(request.platform);
    if (platform === undefined) return unknownPlatform(request.platform, catalog.value);
    return ok(checkNewAddress(request, store.listAddresses(), platform));
  }

  /** The platform in a sentence, for the address's history ("Added for Zendesk …"). */
  async function platformWord(id: PlatformId): Promise<string> {
    const loaded = await deps.platforms();
    return platformShortName(loaded.ok ? loaded.platforms.get(id) : undefined, id);
  }

  /** The check's errors as the refusal of a create or an edit. */
  function refusal(result: AddressCheck): Result<never> {
    const syntaxOrSystem = result.errors.some((e) => e.code === 'syntax' || e.code === 'system-address' || e.code === 'environment' || e.code === 'ses-identity-platform');
    const hint = result.errors.some((e) => e.code === 'duplicate')
      ? 'Open the existing address to change or rotate it instead.'
      : result.errors.some((e) => e.code === 'ses-identity-platform')
        ? 'Connect Zuora advanced SMTP as an SES identity (an email address or your domain); it has no SMTP server or password.'
        : result.errors.some((e) => e.code === 'environment')
          ? 'Choose one of the environments the platform has.'
          : syntaxOrSystem
        ? 'Use an address on your own domain, such as support@yourcompany.com.'
        : 'Remove addresses you no longer use from this platform and environment, or use another domain.';
    return fail(syntaxOrSystem ? 'invalid-input' : 'conflict', result.errors.map((e) => e.message).join(' '), {
      hint,
      details: { problems: result.errors.map((e) => e.code) },
    });
  }

  /** A removed address leaves no OAuth app registration (tenant/client id) and no token held in memory. */
  function forgetOAuth(id: string): void {
    deps.m365Tokens.forget(id);
    deps.m365Apps?.remove(id);
  }

  /** Deletes every keychain entry of an address (SMTP, IMAP, OAuth client). */
  async function deleteAllSecrets(id: string): Promise<{ removed: SecretPurpose[]; failed: AppError | null }> {
    const removed: SecretPurpose[] = [];
    let failed: AppError | null = null;
    for (const purpose of SECRET_PURPOSES) {
      const result = await vault.delete(id, purpose);
      if (!result.ok) failed ??= result.error;
      else if (result.value) removed.push(purpose);
    }
    return { removed, failed };
  }

  /**
   * A mailbox password belongs to one server and account, as the SMTP secret does: an edit
   * that moves a mailbox (or removes it) deletes its password, as verification:set-mailbox does.
   */
  async function dropMovedMailboxPasswords(before: Address, after: Address): Promise<Result<void>> {
    for (const [field, purpose, what] of [
      ['mailbox', 'imap', 'mailbox'],
      ['forwardingMailbox', 'imap-forwarding', 'forwarding check mailbox'],
    ] as const) {
      const was = before[field];
      const now = after[field];
      const moved = was !== null && (now === null || was.host.toLowerCase() !== now.host.toLowerCase() || was.port !== now.port || was.security !== now.security || was.username !== now.username);
      if (!moved) continue;
      const removed = await vault.delete(before.id, purpose);
      if (!removed.ok) {
        return fail('keychain-unavailable', `The ${what} of ${before.address} was not changed: its saved password must be removed first, and the OS keychain cannot be reached right now.`, hintOf(removed.error));
      }
    }
    return ok(undefined);
  }

  return {
    async list() {
      const addresses = store.listAddresses();
      // No address, nothing to ask the keychain about (a D-Bus round trip on the first view of a new install).
      if (addresses.length === 0) return ok([]);
      // One lookup per address, not a listing of the keychain: keytar's listing reads every
      // secret and crashed the process on one a rotation had just replaced (vault.ts).
      const stored = await vault.storedAmong(addresses.map((a) => a.id), 'smtp');
      return ok(addresses.map((a) => view(a, stored.ok ? stored.value.has(a.id) : null)));
    },

    check,

    async create({ fields, secret, setup }) {
      const catalog = await platforms();
      if (!catalog.ok) return catalog;
      const platform = catalog.value.get(fields.platform);
      if (platform === undefined) return unknownPlatform(fields.platform, catalog.value);
      const route = routeOf(platform, fields.route ?? undefined);
      if (!route.ok) return route;
      const request = { address: fields.address, platform: fields.platform, environment: fields.environment };
      let checked = checkNewAddress(request, store.listAddresses(), platform);
      if (checked.errors.length > 0) return refusal(checked);
      // Checked again inside the settings lock: another process (a second \`relayproof
      // address add\`, the app) may have added the same address since the check above.
      // The address is stored before its secret, so a refused create leaves nothing in the keychain.
      const [created] = store.createAddresses([{ ...fields, address: checked.ascii ?? storedForm(fields.address) }], {
        setup: setup ?? 'complete',
        admit: (_, existing) => {
          checked = checkNewAddress(request, existing, platform);
          return checked.errors.length === 0;
        },
      });
      if (created === undefined) return refusal(checked);
      let current = created;
      if (secret !== undefined) {
        const saved = await vault.set(created.id, 'smtp', secret);
        if (!saved.ok) {
          // Nothing half-done: without its secret the address is not saved either, and
          // the admin still has everything they typed.
          store.deleteAddress(created.id);
          return saved;
        }
        current = store.setSecretChangedAt(created.id, clock().toISOString()) ?? created;
        bind(store, created.id, 'smtp', current.secretChangedAt ?? current.createdAt);
        store.recordEvent(eventFor(current, 'secret-saved', `Saved its ${SECRET_WORDS[current.authKind]} for ${serverOf(current)} in the OS keychain.`));
      }
      // OAuth 2.0 tokens held for the address later go only to the server it is created with.
      bind(store, created.id, 'oauth', current.createdAt);
      current = store.getAddress(created.id) ?? current;
      if (current.setup === 'complete') {
        store.recordEvent(eventFor(current, 'connected', `Added for ${await platformWord(current.platform)} (${current.environment}), sending through ${serverOf(current)}.`));
      }
      return ok(view(current, secret !== undefined));
    },

    async update(id, patch) {
      const before = store.getAddress(id);
      if (before === undefined) return notFoundAddress(id);
      const typed = definedOnly<AddressFields>(patch);
      const wanted = typed.address === undefined ? typed : { ...typed, address: storedForm(typed.address) };
      const target = { address: wanted.address ?? before.address, platform: wanted.platform ?? before.platform, environment: wanted.environment ?? before.environment };
      if (target.address !== before.address || target.platform !== before.platform || target.environment !== before.environment) {
        // A rename or a move (sandbox → production) must fit the platform there too.
        const checked = await check({ ...target, excludeId: id });
        if (!checked.ok) return checked;
        if (checked.value.errors.length > 0) return refusal(checked.value);
      }
      if (wanted.route !== undefined || wanted.platform !== undefined) {
        // The route must be one the (new) platform has; a platform without it falls back to its default.
        const catalog = await platforms();
        if (!catalog.ok) return catalog;
        const platform = catalog.value.get(target.platform);
        if (platform === undefined) return unknownPlatform(target.platform, catalog.value);
        const route = routeOf(platform, (wanted.route === undefined ? before.route : wanted.route) ?? undefined);
        if (!route.ok) return route;
      }
      const updated = store.updateAddress(id, wanted);
      if (updated === undefined) return notFoundAddress(id);
      const mailboxes = await dropMovedMailboxPasswords(before, updated);
      if (!mailboxes.ok) {
        store.updateAddress(id, { mailbox: before.mailbox, forwardingMailbox: before.forwardingMailbox });
        return mailboxes;
      }
      // Whatever secret could remain stays bound to the old connection, held back there.
      const kept = bindingsAfterMove(before, updated, store.settings());
      if (kept !== null) store.setAddressStatus(id, { lending: kept });
      // A secret belongs to one server and account: when either changes, the old secret
      // is deleted and must be entered again, so it can never follow the address to a
      // server it was not meant for.
      const moved = serverChanged(before, updated);
      let secretRemoved = false;
      if (moved && before.secretChangedAt !== null) {
        const removed = await vault.delete(id, 'smtp');
        if (!removed.ok) {
          store.updateAddress(id, { host: before.host, port: before.port, security: before.security, username: before.username, authKind: before.authKind });
          return fail('keychain-unavailable', `The server of ${before.address} was not changed: its saved secret must be removed first, and the OS keychain cannot be reached right now.`, hintOf(removed.error));
        }
        secretRemoved = true;
      }
      // A token acquired for the old server is not for the new one.
      if (moved) deps.m365Tokens.forget(id);
      const latest = store.getAddress(id) ?? updated;
      const after = secretRemoved ? (store.setSecretChangedAt(id, null) ?? latest) : latest;
      for (const event of eventsForUpdate(before, after, secretRemoved)) store.recordEvent(event);
      return secretRemoved ? ok(view(after, false)) : ok(await viewOne(after));
    },

    async remove(id) {
      const address = store.getAddress(id);
      if (address === undefined) return notFoundAddress(id);
      const { removed, failed } = await deleteAllSecrets(id);
      if (failed !== null && (address.secretChangedAt !== null || address.mailbox !== null || address.forwardingMailbox !== null)) {
        // The keychain may still hold this address's secrets and cannot be reached: keep
        // the configuration so no secret is orphaned where nobody can find it.
        return fail('keychain-unavailable', `${address.address} was not disconnected: its secret is in the OS keychain, which cannot be reached right now.`, hintOf(failed));
      }
      const deleted = store.deleteAddress(id);
      if (deleted) {
        forgetOAuth(id);
        store.recordEvent(eventFor(address, 'disconnected', `Disconnected from ${await platformWord(address.platform)} (${address.environment}); ${keychainRemovalDetail(removed, failed !== null)}.`));
      }
      return ok({ deleted, secretDeleted: removed.length > 0 });
    },

    async completeSetup(id, proceedReason) {
      const address = store.getAddress(id);
      if (address === undefined) return notFoundAddress(id);
      if (address.setup === 'complete') return ok(await viewOne(address));
      const has = await vault.has(id, 'smtp');
      if (has.ok && !has.value) {
        return fail('invalid-input', `${address.address} has no ${SECRET_WORDS[address.authKind]} in the keychain yet, so the platform could not sign in with it.`, {
          hint: 'Go back to the credentials step and save the secret, then finish.',
        });
      }
      const completed = store.setAddressStatus(id, { setup: 'complete', proceedReason }) ?? address;
      store.recordEvent(eventFor(completed, 'connected', `Finished connecting to ${await platformWord(completed.platform)} (${completed.environment}), sending through ${serverOf(completed)}.`));
      if (proceedReason !== null) {
        const step = proceedStepOf(proceedReason) === 'verify' ? 'the verification email had not been accepted' : 'the connection test had not passed';
        store.recordEvent(eventFor(completed, 'continued-past-failure', `Continued although ${step}: “${proceedReason}”`));
      }
      return ok(view(completed, has.ok ? has.value : null));
    },

    async rotateSecret(id, secret, options) {
      const address = store.getAddress(id);
      if (address === undefined) return notFoundAddress(id);
      const failed = (detail: string) => store.recordEvent(eventFor(address, 'rotation-failed', `${detail} The previous secret is still the stored one.`));
      // Phase 1: the new secret must sign in to the saved server and may send as the
      // address (as the platform will) before anything changes.
      const tested = await deps.smtp.testCandidate(address, secret, options);
      if (!tested.ok) {
        failed(`The new secret could not be tested: ${tested.error.message}`);
        return tested;
      }
      const report = tested.value;
      if (report.auth?.accepted !== true) {
        const why = report.auth?.reply?.text ?? report.diagnosis?.title ?? report.failure?.message ?? 'the server did not accept the sign-in';
        failed(`The new secret was tested against ${address.host}:${address.port} and did not sign in (${why}).`);
        return ok({ rotated: false, changedAt: null, report });
      }
      if (report.sendAs?.accepted !== true) {
        const why = report.diagnosis?.title ?? report.failure?.message ?? `the server did not let ${address.username} send as ${address.address}`;
        failed(`The new secret signed in to ${address.host}:${address.port}, but the send-as check failed (${why}).`);
        return ok({ rotated: false, changedAt: null, report });
      }
      // Phase 2: replace the keychain entry. A failed write leaves the old entry as it was.
      const saved = await vault.set(id, 'smtp', secret);
      if (!saved.ok) {
        failed(`The new secret signed in to ${address.host}:${address.port}, but the OS keychain could not be written.`);
        return fail('keychain-unavailable', `The new secret works, but the OS keychain could not be written, so ${address.address} still uses its previous secret.`, hintOf(saved.error));
      }
      const changedAt = clock().toISOString();
      store.setSecretChangedAt(id, changedAt);
      store.setAddressStatus(id, { lastTest: lastTestOf(report, changedAt) });
      // The new secret passed against the server as Settings describe it now (its pin, its DNS servers).
      bind(store, id, 'smtp', changedAt, ipsOf(report));
      store.recordEvent(eventFor(address, 'rotated', `Tested the new ${SECRET_WORDS[address.authKind]} against ${address.host}:${address.port} first (it signed in and may send as ${address.address}), then replaced the keychain entry.`));
      // The stored secret now is the one that just signed in and may send as the address: a connection-test "continue anyway" is proven.
      proveContinuedStep(store, id, 'test', `The rotated ${SECRET_WORDS[address.authKind]} signed in to ${address.host}:${address.port} and was allowed to send as ${address.address}`);
      return ok({ rotated: true, changedAt, report });
    },

    async setSecret(id, secret) {
      const before = store.getAddress(id);
      if (before === undefined) return notFoundAddress(id);
      const previous = before.secretChangedAt;
      const saved = await vault.set(id, 'smtp', secret);
      if (!saved.ok) return saved;
      const changedAt = clock().toISOString();
      // A new secret is bound to the connection as Settings describe it now (the old one is gone).
      bind(store, id, 'smtp', changedAt);
      const address = store.setSecretChangedAt(id, changedAt) ?? store.getAddress(id);
      if (address !== undefined) {
        // History, never the secret: what was saved, for which server, and whether it replaced one.
        const replaced = previous !== null;
        store.recordEvent(eventFor(address, 'secret-saved', `${replaced ? 'Replaced its stored secret' : 'Saved its secret'} for ${serverOf(address)} in the OS keychain (without a rotation test).`));
      }
      return ok({ stored: true as const, changedAt });
    },

    async hasSecret(id) {
      const address = store.getAddress(id);
      if (address === undefined) return notFoundAddress(id);
      const has = await vault.has(id, 'smtp');
      return ok({ stored: has.ok ? has.value : null, changedAt: address.secretChangedAt });
    },

    async deleteSecret(id) {
      if (store.getAddress(id) === undefined) return notFoundAddress(id);
      const removed = await vault.delete(id, 'smtp');
      if (!removed.ok) return removed;
      store.setSecretChangedAt(id, null);
      return ok({ deleted: removed.value });
    },

    async setMailbox(addressId, field, mailbox, secret) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFoundAddress(addressId);
      const purpose = field === 'mailbox' ? 'imap' : 'imap-forwarding';
      const what = field === 'mailbox' ? 'mailbox' : 'forwarding check mailbox';
      const before = address[field];
      const moved =
        before !== null &&
        (mailbox === null || before.host.toLowerCase() !== mailbox.host.toLowerCase() || before.port !== mailbox.port || before.security !== mailbox.security || before.username !== mailbox.username);
      if (secret !== undefined && mailbox !== null) {
        // The password first: if the keychain refuses it, nothing changed.
        const saved = await vault.set(addressId, purpose, secret);
        if (!saved.ok) return saved;
      } else if (moved || mailbox === null) {
        // Never let a stored password follow the mailbox to another server or account.
        const removed = await vault.delete(addressId, purpose);
        if (!removed.ok && before !== null) {
          return fail('keychain-unavailable', `The ${what} of ${address.address} was not changed: its saved password must be removed first, and the OS keychain cannot be reached right now.`, hintOf(removed.error));
        }
      }
      let updated = store.updateAddress(addressId, field === 'mailbox' ? { mailbox } : { forwardingMailbox: mailbox });
      if (updated === undefined) return notFoundAddress(addressId);
      if (secret !== undefined && mailbox !== null) {
        // The password just saved is lent only to this mailbox's server and account.
        bind(store, addressId, purpose, clock().toISOString());
        updated = store.getAddress(addressId) ?? updated;
      }
      const has = mailbox === null ? ok(false) : await vault.has(addressId, purpose);
      return ok({ address: await viewOne(updated), mailboxSecret: { stored: has.ok ? has.value : null } });
    },

    async copySecretToClipboard(id) {
      const address = store.getAddress(id);
      if (address === undefined) return notFoundAddress(id);
      const lent = await vault.withSecret(id, 'smtp', async (secret): Promise<Result<{ copied: true; clearsAfterSeconds: number }>> => {
        try {
          const { clearsAfterSeconds } = await deps.clipboard.copy(secret);
          return ok({ copied: true, clearsAfterSeconds });
        } catch (error) {
          if (!(error instanceof ClipboardUnavailableError)) throw error;
          // The message already says what to do instead: a hint would only repeat it.
          return fail('internal', error.message);
        }
      });
      return lent.ok ? lent.value : lent;
    },

    events(addressId) {
      return ok([...store.events(addressId)]);
    },

    exportAddresses(ids) {
      const all = store.listAddresses();
      // A whole export carries the SES identities too; a choice of ids is of addresses only.
      if (ids === undefined) return ok(buildExport(all.filter((a) => a.setup === 'complete'), clock(), store.listSesIdentities()));
      const missing = ids.filter((id) => !all.some((a) => a.id === id));
      if (missing.length > 0) return notFoundAddress(missing.join(', '));
      return ok(buildExport(all.filter((a) => ids.includes(a.id)), clock()));
    },

    async importAddresses(document) {
      const catalog = await platforms();
      if (!catalog.ok) return catalog;
      const plan = planImport(document, store.listAddresses(), catalog.value);
      if (!plan.ok) return fail('invalid-input', plan.message, { hint: plan.hint });
      // Each row is checked again inside the settings lock, against the file as it is
      // then: another process may have added one of these addresses since the plan.
      const lateRejects: Array<ImportResult['rejected'][number]> = [];
      // One write for the whole import, events included.
      const created = store.createAddresses(
        plan.accepted.map(({ fields }) => ({ ...fields, address: storedForm(fields.address) })),
        {
          setup: 'complete',
          admit: (fields, existing, index) => {
            const reason = importRowRefusal(fields, existing, catalog.value);
            if (reason !== null) lateRejects.push({ row: plan.accepted[index]?.row ?? 0, address: plan.accepted[index]?.fields.address ?? fields.address, reason });
            return reason === null;
          },
          event: (address, index) =>
            eventFor(address, 'imported', `Imported from an export file (row ${plan.accepted[index]?.row ?? '?'}); no secret is ever imported: enter its ${SECRET_WORDS[address.authKind]} before testing.`),
        },
      );
      const rejected = [...plan.rejected, ...lateRejects].sort((a, b) => a.row - b.row);
      // SES identities: Zuora's limits per tenant hold across the file and the saved ones, checked again inside the lock.
      const sesPlatform = catalog.value.get(SES_PLATFORM_ID);
      const rules = sesPlatform === undefined ? null : sesRulesOf(sesPlatform);
      const identityPlan = planIdentityImport((document as Record<string, unknown>)['sesIdentities'], store.listSesIdentities(), rules, clock());
      const lateIdentityRejects: Array<ImportResult['rejectedIdentities'][number]> = [];
      const importedIdentities =
        rules === null || identityPlan.accepted.length === 0
          ? []
          : store.createSesIdentities(
              identityPlan.accepted.map((a) => a.entry),
              {
                admit: (entry, existing, index) => {
                  const reason = identityRowRefusal(entry, existing, rules);
                  if (reason !== null) lateIdentityRejects.push({ row: identityPlan.accepted[index]?.row ?? 0, identity: entry.value, reason });
                  return reason === null;
                },
              },
            );
      const rejectedIdentities = [...identityPlan.rejected, ...lateIdentityRejects].sort((a, b) => a.row - b.row);
      return ok({ imported: created.map((address) => view(address, false)), rejected, importedIdentities, rejectedIdentities });
    },

    wizardDraft() {
      return ok(store.wizardDraft());
    },

    saveWizardDraft(draft) {
      const saved = store.setWizardDraft({ ...draft, updatedAt: clock().toISOString() });
      return saved === null ? fail('internal', 'The wizard draft was not saved.') : ok(saved);
    },

    async discardWizardDraft() {
      const draft = store.wizardDraft();
      if (draft === null) return ok({ discarded: false, addressRemoved: false });
      let addressRemoved = false;
      const address = draft.addressId === null ? undefined : store.getAddress(draft.addressId);
      // Only an address the wizard itself left in progress; a finished one is never removed here.
      if (address !== undefined && address.setup === 'in-progress') {
        const { removed, failed } = await deleteAllSecrets(address.id);
        if (failed !== null && address.secretChangedAt !== null) {
          return fail('keychain-unavailable', `The wizard was not cancelled: the secret saved for ${address.address} is in the OS keychain, which cannot be reached right now.`, hintOf(failed));
        }
        addressRemoved = store.deleteAddress(address.id);
        if (addressRemoved) forgetOAuth(address.id);
        if (addressRemoved) {
          store.recordEvent(eventFor(address, 'disconnected', `The connect wizard was cancelled before it finished; ${keychainRemovalDetail(removed, failed !== null)}.`));
        }
      }
      store.setWizardDraft(null);
      return ok({ discarded: true, addressRemoved });
    },
  };
}
