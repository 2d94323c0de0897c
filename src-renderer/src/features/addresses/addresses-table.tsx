import {
  Button,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { AddressView } from '../../../../src-preload/contract';
import { environmentLabels, platformLabels, securityShortLabels } from './address-labels';
import { SecretStateCell } from './secret-state-cell';

const useStyles = makeStyles({
  scroller: { overflowX: 'auto' },
  // Columns sized by their content; the wrapper scrolls when the window is narrow.
  table: { tableLayout: 'auto', minWidth: '52rem' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'break-word' },
  address: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'break-word' },
  secondary: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
  actionsHeader: { width: '13.5rem' },
});

export interface AddressesTableProps {
  readonly addresses: readonly AddressView[];
  readonly onEdit: (address: AddressView) => void;
  readonly onDelete: (address: AddressView) => void;
  /** Opens the connection test for this address. */
  readonly onTest: (address: AddressView) => void;
}

export function AddressesTable({ addresses, onEdit, onDelete, onTest }: AddressesTableProps) {
  const styles = useStyles();
  return (
    <div className={styles.scroller}>
      <Table aria-label="Addresses" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Address</TableHeaderCell>
            <TableHeaderCell>Platform</TableHeaderCell>
            <TableHeaderCell>Environment</TableHeaderCell>
            <TableHeaderCell>Provider</TableHeaderCell>
            <TableHeaderCell>Server</TableHeaderCell>
            <TableHeaderCell>Username</TableHeaderCell>
            <TableHeaderCell>Secret</TableHeaderCell>
            <TableHeaderCell className={styles.actionsHeader}>Actions</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {addresses.map((a) => (
            <TableRow key={a.id} data-address-id={a.id}>
              <TableCell>
                <span className={styles.address}>
                  <BreakAfterAt text={a.address} />
                </span>
              </TableCell>
              <TableCell>{platformLabels[a.platform]}</TableCell>
              <TableCell>{environmentLabels[a.environment]}</TableCell>
              <TableCell>
                <span className={styles.mono}>{a.provider}</span>
              </TableCell>
              <TableCell>
                <span className={styles.mono}>
                  {a.host}:{a.port}
                </span>
                <Text as="span" size={200} block className={styles.secondary}>
                  {securityShortLabels[a.security]}
                </Text>
              </TableCell>
              <TableCell>
                <span className={styles.mono}>
                  <BreakAfterAt text={a.username} />
                </span>
              </TableCell>
              <TableCell>
                <SecretStateCell address={a} />
              </TableCell>
              <TableCell>
                <span className={styles.actions}>
                  <Button size="small" onClick={() => onTest(a)} aria-label={`Test ${a.address}`}>
                    Test
                  </Button>
                  <Button size="small" onClick={() => onEdit(a)} aria-label={`Edit ${a.address}`}>
                    Edit
                  </Button>
                  <Button size="small" onClick={() => onDelete(a)} aria-label={`Delete ${a.address}`}>
                    Delete
                  </Button>
                </span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Lets a long address wrap after the "@" instead of in the middle of a word. */
function BreakAfterAt({ text }: { readonly text: string }) {
  const at = text.indexOf('@');
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at + 1)}
      <wbr />
      {text.slice(at + 1)}
    </>
  );
}
