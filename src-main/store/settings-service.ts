/**
 * Settings as a service: reading them, and an edit with the times Relayproof keeps about
 * them. The settings channels (rpc/app-handlers.ts) only adapt to it.
 */
import { ok, type Result, type Settings } from '../../src-preload/contract';
import { sameDnsServers } from '../../src-preload/contract/lending';
import { definedOnly } from './patch';
import type { AppStore } from './store';

export interface SettingsServiceDeps {
  readonly store: Pick<AppStore, 'settings' | 'updateSettings'>;
  readonly clock: () => Date;
}

/** An edit as a channel gives it: a zod `.partial()` output may carry explicit `undefined`s. */
export type SettingsPatch = { readonly [K in keyof Settings]?: Settings[K] | undefined };

export interface SettingsService {
  get(): Result<Settings>;
  /** Applies the edit; pins and the DNS servers' change time are stamped here, never taken from the caller. */
  update(patch: SettingsPatch): Result<Settings>;
}

export function createSettingsService({ store, clock }: SettingsServiceDeps): SettingsService {
  return {
    get: () => ok(store.settings()),
    update: (patch) => ok(store.updateSettings(stamped(store.settings(), definedOnly<Settings>(patch), clock().toISOString()))),
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
