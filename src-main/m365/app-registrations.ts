/**
 * The OAuth 2.0 app registration used for each saved address — tenant id and client id,
 * both non-secret — in `m365-apps.json` next to the settings. Saved when a token is
 * acquired for the address, so background re-checks (verification scheduler, `status
 * --watch`) can get a fresh app-only token with the client secret from the keychain when
 * none is held (tokens live in memory only and are gone after a restart).
 */
import { z } from 'zod';
import { idSchema } from '../../src-preload/contract';
import type { StoreBackend } from '../store/store';
import { appIdSchema, tenantSchema } from './schemas';

export const M365_APPS_CONFIG_NAME = 'm365-apps';

const registrationSchema = z.object({ tenantId: tenantSchema, clientId: appIdSchema, savedAt: z.string() });
export type AppRegistration = z.infer<typeof registrationSchema>;

const documentSchema = z.object({ addresses: z.record(idSchema, registrationSchema) });

export interface AppRegistrations {
  get(addressId: string): AppRegistration | null;
  set(addressId: string, registration: { readonly tenantId: string; readonly clientId: string }): AppRegistration;
  remove(addressId: string): boolean;
}

export interface OpenAppRegistrationsDeps {
  readonly directory: string;
  readonly backend: (options: { cwd: string; configName: string }) => StoreBackend;
  readonly clock?: () => Date;
}

export function openAppRegistrations(deps: OpenAppRegistrationsDeps): AppRegistrations {
  const clock = deps.clock ?? (() => new Date());
  let backend: StoreBackend | null = null;
  const file = () => (backend ??= deps.backend({ cwd: deps.directory, configName: M365_APPS_CONFIG_NAME }));
  const load = (): z.infer<typeof documentSchema> => {
    const parsed = documentSchema.safeParse(file().read());
    // A damaged file only costs the saved ids: the OAuth tab saves them again with the next token.
    return parsed.success ? parsed.data : { addresses: {} };
  };
  return {
    get(addressId) {
      return load().addresses[addressId] ?? null;
    },
    set(addressId, registration) {
      const saved = registrationSchema.parse({ tenantId: registration.tenantId, clientId: registration.clientId, savedAt: clock().toISOString() });
      const document = load();
      file().write({ addresses: { ...document.addresses, [addressId]: saved } });
      return saved;
    },
    remove(addressId) {
      const document = load();
      if (!Object.hasOwn(document.addresses, addressId)) return false;
      const { [addressId]: _gone, ...addresses } = document.addresses;
      file().write({ addresses });
      return true;
    },
  };
}
