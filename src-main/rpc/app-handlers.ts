/**
 * Handlers of the app's own channels (src-preload/contract/app.ts): what the app is and
 * where its data lives, the stored files' notices, Settings, and cancelling a long
 * operation.
 */
import { ok, type Settings } from '../../src-preload/contract';
import { sameDnsServers } from '../../src-preload/contract/lending';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

type AppChannel = 'app:get-info' | 'app:dismiss-notice' | 'app:cancel-operation' | 'settings:get' | 'settings:update';

export function appHandlers(deps: HandlerDeps): Pick<Handlers, AppChannel> {
  const { store, vault, clock } = deps;

  return {
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
  };
}

/**
 * The times Relayproof keeps about Settings, whatever the caller sent: a pin added or
 * changed is stamped now (an unchanged one keeps its time), and a change of the DNS servers
 * is recorded. A stored secret saved before these times is held back or compared again
 * (src-preload/contract/lending.ts), so a caller must not be able to backdate them.
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
