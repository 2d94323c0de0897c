import { Button, Field, Input, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AddressStatus } from '../../../../src-preload/contract';
import { latestNotNeeded } from '../../../../src-preload/contract/verification-schemas';
import { useChannelQuery } from '../../api/hooks';
import { routeHref } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { PlatformBlockers } from '../../ui/platform-blockers';
import { Loading } from '../../ui/loading';
import { LocalTime } from '../../ui/local-time';
import { ViewHeader } from '../../ui/view-header';
import { environmentLabels } from '../addresses/address-labels';
import { usePlatformNaming } from '../../api/use-platforms';
import { useCardStyles } from '../connection-test/card-styles';
import { BlocklistCard } from './blocklist-card';
import { BounceOpen } from './bounce-open';
import { EmlOpen } from './eml-open';
import { ExportReport } from './export-report';
import { HistorySection } from './history-section';
import { VerdictChip } from './item-state-chip';
import { MailboxForm } from './mailbox-form';
import { MessageProofCard } from './message-proof-card';
import { ReceiptProgress } from './receipt-progress';
import { RestartWindow } from './restart-window';
import { ItemInput } from './status-input';
import { WindowTimeline } from './window-timeline';
import { StatusItemCard } from './status-item-card';
import { FallbackSendingNote } from './fallback-sending-note';
import { PlatformStatusLink } from './platform-status-link';
import { addressVerdictLabel, awaitingInput, checklistHref, countdownSentence, formatTime, groupLabels, groupOrder, itemStateLabels, remainingMs, statusHref } from './status-format';
import { useFocusTitleWhen, useInvalidateVerification, useNow, useRecheckRun, useSendRun, useVerificationStatus, type MoveFocus } from './use-verification';
import { provedByEml, recheckMessage, sendMessage } from './verification-runs';

const useStyles = makeStyles({
  summary: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  live: { margin: 0, minHeight: tokens.lineHeightBase300 },
  timeline: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  groups: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  recipient: { maxWidth: '28rem' },
  window: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  verdict: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  prove: { display: 'flex', gap: tokens.spacingHorizontalXL, flexWrap: 'wrap', alignItems: 'flex-start' },
  send: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, flexGrow: 1, flexBasis: '22rem', minWidth: 0 },
});

/** The .eml file input, focused from a DNS item that waits for the sending IP. */
const EML_INPUT_ID = 'status-eml-file';

/** One address: the verdict and blockers first, the ways to prove delivery, the items with evidence, then mailboxes, report and history. */
export function AddressStatusView({ addressId, moveFocus }: { readonly addressId: string; readonly moveFocus: MoveFocus }) {
  const status = useVerificationStatus(addressId);
  const current = status.data?.[0];
  useFocusTitleWhen(current !== undefined, moveFocus);
  if (current === undefined) {
    return (
      <>
        <ViewHeader title="Status" description={<Link href={statusHref(null)}>All addresses</Link>} />
        {status.error !== null ? <ErrorBar error={status.error.appError} title="The status could not be read" /> : <Loading label="Reading the status…" />}
      </>
    );
  }
  return <AddressStatusBody status={current} />;
}

