/**
 * Handlers of the addresses and the connect wizard (src-preload/contract/addresses.ts):
 * list, create, update and delete, the new-address check, setup state, two-phase
 * rotation, lifecycle history, export/import and the wizard draft. The logic lives in
 * src-main/addresses/ (pure); these handlers store, touch the keychain and record the
 * events.
 */
import { fail, ok, type Address, type AddressView, type AppError, type Result } from '../../src-preload/contract';
import type { AddressCheck } from '../../src-preload/contract/addresses';
import { checkNewAddress, parseAddress, platformShortName, type AddressCheckRequest } from '../addresses/address-check';
import { buildExport, planImport } from '../addresses/import-export';
import { eventFor, eventsForUpdate, keychainRemovalDetail, lastTestOf, serverChanged, serverOf } from '../addresses/lifecycle';
import { unknownPlatform, type PlatformCatalog } from '../providers/platforms';
import { bind, bindingsAfterMove, ipsOf } from '../vault/lending-binding';
import { SECRET_PURPOSES, type SecretPurpose } from '../vault/vault';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';
import { createSmtpTester } from '../smtp/lending-test';
import { notFoundAddress } from '../addresses/not-found';
import { unreadableResource } from '../app/json-resource';
import type { PlatformId } from '../../src-preload/contract/platform-vocabulary';

type AddressChannel =
  | 'addresses:list'
  | 'addresses:create'
  | 'addresses:update'
  | 'addresses:delete'
  | 'addresses:check-new'
  | 'addresses:complete-setup'
  | 'addresses:rotate-secret'
  | 'addresses:events'
  | 'addresses:export'
  | 'addresses:import'
  | 'wizard:get-draft'
  | 'wizard:save-draft'
  | 'wizard:discard-draft';

const SECRET_WORDS: Record<Address['authKind'], string> = { password: 'password', 'app-password': 'app password', 'api-key': 'API key', oauth2: 'OAuth 2.0 token' };

/** A zod `.partial()` output may carry explicit `undefined`s; a patch must not. */
function definedOnly<T extends object>(patch: { [K in keyof T]?: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

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

export function addressHandlers(deps: HandlerDeps): Pick<Handlers, AddressChannel> {
  const { store, vault, clock } = deps;
  const smtp = createSmtpTester(deps);

  function view(address: Address, stored: boolean | null): AddressView {
    return { ...address, secret: { stored, changedAt: address.secretChangedAt } };
  }

  async function viewOne(address: Address): Promise<AddressView> {
    const has = await vault.has(address.id, 'smtp');
    return view(address, has.ok ? has.value : null);
  }

  async function platforms(): Promise<Result<PlatformCatalog>> {
    const loaded = await deps.platforms();
    return loaded.ok
      ? ok(loaded.platforms)
      : unreadableResource('platforms', loaded.problems);
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
    const syntaxOrSystem = result.errors.some((e) => e.code === 'syntax' || e.code === 'system-address');
    const hint = result.errors.some((e) => e.code === 'duplicate')
      ? 'Open the existing address to change or rotate it instead.'
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
    async 'addresses:list'() {
      const stored = await vault.storedIds();
      return ok(store.listAddresses().map((a) => view(a, stored.ok ? stored.value.has(a.id) : null)));
    },

    async 'addresses:check-new'({ address, platform, environment, excludeId }) {
      return check({ address, platform, environment, excludeId });
    },

    async 'addresses:create'({ fields, secret, setup }) {
      const checked = await check({ address: fields.address, platform: fields.platform, environment: fields.environment });
      if (!checked.ok) return checked;
      if (checked.value.errors.length > 0) return refusal(checked.value);
      const created = store.createAddress({ ...fields, address: checked.value.ascii ?? storedForm(fields.address) }, { setup: setup ?? 'complete' });
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

    async 'addresses:update'({ id, patch }) {
      const before = store.getAddress(id);
      if (before === undefined) return notFoundAddress(id);
      const typed = definedOnly(patch);
      const wanted = typed.address === undefined ? typed : { ...typed, address: storedForm(typed.address) };
      const target = { address: wanted.address ?? before.address, platform: wanted.platform ?? before.platform, environment: wanted.environment ?? before.environment };
      if (target.address !== before.address || target.platform !== before.platform || target.environment !== before.environment) {
        // A rename or a move (sandbox → production) must fit the platform there too.
        const checked = await check({ ...target, excludeId: id });
        if (!checked.ok) return checked;
        if (checked.value.errors.length > 0) return refusal(checked.value);
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

    async 'addresses:delete'({ id }) {
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

    async 'addresses:complete-setup'({ id, proceedReason }) {
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
        store.recordEvent(eventFor(completed, 'continued-past-failure', `Continued although the connection test had not passed: “${proceedReason}”`));
      }
      return ok(view(completed, has.ok ? has.value : null));
    },

    async 'addresses:rotate-secret'({ id, secret }, ctx) {
      const address = store.getAddress(id);
      if (address === undefined) return notFoundAddress(id);
      const failed = (detail: string) => store.recordEvent(eventFor(address, 'rotation-failed', `${detail} The previous secret is still the stored one.`));
      // Phase 1: the new secret must sign in to the saved server and may send as the
      // address (as the platform will) before anything changes.
      const tested = await smtp.testCandidate(address, secret, { signal: ctx.signal, onPhase: ctx.emit });
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
      return ok({ rotated: true, changedAt, report });
    },

    async 'addresses:events'({ addressId }) {
      return ok([...store.events(addressId)]);
    },

    async 'addresses:export'({ ids }) {
      const all = store.listAddresses();
      if (ids === undefined) return ok(buildExport(all.filter((a) => a.setup === 'complete'), clock()));
      const missing = ids.filter((id) => !all.some((a) => a.id === id));
      if (missing.length > 0) return notFoundAddress(missing.join(', '));
      return ok(buildExport(all.filter((a) => ids.includes(a.id)), clock()));
    },

    async 'addresses:import'({ document }) {
      const catalog = await platforms();
      if (!catalog.ok) return catalog;
      const plan = planImport(document, store.listAddresses(), catalog.value);
      if (!plan.ok) return fail('invalid-input', plan.message, { hint: plan.hint });
      // One write for the whole import, events included.
      const created = store.createAddresses(
        plan.accepted.map(({ fields }) => ({ ...fields, address: storedForm(fields.address) })),
        {
          setup: 'complete',
          event: (address, index) =>
            eventFor(address, 'imported', `Imported from an export file (row ${plan.accepted[index]?.row ?? '?'}); no secret is ever imported: enter its ${SECRET_WORDS[address.authKind]} before testing.`),
        },
      );
      return ok({ imported: created.map((address) => view(address, false)), rejected: [...plan.rejected] });
    },

    async 'wizard:get-draft'() {
      return ok(store.wizardDraft());
    },

    async 'wizard:save-draft'({ draft }) {
      const saved = store.setWizardDraft({ ...draft, updatedAt: clock().toISOString() });
      return saved === null ? fail('internal', 'The wizard draft was not saved.') : ok(saved);
    },

    async 'wizard:discard-draft'() {
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
