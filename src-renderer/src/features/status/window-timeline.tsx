import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { LocalTime } from '../../ui/local-time';

/** The platforms wait 72 hours for a DNS record; a window whose start the status does not carry began that long before its deadline. */
const WINDOW_MS = 72 * 60 * 60 * 1000;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, maxWidth: '36rem', paddingTop: tokens.spacingVerticalXS },
  nowRow: { position: 'relative', height: tokens.lineHeightBase200 },
  nowLabel: {
    position: 'absolute',
    top: 0,
    transform: 'translateX(-50%)',
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    color: tokens.colorNeutralForeground1,
    whiteSpace: 'nowrap',
  },
  track: {
    position: 'relative',
    height: '10px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground5,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStrokeAccessible}`,
  },
  fill: { position: 'absolute', top: 0, bottom: 0, left: 0, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorBrandBackground },
  late: { backgroundColor: tokens.colorPaletteDarkOrangeBackground3 },
  marker: { position: 'absolute', top: '-4px', bottom: '-4px', width: '2px', marginLeft: '-1px', backgroundColor: tokens.colorNeutralForeground1 },
  ends: { display: 'flex', justifyContent: 'space-between', gap: tokens.spacingHorizontalM, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
});

/** Elapsed share of the window at `now`, 0..1 (1 once the deadline passed). */
export function elapsedFraction(startMs: number, deadlineMs: number, nowMs: number): number {
  if (deadlineMs <= startMs) return 1;
  return Math.min(1, Math.max(0, (nowMs - startMs) / (deadlineMs - startMs)));
}

/**
 * The 72-hour window as a picture: start, now and deadline on one bar, the elapsed part
 * filled. The bar repeats the countdown sentence beside it and is hidden from assistive
 * tech; the start and deadline under it stay text.
 */
export function WindowTimeline({ startAt, deadlineAt, now }: { readonly startAt: string | null; readonly deadlineAt: string; readonly now: Date }) {
  const styles = useStyles();
  const deadlineMs = Date.parse(deadlineAt);
  const parsedStart = startAt === null ? Number.NaN : Date.parse(startAt);
  const startMs = Number.isNaN(parsedStart) ? deadlineMs - WINDOW_MS : parsedStart;
  const fraction = elapsedFraction(startMs, deadlineMs, now.getTime());
  const percent = `${(fraction * 100).toFixed(1)}%`;
  return (
    <div className={styles.root} data-testid="window-timeline" data-elapsed={fraction.toFixed(3)}>
      <div className={styles.nowRow} aria-hidden="true">
        {/* Kept inside the bar's ends so the label never runs past them. */}
        <span className={styles.nowLabel} style={{ left: `clamp(1.5rem, ${percent}, calc(100% - 1.5rem))` }}>
          now
        </span>
      </div>
      <div className={styles.track} aria-hidden="true">
        <div className={mergeClasses(styles.fill, fraction > 2 / 3 && styles.late)} style={{ width: percent }} data-testid="window-elapsed" />
        <div className={styles.marker} style={{ left: percent }} />
      </div>
      <div className={styles.ends}>
        <span>
          Started <LocalTime iso={new Date(startMs).toISOString()} />
        </span>
        <span>
          Deadline <LocalTime iso={deadlineAt} />
        </span>
      </div>
    </div>
  );
}
