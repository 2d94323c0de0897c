import { Link, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { Fragment, type ReactNode } from 'react';
import type { Drift, Evidence, StatusView } from '../../../../src-preload/contract/verification-schemas';
import { isDnsItemId } from '../../../../src-preload/contract/verification-schemas';
import { DetailsList } from '../../ui/details-list';
import { LocalTime } from '../../ui/local-time';
import { DnsText } from '../checklist/dns-text';
import { ItemChip } from './item-state-chip';
import { awaitingInput, countdownSentence, formatDuration, isUndecided, itemLabel, itemStateLabels, itemWarnings, remainingMs } from './status-format';

export type ViewItem = StatusView['items'][number];

const useStyles = makeStyles({
  item: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    borderLeft: `${tokens.strokeWidthThicker} solid ${tokens.colorNeutralStroke1}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  verified: { borderLeftColor: tokens.colorPaletteGreenBorder2 },
  warned: { borderLeftColor: tokens.colorPaletteDarkOrangeBorder2 },
  warnings: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, color: tokens.colorPaletteDarkOrangeForeground2 },
  failed: { borderLeftColor: tokens.colorPaletteRedBorder2 },
  stale: { borderLeftColor: tokens.colorPaletteDarkOrangeBorder2 },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  title: { margin: 0, fontSize: tokens.fontSizeBase300, lineHeight: tokens.lineHeightBase300, fontWeight: tokens.fontWeightSemibold },
  paragraph: { margin: 0 },
  secondary: { margin: 0, color: tokens.colorNeutralForeground2 },
  countdown: { margin: 0, fontWeight: tokens.fontWeightSemibold, color: tokens.colorPaletteDarkOrangeForeground2 },
  drift: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteDarkOrangeBorder1}`,
    backgroundColor: tokens.colorPaletteDarkOrangeBackground1,
    color: tokens.colorNeutralForeground1,
  },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, minWidth: 0, overflowWrap: 'anywhere' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  removed: { textDecorationLine: 'line-through' },
  evidence: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  summary: { cursor: 'pointer', width: 'fit-content' },
});

export interface StatusItemCardProps {
  readonly item: ViewItem;
  readonly now: Date;
  /** The checklist for this address, where a DNS item's fix (the record to publish) is shown. */
  readonly checklistHref: string;
  /** The field the item waits for (shown when its last check was the checklist's needs-input). */
  readonly input?: ReactNode;
  /** Shown under a failed item (the platform's status page link). */
  readonly failureNote?: ReactNode;
}

/** One status item: state, explanation, countdown, drift before/after, evidence, fix link. */
export function StatusItemCard({ item, now, checklistHref, input = null, failureNote = null }: StatusItemCardProps) {
  const styles = useStyles();
  const s = item.status;
  const titleId = `item-${item.id.replace(/[^a-z0-9-]/giu, '-')}`;
  const deadline = s.state === 'pending' || s.state === 'stale' ? s.deadlineAt : null;
  const left = remainingMs(deadline, now);
  const dns = isDnsItemId(item.id);
  const needsFix = dns && (s.state === 'failed' || s.state === 'pending' || s.state === 'stale');
  const evidence = s.state === 'unverified' ? null : s.evidence;
  const drift = s.state === 'stale' ? s.drift : s.state === 'verified' ? s.drift : null;
  const warnings = itemWarnings(item);
  // The checklist's needs-input: the same word, and the field right here.
  const asks = awaitingInput(item);
  // Verified with nothing to look at (no warning, no change, no failed check): one line and a closed evidence box.
  const quiet = s.state === 'verified' && warnings.length === 0 && drift === null && item.lastError === null;
  return (
    <article
      aria-labelledby={titleId}
      data-item={item.id}
      data-state={s.state}
      className={mergeClasses(styles.item, s.state === 'verified' && (warnings.length > 0 ? styles.warned : styles.verified), s.state === 'failed' && styles.failed, s.state === 'stale' && styles.stale)}
    >
      <div className={styles.header}>
        <h3 id={titleId} className={styles.title}>
          {item.title}
        </h3>
        <ItemChip item={item} />
      </div>
      {asks !== null && s.state === 'unverified' ? (
        <Text as="p" className={styles.paragraph} data-testid="item-needs-input">
          {item.lastError?.message}
        </Text>
      ) : s.state === 'unverified' ? (
        <Text as="p" className={styles.secondary}>
          {!isUndecided(item)
            ? `${itemLabel(item)}. ${unverifiedHint(item)}`
            : `Checked, but not decided yet: the check could not run to the end (see below). ${unverifiedHint(item)}`}
        </Text>
      ) : (
        <Text as="p" className={styles.paragraph}>
          {s.explanation}
        </Text>
      )}
      {warnings.length === 0 ? null : (
        <ul className={styles.warnings} aria-label={`Warnings for ${item.title}`} data-testid="item-warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {left !== null && deadline !== null && (s.state === 'pending' || s.state === 'stale') ? (
        <Text as="p" className={styles.countdown} data-testid="countdown">
          {dns ? countdownSentence(s.state, left) : `Gives up in ${formatDuration(left)}.`}{' '}
          <span className={styles.secondary}>(deadline <LocalTime iso={deadline} />)</span>
        </Text>
      ) : null}
      {drift === null ? null : <DriftBox drift={drift} alarming={s.state === 'stale'} />}
      {quiet ? null : (
        <Text as="p" size={200} className={styles.secondary}>
          {timesLine(item)}
        </Text>
      )}
      {asks === null ? null : input}
      {s.state === 'failed' ? failureNote : null}
      {item.lastError === null || (asks !== null && s.state === 'unverified') ? null : (
        <Text as="p" size={200} className={styles.secondary}>
          {asks === null ? 'The last check could not decide' : 'The last check needs your input'} (<LocalTime iso={item.lastError.at} />): {item.lastError.message}
        </Text>
      )}
      {evidence === null ? null : <EvidenceDetails evidence={evidence} times={quiet ? timesLine(item) : null} />}
      {needsFix ? (
        <Link href={checklistHref}>
          Open the fix for {item.title.replace(/^DNS: /u, '')} in the Checklist
        </Link>
      ) : null}
    </article>
  );
}

