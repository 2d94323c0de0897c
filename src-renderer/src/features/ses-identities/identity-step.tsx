import { Checkbox, Field, Input, makeStyles, Radio, RadioGroup, Text, tokens } from '@fluentui/react-components';
import { useId, type Dispatch } from 'react';
import type { Environment } from '../../../../src-preload/contract';
import type { Platform } from '../../../../src-preload/contract/providers';
import { ZUORA_WORDS, type SesIdentityKind, type SesRules } from '../../../../src-preload/contract/ses-identities';
import { fieldMessageProps } from '../../ui/field-hint';
import { kindLabels, kindSummaries, limitsSentence, sharingRule } from './ses-words';
import type { SesWizardAction, SesWizardState } from './ses-wizard-state';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '72ch' },
  choices: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  // Under the radio's label, past its circle.
  summary: { display: 'block', paddingLeft: `calc(${tokens.spacingHorizontalS} + 16px + ${tokens.spacingHorizontalS})`, color: tokens.colorNeutralForeground2 },
  paragraph: { margin: 0 },
  value: { maxWidth: '32rem' },
});

export interface IdentityStepProps {
  readonly state: SesWizardState;
  readonly dispatch: Dispatch<SesWizardAction>;
  readonly platform: Platform;
  readonly rules: SesRules;
}

/** Step 2 (SES): which identity, in which Zuora environment, and the confirmation Zuora will accept it. */
export function IdentityStep({ state, dispatch, platform, rules }: IdentityStepProps) {
  const styles = useStyles();
  const baseId = useId();
  const cnameCount = platform.ses?.dkimCname.count ?? 3;
  const eligibility = platform.ses?.eligibility.rule ?? ZUORA_WORDS.eligibility;
  return (
    <div className={styles.root}>
      <Text as="p" className={styles.paragraph}>
        With advanced SMTP, {rules.name} sends from its own Amazon SES account: there is no SMTP server, password or connection test. What you connect is an
        identity {rules.name} may send as, verified by Amazon SES.
      </Text>
      <Text as="p" className={styles.paragraph} data-testid="ses-limits">
        {limitsSentence(rules)}
      </Text>
      <Field label="Identity type" required {...fieldMessageProps(state.errors.kind)}>
        <RadioGroup value={state.kind ?? ''} onChange={(_e, d) => dispatch({ type: 'set-kind', kind: d.value as SesIdentityKind })} className={styles.choices}>
          {(['email', 'domain'] as const).map((kind) => (
            <div key={kind}>
              <Radio value={kind} label={kindLabels[kind]} input={{ 'aria-describedby': `${baseId}-${kind}` }} />
              <Text size={200} id={`${baseId}-${kind}`} className={styles.summary}>
                {kindSummaries[kind]}
              </Text>
            </div>
          ))}
        </RadioGroup>
      </Field>
      <Field
        className={styles.value}
        label={state.kind === 'domain' ? 'Domain' : 'Address'}
        required
        {...fieldMessageProps(
          state.errors.value,
          state.kind === 'domain' ? 'The domain, such as yourcompany.com (an address at it also works: its domain is used).' : 'The one address Zuora sends from, such as billing@yourcompany.com.',
        )}
      >
        <Input value={state.value} onChange={(_e, d) => dispatch({ type: 'set-value', value: d.value })} autoComplete="off" spellCheck={false} />
      </Field>
      <Field label="Zuora environment" required {...fieldMessageProps(state.errors.environment, sharingRule(rules.environments, cnameCount))}>
        <RadioGroup value={state.environment ?? ''} onChange={(_e, d) => dispatch({ type: 'set-environment', environment: d.value as Environment })}>
          {rules.environments.map((environment) => (
            <Radio key={environment.id} value={environment.id} label={environment.label} />
          ))}
        </RadioGroup>
      </Field>
      <Field required {...fieldMessageProps(state.errors.eligibility, `Why: ${eligibility}`)}>
        <Checkbox
          checked={state.eligibilityConfirmed}
          onChange={(_e, d) => dispatch({ type: 'set-eligibility', confirmed: d.checked === true })}
          label="An active Zuora user has a work email on this domain"
        />
      </Field>
    </div>
  );
}
