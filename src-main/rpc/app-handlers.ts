/**
 * Handlers of the app's own channels (src-preload/contract/app.ts): what the app is and
 * where its data lives, the stored files' notices, Settings (over the settings service,
 * src-main/store/settings-service.ts, which stamps the times kept about them), and
 * cancelling a long operation.
 */
import { ok } from '../../src-preload/contract';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

type AppChannel = 'app:get-info' | 'app:dismiss-notice' | 'app:cancel-operation' | 'settings:get' | 'settings:update';

export function appHandlers(deps: HandlerDeps): Pick<Handlers, AppChannel> {
  const { store, vault, settings } = deps;

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
        clipboard: deps.clipboard.access(),
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
      return settings.get();
    },

    async 'settings:update'({ patch }) {
      return settings.update(patch);
    },
  };
}
