import {
  Button,
  makeStyles,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
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
import type { LendingSettings } from '../../../../src-preload/contract/lending';
import type { ConnectionTestStanding } from '../../../../src-preload/contract/state-labels';
import { addressForms } from './address-forms';
import { environmentLabels, securityShortLabels } from './address-labels';
import { usePlatformNaming } from '../../api/use-platforms';
import { BreakAfterAt } from '../../ui/break-after-at';
import { LocalTime } from '../../ui/local-time';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { lastTestColumn, noLastTest, stateOf, type LastTestColumn, type SecretWrite } from './address-status';
import { AddressStatusCell } from './address-status-cell';
import { SecretStateCell } from './secret-state-cell';

const useStyles = makeStyles({
  scroller: { overflowX: 'auto' },
  // Columns sized by their content; the wrapper scrolls when the window is narrow.
  table: { tableLayout: 'auto', minWidth: '60rem' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'break-word' },
  address: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'break-word' },
  secondary: { color: tokens.colorNeutralForeground2 },
  stack: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXXS },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap', maxWidth: '11rem' },
  actionsHeader: { width: '11rem' },
  // A column of dashes (no address tested yet) is narrow: its header stays on one line.
  nowrap: { whiteSpace: 'nowrap' },
});

export interface AddressesTableProps {
  readonly addresses: readonly AddressView[];
  /** Provider preset names by id (providers:list); an unknown id shows as itself. */
  readonly providerNames: ReadonlyMap<string, string>;
  readonly settingsReminderDays: number | null;
  /** Settings that decide whether a stored secret is held back (certificate pins, DNS servers); undefined while loading. */
  readonly settings?: LendingSettings | undefined;
  readonly now: Date;
  /** How each address's secret was last written (lifecycle events); undefined while they load. */
  readonly secretWrites?: ReadonlyMap<string, SecretWrite> | undefined;
  readonly onEdit: (address: AddressView) => void;
  readonly onDisconnect: (address: AddressView) => void;
  /** Opens the connection test for this address. */
  readonly onTest: (address: AddressView) => void;
  /** Rotate (or, without a stored secret, enter) the secret: tested first. */
  readonly onRotate: (address: AddressView) => void;
  readonly onMove: (address: AddressView) => void;
  readonly onHistory: (address: AddressView) => void;
  readonly onReminder: (address: AddressView) => void;
}

export function AddressesTable(props: AddressesTableProps) {
  const { addresses, providerNames, settingsReminderDays, now } = props;
  const styles = useStyles();
  const platforms = usePlatformNaming();
  return (
    <div className={styles.scroller}>
      <Table aria-label="Addresses" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Address</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Platform</TableHeaderCell>
            <TableHeaderCell>Provider and server</TableHeaderCell>
            <TableHeaderCell className={styles.nowrap}>Last test</TableHeaderCell>
            <TableHeaderCell>Credentials</TableHeaderCell>
            <TableHeaderCell className={styles.actionsHeader}>Actions</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {addresses.map((a) => (
            <TableRow key={a.id} data-address-id={a.id}>
              <TableCell>
                <span className={styles.stack}>
                  <AddressText address={a.address} />
                  <Text size={200} className={styles.secondary}>
                    user{' '}
                    <span className={styles.mono}>
                      <BreakAfterAt text={a.username} />
                    </span>
                  </Text>
                </span>
              </TableCell>
              <TableCell>
                <AddressStatusCell address={a} onEnterSecret={props.onRotate} settings={props.settings} />
              </TableCell>
              <TableCell>
                <span className={styles.stack}>
                  <span>{platforms.label(a.platform)}</span>
                  <Text size={200} className={styles.secondary} data-environment={a.environment}>
                    {environmentLabels[a.environment]}
                  </Text>
                </span>
              </TableCell>
              <TableCell>
                <span className={styles.stack}>
                  <span>{providerNames.get(a.provider) ?? a.provider}</span>
                  <span className={styles.mono}>
                    {a.host}:{a.port}
                  </span>
                  <Text size={200} className={styles.secondary}>
                    {securityShortLabels[a.security]}
                  </Text>
                </span>
              </TableCell>
              <TableCell>
                <LastTestCell column={lastTestColumn(a, stateOf(a, props.settings))} />
              </TableCell>
              <TableCell>
                <SecretStateCell
                  address={a}
                  settingsReminderDays={settingsReminderDays}
                  now={now}
                  write={props.secretWrites === undefined ? null : (props.secretWrites.get(a.id) ?? 'saved')}
                  onChangeReminder={props.onReminder}
                />
              </TableCell>
              <TableCell>
                <span className={styles.actions}>
                  <Button size="small" onClick={() => props.onTest(a)} aria-label={`Test ${a.address}`}>
                    Test
                  </Button>
                  {a.secret.stored === true ? (
                    <Button size="small" onClick={() => props.onRotate(a)} aria-label={`Rotate credentials of ${a.address}`}>
                      Rotate
                    </Button>
                  ) : null}
                  <Button size="small" onClick={() => props.onEdit(a)} aria-label={`Edit ${a.address}`}>
                    Edit
                  </Button>
                  <Button size="small" onClick={() => props.onDisconnect(a)} aria-label={`Disconnect and delete ${a.address}`}>
                    Disconnect
                  </Button>
                  <Menu>
                    <MenuTrigger disableButtonEnhancement>
                      <Button size="small" aria-label={`More for ${a.address}`}>
                        More
                      </Button>
                    </MenuTrigger>
                    <MenuPopover>
                      <MenuList>
                        <MenuItem onClick={() => props.onHistory(a)}>History</MenuItem>
                        {a.environment === 'sandbox' ? <MenuItem onClick={() => props.onMove(a)}>Move to production</MenuItem> : null}
                      </MenuList>
                    </MenuPopover>
                  </Menu>
                </span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

const lastTestOutcomes: Readonly<Record<ConnectionTestStanding, string>> = { 'never-tested': 'none', failed: 'fail', 'passed-here-only': 'blocked', passed: 'pass' };

/** When the last connection test ran and what the server said; the verdict only where the status chip does not say it. */
function LastTestCell({ column }: { readonly column: LastTestColumn }) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  if (column.kind === 'none') {
    return (
      <span data-last-test="none">
        <span aria-hidden="true" className={styles.secondary}>
          {noLastTest.shown}
        </span>
        <span className={hidden.hidden}>{noLastTest.spoken}</span>
      </span>
    );
  }
  return (
    <span className={styles.stack} data-last-test={lastTestOutcomes[column.standing]}>
      <LocalTime iso={column.at} />
      <Text size={200} className={styles.secondary}>
        {column.verdict === null ? column.summary : `${column.verdict}: ${column.summary}`}
      </Text>
    </span>
  );
}

/** The address as the admin typed it (Unicode domain), with the stored punycode form beside it when they differ. */
function AddressText({ address }: { readonly address: string }) {
  const styles = useStyles();
  const forms = addressForms(address);
  return (
    <span>
      <span className={styles.address} data-testid="address-display">
        <BreakAfterAt text={forms.display} />
      </span>
      {forms.ascii === null ? null : (
        <Text size={200} className={styles.secondary} data-testid="address-ascii">
          {' '}
          (in DNS and SMTP:{' '}
          <span className={styles.mono}>
            <BreakAfterAt text={forms.ascii} />
          </span>
          )
        </Text>
      )}
    </span>
  );
}
