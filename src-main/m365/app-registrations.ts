/**
 * The OAuth 2.0 app registration used for each saved address — tenant id and client id,
 * both non-secret — in `m365-apps.json` next to the settings. Saved when a token is
 * acquired for the address, so background re-checks (verification scheduler, `status
 * --watch`) can get a fresh app-only token with the client secret from the keychain when
 * none is held (tokens live in memory only and are gone after a restart).
 *
 * Also the public half of a certificate credential (`certificates`): its thumbprint and,
 * if given, the PEM certificate (sent as x5c). The private key is in the keychain entry
 * the vault (purpose `oauth-certificate`), never here.
 *
 * Stored through the persistence primitive of the settings (store/document-file.ts): a
 * cross-process lock around every change, atomic writes, and a damaged file moved aside
 * with a notice (it used to be silently treated as empty and overwritten).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { idSchema } from '../../src-preload/contract';
import { describeDamage, openDocument } from '../store/document-file';
import type { LockOptions } from '../store/file-lock';
import type { FolderWatchOptions } from '../store/folder-watch';
import type { NoticeInput } from '../store/store';
import { appIdSchema, tenantSchema } from '../../src-preload/contract/m365-schemas';

export const M365_APPS_CONFIG_NAME = 'm365-apps';
/** 1: `schemaVersion` added; the file of earlier versions (format 0) has the same content without it. */
export const M365_APPS_SCHEMA_VERSION = 1;
/** An address holds two ids and at most a 16 KB certificate: 16 MiB is room for 1,000 addresses with certificates. */
export const M365_APPS_MAX_BYTES = 16 * 1024 * 1024;

const registrationSchema = z.object({ tenantId: tenantSchema, clientId: appIdSchema, savedAt: z.string() });
export type AppRegistration = z.infer<typeof registrationSchema>;

const certificateSchema = z.object({ thumbprint: z.string().regex(/^(?:[0-9A-F]{40}|[0-9A-F]{64})$/u), certificatePem: z.string().max(16_384).nullable(), savedAt: z.string() });
export type SavedCertificate = z.infer<typeof certificateSchema>;

const documentSchema = z.object({
  schemaVersion: z.literal(M365_APPS_SCHEMA_VERSION),
  addresses: z.record(idSchema, registrationSchema),
  certificates: z.record(idSchema, certificateSchema).default({}),
});
type AppsDocument = z.infer<typeof documentSchema>;

export interface AppRegistrations {
  get(addressId: string): AppRegistration | null;
  set(addressId: string, registration: { readonly tenantId: string; readonly clientId: string }): AppRegistration;
  /** Forgets the registration and the saved certificate's public half. */
  remove(addressId: string): boolean;
  getCertificate(addressId: string): SavedCertificate | null;
  setCertificate(addressId: string, certificate: { readonly thumbprint: string; readonly certificatePem: string | null }): SavedCertificate;
  /** Called (debounced) when another process changed m365-apps.json. */
  watch(listener: () => void): () => void;
}

export interface OpenAppRegistrationsDeps {
  readonly directory: string;
  readonly clock?: () => Date;
  /** Where a damaged file is reported (the settings notices: About, doctor). */
  readonly onNotice?: (notice: NoticeInput) => void;
  readonly lock?: LockOptions;
  readonly watch?: FolderWatchOptions;
  readonly onWrite?: (path: string) => void;
}

export function openAppRegistrations(deps: OpenAppRegistrationsDeps): AppRegistrations {
  const clock = deps.clock ?? (() => new Date());
  const file = openDocument<AppsDocument>({
    path: join(deps.directory, `${M365_APPS_CONFIG_NAME}.json`),
    title: 'Microsoft 365 app registrations file',
    noun: 'Microsoft 365 app registrations',
    schema: documentSchema,
    version: M365_APPS_SCHEMA_VERSION,
    migrations: [{ from: 0, to: 1, migrate: (document) => ({ ...document }) }],
    maxBytes: M365_APPS_MAX_BYTES,
    clock,
    recover: ({ damage, backupPath }) => {
      // Only ids were in it (the secrets and certificate keys are in the keychain), and the
      // OAuth tab saves them again with the next token; until then the admin must know why
      // background re-checks of OAuth 2.0 addresses cannot get a token.
      deps.onNotice?.({
        kind: damage.kind,
        message: `Relayproof's Microsoft 365 app registrations file could not be used (${describeDamage(damage)}). It was moved to ${backupPath}, and Relayproof continues without the saved tenant and client ids: background re-checks of OAuth 2.0 addresses cannot get a token until you get one once on the address's OAuth 2.0 tab (Get a token), which saves them again. Secrets and certificate keys are in the OS keychain and were not affected.`,
        backupPath,
      });
      return undefined;
    },
    ...(deps.lock !== undefined ? { lock: deps.lock } : {}),
    ...(deps.watch !== undefined ? { watch: deps.watch } : {}),
    ...(deps.onWrite !== undefined ? { onWrite: deps.onWrite } : {}),
  });
  // Checked at open, so a damaged file is reported right away (About, doctor), not at the first token.
  file.read();
  const empty = (): AppsDocument => ({ schemaVersion: M365_APPS_SCHEMA_VERSION, addresses: {}, certificates: {} });
  const load = (): AppsDocument => file.read() ?? empty();
  return {
    get(addressId) {
      return load().addresses[addressId] ?? null;
    },
    set(addressId, registration) {
      const saved = registrationSchema.parse({ tenantId: registration.tenantId, clientId: registration.clientId, savedAt: clock().toISOString() });
      file.update((current) => {
        const document = current ?? empty();
        return { ...document, addresses: { ...document.addresses, [addressId]: saved } };
      });
      return saved;
    },
    remove(addressId) {
      const holds = (document: AppsDocument | undefined) => document !== undefined && (Object.hasOwn(document.addresses, addressId) || Object.hasOwn(document.certificates, addressId));
      // Nothing to forget (the usual case on disconnect): no lock, no write.
      if (!holds(file.read())) return false;
      let removed = false;
      file.update((current) => {
        const document = current ?? empty();
        if (!holds(document)) return document;
        removed = true;
        const { [addressId]: _gone, ...addresses } = document.addresses;
        const { [addressId]: _cert, ...certificates } = document.certificates;
        return { ...document, addresses, certificates };
      });
      return removed;
    },
    getCertificate(addressId) {
      return load().certificates[addressId] ?? null;
    },
    setCertificate(addressId, certificate) {
      const saved = certificateSchema.parse({ thumbprint: certificate.thumbprint, certificatePem: certificate.certificatePem, savedAt: clock().toISOString() });
      file.update((current) => {
        const document = current ?? empty();
        return { ...document, certificates: { ...document.certificates, [addressId]: saved } };
      });
      return saved;
    },
    watch: (listener) => file.watch(listener),
  };
}
