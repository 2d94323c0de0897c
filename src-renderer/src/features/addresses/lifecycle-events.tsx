import { Badge, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { LifecycleEvent } from '../../../../src-preload/contract';
import { LocalTime } from '../../ui/local-time';

/** What each kind of lifecycle event is called in the history. */
export const eventKindLabels = {
  connected: 'Connected',
  'continued-past-failure': 'Continued past a failed test',
  'continue-anyway-proven': 'Step proven since',
  'secret-saved': 'Secret saved',
  rotated: 'Credentials rotated',
  'rotation-failed': 'Rotation refused (old secret kept)',
  'server-changed': 'Server changed',
  'environment-changed': 'Environment changed',
  disconnected: 'Disconnected',
  imported: 'Imported',
} as const satisfies Record<LifecycleEvent['kind'], string>;

const tone = {
  connected: 'success',
  'continued-past-failure': 'warning',
  'continue-anyway-proven': 'success',
  'secret-saved': 'informative',
  rotated: 'success',
  'rotation-failed': 'danger',
  'server-changed': 'informative',
  'environment-changed': 'informative',
  disconnected: 'subtle',
  imported: 'informative',
} as const satisfies Record<LifecycleEvent['kind'], 'success' | 'warning' | 'danger' | 'informative' | 'subtle'>;

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  item: {
    display: 'grid',
    gridTemplateColumns: 'minmax(11rem, max-content) minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalS} 0`,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    ':first-child': { borderTopStyle: 'none' },
  },
  when: { color: tokens.colorNeutralForeground2, fontVariantNumeric: 'tabular-nums' },
  what: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXXS, minWidth: 0 },
  detail: { overflowWrap: 'anywhere' },
});

/** Events newest first, each with its time (admin's locale and zone), kind and one line. */
export function LifecycleEventList({ events, label }: { readonly events: readonly LifecycleEvent[]; readonly label: string }) {
  const styles = useStyles();
  if (events.length === 0) return <Text>Nothing recorded yet.</Text>;
  const sorted = [...events].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <ol className={styles.list} aria-label={label}>
      {sorted.map((event) => (
        <li key={event.id} className={styles.item} data-event-kind={event.kind}>
          <LocalTime iso={event.at} className={styles.when} />
          <span className={styles.what}>
            <Badge appearance="tint" color={tone[event.kind]}>
              {eventKindLabels[event.kind]}
            </Badge>
            <Text className={styles.detail}>{event.detail}</Text>
          </span>
        </li>
      ))}
    </ol>
  );
}