function AddressStatusBody({ status }: { readonly status: AddressStatus }) {
  const styles = useStyles();
  const platforms = usePlatformNaming();
  const card = useCardStyles();
  const ticking = useNow();
  // The clock of the last answer, if newer: a countdown never shows more time than there is.
  const derivedAt = Date.parse(status.status.now);
  const now = derivedAt > ticking.getTime() ? new Date(derivedAt) : ticking;
  const { address } = status;
  const invalidate = useInvalidateVerification();
  const recheck = useRecheckRun();
  const send = useSendRun();
  const [recipient, setRecipient] = useState('');
  const sendButton = useRef<HTMLButtonElement>(null);
  // Said after a field under a DNS item saved and re-checked: that item may leave the page with its field.
  const [inputMessage, setInputMessage] = useState('');
  const history = useChannelQuery('verification:history', { addressId: address.id, limit: 50 });
  const latestProofRun = history.data?.runs.find((r) => r.message !== null);
  // Items the route does not need are not tracked; the last checklist run names them so none seems forgotten.
  const notNeeded = latestNotNeeded(history.data?.runs ?? []);

  const recheckPhase = recheck.state.phase;
  const sendPhase = send.state.phase;
  useEffect(() => {
    if (recheckPhase !== 'running' && recheckPhase !== 'idle') void invalidate();
  }, [recheckPhase, invalidate]);
  useEffect(() => {
    if (sendPhase !== 'running' && sendPhase !== 'idle') void invalidate();
  }, [sendPhase, invalidate]);

  const titles = useMemo(() => new Map(status.status.items.map((i) => [i.id, i.title])), [status.status.items]);
  const fixHref = checklistHref(address.id);
  const busy = recheckPhase === 'running' || sendPhase === 'running';
  // A connection that passed only on this computer is never shown as a plain "verified".
  const saved = useChannelQuery('addresses:list', {}).data?.find((a) => a.id === address.id);
  const lastTest = saved?.lastTest ?? null;
  const blockers = lastTest?.blockers ?? [];
  const recipientHint =
    address.mailbox === null
      ? `Empty: sent to ${address.address} itself. No mailbox is set up, so open the received message as .eml beside this.`
      : `Empty: sent to ${/@/u.test(address.mailbox.username) ? address.mailbox.username : address.address}, then looked for in ${address.mailbox.username} on ${address.mailbox.host}.`;

  const counts = status.status.counts;
  const total = status.status.items.length;

  return (
    <>
      <ViewHeader
        title={`Status of ${address.address}`}
        description={
          <span className={styles.summary}>
            <span>
              {platforms.label(address.platform)} · {environmentLabels[address.environment]} · last check{' '}
              {status.lastCheckAt === null ? 'never' : <LocalTime iso={status.lastCheckAt} />} · next check{' '}
              {status.nextCheckAt === null ? (status.status.overall === 'verified' ? 'not needed' : 'on demand') : <LocalTime iso={status.nextCheckAt} />}
            </span>
            <Link href={routeHref('status', { address: address.id, reports: '1' })}>DMARC reports</Link>
            <Link href={statusHref(null)}>All addresses</Link>
          </span>
        }
      />

      {/* The answer first: the verdict and what stops the platform, then the items, then the settings. */}
      <section className={card.card} aria-labelledby="verdict-heading" data-testid="status-verdict">
        <div className={styles.verdict}>
          <h2 id="verdict-heading" className={card.heading}>
            Verdict: {addressVerdictLabel(status.status, lastTest)}
          </h2>
          <VerdictChip view={status.status} lastTest={lastTest} />
        </div>
        <Text as="p" className={card.secondary}>
          {counts.verified} of {total} item{total === 1 ? '' : 's'} verified
          {counts.failed > 0 ? ` · ${counts.failed} ${itemStateLabels.failed.toLowerCase()}` : ''}
          {counts.stale > 0 ? ` · ${counts.stale} ${itemStateLabels.stale.toLowerCase()}` : ''}
          {counts.pending > 0 ? ` · ${counts.pending} ${itemStateLabels.pending.toLowerCase()}` : ''}
          {counts.unverified > 0 ? ` · ${counts.unverified} ${itemStateLabels.unverified.toLowerCase()}` : ''}.
        </Text>
        <FallbackSendingNote platformId={address.platform} settingUp={status.status.overall !== 'verified'} className={card.secondary} />
        {counts.failed > 0 ? <PlatformStatusLink platformId={address.platform} className={card.secondary} /> : null}
        <PlatformBlockers
          blockers={blockers}
          platformName={platforms.shortName(address.platform)}
          lead={lastTest?.ok === true ? 'The last connection test passed on this computer, but the platform will not get as far:' : undefined}
          testId="status-blockers"
        />
        <div className={card.actions}>
          <Button appearance="primary" disabled={busy} onClick={() => recheck.start(address.id)}>
            Re-check now
          </Button>
          {recheckPhase === 'running' ? <Button onClick={recheck.cancel}>Cancel re-check</Button> : null}
        </div>
        <Text as="p" size={200} className={card.secondary}>
          Re-check now reads the DNS records of {status.status.domain} and tests the connection with the stored secret.
        </Text>
      </section>

      <section className={card.card} aria-labelledby="actions-heading">
        <h2 id="actions-heading" className={card.heading}>
          Prove delivery
        </h2>
        <div className={styles.prove}>
          <div className={styles.send}>
            <Field className={styles.recipient} label="Send the verification email to (optional)" hint={recipientHint}>
              <Input value={recipient} onChange={(_e, d) => setRecipient(d.value)} type="email" autoComplete="off" spellCheck={false} disabled={busy} />
            </Field>
            <div className={card.actions}>
              <Button
                appearance="primary"
                disabled={busy}
                onClick={() => send.start(address.id, recipient.trim() === '' ? undefined : recipient.trim(), 600)}
                ref={(element: HTMLButtonElement | null) => {
                  sendButton.current = element;
                }}
              >
                Send verification email
              </Button>
              {sendPhase === 'running' ? <Button onClick={send.cancel}>Stop waiting</Button> : null}
            </div>
          </div>
          <EmlOpen layout="inline" addressId={address.id} inputId={EML_INPUT_ID} onVerified={() => void invalidate()} />
        </div>
        <ReceiptProgress state={send.state} eml={provedByEml(send.state, latestProofRun)} />
        <Text as="p" role="status" aria-live="polite" className={styles.live} data-testid="status-progress">
          {[recheckMessage(recheck.state), sendMessage(send.state, (iso) => formatTime(iso, ''))].filter((m) => m !== '').join(' ')}
        </Text>
        {recheck.state.phase === 'failed' ? <ErrorBar error={recheck.state.error} title="The re-check did not run" /> : null}
        {send.state.phase === 'failed' ? <ErrorBar error={send.state.error} title="The verification email was not sent" /> : null}
      </section>

      <div className={styles.groups}>
        {groupOrder.map((group) => {
          const items = status.status.items.filter((i) => i.group === group);
          if (items.length === 0) return null;
          return (
            <section key={group} className={card.card} aria-labelledby={`group-${group}`} data-group={group}>
              <h2 id={`group-${group}`} className={card.heading}>
                {groupLabels[group]}
              </h2>
              {group === 'dns' ? (
                <Text as="p" role="status" aria-live="polite" className={styles.live} data-testid="item-input-result">
                  {inputMessage}
                </Text>
              ) : null}
              {group === 'dns' && notNeeded !== null && notNeeded.length > 0 ? (
                <Text as="p" className={card.secondary} data-testid="not-needed">
                  Not needed on this route: {notNeeded.map((n) => n.title).join(', ')}.
                </Text>
              ) : null}
              <ol className={styles.timeline}>
                {items.map((item) => {
                  const asks = awaitingInput(item);
                  const input =
                    asks === null ? null : (
                      <ItemInput
                        needsInput={asks}
                        address={saved}
                        domain={status.status.domain}
                        checklistHref={fixHref}
                        onFocusSend={() => sendButton.current?.focus()}
                        onFocusEml={() => document.getElementById(EML_INPUT_ID)?.focus()}
                        onChecked={(message) => {
                          setInputMessage(message);
                          void invalidate();
                        }}
                      />
                    );
                  return (
                    <li key={item.id}>
                      <StatusItemCard
                        item={item}
                        now={now}
                        checklistHref={fixHref}
                        input={input}
                        failureNote={<PlatformStatusLink platformId={address.platform} className={card.secondary} />}
                      />
                    </li>
                  );
                })}
              </ol>
            </section>
          );
        })}
      </div>

      {status.dnsWindow.length === 0 ? null : (
        <section className={card.card} aria-labelledby="window-heading">
          <h2 id="window-heading" className={card.heading}>
            DNS records inside the 72-hour window
          </h2>
          <ul className={styles.window}>
            {status.dnsWindow.map((d) => (
              <li key={d.itemId}>
                {d.title}: {countdownSentence(d.state, remainingMs(d.deadlineAt, now) ?? d.countdownMs)}
                <WindowTimeline startAt={windowStart(status, d.itemId)} deadlineAt={d.deadlineAt} now={now} />
              </li>
            ))}
          </ul>
          <Link href={fixHref}>Open the records to publish in the Checklist</Link>
        </section>
      )}

      <RestartWindow status={status} />

      {latestProofRun?.message === undefined || latestProofRun.message === null ? null : <MessageProofCard proof={latestProofRun.message} receivedAt={latestProofRun.finishedAt} />}

      {/* When mail still does not arrive: the relay's IPs and the domain on blocklists, and what a bounce says. */}
      <BlocklistCard addressId={address.id} domain={status.status.domain} />
      <BounceOpen />

      {/* Where the verification email (and the forwarded test) is read: one line each once set up. */}
      <MailboxForm addressId={address.id} address={address.address} mailbox={address.mailbox} />
      <MailboxForm key={`forwarding-${address.id}`} kind="forwarding" addressId={address.id} address={address.address} mailbox={address.forwardingMailbox} />

      <section className={card.card} aria-labelledby="report-heading">
        <h2 id="report-heading" className={card.heading}>
          Report
        </h2>
        <Text as="p" className={card.paragraph}>
          A self-contained page (printable, no external resources) or JSON with the status, the evidence and the history of {address.address}, without any secret: hand it to
          the platform&rsquo;s support or a colleague.
        </Text>
        <ExportReport addressId={address.id} subject={address.address} />
      </section>

      <HistorySection addressId={address.id} titles={titles} />
    </>
  );
}

/** When an item's countdown began: it went pending or stale then (null when the item is not counting). */
function windowStart(status: AddressStatus, itemId: string): string | null {
  const s = status.status.items.find((i) => i.id === itemId)?.status;
  return s !== undefined && (s.state === 'pending' || s.state === 'stale') ? s.since : null;
}
