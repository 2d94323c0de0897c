/**
 * The OAuth 2.0 app registration used for each saved address — tenant id and client id,
 * both non-secret — in `m365-apps.json` next to the settings. Saved when a token is
 * acquired for the address, so background re-checks (verification scheduler, `status
 * --watch`) can get a fresh app-only token with the client secret from the keychain when
 * none is held (tokens live in memory only and are gone after a restart).
 *
 * Also the public half of a certificate credential (`certificates`): its thumbprint and,
 * if given, the PEM certificate (sent as x5c). The private key is in the keychain entry
 * `secretAccount(addressId, 'oauth-certificate')`, never here.
 */
import { z } from 'zod';
import { idSchema } from '../../src-preload/contract';
import type { StoreBackend } from '../store/store';
import { appIdSchema, tenantSchema } from './schemas';

export const M365_APPS_CONFIG_NAME = 'm365-apps';

const registrationSchema = z.object({ tenantId: tenantSchema, clientId: appIdSchema, savedAt: z.string() });
export type AppRegistration = z.infer<typeof registrationSchema>;

const certificateSchema = z.object({ thumbprint: z.string().regex(/^(?:[0-9A-F]{40}|[0-9A-F]{64})$/u), certificatePem: z.string().max(16_384).nullable(), savedAt: z.string() });
export type SavedCertificate = z.infer<typeof certificateSchema>;

const documentSchema = z.object({ addresses: z.record(idSchema, registrationSchema), certificates: z.record(idSchema, certificateSchema).default({}) });

export interface AppRegistrations {
  get(addressId: string): AppRegistration | null;
  set(addressId: string, registration: { readonly tenantId: string; readonly clientId: string }): AppRegistration;
  /** Forgets the registration and the saved certificate's public half. */
  remove(addressId: string): boolean;
  getCertificate(addressId: string): SavedCertificate | null;
  setCertificate(addressId: string, certificate: { readonly thumbprint: string; readonly certificatePem: string | null }): SavedCertificate;
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
    return parsed.success ? parsed.data : { addresses: {}, certificates: {} };
  };
  return {
    get(addressId) {
      return load().addresses[addressId] ?? null;
    },
    set(addressId, registration) {
      const saved = registrationSchema.parse({ tenantId: registration.tenantId, clientId: registration.clientId, savedAt: clock().toISOString() });
      const document = load();
      file().write({ ...document, addresses: { ...document.addresses, [addressId]: saved } });
      return saved;
    },
    remove(addressId) {
      const document = load();
      if (!Object.hasOwn(document.addresses, addressId) && !Object.hasOwn(document.certificates, addressId)) return false;
      const { [addressId]: _gone, ...addresses } = document.addresses;
      const { [addressId]: _cert, ...certificates } = document.certificates;
      file().write({ addresses, certificates });
      return true;
    },
    getCertificate(addressId) {
      return load().certificates[addressId] ?? null;
    },
    setCertificate(addressId, certificate) {
      const saved = certificateSchema.parse({ thumbprint: certificate.thumbprint, certificatePem: certificate.certificatePem, savedAt: clock().toISOString() });
      const document = load();
      file().write({ ...document, certificates: { ...document.certificates, [addressId]: saved } });
      return saved;
    },
  };
}
