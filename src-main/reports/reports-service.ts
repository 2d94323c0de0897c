/**
 * The reports of an address: files handed in (`relayproof dmarc-report`) and its mailbox
 * read on demand (`reports:read-mailbox`), summed with its relay IPs flagged. The last
 * mailbox read is kept for the process, and its numbers feed the checklist's DMARC rollout
 * advice ("98 % of 1,240 messages aligned in 14 days").
 */
import type { Result } from '../../src-preload/contract';
import { fail, ok } from '../../src-preload/contract/result-values';
import type { Address } from '../../src-preload/contract/addresses-schemas';
import type { DmarcReportNumbers, MailboxReports, ReportsSummary } from '../../src-preload/contract/reports';
import type { MessageProof } from '../../src-preload/contract/verification-schemas';
import { notFoundAddress } from '../addresses/not-found';
import type { AppStore } from '../store/store';
import { historyOf, type VerificationStore } from '../verification/status-store';
import { bind, checkLending } from '../vault/lending-binding';
import type { Vault } from '../vault/vault';
import { relayIpsOf } from '../verification/address-checklist';
import { readMailboxReports } from './mailbox-reports';
import { readReportFiles, reportNumbers, summarizeReads } from './read-files';
import type { ReportRead } from './report-files';
import { withReverseNames, type KnownSenders } from './summary';

export interface ReportsServiceDeps {
  readonly store: Pick<AppStore, 'getAddress' | 'settings' | 'setAddressStatus'>;
  readonly vault: Pick<Vault, 'withSecret'>;
  /** Verification history: the last message proof of the address gives its sending IP. */
  readonly statusStore: Pick<VerificationStore, 'get'>;
  readonly clock: () => Date;
  /** PTR name of a source, asked only when the caller wants reverse names (it is a DNS query per source). */
  readonly reverseName?: (ip: string, signal?: AbortSignal) => Promise<string | null>;
  /** Extra CA certificates for the mailbox (tests' own CA). */
  readonly imapCa?: readonly string[];
}

export interface ReportsService {
  knownSenders(address: Address): KnownSenders;
  summarize(reads: ReadonlyArray<{ readonly name: string; readonly read: ReportRead }>, known?: KnownSenders): ReportsSummary;
  readFiles(paths: readonly string[], known?: KnownSenders): Promise<ReportsSummary>;
  readMailbox(addressId: string, options: { readonly folder?: string | undefined; readonly reverseNames?: boolean; readonly signal?: AbortSignal }): Promise<Result<MailboxReports>>;
  latest(addressId: string): MailboxReports | null;
  /** The aggregate numbers for the checklist advice; null without reports. */
  numbersFor(addressId: string): DmarcReportNumbers | null;
}

export function createReportsService(deps: ReportsServiceDeps): ReportsService {
  const latest = new Map<string, MailboxReports>();
  const lastProof = (address: Address): MessageProof | null => {
    const runs = historyOf(deps.statusStore.get(address.id), address.id).runs;
    return [...runs].reverse().find((r) => r.message !== null)?.message ?? null;
  };
  // The platform data lists no sending IPs yet (Zendesk publishes its ranges per account, behind a sign-in), so none are flagged as the platform's.
  const knownSenders = (address: Address): KnownSenders => ({ relayIps: relayIpsOf(address, lastProof(address)), platformIps: [] });
  return {
    knownSenders,
    summarize: summarizeReads,
    readFiles: readReportFiles,
    latest: (addressId) => latest.get(addressId) ?? null,
    numbersFor(addressId) {
      const read = latest.get(addressId);
      return read === undefined ? null : reportNumbers(read.summary);
    },
    async readMailbox(addressId, { folder, reverseNames = false, signal }) {
      const address = deps.store.getAddress(addressId);
      if (address === undefined) return notFoundAddress(addressId);
      const mailbox = address.mailbox;
      if (mailbox === null) {
        return fail('invalid-input', `${address.address} has no mailbox saved, so there is nowhere to read reports from.`, {
          hint: 'Save the mailbox that receives the DMARC reports (the rua= address) under Verification → Mailbox, or hand the report files to `relayproof dmarc-report`.',
        });
      }
      // The stored password goes only to the mailbox it was saved for, as for the verification email.
      const check = checkLending(address, 'imap', deps.store.settings());
      if (check.hold !== null) return fail('invalid-input', check.hold.message, { hint: check.hold.hint });
      if (check.binding === null) bind(deps.store, address.id, 'imap', deps.clock().toISOString());
      const target = folder ?? 'INBOX';
      const lent = await deps.vault.withSecret(address.id, 'imap', (password) =>
        readMailboxReports({ mailbox, password, folder: target, ...(signal === undefined ? {} : { signal }), ...(deps.imapCa === undefined ? {} : { ca: deps.imapCa }) }),
      );
      if (!lent.ok) {
        return lent.error.code === 'not-found'
          ? fail('invalid-input', `No password for the mailbox ${mailbox.username} is stored in the keychain.`, { hint: 'Set the mailbox again with its password (Verification → Mailbox).' })
          : lent;
      }
      const read = lent.value;
      // The mailbox as saved does not serve the reports (wrong password, host or folder): the admin's input to fix.
      if (!read.ok) return fail('invalid-input', read.message, { hint: read.hint, details: { reason: read.code } });
      let summary = summarizeReads(read.reads, knownSenders(address));
      if (reverseNames && deps.reverseName !== undefined) {
        const reverse = deps.reverseName;
        summary = await withReverseNames(summary, (ip) => reverse(ip, signal));
      }
      const result: MailboxReports = {
        addressId,
        readAt: deps.clock().toISOString(),
        mailbox: { host: mailbox.host, username: mailbox.username, folder: target },
        messagesSeen: read.messagesSeen,
        summary,
      };
      latest.set(addressId, result);
      return ok(result);
    },
  };
}
