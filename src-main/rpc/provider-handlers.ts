/**
 * Handlers for platform and provider data and autodetect (src-preload/contract/providers.ts).
 * The data comes from resources/ through the memoized loaders in services.ts; a file
 * that does not validate is an installation problem, reported with every bad field.
 */
import { ok, type Result } from '../../src-preload/contract';
import { detectProvider } from '../providers/detect';
import type { ProviderPreset } from '../../src-preload/contract/providers';
import type { Handlers } from './dispatch';
import { dnsServersOr } from './dns-servers';
import type { HandlerDeps } from './handlers';
import { unreadableResource } from '../app/json-resource';

export function providerHandlers(deps: HandlerDeps): Pick<Handlers, 'platforms:list' | 'providers:list' | 'providers:detect'> {
  async function presets(): Promise<Result<readonly ProviderPreset[]>> {
    const loaded = await deps.providers();
    return loaded.ok
      ? ok(loaded.providers)
      : unreadableResource('providers', loaded.problems);
  }

  return {
    async 'platforms:list'() {
      const loaded = await deps.platforms();
      if (!loaded.ok) {
        return unreadableResource('platforms', loaded.problems);
      }
      // In their display order (each file's `order`): the wizard's and every select's.
      return ok([...loaded.platforms.values()]);
    },

    async 'providers:list'() {
      const loaded = await presets();
      return loaded.ok ? ok([...loaded.value]) : loaded;
    },

    async 'providers:detect'({ domain, dnsServers }, ctx) {
      const loaded = await presets();
      if (!loaded.ok) return loaded;
      return ok(await detectProvider({ domain, dnsServers: dnsServersOr(deps.store, dnsServers) }, { presets: loaded.value, signal: ctx.signal }));
    },
  };
}
