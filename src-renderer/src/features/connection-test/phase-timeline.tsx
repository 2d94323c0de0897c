import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useId } from 'react';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { useCardStyles } from './card-styles';
import type { TimelineRow } from './connection-run';
import { Heading, type HeadingLevel } from './heading';
import { phaseLabels, rowMarks, type RowState } from './phase-labels';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  row: {
    display: 'grid',
    gridTemplateColumns: '1.75rem 9.5rem minmax(0, 1fr) 10rem',
    columnGap: tokens.spacingHorizontalM,
    alignItems: 'baseline',
    padding: `${tokens.spacingVerticalS} 0`,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    ':first-child': { borderTopStyle: 'none' },
  },
  mark: {
    display: 'inline-flex',
    justifyContent: 'center',
    alignItems: 'center',
    width: '1.5rem',
    height: '1.5rem',
    borderRadius: tokens.borderRadiusCircular,
    fontWeight: tokens.fontWeightBold,
    fontSize: tokens.fontSizeBase300,
    alignSelf: 'start',
  },
  pass: { color: tokens.colorStatusSuccessForeground3, backgroundColor: tokens.colorStatusSuccessBackground1 },
  warn: { color: tokens.colorStatusWarningForeground3, backgroundColor: tokens.colorStatusWarningBackground1 },
  fail: { color: tokens.colorStatusDangerForeground3, backgroundColor: tokens.colorStatusDangerBackground1 },
  quiet: { color: tokens.colorNeutralForeground3, backgroundColor: tokens.colorNeutralBackground3 },
  running: { color: tokens.colorBrandForeground1, backgroundColor: tokens.colorBrandBackground2 },
  name: { fontWeight: tokens.fontWeightSemibold },
  dim: { color: tokens.colorNeutralForeground3 },
  detail: { overflowWrap: 'anywhere', minWidth: 0 },
  timing: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', display: 'flex', flexDirection: 'column' },
  times: { fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
});

export interface PhaseTimelineProps {
  readonly rows: readonly TimelineRow[];
  readonly caption: string;
  readonly headingLevel: HeadingLevel;
}

/** The phases in run order, each with its mark, what happened and how long it took. */
export function PhaseTimeline({ rows, caption, headingLevel }: PhaseTimelineProps) {
  const card = useCardStyles();
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const headingId = useId();
  const tone = (state: RowState) => {
    switch (state) {
      case 'pass':
        return styles.pass;
      case 'warn':
        return styles.warn;
      case 'fail':
        return styles.fail;
      case 'running':
        return styles.running;
      default:
        return styles.quiet;
    }
  };
  return (
    <section className={card.card} aria-labelledby={headingId}>
      <div className={card.header}>
        <Heading level={headingLevel} id={headingId} className={card.heading}>
          Phases
        </Heading>
        <span className={card.secondary}>{caption}</span>
      </div>
      <ol className={styles.list}>
        {rows.map((row) => {
          const quiet = row.state === 'skipped' || row.state === 'waiting' || row.state === 'stopped';
          return (
            <li key={row.name} className={styles.row} data-phase={row.name} data-state={row.state}>
              <span aria-hidden="true" className={mergeClasses(styles.mark, tone(row.state))}>
                {rowMarks[row.state].mark}
              </span>
              <span className={mergeClasses(styles.name, quiet && styles.dim)}>
                {phaseLabels[row.name]}
                <span className={hidden.hidden}>, {rowMarks[row.state].word}:</span>
              </span>
              <span className={mergeClasses(styles.detail, quiet && styles.dim)}>{row.detail}</span>
              <span className={styles.timing}>
                {row.ms === null ? null : <span>{Math.round(row.ms)} ms</span>}
                {row.startedAt === null ? null : (
                  <span className={styles.times}>
                    <time dateTime={row.startedAt}>{clockTime(row.startedAt)}</time>
                    {row.endedAt === null ? null : (
                      <>
                        {' → '}
                        <time dateTime={row.endedAt}>{clockTime(row.endedAt)}</time>
                      </>
                    )}
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** 14:23:30.479 in local time: the phases of one test are milliseconds apart. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
