import { Badge, Button, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { FixRecord } from '../../../../src-preload/contract/checks-schemas';
import { findHiddenCharacters } from '../../../../src-preload/contract/visible-text';
import { assertNever } from '../../app/assert-never';
import { CopyButton } from '../../ui/copy-button';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { formatTtl } from './check-labels';
import { dnsLabel, DnsText } from './dns-text';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'minmax(8rem, max-content) minmax(0, 1fr) max-content',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    alignItems: 'center',
    margin: 0,
  },
  term: { fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground2 },
  value: { margin: 0, minWidth: 0 },
  // What the Copy button beside it copies, drawn as a read-only field so the two read as a pair.
  copyable: {
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  copy: { margin: 0 },
  row: { display: 'contents' },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
});

export interface FixRecordsProps {
  readonly records: readonly FixRecord[];
  /** Open the propagation panel for this record. */
  readonly onCheckPropagation: (record: FixRecord) => void;
}

/** The records to publish, each field copyable, named both ways DNS hosts ask for them. */
export function FixRecords({ records, onCheckPropagation }: FixRecordsProps) {
  const styles = useStyles();
  return (
    <ul className={styles.list} aria-label="Records to publish">
      {records.map((record) => (
        <li key={`${record.action} ${record.name} ${record.type} ${record.value}`} className={styles.card}>
          <FixRecordCard record={record} onCheckPropagation={onCheckPropagation} />
        </li>
      ))}
    </ul>
  );
}

function FixRecordCard({ record, onCheckPropagation }: { readonly record: FixRecord; readonly onCheckPropagation: (record: FixRecord) => void }) {
  const styles = useStyles();
  const hiddenStyles = useVisuallyHiddenStyles();
  const label = `${record.type} ${dnsLabel(record.nameRelative)}`;
  const hidden = findHiddenCharacters(record.value).length;
  const rows: Array<{ term: string; value: ReactNode; copy?: { text: string; what: string } }> = [
    { term: 'Name (host field)', value: <DnsText text={record.nameRelative} mono />, copy: { text: record.nameRelative, what: `name of ${label}` } },
    { term: 'Full name', value: <DnsText text={record.name} mono />, copy: { text: record.name, what: `full name of ${label}` } },
    { term: 'Type', value: record.type },
    { term: 'Value', value: <DnsText text={record.value} mono />, copy: { text: record.value, what: `value of ${label}` } },
    { term: 'TTL', value: formatTtl(record.ttl) },
  ];
  if (record.type === 'TXT' && record.strings.length > 1) {
    const quoted = record.strings.map((s) => `"${s.replace(/(["\\])/gu, '\\$1')}"`).join(' ');
    rows.splice(4, 0, { term: `As ${record.strings.length} strings`, value: <DnsText text={quoted} mono />, copy: { text: quoted, what: `quoted strings of ${label}` } });
  }
  if (record.replaces !== null && record.action === 'replace') rows.push({ term: 'Replaces', value: <DnsText text={record.replaces} mono /> });
  return (
    <>
      <div className={styles.head}>
        <Badge appearance="filled" color={record.action === 'remove' ? 'danger' : record.action === 'replace' ? 'warning' : 'brand'}>
          {actionLabel(record.action)}
        </Badge>
        <Text weight="semibold">
          <DnsText text={label} />
        </Text>
      </div>
      <dl className={styles.grid}>
        {rows.map((row) => (
          <div key={row.term} className={styles.row}>
            <dt className={styles.term}>{row.term}</dt>
            <dd className={mergeClasses(styles.value, row.copy !== undefined && styles.copyable)}>{row.value}</dd>
            <dd className={styles.copy}>{row.copy === undefined ? null : <CopyButton text={row.copy.text} what={row.copy.what} />}</dd>
          </div>
        ))}
      </dl>
      {hidden === 0 ? null : (
        <Text size={200} className={styles.warning}>
          This value contains {hidden === 1 ? 'a hidden character' : `${hidden} hidden characters`} (highlighted). Check it before you publish it.
        </Text>
      )}
      {record.action === 'remove' ? null : (
        <div className={styles.actions}>
          <Button size="small" onClick={() => onCheckPropagation(record)}>
            Check propagation<span className={hiddenStyles.hidden}> of {label}</span>
          </Button>
        </div>
      )}
    </>
  );
}

function actionLabel(action: FixRecord['action']): string {
  switch (action) {
    case 'add':
      return 'Add';
    case 'replace':
      return 'Replace';
    case 'remove':
      return 'Remove';
    default:
      return assertNever(action);
  }
}
