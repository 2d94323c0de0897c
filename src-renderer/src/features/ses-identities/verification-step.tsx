import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { Dispatch } from 'react';
import type { Platform } from '../../../../src-preload/contract/providers';
import { identityValue } from '../../../../src-preload/contract/ses-identities';
import type { SesWizardAction, SesWizardState } from './ses-wizard-state';
import { TokenFields } from './token-fields';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '72ch' },
  paragraph: { margin: 0 },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

/** Where the identity is made in Zuora (seed, "Configure advanced SMTP server"). */
const ZUORA_PATH = 'Platform > Events & Notifications > Settings tab > Email Settings > Advanced SMTP tab > Edit';

/**
 * Step 3 (SES): the identity in Zuora. A domain identity: the three DKIM tokens Zuora
 * shows, entered here so the next step shows the exact records. An email identity: no
 * records; Amazon SES mails a link that expires (the platform's `emailLinkHours`).
 */
export function VerificationStep({ state, dispatch, platform }: { readonly state: SesWizardState; readonly dispatch: Dispatch<SesWizardAction>; readonly platform: Platform }) {
  const styles = useStyles();
  const parsed = state.kind === null ? null : identityValue(state.kind, state.value);
  const value = parsed?.ok === true ? parsed.value : state.value.trim();
  const linkHours = platform.ses?.emailLinkHours ?? 24;
  const pendingHours = platform.ses?.pendingMaxHours ?? 72;
  if (state.kind === 'email') {
    return (
      <div className={styles.root}>
        <Text as="p" className={styles.paragraph}>
          Add the identity in Zuora: {ZUORA_PATH}. Choose Email Identity as New Identity Type, enter {value} in Add New Identity, then Save.
        </Text>
        <Text as="p" className={styles.paragraph} data-testid="ses-email-link">
          Amazon SES then sends a verification email to {value}. Open it and click its link: the link expires after {linkHours} hours. Zuora&rsquo;s Verification Status
          goes from Pending to Success; if it shows Failed, click Retry there to get a new email. An email identity has no DNS records to enter: there is nothing to type
          on this step.
        </Text>
      </div>
    );
  }
  return (
    <div className={styles.root}>
      <ol className={styles.steps}>
        <li>
          In Zuora: {ZUORA_PATH}. Choose Domain Identity as New Identity Type, enter {value} in Add New Identity, then Save.
        </li>
        <li>Click View in the DKIM Status column of the Identities table: the DKIM Settings dialog lists three CNAME records.</li>
        <li>Copy the three tokens (or the names, or the values, or all three rows at once) into the fields below.</li>
      </ol>
      <TokenFields
        values={state.tokens}
        domain={value}
        targetPattern={platform.ses?.dkimCname.target ?? '{token}'}
        error={state.errors.tokens}
        onChange={(tokens) => dispatch({ type: 'set-tokens', tokens })}
        onRefused={(message) => dispatch({ type: 'errors', errors: { ...state.errors, tokens: message } })}
      />
      <Text as="p" className={styles.paragraph}>
        Amazon SES looks for these three CNAMEs; Zuora shows Success once it sees them, or Failed, within {pendingHours} hours.
      </Text>
    </div>
  );
}
