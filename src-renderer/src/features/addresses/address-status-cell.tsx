import { Badge, Button, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { AddressView } from '../../../../src-preload/contract';
import type { LendingSettings } from '../../../../src-preload/contract/lending';
import { assertNever } from '../../app/assert-never';
import { routeHref } from '../../app/routes';
import { connectionTestLabels } from '../../../../src-preload/contract/state-labels';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { blockerShortLabels, secretNoun, stateOf } from './address-status';

const useStyles = makeStyles({
  cell: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXS, minWidth: '10rem' },
  badge: { whiteSpace: 'nowrap' },
  reason: { color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
});

export interface AddressStatusCellProps {
  readonly address: AddressView;
  /** Opens the dialog that tests and stores the missing secret. */
  readonly onEnterSecret: (address: AddressView) => void;
  /** Settings (certificate pins, DNS servers): they decide whether a stored secret is held back. */
  readonly settings?: LendingSettings | undefined;
}

/** Where the address stands, with the one next step when there is one. */
export function AddressStatusCell({ address, onEnterSecret, settings }: AddressStatusCellProps) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const state = stateOf(address, settings);
  return (
    <span className={styles.cell} data-status={state.kind}>
      {(() => {
        switch (state.kind) {
          case 'setup-in-progress':
            return (
              <>
                <Badge appearance="tint" color="warning" className={styles.badge}>
                  Setup in progress
                </Badge>
                <Link href={routeHref('connect')}>
                  Finish setup<span className={hidden.hidden}> of {address.address}</span>
                </Link>
              </>
            );
          case 'keychain-unavailable':
            return (
              <Badge appearance="tint" color="warning" className={styles.badge}>
                Keychain unavailable
              </Badge>
            );
          case 'secret-missing':
            return (
              <>
                <Badge appearance="tint" color="danger" className={styles.badge}>
                  Secret missing
                </Badge>
                <Button size="small" appearance="primary" onClick={() => onEnterSecret(address)}>
                  Enter the {secretNoun(address.authKind)}
                  <span className={hidden.hidden}> for {address.address}</span>
                </Button>
              </>
            );
          case 'secret-held':
            return (
              <>
                <Badge appearance="tint" color="warning" className={styles.badge}>
                  {sentenceCase(secretNoun(address.authKind))} held back
                </Badge>
                <Text size={200} className={styles.reason}>
                  {state.message}
                </Text>
                <Button size="small" appearance="primary" onClick={() => onEnterSecret(address)}>
                  Type the {secretNoun(address.authKind)} again
                  <span className={hidden.hidden}> for {address.address}</span>
                </Button>
              </>
            );
          case 'untested':
            return (
              <Badge appearance="tint" color="informative" className={styles.badge}>
                {connectionTestLabels['never-tested']}
              </Badge>
            );
          case 'last-test-passed':
            return (
              <Badge appearance="tint" color="success" className={styles.badge}>
                {connectionTestLabels.passed}
              </Badge>
            );
          case 'last-test-blocked':
            return (
              <>
                <Badge appearance="tint" color="warning" className={styles.badge}>
                  {connectionTestLabels['passed-here-only']}
                </Badge>
                <Text size={200} className={styles.reason} data-testid="address-blockers">
                  {state.blockers.map((b) => blockerShortLabels[b.code]).join('; ')}
                </Text>
              </>
            );
          case 'last-test-failed':
            return (
              <Badge appearance="tint" color="danger" className={styles.badge}>
                {connectionTestLabels.failed}
              </Badge>
            );
          default:
            return assertNever(state);
        }
      })()}
      {address.proceedReason === null ? null : (
        <Text size={200} className={styles.reason}>
          Continued past a failed test: {address.proceedReason}
        </Text>
      )}
    </span>
  );
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
