/**
 * The settings as a command that only reads them sees them (`relayproof smtp test` and
 * `smtp probe`: the EHLO name, deadline, DNS servers and pinned certificates; `relayproof
 * check`: the DNS servers and SES identities), without
 * opening the store. openStore takes the cross-process lock, may write (create the file,
 * upgrade it, move a damaged one aside) and so loads conf, with ajv, for its writes: about
 * 40 ms of such a command's start-up before anything was tested.
 *
 * The file goes through the same checks as every read of the store (document-file.ts's
 * inspectFile: no link followed, the size and entry limits before any parse, an O_NOFOLLOW
 * bounded read, migrations, the whole document's schema). It is parsed from the checked
 * bytes, never reopened by path. Only a file that needs nothing is used: when it is missing,
 * damaged, from an older version or not in its written form, the caller opens the store,
 * which writes, quarantines and reports as always. Writers replace the file by rename, so a
 * read without the lock sees one whole version of it.
 */
import { join } from 'node:path';
import type { Address, SesIdentity, Settings, StoreNotice } from '../../src-preload/contract';
import type { Logger } from '../log/logger';
import { inspectFile } from './document-file';
import { CONFIG_NAME, CURRENT_SCHEMA_VERSION, MIGRATIONS, SETTINGS_MAX_BYTES, storeDocumentSchema, type StoreDocument } from './store-document';

/** What such a command reads of the store (a part of AppStore). */
export interface SettingsSnapshot {
  readonly path: string;
  settings(): Settings;
  getAddress(id: string): Address | undefined;
  listSesIdentities(): readonly SesIdentity[];
  notices(): readonly StoreNotice[];
}

/** The settings file of `directory` as it is now, or null when only opening the store may read it. */
export function readSettingsSnapshot(directory: string): SettingsSnapshot | null {
  const path = join(directory, `${CONFIG_NAME}.json`);
  let document: StoreDocument;
  try {
    const found = inspectFile(path, { schema: storeDocumentSchema, version: CURRENT_SCHEMA_VERSION, migrations: MIGRATIONS, maxBytes: SETTINGS_MAX_BYTES, noun: 'settings' });
    if (found.state !== 'ok' || !found.canonical || found.migratedFrom !== null) return null;
    document = found.value;
  } catch {
    // Replaced again and again while read, or unreadable: openStore says what happened.
    return null;
  }
  return {
    path,
    settings: () => document.settings,
    getAddress: (id) => document.addresses.find((a) => a.id === id),
    listSesIdentities: () => document.sesIdentities,
    notices: () => document.notices,
  };
}

/**
 * The settings as a command that only reads them gets them: the snapshot when the file
 * needs nothing, else the store, which creates, upgrades or moves aside the file (loading
 * conf and ajv then, not before); what the store had to say is logged.
 */
export async function readCommandSettings(directory: string, logger: Pick<Logger, 'warn'>): Promise<SettingsSnapshot> {
  const settings = readSettingsSnapshot(directory) ?? (await openSettingsStore(directory));
  for (const notice of settings.notices()) logger.warn('settings file problem', { kind: notice.kind, backup: notice.backupPath });
  return settings;
}

async function openSettingsStore(directory: string): Promise<SettingsSnapshot> {
  const [{ openStore }, { confEngine }] = await Promise.all([import('./store'), import('./conf-engine')]);
  return openStore({ directory, engine: confEngine });
}
