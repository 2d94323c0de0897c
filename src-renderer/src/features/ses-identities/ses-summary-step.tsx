import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { Platform } from '../../../../src-preload/contract/providers';
import { identityValue, type SesRules } from '../../../../src-preload/contract/ses-identities';
import { DetailsList } from '../../ui/details-list';
import { SimulatorList } from './simulator-list';
import { coverageSentence, groupOf, kindLabels, listWords } from './ses-words';
import { tokensToSave, type SesWizardState } from './ses-wizard-state';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0, maxWidth: '80ch' },
  paragraph: { margin: 0 },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  covered: { margin: 0, fontWeight: tokens.fontWeightSemibold },
});

/** Step 5 (SES): what is saved, what is left to do in Zuora, and which From addresses the identity covers. */
export function SesSummaryStep({ state, platform, rules, notes }: { readonly state: SesWizardState; readonly platform: Platform; readonly rules: SesRules; readonly notes: readonly string[] }) {
  const styles = useStyles();
  const kind = state.kind ?? 'domain';
  const parsed = identityValue(kind, state.value);
  const value = parsed.ok ? parsed.value : state.value.trim();
  const group = state.environment === null ? [] : groupOf(rules.environments, state.environment);
  const environment = group[0];
  const shared = group.slice(1);
  const dkimTokens = tokensToSave(state);
  const pendingHours = platform.ses?.pendingMaxHours ?? 72;
  return (
    <div className={styles.root}>
      <DetailsList
        items={[
          { term: 'Identity', value: `${kindLabels[kind]}: ${value}` },
          {
            term: 'Zuora environment',
            value: environment === undefined ? '' : `${environment.label}${shared.length === 0 ? '' : ` (its verification is shared with ${listWords(shared.map((e) => e.label))})`}`,
          },
          { term: 'Eligibility', value: 'You confirmed an active Zuora user has a work email on this domain.' },
          ...(kind === 'domain' ? [{ term: 'DKIM CNAMEs', value: `${dkimTokens.length} tokens entered: ${dkimTokens.join(', ')}` }] : []),
          { term: 'Credentials', value: 'None: Zuora sends from its own Amazon SES account; nothing is stored in the keychain.' },
        ]}
      />
      {notes.map((note) => (
        <Text as="p" key={note} className={styles.paragraph}>
          {note}
        </Text>
      ))}
      <Text as="p" className={styles.paragraph}>
        Then, in Zuora:
      </Text>
      <ol className={styles.steps}>
        <li>
          {kind === 'domain'
            ? `Wait for the Verification Status and DKIM Status columns to show Success (up to ${pendingHours} hours). Failed: publish the three CNAMEs again, then click Retry. Still Pending after ${pendingHours} hours: delete the domain identity and add it again.`
            : `Open the verification email Amazon SES sent to ${value} and click its link within ${platform.ses?.emailLinkHours ?? 24} hours; Failed: click Retry for a new email.`}
        </li>
        <li>In Email Settings, click Edit, switch the delivery of e-mail notifications to the Advanced SMTP Server, and Save.</li>
        <li>Record what Zuora shows in the identity&rsquo;s Status view here: Relayproof cannot ask Zuora, it keeps the {pendingHours}-hour window and the advice for you.</li>
      </ol>
      <Text as="p" className={styles.covered} data-testid="ses-covered">
        {coverageSentence(kind, value)}
      </Text>
      <Text as="p" className={styles.paragraph}>
        Zuora sends only from verified identities: until Zuora shows Success, notifications from these addresses are not sent. Finish saves the identity as Pending.
      </Text>
      <SimulatorList platform={platform} headingLevel={3} />
    </div>
  );
}
