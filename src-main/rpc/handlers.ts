/**
 * One handler per contract channel, over the services. Handlers return Results; the
 * dispatcher has already validated their input against the contract.
 */
import { ok, fail, type Address, type AddressView, type AppInfo, type ParsedInput, type Result } from '../../src-preload/contract';
import { runChecklist } from '../checks/checklist';
import { runPropagation } from '../dns/propagation';
import { explain } from '../analyze/explain';
import type { LoadCatalogueResult, ReplyCatalogue } from '../analyze/reply-catalogue';
import { probeHost } from '../smtp/probe';
import { testConnection } from '../smtp/connection-test';
import type { ConnectionReport, ConnectionTestInput } from '../smtp/schemas';
import type { LoadPlatformsResult } from '../providers/platforms';
import type { LoadProvidersResult } from '../providers/providers';
import { retirementStatus } from '../m365/retirement';
import type { LoadM365ServiceResult, M365Service } from '../m365/service';
import type { AppStore } from '../store/store';
import type { Vault } from '../vault/vault';
import type { HandlerContext, Handlers } from './dispatch';
import { addressHandlers } from './address-handlers';
import { providerHandlers } from './provider-handlers';
import { dnsServersOr as settingsDnsServersOr } from './dns-servers';
import { verificationHandlers } from './verification-handlers';

export interface HandlerDeps {
  readonly store: AppStore;
  readonly vault: Vault;
  readonly clock: () => Date;
  readonly info: Pick<AppInfo, 'mode' | 'version' | 'dataDirectory'>;
  readonly cancel: (operationId: string) => boolean;
  /** Platform data from resources/platforms (loaded once, on first use). */
  readonly platforms: () => Promise<LoadPlatformsResult>;
  /** Mail-provider presets from resources/providers (loaded once, on first use). */
  readonly providers: () => Promise<LoadProvidersResult>;
  /** The reply/diagnosis catalogue from resources/replies (loaded once). */
  readonly replies: () => Promise<LoadCatalogueResult>;
  /** The Microsoft 365 guide from resources/m365.json (loaded once). */
  readonly m365: () => Promise<LoadM365ServiceResult>;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { store, vault, clock } = deps;

  function notFound(id: string): Result<never> {
    return fail('not-found', `No address with id ${id} is configured. It may have been removed in another window.`);
  }

  function view(address: Address, stored: boolean | null): AddressView {
    return { ...address, secret: { stored, changedAt: address.secretChangedAt } };
  }

  /** The admin's DNS servers from Settings apply wherever a call names none. */
  function dnsServersOr(given: readonly string[]): string[] {
    return settingsDnsServersOr(store, given);
  }

  async function catalogue(): Promise<Result<ReplyCatalogue>> {
    const loaded = await deps.replies();
    return loaded.ok
      ? ok(loaded.catalogue)
      : fail('internal', 'Relayproof could not read its reply catalogue (resources/replies).', { hint: 'Reinstall Relayproof.', details: { problems: loaded.problems } });
  }

  async function m365(): Promise<Result<M365Service>> {
    const loaded = await deps.m365();
    return loaded.ok
      ? ok(loaded.service)
      : fail('internal', 'Relayproof could not read its Microsoft 365 data (resources/m365.json).', { hint: 'Reinstall Relayproof.', details: { problems: loaded.problems } });
  }

