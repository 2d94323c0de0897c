import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { FixRecord } from '../../../../src-preload/contract/checks-schemas';
import { useChannelMutation } from '../../api/hooks';
import type { Platform } from '../../../../src-preload/contract/providers';
import { checklistInputForIdentity, cnameSetsFor, identityValue, type SesIdentity, type SesRules } from '../../../../src-preload/contract/ses-identities';
import { ChecklistResults } from '../checklist/checklist-results';
import { progressMessage } from '../checklist/checklist-run';
import { emptyPropagationDraft, PropagationPanel, type PropagationDraft } from '../checklist/propagation-panel';
import { useChecklistRun } from '../checklist/use-checklist-run';
import { IdentityRecords } from './identity-records';
import { groupOf, listWords } from './ses-words';
import { tokensToSave, type SesWizardState } from './ses-wizard-state';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  paragraph: { margin: 0, maxWidth: '80ch' },
  status: { margin: 0, minHeight: tokens.lineHeightBase300, color: tokens.colorNeutralForeground2 },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, fontWeight: tokens.fontWeightSemibold },
});

export interface SesDnsStepProps {
  readonly state: SesWizardState;
  readonly platform: Platform;
  readonly rules: SesRules;
  /** The identities already saved: their CNAME sets in other verification groups are shown too. */
  readonly saved: readonly SesIdentity[];
}

/**
 * Step 4 (SES): exactly the records of this identity's verification group, the other
 * groups' sets of the same domain (they stay), and the checklist of the domain on Zuora's
 * SES route with the identity's tokens. DNS can take Zuora's whole window: this step informs,
 * it does not block Next.
 */
export function SesDnsStep({ state, platform, rules, saved }: SesDnsStepProps) {
  const styles = useStyles();
  const kind = state.kind ?? 'domain';
  const parsed = identityValue(kind, state.value);
  const domain = parsed.ok ? parsed.domain : '';
  const value = parsed.ok ? parsed.value : state.value.trim();
  const group = state.environment === null ? [] : groupOf(rules.environments, state.environment);
  const serves = listWords(group.map((e) => e.label));
  const dkimTokens = tokensToSave(state);
  // The same domain verified in the other groups: their own three CNAMEs, which stay published.
  const otherSets = kind === 'domain' ? cnameSetsFor(domain, saved, rules).filter((set) => !set.environments.some((e) => e.id === state.environment)) : [];

  const { state: run, start } = useChecklistRun();
  const startedFor = useRef<string | null>(null);
  const runNow = () => start(checklistInputForIdentity({ kind, value, dkimTokens: [...dkimTokens] }, { dnsServers: [], platform: platform.id }));
  const runKey = `${domain}|${dkimTokens.join(',')}`;
  useEffect(() => {
    // On arrival (a domain identity's records are the point of this step), once per set of tokens.
    if (kind !== 'domain' || domain === '' || startedFor.current === runKey) return;
    startedFor.current = runKey;
    start(checklistInputForIdentity({ kind, value, dkimTokens: [...dkimTokens] }, { dnsServers: [], platform: platform.id }));
  });

  // "Check propagation" on a record: the Checklist view's panel, filled with that record.
  const [propagationDraft, setPropagationDraft] = useState<PropagationDraft>(emptyPropagationDraft);
  const propagation = useChannelMutation('checks:check-propagation');
  const propagationHeading = useRef<HTMLHeadingElement>(null);
  const checkPropagation = (next: PropagationDraft) => {
    const expected = next.expected.trim();
    propagation.mutate({ name: next.name.trim(), type: next.type, ...(expected === '' ? {} : { expected }), dnsServers: [] });
  };
  const checkRecord = (record: FixRecord) => {
    const next: PropagationDraft = { name: record.name, type: record.type, expected: record.value };
    setPropagationDraft(next);
    checkPropagation(next);
    requestAnimationFrame(() => {
      propagationHeading.current?.focus();
      propagationHeading.current?.scrollIntoView({ block: 'start' });
    });
  };

  return (
    <div className={styles.root}>
      <Text as="p" className={styles.paragraph}>
        {kind === 'domain'
          ? `Publish these records in the DNS of ${domain} for ${serves}. Amazon SES checks the three CNAMEs; Zuora shows Success within ${platform.ses?.pendingMaxHours ?? 72} hours.`
          : `An email identity needs no DKIM records. Add Amazon SES to the SPF record of ${domain} so receivers do not treat Zuora's mail as spoofed.`}
      </Text>
      <IdentityRecords platform={platform} kind={kind} domain={domain} dkimTokens={dkimTokens} servesLabel={serves} />
      {otherSets.map((set) => (
        <section key={set.verificationGroup} aria-labelledby={`ses-set-${set.verificationGroup}`} data-testid="ses-other-set">
          <h3 id={`ses-set-${set.verificationGroup}`} className={styles.heading}>
            Also published: the set for {listWords(set.environments.map((e) => e.label))}
          </h3>
          <Text as="p" className={styles.paragraph}>
            {domain} is a domain identity there too, with its own three CNAMEs: keep them (six in all). They are not the records above.
          </Text>
          {set.records.length === 0 ? (
            <Text as="p" className={styles.paragraph}>
              Its tokens were not entered yet: open that identity&rsquo;s status to add them.
            </Text>
          ) : (
            <IdentityRecords
              platform={platform}
              kind="domain"
              domain={domain}
              dkimTokens={set.records.map((r) => r.name.slice(0, r.name.indexOf('._domainkey')))}
              servesLabel={listWords(set.environments.map((e) => e.label))}
              label="Records already published"
              tableOnly
            />
          )}
        </section>
      ))}
      {kind === 'domain' ? (
        <>
          <h3 className={styles.heading}>What DNS shows now</h3>
          <Text as="p" role="status" aria-live="polite" className={styles.status}>
            {progressMessage(run)}
          </Text>
          {run.phase === 'idle' ? (
            <div>
              <Button onClick={runNow} disabledFocusable={domain === ''}>
                Run the checks
              </Button>
            </div>
          ) : (
            <ChecklistResults state={run} onRerun={runNow} onCheckPropagation={checkRecord} />
          )}
          <PropagationPanel
            draft={propagationDraft}
            onDraftChange={setPropagationDraft}
            onCheck={() => checkPropagation(propagationDraft)}
            pending={propagation.isPending}
            error={propagation.error}
            report={propagation.data}
            serversNote="It asks the DNS servers in Settings, else this machine's resolvers."
            headingRef={propagationHeading}
          />
        </>
      ) : null}
    </div>
  );
}
