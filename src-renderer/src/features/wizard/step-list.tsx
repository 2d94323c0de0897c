import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { wizardSteps, type WizardStep } from '../../../../src-preload/contract';
import { stepTitles } from './wizard-labels';

const useStyles = makeStyles({
  list: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, margin: 0, padding: 0, listStyleType: 'none', counterReset: 'step' },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusCircular,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
  done: { color: tokens.colorNeutralForeground1 },
  current: {
    color: tokens.colorNeutralForegroundOnBrand,
    backgroundColor: tokens.colorBrandBackground,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandBackground}`,
    fontWeight: tokens.fontWeightSemibold,
  },
});

/** Where the admin is among the eight steps (text, not only colour: "done", "current"). */
export function StepList({ current }: { readonly current: WizardStep }) {
  const styles = useStyles();
  const at = wizardSteps.indexOf(current);
  return (
    <ol className={styles.list} aria-label="Setup steps">
      {wizardSteps.map((step, index) => (
        <li
          key={step}
          aria-current={step === current ? 'step' : undefined}
          className={mergeClasses(styles.item, index < at && styles.done, step === current && styles.current)}
        >
          {index + 1}. {stepTitles[step].replace(/:.*$/u, '')}
          {index < at ? <span> (done)</span> : null}
        </li>
      ))}
    </ol>
  );
}
