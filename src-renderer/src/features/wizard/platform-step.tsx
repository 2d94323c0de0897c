import { Field, makeStyles, Radio, RadioGroup, Text, tokens } from '@fluentui/react-components';
import { platformIds, type Environment, type PlatformId } from '../../../../src-preload/contract';
import { wizardPlatformLabels, type StepProps } from './wizard-labels';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '72ch' },
  facts: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, margin: 0, color: tokens.colorNeutralForeground2 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

function fieldState(message: string | undefined) {
  return message === undefined ? {} : { validationState: 'error' as const, validationMessage: message };
}

/** Step 1: which connector, and sandbox or production. */
export function PlatformStep({ state, dispatch, platform }: StepProps) {
  const styles = useStyles();
  return (
    <div className={styles.root}>
      <Field label="Platform" required {...fieldState(state.errors.platform)}>
        <RadioGroup value={state.platform ?? ''} onChange={(_e, d) => dispatch({ type: 'set-platform', platform: d.value as PlatformId })}>
          {platformIds.map((id) => (
            <Radio key={id} value={id} label={wizardPlatformLabels[id]} />
          ))}
        </RadioGroup>
      </Field>
      {platform === undefined ? null : (
        <div className={styles.facts}>
          <Text>{platform.summary}</Text>
          {platform.limits.length === 0 ? null : (
            <ul className={styles.list} aria-label={`${wizardPlatformLabels[platform.id]} limits`}>
              {platform.limits.map((limit) => (
                <li key={limit.key}>
                  {limit.description}: {limit.value}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Field
        label="Environment"
        required
        hint="Test in a sandbox first, then delete the address there before adding it to production: the same address must never be in both."
        {...fieldState(state.errors.environment)}
      >
        <RadioGroup value={state.environment ?? ''} onChange={(_e, d) => dispatch({ type: 'set-environment', environment: d.value as Environment })}>
          <Radio value="sandbox" label="Sandbox" />
          <Radio value="production" label="Production" />
        </RadioGroup>
      </Field>
    </div>
  );
}