function unverifiedHint(item: ViewItem): string {
  switch (item.group) {
    case 'connection':
      return 'Re-check now tests the connection with the stored secret.';
    case 'delivery':
    case 'authentication':
      return 'Send the verification email (or open a received .eml) to prove it.';
    case 'dns':
      return 'Re-check now reads the record.';
    case 'forwarding':
      return 'Send the verification email: a message to the address is then looked for in the forwarding check mailbox.';
  }
}

/** Since when, last verified and last checked: each time with its exact UTC time on hover. */
function timesLine(item: ViewItem): ReactNode {
  const parts: ReactNode[] = [];
  const s = item.status;
  if (s.since !== null) parts.push(<>{s.state === 'unverified' ? 'Reset' : 'In this state since'} <LocalTime iso={s.since} /></>);
  if (s.state === 'stale' && s.verifiedSince !== null) parts.push(<>last verified <LocalTime iso={s.verifiedSince} /></>);
  parts.push(item.checkedAt === null ? 'never checked' : <>checked <LocalTime iso={item.checkedAt} /></>);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? ' · ' : null}
          {part}
        </Fragment>
      ))}
      .
    </>
  );
}

/** What the value was when verified and what it is now (a DNS record, the sending IP, d=/s=). */
export function DriftBox({ drift, alarming }: { readonly drift: Drift; readonly alarming: boolean }) {
  const styles = useStyles();
  return (
    <div role="group" aria-label={alarming ? itemStateLabels.stale : 'Changed, still passing'} data-testid="drift">
      <Text as="p" className={styles.paragraph} weight="semibold">
        {alarming ? 'Changed since it was verified:' : 'Changed since the last check, and still passes:'}
      </Text>
      <dl className={styles.drift}>
        <dt className={styles.term}>Before (<LocalTime iso={drift.beforeAt} />)</dt>
        <dd className={mergeClasses(styles.value, styles.mono)} data-testid="drift-before">
          {drift.before === null ? '(nothing)' : <Lines text={drift.before} />}
        </dd>
        <dt className={styles.term}>After (<LocalTime iso={drift.afterAt} />)</dt>
        <dd className={mergeClasses(styles.value, styles.mono)} data-testid="drift-after">
          {drift.after === null ? '(nothing: the value is gone)' : <Lines text={drift.after} />}
        </dd>
      </dl>
    </div>
  );
}

function EvidenceDetails({ evidence, times }: { readonly evidence: Evidence; readonly times: ReactNode | null }) {
  const styles = useStyles();
  const seen = new Map<string, number>();
  const items = evidence.facts.map((fact) => {
    const n = (seen.get(fact.label) ?? 0) + 1;
    seen.set(fact.label, n);
    return { term: n === 1 ? fact.label : `${fact.label} (${n})`, value: <DnsText text={fact.value} /> };
  });
  return (
    <details className={styles.evidence}>
      <summary className={styles.summary}>Evidence ({evidenceSource(evidence.source)}, <LocalTime iso={evidence.observedAt} />)</summary>
      {times === null ? null : (
        <Text as="p" size={200} className={styles.secondary}>
          {times}
        </Text>
      )}
      <Text as="p" className={styles.paragraph}>
        {evidence.summary}
      </Text>
      {items.length === 0 ? null : <DetailsList items={items} />}
      {evidence.value === null ? null : (
        <Text as="p" className={styles.mono}>
          <Lines text={evidence.value} />
        </Text>
      )}
    </details>
  );
}

function evidenceSource(source: Evidence['source']): string {
  switch (source) {
    case 'smtp':
      return 'SMTP test';
    case 'message':
      return 'received message';
    case 'imap':
      return 'mailbox';
    case 'eml':
      return '.eml file';
    case 'dns':
      return 'DNS';
    case 'forwarding':
      return 'forwarding';
  }
}

const useLineStyles = makeStyles({ line: { display: 'block' } });

/** Several records (one per line) as shown by DnsText, each on its own line. */
export function Lines({ text }: { readonly text: string }) {
  const styles = useLineStyles();
  return (
    <>
      {text.split('\n').map((line, i) => (
        <DnsText key={i} text={line} className={styles.line} />
      ))}
    </>
  );
}
