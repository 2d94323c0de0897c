import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { wizardSteps } from '../../../../src-preload/contract';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { stepPillTitles } from './wizard-labels';
import { stepMarkOf, type StepMark, type WizardState } from './wizard-state';

const useStyles = makeStyles({
  // Wraps only in a narrow window: at desktop widths the eight pills are one line.
  list: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS, margin: 0, padding: 0, listStyleType: 'none' },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
    whiteSpace: 'nowrap',
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusCircular,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
  done: { color: tokens.colorNeutralForeground1 },
  open: { color: tokens.colorPaletteDarkOrangeForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteDarkOrangeBorder2}` },
  current: {
    color: tokens.colorNeutralForegroundOnBrand,
    backgroundColor: tokens.colorBrandBackground,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandBackground}`,
    fontWeight: tokens.fontWeightSemibold,
  },
  mark: { fontWeight: tokens.fontWeightSemibold },
});

/** One pill: its number and name, and how far the admin got with it. */
export interface StepPill {
  readonly key: string;
  readonly title: string;
  readonly mark: StepMark;
}

/**
 * Where the admin is among the eight steps. The state is in words for screen readers
 * ("done", or what is still open) and a sign for the eye (✓, !), not only colour; a
 * step left with something failing is never "done".
 */
export function StepList({ state }: { readonly state: WizardState }) {
  return <StepPills pills={wizardSteps.map((step) => ({ key: step, title: stepPillTitles[step], mark: stepMarkOf(state, step) }))} />;
}

/** The pills of any step sequence (the SES identity flow has its own steps after Platform). */
export function StepPills({ pills }: { readonly pills: readonly StepPill[] }) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  return (
    <ol className={styles.list} aria-label="Setup steps">
      {pills.map(({ key, title, mark }, index) => (
        <li
          key={key}
          data-step-mark={mark.kind}
          aria-current={mark.kind === 'current' ? 'step' : undefined}
          className={mergeClasses(styles.item, mark.kind === 'done' && styles.done, mark.kind === 'open' && styles.open, mark.kind === 'current' && styles.current)}
          {...(mark.kind === 'open' ? { title: mark.note } : {})}
        >
          {mark.kind === 'done' ? (
            <span aria-hidden="true" className={styles.mark}>
              ✓
            </span>
          ) : mark.kind === 'open' ? (
            <span aria-hidden="true" className={styles.mark}>
              !
            </span>
          ) : null}
          {index + 1}. {title}
          {mark.kind === 'done' ? <span className={hidden.hidden}> (done)</span> : mark.kind === 'open' ? <span className={hidden.hidden}> ({mark.note})</span> : null}
        </li>
      ))}
    </ol>
  );
}
