import { Badge, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { AddressView } from '../../../../src-preload/contract';
import { formatDate } from './address-labels';

const useStyles = makeStyles({
  cell: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXXS },
  changed: { color: tokens.colorNeutralForeground2, whiteSpace: 'nowrap' },
  badge: { whiteSpace: 'nowrap' },
});

/** Whether the keychain holds a secret for this address; never the secret itself. */
export function SecretStateCell({ address }: { readonly address: AddressView }) {
  const styles = useStyles();
  const { stored } = address.secret;
  if (stored === null) {
    return (
      <Badge appearance="tint" color="warning" className={styles.badge}>
        Keychain unavailable
      </Badge>
    );
  }
  if (!stored) {
    return (
      <Badge appearance="tint" color="informative" className={styles.badge}>
        No secret
      </Badge>
    );
  }
  const changedAt = address.secret.changedAt;
  return (
    <span className={styles.cell}>
      <Badge appearance="tint" color="success" className={styles.badge}>
        Stored in keychain
      </Badge>
      {changedAt === null ? null : (
        <Text size={200} className={styles.changed}>
          changed <time dateTime={changedAt}>{formatDate(changedAt)}</time>
        </Text>
      )}
    </span>
  );
}
