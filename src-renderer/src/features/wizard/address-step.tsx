import { Field, Input, makeStyles, MessageBar, MessageBarBody, Text, tokens } from '@fluentui/react-components';
import { currentCheck, needsSubdomain, forwardingTarget } from './wizard-state';
import type { StepProps } from './wizard-labels';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '72ch' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  forms: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  status: { minHeight: tokens.lineHeightBase300, color: tokens.colorNeutralForeground2 },
});

/** Step 2: the address, checked as it is typed (syntax, platform limits, duplicates). */
export function AddressStep({ state, dispatch, platform }: StepProps) {
  const styles = useStyles();
  const check = currentCheck(state);
  const typed = state.address.trim() !== '';
  const checkErrors = check?.errors.map((e) => e.message).join(' ') ?? '';
  const message = state.errors.address ?? (checkErrors === '' ? undefined : checkErrors);
  const idn = check !== null && check.ascii !== null && check.unicode !== null && check.ascii !== check.unicode;
  const askSubdomain = needsSubdomain(platform);
  return (
    <div className={styles.root}>
      <Field
        label="Address"
        required
        hint="The address the platform sends as and your customers write to, such as support@example.com."
        {...(message === undefined ? {} : { validationState: 'error' as const, validationMessage: message })}
      >
        <Input
          value={state.address}
          onChange={(_e, d) => dispatch({ type: 'set-text', field: 'address', value: d.value })}
          inputMode="email"
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <Text role="status" aria-live="polite" className={styles.status}>
        {!typed ? '' : check === null ? 'Checking the address…' : check.errors.length === 0 ? `${check.unicode ?? state.address.trim()} can be connected.` : ''}
      </Text>
      {idn ? (
        <dl className={styles.forms} aria-label="Forms of the address">
          <dt className={styles.term}>As people read it</dt>
          <dd className={styles.value}>{check.unicode}</dd>
          <dt className={styles.term}>As mail servers and DNS use it (punycode)</dt>
          <dd className={styles.value}>{check.ascii}</dd>
        </dl>
      ) : null}
      {check === null || check.errors.length > 0
        ? null
        : check.warnings
            .filter((w) => w.code !== 'internationalised' || !idn)
            .map((w) => (
              <MessageBar key={w.code} intent="warning" layout="multiline">
                <MessageBarBody>{w.message}</MessageBarBody>
              </MessageBar>
            ))}
      {askSubdomain ? (
        <Field
          label={`${platform?.name.replace(/\s*\(.*\)$/u, '') ?? 'Platform'} subdomain`}
          required
          hint={`The first part of your ${platform?.shortName ?? 'platform'} web address, such as yourcompany in yourcompany.${platform?.forwarding?.domainSuffix ?? ''}. Inbound mail is forwarded to ${forwardingTarget(platform, state.platformSubdomain) ?? ''}.`}
          {...(state.errors.platformSubdomain === undefined ? {} : { validationState: 'error' as const, validationMessage: state.errors.platformSubdomain })}
        >
          <Input
            value={state.platformSubdomain}
            onChange={(_e, d) => dispatch({ type: 'set-text', field: 'platformSubdomain', value: d.value })}
            autoComplete="off"
            spellCheck={false}
            className={styles.mono}
            contentAfter={<span aria-hidden="true">.{platform?.forwarding?.domainSuffix ?? ''}</span>}
          />
        </Field>
      ) : null}
    </div>
  );
}
