/**
 * What Relayproof starts with after its settings file was found damaged and moved aside
 * (document-file.ts does the finding and the moving): every setting and address row that
 * can still be read, and a notice naming the backup, kept in the settings until the admin
 * dismisses it. Nothing is overwritten without a backup holding the original bytes.
 */
import type { StoreNotice } from '../../src-preload/contract';
import { formatBytes, type Damage, type Quarantined } from './document-file';
import { CURRENT_SCHEMA_VERSION, MAX_NOTICES, defaultDocument, salvageDocument, type Salvage, type StoreDocument } from './store-document';

export interface RecoveryContext {
  readonly path: string;
  readonly clock: () => Date;
  readonly newNoticeId: () => string;
}

const PASSWORDS_SAFE = 'Passwords are kept in the OS keychain and were not affected.';

function startedWith(salvage: Salvage | undefined): string {
  if (salvage === undefined || (salvage.keptAddresses === 0 && salvage.dropped.length === 0)) return 'default settings and no addresses';
  const addresses = salvage.totalAddresses === 0 ? 'no addresses' : `${salvage.keptAddresses} of ${salvage.totalAddresses} addresses`;
  return `the settings and ${addresses} it could read`;
}

function noticeMessage(damage: Damage, path: string, backup: string, salvage: Salvage | undefined): string {
  const moved = `It was moved to ${backup}, and Relayproof started with ${startedWith(salvage)}.`;
  const repair = `Your addresses are still in that file: repair it in a text editor, quit Relayproof, and move it back to ${path}.`;
  const dropped = salvage?.dropped ?? [];
  const droppedCount = salvage?.droppedCount ?? 0;
  const shown = droppedCount > 10 ? [...dropped.slice(0, 10), `and ${(droppedCount - 10).toLocaleString('en-US')} more`] : dropped;
  const droppedList = shown.length > 0 ? ` Left out: ${shown.join('; ')}.` : '';
  switch (damage.kind) {
    case 'unreadable':
      return `Relayproof could not read its settings file (${damage.reason}). ${moved} If that file holds your addresses, make it readable, quit Relayproof, and move it back to ${path}. ${PASSWORDS_SAFE}`;
    case 'empty':
      return `Relayproof's settings file was empty (${damage.size} bytes), as after a crash or a full disk while it was written. ${moved} ${PASSWORDS_SAFE}`;
    case 'corrupt-json':
      return `Relayproof's settings file was not valid JSON (${damage.reason}). ${moved} ${repair} ${PASSWORDS_SAFE}`;
    case 'invalid-content':
      return `Relayproof's settings file had content it cannot use (${damage.reason}). ${moved}${droppedList} The original is unchanged in the backup. ${PASSWORDS_SAFE}`;
    case 'future-version':
      return `Relayproof's settings file was written by a newer Relayproof (settings format ${damage.version}; this version understands format ${CURRENT_SCHEMA_VERSION}). To keep it unchanged for the newer version, it was moved to ${backup}, and Relayproof started with ${startedWith(salvage)}.${droppedList} To go back to it, install the newer Relayproof, quit it, and move that file back to ${path}; changes made in this version are then replaced. ${PASSWORDS_SAFE}`;
    case 'too-large':
      return `Relayproof's settings file was ${formatBytes(damage.size)}, more than a settings file can be (${formatBytes(damage.limit)}; Relayproof never writes one that large), so it was not read: something else wrote it. ${moved} ${PASSWORDS_SAFE}`;
    case 'symlink':
      return `Relayproof's settings file was a link${damage.target === null ? '' : ` to ${damage.target}`}. Relayproof does not follow links in its data folder (one could make it read or overwrite another file), and left the file it points to untouched. The link was moved to ${backup}, and Relayproof started with ${startedWith(undefined)}. To keep the settings elsewhere, set RELAYPROOF_DATA_DIR to that folder instead. ${PASSWORDS_SAFE}`;
  }
}

/** The settings to continue with after `quarantined` was moved aside, with the notice in them. */
export function recoverSettings(ctx: RecoveryContext, { damage, backupPath }: Quarantined): StoreDocument {
  // raw is undefined for a file that was never parsed: nothing in it to salvage.
  const salvage = (damage.kind === 'invalid-content' || damage.kind === 'future-version') && damage.raw !== undefined ? salvageDocument(damage.raw) : undefined;
  const base = salvage?.document ?? defaultDocument();
  const notice: StoreNotice = {
    id: ctx.newNoticeId(),
    at: ctx.clock().toISOString(),
    kind: damage.kind,
    message: noticeMessage(damage, ctx.path, backupPath, salvage),
    backupPath,
  };
  return { ...base, notices: [...base.notices, notice].slice(-MAX_NOTICES) };
}
