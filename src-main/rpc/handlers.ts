/**
 * One handler per contract channel, over the services. Handlers return Results; the
 * dispatcher has already validated their input against the contract.
 */
import { ok, fail, type Address, type AddressView, type AppInfo, type Result, type Settings } from '../../src-preload/contract';
import { sameDnsServers } from '../../src-preload/contract/lending';
import { runChecklist } from '../checks/checklist';
import { runPropagation } from '../dns/propagation';
import { explain } from '../analyze/explain';
import type { LoadCatalogueResult, ReplyCatalogue } from '../analyze/reply-catalogue';
import { probeHost } from '../smtp/probe';
import { unknownPlatform, type LoadPlatformsResult } from '../providers/platforms';
import type { LoadProvidersResult } from '../providers/providers';
import { retirementStatus } from '../m365/retirement';
import type { LoadM365ServiceResult, M365Service } from '../m365/service';
import type { AddressTokens } from '../m365/address-tokens';
import type { AppRegistrations } from '../m365/app-registrations';
import type { SecretClipboard } from '../app/clipboard';
import type { AppStore } from '../store/store';
import { bind } from '../vault/lending-binding';
import type { Vault } from '../vault/vault';
import type { Handlers } from './dispatch';
import { addressHandlers } from './address-handlers';
import { eventFor, serverOf } from '../addresses/lifecycle';
import { createSmtpTester } from '../smtp/lending-test';
import { providerHandlers } from './provider-handlers';
import { dnsServersOr as settingsDnsServersOr } from './dns-servers';
import { m365Handlers } from './m365-handlers';
import { verificationHandlers } from './verification-handlers';
import type { VerificationService } from '../verification/verification-service';
import type { VerificationStore } from '../verification/status-store';
import { unreadableResource } from '../app/json-resource';

export interface HandlerDeps {
  /** Verification status, runs and the background re-checks. */
  readonly verification: VerificationService;
  /** verification.json: its notices join the settings file's. */
  readonly verificationStore: VerificationStore;
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
  /** Copies a secret to the system clipboard inside main and clears it later. */
  readonly clipboard: SecretClipboard;
  /** OAuth 2.0 access tokens acquired for saved addresses, in memory only. */
  readonly m365Tokens: AddressTokens;
  /** Tenant and client id of each address's OAuth 2.0 app (non-secret), for background tokens. */
  readonly m365Apps?: AppRegistrations;
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
      : unreadableResource('replies', loaded.problems);
  }

  async function m365(): Promise<Result<M365Service>> {
    const loaded = await deps.m365();
    return loaded.ok
      ? ok(loaded.service)
      : unreadableResource('m365', loaded.problems);
  }

  const smtp = createSmtpTester({ ...deps, heldToken: (addressId) => deps.m365Tokens.token(addressId) });

  return {
    ...addressHandlers(deps),
    ...providerHandlers(deps),
    ...m365Handlers(deps),
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
        notices: [...store.notices(), ...deps.verificationStore.notices()],
      });
    },

    async 'app:dismiss-notice'({ id }) {
      return ok({ dismissed: store.dismissNotice(id) || deps.verificationStore.dismissNotice(id) });
    },

    async 'app:cancel-operation'({ operationId }) {
      return ok({ cancelled: deps.cancel(operationId) });
    },

    async 'settings:get'() {
      return ok(store.settings());
    },

    async 'settings:update'({ patch }) {
      return ok(store.updateSettings(stamped(store.settings(), definedOnly(patch), clock().toISOString())));
    },

    async 'addresses:list'() {
      const stored = await vault.storedIds();
      return ok(store.listAddresses().map((a) => view(a, stored.ok ? stored.value.has(a.id) : null)));
    },

    async 'vault:set-secret'({ addressId, secret }) {
      const before = store.getAddress(addressId);
      if (before === undefined) return notFound(addressId);
      const previous = before.secretChangedAt;
      const saved = await vault.set(addressId, 'smtp', secret);
      if (!saved.ok) return saved;
      const changedAt = clock().toISOString();
      // A new secret is bound to the connection as Settings describe it now (the old one is gone).
      bind(store, addressId, 'smtp', changedAt);
      const address = store.setSecretChangedAt(addressId, changedAt) ?? store.getAddress(addressId);
      if (address !== undefined) {
        // History, never the secret: what was saved, for which server, and whether it replaced one.
        const replaced = previous !== null;
        store.recordEvent(
          eventFor(address, 'secret-saved', `${replaced ? 'Replaced its stored secret' : 'Saved its secret'} for ${serverOf(address)} in the OS keychain (without a rotation test).`),
        );
      }
      return ok({ stored: true, changedAt });
    },

    async 'vault:has-secret'({ addressId }) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFound(addressId);
      const has = await vault.has(addressId, 'smtp');
      return ok({ stored: has.ok ? has.value : null, changedAt: address.secretChangedAt });
    },

    'smtp:test-connection': ({ operationId: _operationId, ...request }, ctx) => smtp.run({ ...request, send: false }, { signal: ctx.signal, onPhase: ctx.emit }),

    'smtp:send-test-message': ({ operationId: _operationId, ...request }, ctx) => smtp.run({ ...request, send: true }, { signal: ctx.signal, onPhase: ctx.emit }),

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
        return unreadableResource('platforms', loaded.problems);
      }
      if (!loaded.platforms.has(input.platform)) return unknownPlatform(input.platform, loaded.platforms);
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
      const removed = await vault.delete(addressId, 'smtp');
      if (!removed.ok) return removed;
      store.setSecretChangedAt(addressId, null);
      return ok({ deleted: removed.value });
    },
  };
}

/**
 * The times Relayproof keeps about Settings, whatever the caller sent: a pin added or
 * changed is stamped now (an unchanged one keeps its time), and a change of the DNS servers
 * is recorded. A stored secret saved before these times is held back or compared again
 * (src-preload/lending.ts), so a caller must not be able to backdate them.
 */
function stamped(before: Settings, patch: Partial<Settings>, now: string): Partial<Settings> {
  const { dnsServersChangedAt: _ignored, ...rest } = patch;
  const pins =
    rest.pinnedCertificates === undefined
      ? {}
      : {
          pinnedCertificates: rest.pinnedCertificates.map((pin) => {
            const kept = before.pinnedCertificates.find((p) => p.host.toLowerCase() === pin.host.toLowerCase() && p.sha256 === pin.sha256);
            return { ...pin, pinnedAt: kept?.pinnedAt ?? now };
          }),
        };
  const dns = rest.dnsServers !== undefined && !sameDnsServers(before.dnsServers, rest.dnsServers) ? { dnsServersChangedAt: now } : {};
  return { ...rest, ...pins, ...dns };
}

/** A zod `.partial()` output may carry explicit `undefined`s; a patch must not. */
function definedOnly<T extends object>(patch: { [K in keyof T]?: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
