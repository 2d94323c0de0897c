import { Badge, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { AddressView } from '../../../../src-preload/contract';
import { rotationReminder, rotationRule, type RotationReminder } from '../../../../src-preload/contract/rotation-reminder';
import { formatUtcTime } from '../../ui/time-format';
import { credentialAge, relativeDays, type SecretWrite } from './address-status';

const useStyles = makeStyles({
  cell: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXXS },
  secondary: { color: tokens.colorNeutralForeground2 },
  badge: { whiteSpace: 'nowrap' },
  // The brand link colour falls under 4.5:1 on a hovered or focused row in the dark theme; the lighter brand shade does not.
  link: { fontSize: tokens.fontSizeBase200, color: tokens.colorBrandForeground2 },
});

export interface SecretStateCellProps {
  readonly address: AddressView;
  /** Settings' rotation reminder in days (null = no reminders). */
  readonly settingsReminderDays: number | null;
  readonly now: Date;
  /** How the secret was last written (rotated or only saved); null while unknown. */
  readonly write: SecretWrite | null;
  readonly onChangeReminder: (address: AddressView) => void;
}

/**
 * Whether the keychain holds a secret for this address (never the secret itself), how
 * long ago it was last written, and the rotation reminder, overdue as a warning.
 */
export function SecretStateCell({ address, settingsReminderDays, now, write, onChangeReminder }: SecretStateCellProps) {
  const styles = useStyles();
  const { stored } = address.secret;
  const age = credentialAge(address, now, write);
  const reminder = rotationReminder(address, settingsReminderDays, now);
  return (
    <span className={styles.cell}>
      {stored === null ? (
        <Badge appearance="tint" color="warning" className={styles.badge}>
          Keychain unavailable
        </Badge>
      ) : stored ? (
        <Badge appearance="tint" color="success" className={styles.badge}>
          Stored in keychain
        </Badge>
      ) : (
        <Badge appearance="tint" color="informative" className={styles.badge}>
          No secret
        </Badge>
      )}
      {age === null || address.secret.changedAt === null ? null : (
        <Text size={200} className={styles.secondary}>
          <time dateTime={address.secret.changedAt} title={formatUtcTime(address.secret.changedAt)}>
            {age}
          </time>
        </Text>
      )}
      <ReminderLine reminder={reminder} />
      <Link as="button" onClick={() => onChangeReminder(address)} aria-label={`Reminder settings for ${address.address}`} className={styles.link}>
        Reminder settings
      </Link>
    </span>
  );
}

function ReminderLine({ reminder }: { readonly reminder: RotationReminder }) {
  const styles = useStyles();
  switch (reminder.kind) {
    case 'off':
      return (
        <Text size={200} className={styles.secondary}>
          No rotation reminder
        </Text>
      );
    case 'not-counting':
      return (
        <Text size={200} className={styles.secondary}>
          Reminder {rotationRule(reminder)}
        </Text>
      );
    case 'due-in':
      return (
        <Text size={200} className={styles.secondary}>
          Next rotation {relativeDays(-reminder.days)}, {rotationRule(reminder)}
        </Text>
      );
    case 'overdue':
      return (
        <>
          <Badge appearance="filled" color="warning" className={styles.badge} data-reminder="overdue">
            Rotation overdue{reminder.days === 0 ? '' : ` by ${reminder.days} day${reminder.days === 1 ? '' : 's'}`}
          </Badge>
          <Text size={200} className={styles.secondary}>
            Reminder {rotationRule(reminder)}
          </Text>
        </>
      );
  }
}
