import { Button, Checkbox, Field, Input, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { MailboxReports, ReportsSummary } from '../../../../src-preload/contract/reports';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { Loading } from '../../ui/loading';
import { LocalTime } from '../../ui/local-time';
import { ViewHeader } from '../../ui/view-header';
import { useCardStyles } from '../connection-test/card-styles';
import { statusHref } from '../status/status-format';
import { useFocusTitleWhen, useVerificationStatus, type MoveFocus } from '../status/use-verification';
import { byPeriod } from './report-order';

const useStyles = makeStyles({
  wrap: { overflowX: 'auto', maxWidth: '100%' },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: tokens.fontSizeBase200,
    '& caption': { textAlign: 'left', color: tokens.colorNeutralForeground2, paddingBottom: tokens.spacingVerticalXS },
    '& th': {
      textAlign: 'left',
      fontWeight: tokens.fontWeightSemibold,
      color: tokens.colorNeutralForeground2,
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    },
    '& td, & tbody th': {
      textAlign: 'left',
      fontWeight: tokens.fontWeightRegular,
      color: tokens.colorNeutralForeground1,
      verticalAlign: 'top',
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
      overflowWrap: 'anywhere',
    },
  },
  number: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  form: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'flex-end', flexWrap: 'wrap' },
  totals: { display: 'flex', gap: tokens.spacingHorizontalXXL, flexWrap: 'wrap', margin: 0 },
  total: { display: 'flex', flexDirection: 'column', margin: 0 },
  totalValue: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

/** One decimal at most, rounded down: 99.96 % of messages passing is never shown as 100 %. */
function percent(part: number, whole: number): string {
  if (whole === 0) return '–';
  const text = (Math.floor((part / whole) * 1000) / 10).toFixed(1);
  return `${text.endsWith('.0') ? text.slice(0, -2) : text} %`;
}

function whoSends(source: ReportsSummary['sources'][number]): string {
  if (source.isRelay && source.isPlatform) return 'Your relay and the platform';
  if (source.isRelay) return 'Your relay';
  if (source.isPlatform) return 'The platform';
  return 'Another sender';
}

/** `#/status?address=<id>&reports=1`: the DMARC aggregate and TLS reports of one address, read from its mailbox on demand. */
export function DmarcReportsView({ addressId, moveFocus }: { readonly addressId: string; readonly moveFocus: MoveFocus }) {
  const card = useCardStyles();
  const styles = useStyles();
  const status = useVerificationStatus(addressId);
  const latest = useChannelQuery('reports:get', { addressId });
  const read = useChannelMutation('reports:read-mailbox', { invalidates: ['reports:get', 'checks:run-for-address'] });
  const [folder, setFolder] = useState('');
  const [reverseNames, setReverseNames] = useState(false);
  const address = status.data?.[0]?.address;
  useFocusTitleWhen(address !== undefined, moveFocus);
  const shown: MailboxReports | null | undefined = read.data ?? latest.data;
  const message =
    read.data === undefined
      ? null
      : `Read ${read.data.summary.reports.length} DMARC and ${read.data.summary.tlsReports.length} TLS ${read.data.summary.reports.length + read.data.summary.tlsReports.length === 1 ? 'report' : 'reports'} from ${read.data.messagesSeen} report ${read.data.messagesSeen === 1 ? 'message' : 'messages'} in ${read.data.mailbox.folder}.`;

  return (
    <>
      <ViewHeader
        title={address === undefined ? 'DMARC reports' : `DMARC reports of ${address.address}`}
        description={
          <>
            What receivers report about mail sent as the domain: which servers send, and whether their mail passes DMARC.{' '}
            <Link href={statusHref(addressId)}>Back to the status of this address</Link>
          </>
        }
      />
      {status.error !== null ? <ErrorBar error={status.error.appError} title="The address could not be read" /> : null}
      <section className={card.card} aria-labelledby="reports-read-heading">
        <h2 id="reports-read-heading" className={card.heading}>
          Read the reports
        </h2>
        {address === undefined ? (
          status.isPending ? <Loading label="Reading the address…" /> : null
        ) : address.mailbox === null ? (
          <Text as="p" className={card.paragraph}>
            No mailbox is saved for {address.address}, so there is nowhere to read reports from. Save the mailbox that receives the reports (the rua= address of the DMARC record) under{' '}
            <Link href={statusHref(addressId)}>Mailbox in the Status view</Link>, or hand the files to <code>relayproof dmarc-report</code>.
          </Text>
        ) : (
          <>
            <Text as="p" className={card.secondary}>
              Reads the report messages (subject &ldquo;Report Domain: …&rdquo;) in {address.mailbox.username} on {address.mailbox.host}, with the mailbox password from the keychain. Attachments with a DTD, an entity or a zip bomb are refused unread.
            </Text>
            <form
              className={styles.form}
              onSubmit={(event) => {
                event.preventDefault();
                read.mutate({ addressId, ...(folder.trim() === '' ? {} : { folder: folder.trim() }), reverseNames });
              }}
            >
              <Field label="Folder" hint="Empty: INBOX. A folder that collects the reports, such as DMARC.">
                <Input value={folder} onChange={(_e, data) => setFolder(data.value)} placeholder="INBOX" />
              </Field>
              <Checkbox checked={reverseNames} onChange={(_e, data) => setReverseNames(data.checked === true)} label="Look up each source's reverse name (asks DNS)" />
              <Button type="submit" appearance="primary" disabled={read.isPending}>
                {read.isPending ? 'Reading the reports…' : 'Read reports from the mailbox'}
              </Button>
            </form>
          </>
        )}
        <LiveStatus message={message} />
        {read.error !== null ? <ErrorBar error={read.error.appError} title="The reports could not be read" /> : null}
      </section>
      {shown === undefined ? (latest.isPending ? <Loading label="Reading the last reports…" /> : null) : shown === null ? null : <ReportsSummaryCards reports={shown} />}
    </>
  );
}

function ReportsSummaryCards({ reports }: { readonly reports: MailboxReports }) {
  const card = useCardStyles();
  const styles = useStyles();
  const { summary } = reports;
  const t = summary.totals;
  const notRead = summary.files.filter((f) => !f.ok && f.problem !== 'not-a-report');
  return (
    <>
      <section className={card.card} aria-labelledby="reports-totals-heading" data-testid="reports-totals">
        <h2 id="reports-totals-heading" className={card.heading}>
          Totals
        </h2>
        <Text as="p" className={card.secondary}>
          Read <LocalTime iso={reports.readAt} /> from {reports.mailbox.folder}
          {summary.period === null ? (
            '.'
          ) : (
            <>
              ; the reports cover <LocalTime iso={summary.period.begin} /> to <LocalTime iso={summary.period.end} /> ({summary.period.days} {summary.period.days === 1 ? 'day' : 'days'}).
            </>
          )}
        </Text>
        <dl className={styles.totals}>
          <div className={styles.total}>
            <dt>Messages</dt>
            <dd className={styles.totalValue}>{t.messages.toLocaleString()}</dd>
          </div>
          <div className={styles.total}>
            <dt>Passed DMARC</dt>
            <dd className={styles.totalValue}>
              {t.dmarcPass.toLocaleString()} ({percent(t.dmarcPass, t.messages)})
            </dd>
          </div>
          <div className={styles.total}>
            <dt>Failed DMARC</dt>
            <dd className={styles.totalValue}>{t.dmarcFail.toLocaleString()}</dd>
          </div>
          {summary.tlsReports.length > 0 ? (
            <div className={styles.total}>
              <dt>TLS sessions (failed)</dt>
              <dd className={styles.totalValue}>
                {summary.tlsTotals.successful.toLocaleString()} ({summary.tlsTotals.failed.toLocaleString()})
              </dd>
            </div>
          ) : null}
        </dl>
        {summary.reports.length === 0 ? (
          <Text as="p" className={card.paragraph}>
            No DMARC aggregate report was found there. Reports arrive once a day from each receiver that got mail from the domain, at the rua= address of its DMARC record.
          </Text>
        ) : null}
        {notRead.length > 0 ? (
          <>
            <h3 className={card.subheading}>Not read</h3>
            <ul className={styles.list}>
              {notRead.map((f) => (
                <li key={f.file}>{f.message ?? f.file}</li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      {summary.sources.length > 0 ? (
        <section className={card.card} aria-labelledby="reports-sources-heading">
          <h2 id="reports-sources-heading" className={card.heading}>
            Sources
          </h2>
          <Text as="p" className={card.secondary}>
            Every server that sent mail as the domain, summed across the reports. Your relay should pass; another sender that fails is either forging the domain or a service that still needs SPF or DKIM.
          </Text>
          {/* Focusable so a narrow window's table can be scrolled sideways with the keyboard. */}
          <div className={styles.wrap} tabIndex={0} role="region" aria-label="Table of sources">
            <table className={styles.table} data-testid="reports-sources">
              <caption>Sources by messages, most first</caption>
              <thead>
                <tr>
                  <th scope="col">Source IP</th>
                  <th scope="col">Who</th>
                  <th scope="col" className={styles.number}>
                    Messages
                  </th>
                  <th scope="col" className={styles.number}>
                    Passed DMARC
                  </th>
                  <th scope="col" className={styles.number}>
                    Failed DMARC
                  </th>
                </tr>
              </thead>
              <tbody>
                {summary.sources.map((s) => (
                  <tr key={s.ip}>
                    <th scope="row" className={styles.mono}>
                      {s.ip}
                      {s.reverseName === undefined ? null : <div>{s.reverseName}</div>}
                    </th>
                    <td>{whoSends(s)}</td>
                    <td className={styles.number}>{s.count.toLocaleString()}</td>
                    <td className={styles.number}>{s.dmarcPass.toLocaleString()}</td>
                    <td className={styles.number}>{s.dmarcFail.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {summary.reports.length > 0 ? (
        <section className={card.card} aria-labelledby="reports-list-heading">
          <h2 id="reports-list-heading" className={card.heading}>
            Reports
          </h2>
          <div className={styles.wrap} tabIndex={0} role="region" aria-label="Table of reports">
            <table className={styles.table} data-testid="reports-list">
              <caption>One row per report, as each receiver sent it, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Reporter</th>
                  <th scope="col">Period</th>
                  <th scope="col">Published policy</th>
                  <th scope="col" className={styles.number}>
                    Messages
                  </th>
                  <th scope="col" className={styles.number}>
                    Passed
                  </th>
                  <th scope="col" className={styles.number}>
                    Failed
                  </th>
                </tr>
              </thead>
              <tbody>
                {byPeriod(summary.reports).map((r) => (
                  <tr key={`${r.org ?? ''}-${r.reportId ?? r.source}`}>
                    <th scope="row">
                      {r.org ?? 'Unknown reporter'}
                      <div className={styles.mono}>{r.reportId ?? ''}</div>
                    </th>
                    <td>{r.period === null ? 'Not given' : <><LocalTime iso={r.period.begin} /> to <LocalTime iso={r.period.end} /></>}</td>
                    <td className={styles.mono}>
                      {[`p=${r.policy.p ?? '?'}`, r.policy.np === null ? null : `np=${r.policy.np}`, r.policy.testing === null ? null : `t=${r.policy.testing}`].filter((x) => x !== null).join('; ')}
                    </td>
                    <td className={styles.number}>{r.totals.messages.toLocaleString()}</td>
                    <td className={styles.number}>{r.totals.dmarcPass.toLocaleString()}</td>
                    <td className={styles.number}>{r.totals.dmarcFail.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}