  /**
   * One connection test. The secret comes from the call (a draft, held for this call
   * only) or from the keychain entry of a saved address, lent for the test and never
   * returned. Settings fill in what the call leaves out: EHLO name, deadline, DNS
   * servers and a pinned certificate for this host.
   */
  async function runSmtpTest(
    { operationId: _operationId, addressId, secret, credentials, ...fields }: ParsedInput<'smtp:test-connection'>,
    ctx: HandlerContext,
    send: boolean,
  ): Promise<Result<ConnectionReport>> {
    const replies = await catalogue();
    if (!replies.ok) return replies;
    const settings = store.settings();
    const fromKeychain = credentials !== null && secret === undefined;
    const savedPin = settings.pinnedCertificates.find((p) => p.host.toLowerCase() === fields.host.toLowerCase())?.sha256;
    // A pin given with the call may only accompany a secret given with the call: a
    // stored secret is never sent to a certificate that only this call vouches for.
    const pin = fromKeychain ? savedPin : (fields.pinSha256 ?? savedPin);
    const ehloName = fields.ehloName ?? settings.ehloName ?? undefined;
    const { pinSha256: _givenPin, ...rest } = fields;
    const request = {
      ...rest,
      send,
      dnsServers: dnsServersOr(fields.dnsServers),
      timeouts: { deadlineMs: settings.smtpTimeoutSeconds * 1000, ...fields.timeouts },
      ...(pin !== undefined ? { pinSha256: pin } : {}),
      ...(ehloName !== undefined ? { ehloName } : {}),
    };
    const options = { signal: ctx.signal, onPhase: ctx.emit, catalogue: replies.value };
    if (credentials === null) return testConnection({ ...request, credentials: null } as ConnectionTestInput, options);
    if (secret !== undefined) return testConnection({ ...request, credentials: { ...credentials, secret } } as ConnectionTestInput, options);
    if (addressId === undefined) {
      return fail('invalid-input', 'There is no secret to test with: type the password, or test a saved address whose secret is in the keychain.');
    }
    const address = store.getAddress(addressId);
    if (address === undefined) return notFound(addressId);
    // The keychain lends a secret only to the server and account it was saved for, so
    // no call (a typo, or a compromised page) can send it anywhere else.
    const differs = [
      fields.host.toLowerCase() !== address.host.toLowerCase() ? `host ${fields.host}` : null,
      fields.port !== address.port ? `port ${fields.port}` : null,
      fields.security !== address.security ? `security ${fields.security}` : null,
      credentials.username !== address.username ? `username ${credentials.username}` : null,
      credentials.kind !== address.authKind ? `sign-in method ${credentials.kind}` : null,
    ].filter((d): d is string => d !== null);
    if (differs.length > 0) {
      return fail(
        'invalid-input',
        `The secret saved for ${address.address} is only used with ${address.host}:${address.port} (${address.security}) as ${address.username}; this test asks for ${differs.join(', ')}.`,
        { hint: 'Type the password to test other settings, or save the new settings on the address first (it will ask for the secret again).' },
      );
    }
    const lent = await vault.withSecret(addressId, (stored) => testConnection({ ...request, credentials: { ...credentials, secret: stored } } as ConnectionTestInput, options));
    return lent.ok ? lent.value : lent;
  }

  async function viewOne(address: Address): Promise<AddressView> {
    const has = await vault.has(address.id);
    return view(address, has.ok ? has.value : null);
  }

  return {
    ...addressHandlers(deps),
    ...providerHandlers(deps),
    ...verificationHandlers(deps),

    async 'app:get-info'() {
      return ok({
        name: 'Relayproof',
        version: deps.info.version,
        mode: deps.info.mode,
        platform: process.platform,
        dataDirectory: deps.info.dataDirectory,
        settingsFile: store.path,
        keychain: await vault.state(),
        notices: [...store.notices()],
      });
    },

    async 'app:dismiss-notice'({ id }) {
      return ok({ dismissed: store.dismissNotice(id) });
    },

    async 'app:cancel-operation'({ operationId }) {
      return ok({ cancelled: deps.cancel(operationId) });
    },

    async 'settings:get'() {
      return ok(store.settings());
    },

    async 'settings:update'({ patch }) {
      return ok(store.updateSettings(definedOnly(patch)));
    },

    async 'addresses:list'() {
      const stored = await vault.storedIds();
      return ok(store.listAddresses().map((a) => view(a, stored.ok ? stored.value.has(a.id) : null)));
    },

    async 'addresses:create'({ fields, secret }) {
      const duplicate = store
        .listAddresses()
        .find((a) => a.address.toLowerCase() === fields.address.toLowerCase() && a.environment === fields.environment && a.platform === fields.platform);
      if (duplicate !== undefined) {
        return fail('conflict', `${fields.address} is already configured for ${fields.platform} (${fields.environment}).`, {
          hint: 'Edit the existing address instead, or remove it first.',
          details: { existingId: duplicate.id },
        });
      }
      const created = store.createAddress(fields);
      if (secret === undefined) return ok(view(created, false));
      const saved = await vault.set(created.id, secret);
      if (!saved.ok) {
        // Nothing half-done: without its secret the address is not saved either, and
        // the admin still has everything they typed.
        store.deleteAddress(created.id);
        return saved;
      }
      const updated = store.setSecretChangedAt(created.id, clock().toISOString()) ?? created;
      return ok(view(updated, true));
    },

    async 'addresses:update'({ id, patch }) {
      const before = store.getAddress(id);
      if (before === undefined) return notFound(id);
      const updated = store.updateAddress(id, definedOnly(patch));
      if (updated === undefined) return notFound(id);
      // A secret belongs to one server and account: when either changes, the old secret
      // is deleted and must be entered again, so it can never follow the address to a
      // server it was not meant for.
      const serverChanged = (['host', 'port', 'security', 'username', 'authKind'] as const).some((key) => updated[key] !== before[key]);
      if (serverChanged && before.secretChangedAt !== null) {
        const removed = await vault.delete(id);
        if (!removed.ok) {
          store.updateAddress(id, { host: before.host, port: before.port, security: before.security, username: before.username, authKind: before.authKind });
          return fail('keychain-unavailable', `The server of ${before.address} was not changed: its saved secret must be removed first, and the OS keychain cannot be reached right now.`, {
            ...(removed.error.hint !== undefined ? { hint: removed.error.hint } : {}),
          });
        }
        return ok(view(store.setSecretChangedAt(id, null) ?? updated, false));
      }
      return ok(await viewOne(updated));
    },

    async 'addresses:delete'({ id }) {
      const address = store.getAddress(id);
      if (address === undefined) return notFound(id);
      const removed = await vault.delete(id);
      if (!removed.ok && address.secretChangedAt !== null) {
        // The keychain still holds this address's secret and cannot be reached: keep
        // the configuration so the secret is not orphaned where nobody can find it.
        return fail('keychain-unavailable', `${address.address} was not removed: its secret is in the OS keychain, which cannot be reached right now.`, {
          ...(removed.error.hint !== undefined ? { hint: removed.error.hint } : {}),
        });
      }
      return ok({ deleted: store.deleteAddress(id), secretDeleted: removed.ok && removed.value });
    },

    async 'vault:set-secret'({ addressId, secret }) {
      if (store.getAddress(addressId) === undefined) return notFound(addressId);
      const saved = await vault.set(addressId, secret);
      if (!saved.ok) return saved;
      const changedAt = clock().toISOString();
      store.setSecretChangedAt(addressId, changedAt);
      return ok({ stored: true, changedAt });
    },

    async 'vault:has-secret'({ addressId }) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFound(addressId);
      const has = await vault.has(addressId);
      return ok({ stored: has.ok ? has.value : null, changedAt: address.secretChangedAt });
    },

