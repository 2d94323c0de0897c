import { Link, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import type { AddressStatus } from '../../../../src-preload/contract';
import { environmentLabels } from '../addresses/address-labels';
import { usePlatformNaming } from '../../api/use-platforms';
import { useChannelQuery } from '../../api/hooks';
import { ItemChip, ItemStateChip, VerdictChip } from './item-state-chip';
import { statusHref } from './status-format';
import { LocalTime } from '../../ui/local-time';

const useStyles = makeStyles({
  scroller: { overflowX: 'auto' },
  table: { tableLayout: 'auto', minWidth: '56rem' },
  address: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  secondary: { color: tokens.colorNeutralForeground2 },
  stack: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXXS },
});

/** Every address with its derived overall status, worst item, last and next check. */
export function StatusDashboard({ statuses }: { readonly statuses: readonly AddressStatus[] }) {
  const styles = useStyles();
  const platforms = usePlatformNaming();
  // The last connection test is part of the verdict (passed here only is never a plain "Verified"), as in the address's own view.
  const lastTests = new Map((useChannelQuery('addresses:list', {}).data ?? []).map((a) => [a.id, a.lastTest] as const));
  return (
    <div className={styles.scroller}>
      <Table aria-label="Verification status of every address" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Address</TableHeaderCell>
            <TableHeaderCell>Overall</TableHeaderCell>
            <TableHeaderCell>Worst item</TableHeaderCell>
            <TableHeaderCell>Last check</TableHeaderCell>
            <TableHeaderCell>Next check</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {statuses.map((s) => (
            <TableRow key={s.address.id} data-address-id={s.address.id}>
              <TableCell>
                <div className={styles.stack}>
                  <Link href={statusHref(s.address.id)} className={styles.address}>
                    {s.address.address}
                  </Link>
                  <Text size={200} className={styles.secondary}>
                    {platforms.label(s.address.platform)} · {environmentLabels[s.address.environment]}
                    {s.address.setup === 'in-progress' ? ' · setup not finished' : ''}
                  </Text>
                </div>
              </TableCell>
              <TableCell data-testid="overall">
                <VerdictChip view={s.status} lastTest={lastTests.get(s.address.id) ?? null} />
              </TableCell>
              <TableCell>
                {s.status.worst === null ? (
                  <Text className={styles.secondary}>—</Text>
                ) : (
                  <div className={styles.stack}>
                    <Text>{s.status.worst.title}</Text>
                    <WorstChip status={s} />
                  </div>
                )}
              </TableCell>
              <TableCell>{s.checking ? 'Checking now…' : s.lastCheckAt === null ? 'Never' : <LocalTime iso={s.lastCheckAt} />}</TableCell>
              <TableCell>{s.nextCheckAt === null ? nextCheckEmpty(s) : <LocalTime iso={s.nextCheckAt} />}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function nextCheckEmpty(s: AddressStatus): string {
  return s.status.overall === 'verified' ? 'Not needed (all verified)' : 'On demand (Re-check now)';
}

/** The worst item in the words of its own card (needs input, not decided, ...), else its bare state. */
function WorstChip({ status }: { readonly status: AddressStatus }) {
  const worst = status.status.worst;
  if (worst === null) return null;
  const item = status.status.items.find((i) => i.id === worst.id);
  return item === undefined ? <ItemStateChip state={worst.state} /> : <ItemChip item={item} />;
}
