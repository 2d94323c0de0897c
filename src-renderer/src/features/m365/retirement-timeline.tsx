import { makeStyles, MessageBar, MessageBarBody, mergeClasses, Text, tokens } from '@fluentui/react-components';
import type { RetirementStatus } from '../../../../src-preload/contract/m365-schemas';
import { useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { detailBesideMilestones, detailSaysTitle } from './timeline-text';

const statusLabels = { past: 'Past', current: 'Now', upcoming: 'Upcoming' } as const;

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  current: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground2 },
});

/** Where Basic authentication for SMTP AUTH stands today, from resources/m365.json. */
export function RetirementTimeline() {
  const facts = useChannelQuery('m365:get-facts', {});
  const styles = useStyles();
  return (
    <section className={styles.section} aria-labelledby="m365-retirement-heading" data-testid="m365-retirement">
      <h2 id="m365-retirement-heading" className={styles.heading}>
        Basic authentication retirement
      </h2>
      {facts.isPending ? <Text className={styles.muted}>Reading the retirement dates…</Text> : null}
      {facts.error === null ? null : <ErrorBar error={facts.error.appError} title="The retirement dates could not be read" />}
      {facts.data === undefined ? null : <Timeline status={facts.data.retirement} />}
    </section>
  );
}

function Timeline({ status }: { readonly status: RetirementStatus }) {
  const styles = useStyles();
  // The summary quotes the milestones (for the CLI, which lists none): say each sentence once.
  const detail = detailBesideMilestones(status.detail, status.milestones.map((m) => m.detail));
  return (
    <>
      <Text weight="semibold">{status.headline}</Text>
      {detail === '' ? null : <Text>{detail}</Text>}
      <ol className={styles.list} aria-label={`Retirement milestones as of ${status.today}`}>
        {status.milestones.map((m) => (
          <li key={m.id} className={mergeClasses(m.status === 'current' && styles.current)} data-status={m.status} aria-current={m.status === 'current' ? 'step' : undefined}>
            <Text weight="semibold">
              {statusLabels[m.status]} · {m.when}:
            </Text>{' '}
            {/* A detail that already says the title stands alone, in full colour. */}
            {detailSaysTitle(m.title, m.detail) ? m.detail : (
              <>
                {`${m.title}. `}
                <span className={styles.muted}>{m.detail}</span>
              </>
            )}
          </li>
        ))}
      </ol>
      {status.staleWarning === null ? null : (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{status.staleWarning}</MessageBarBody>
        </MessageBar>
      )}
      <Text className={styles.muted} size={200}>
        Today is {status.today}. Dates checked on {status.checked}; source: {status.source}
      </Text>
    </>
  );
}