    'smtp:test-connection': (input, ctx) => runSmtpTest(input, ctx, false),

    'smtp:send-test-message': (input, ctx) => runSmtpTest(input, ctx, true),

    async 'smtp:probe'({ operationId: _operationId, ...input }, ctx) {
      const ehloName = input.ehloName ?? store.settings().ehloName ?? undefined;
      return probeHost(
        { ...input, dnsServers: dnsServersOr(input.dnsServers), ...(ehloName !== undefined ? { ehloName } : {}) },
        { signal: ctx.signal, onResult: ctx.emit },
      );
    },

    async 'analyze:explain'({ text }) {
      const replies = await catalogue();
      return replies.ok ? ok(explain(text, replies.value)) : replies;
    },

    async 'checks:run-checklist'({ operationId: _operationId, ...input }, ctx) {
      const loaded = await deps.platforms();
      if (!loaded.ok) {
        return fail('internal', 'Relayproof could not read its platform data (resources/platforms).', { hint: 'Reinstall Relayproof.', details: { problems: loaded.problems } });
      }
      return runChecklist({ ...input, dnsServers: dnsServersOr(input.dnsServers) }, { platforms: loaded.platforms, signal: ctx.signal, onEvent: ctx.emit });
    },

    async 'checks:check-propagation'(input, ctx) {
      return runPropagation({ ...input, dnsServers: dnsServersOr(input.dnsServers) }, { signal: ctx.signal });
    },

    async 'm365:get-checklist'(input) {
      const service = await m365();
      return service.ok ? service.value.checklist(input) : service;
    },

    async 'm365:generate-script'(input) {
      const service = await m365();
      return service.ok ? service.value.script(input) : service;
    },

    async 'm365:get-facts'() {
      const service = await m365();
      if (!service.ok) return service;
      const { facts } = service.value;
      return ok({ facts, retirement: retirementStatus(facts, clock().toISOString().slice(0, 10)) });
    },

    async 'm365:explain-token'(input) {
      const service = await m365();
      return service.ok ? service.value.explainToken(input) : service;
    },

    async 'vault:delete-secret'({ addressId }) {
      if (store.getAddress(addressId) === undefined) return notFound(addressId);
      const removed = await vault.delete(addressId);
      if (!removed.ok) return removed;
      store.setSecretChangedAt(addressId, null);
      return ok({ deleted: removed.value });
    },
  };
}

/** A zod `.partial()` output may carry explicit `undefined`s; a patch must not. */
function definedOnly<T extends object>(patch: { [K in keyof T]?: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
