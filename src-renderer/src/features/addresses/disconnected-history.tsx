import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { AddressView, LifecycleEvent } from '../../../../src-preload/contract';
import { useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { environmentLabels } from './address-labels';
import { usePlatformNaming } from '../../api/use-platforms';
import { LocalTime } from '../../ui/local-time';
import { LifecycleEventList } from './lifecycle-events';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold },
  intro: { margin: 0, color: tokens.colorNeutralForeground2, maxWidth: '72ch' },
  records: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  record: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  recordTitle: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  meta: { color: tokens.colorNeutralForeground2 },
});

interface DisconnectedRecord {
  readonly addressId: string;
  readonly disconnected: LifecycleEvent;
  readonly events: readonly LifecycleEvent[];
}

/** Addresses that were disconnected (and not connected again under the same id), newest first. */
export function disconnectedRecords(events: readonly LifecycleEvent[], current: readonly AddressView[]): DisconnectedRecord[] {
  const live = new Set(current.map((a) => a.id));
  const byId = new Map<string, LifecycleEvent[]>();
  for (const event of events) {
    if (live.has(event.addressId)) continue;
    const list = byId.get(event.addressId) ?? [];
    list.push(event);
    byId.set(event.addressId, list);
  }
  const records: DisconnectedRecord[] = [];
  for (const [addressId, list] of byId) {
    const disconnected = list.filter((e) => e.kind === 'disconnected').sort((a, b) => b.at.localeCompare(a.at))[0];
    if (disconnected !== undefined) records.push({ addressId, disconnected, events: list });
  }
  return records.sort((a, b) => b.disconnected.at.localeCompare(a.disconnected.at));
}

/** The page section keeping what is left of disconnected addresses: their non-secret history. */
export function DisconnectedHistory({ current }: { readonly current: readonly AddressView[] }) {
  const styles = useStyles();
  const events = useChannelQuery('addresses:events', {});
  const platforms = usePlatformNaming();
  const records = events.data === undefined ? [] : disconnectedRecords(events.data, current);
  return (
    <section className={styles.section} aria-labelledby="disconnected-heading">
      <h2 id="disconnected-heading" className={styles.heading}>
        Disconnected addresses
      </h2>
      <Text as="p" className={styles.intro}>
        A disconnected address keeps its history here (never a secret): when it was connected, rotated and disconnected.
      </Text>
      {events.error === null ? null : <ErrorBar error={events.error.appError} title="The history could not be loaded" />}
      {events.data !== undefined && records.length === 0 ? <Text>No address has been disconnected.</Text> : null}
      {records.length === 0 ? null : (
        <ul className={styles.records} aria-label="Disconnected addresses">
          {records.map((record) => (
            <li key={record.addressId} className={styles.record} data-disconnected-id={record.addressId}>
              <h3 className={styles.recordTitle}>{record.disconnected.address}</h3>
              <Text className={styles.meta}>
                {platforms.label(record.disconnected.platform)}, {environmentLabels[record.disconnected.environment]} · disconnected{' '}
                <LocalTime iso={record.disconnected.at} />
              </Text>
              <LifecycleEventList events={record.events} label={`Events of ${record.disconnected.address}`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
