import { Link, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef } from 'react';
import type { WizardStep } from '../../../../src-preload/contract';
import { GENERIC_PLATFORM_ID } from '../../../../src-preload/contract/platform-vocabulary';
import { DetailsList } from '../../ui/details-list';
import { PlatformBlockers } from '../../ui/platform-blockers';
import { Loading } from '../../ui/loading';
import { authKindLabels, environmentLabels, securityLabels } from '../addresses/address-labels';
import { CopySecretButton } from '../addresses/copy-secret-button';
import { currentCheck, domainOf, forwardingTarget, outstandingProblems, stepIndex } from './wizard-state';
import { useWizardChecks } from './use-wizard-checks';
import { CopyButton } from '../../ui/copy-button';
import { stepTitles, type StepProps } from './wizard-labels';
import { connectorFormGuide, sendingLimitNotice } from '../../../../src-preload/contract/connector-form';
import { useChannelQuery } from '../../api/hooks';
import { PlatformFormGuide, PlatformPresetNotes, SendingLimitWarning } from './platform-form-guide';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0, maxWidth: '80ch' },
  value: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  status: { margin: 0, minHeight: tokens.lineHeightBase300, color: tokens.colorNeutralForeground2 },
});

/** Step 8: what to paste into the platform; the secret is copied inside main, never shown. */
export function SummaryStep({ state, dispatch, address, platform }: StepProps) {
  const styles = useStyles();
  const problems = outstandingProblems(state);
  const onGoto = (step: WizardStep) => dispatch({ type: 'goto', step });
  // The address's checklist once more: the verification email may have shown the IP the
  // server sends from, which decides SPF. Its required blockers replace step 6's.
  const domain = currentCheck(state)?.domainAscii ?? domainOf(state.address);
  const { run, runNow } = useWizardChecks(address, domain, { domain, platform: state.platform ?? GENERIC_PLATFORM_ID, dnsServers: [] }, dispatch);
  const providers = useChannelQuery('providers:list', {});
  const started = useRef(false);
  useEffect(() => {
    if (started.current || address === undefined) return;
    started.current = true;
    runNow();
  }, [address, runNow]);
  if (address === undefined) return <Loading label="Loading the address…" />;
  const copyField = (term: string, text: string) => ({
    term,
    value: (
      <span className={styles.value}>
        <span className={styles.mono}>{text}</span>
        <CopyButton text={text} what={term.toLowerCase()} />
      </span>
    ),
  });
  const target = forwardingTarget(platform, address.platformSubdomain ?? '');
  // The platform's own form (Zuora's External SMTP) and its sending-limit warning, from its data.
  const provider = providers.data?.find((p) => p.id === address.provider);
  const form = platform === undefined ? null : connectorFormGuide(platform, address, { provider });
  const limits = platform === undefined ? null : sendingLimitNotice(platform, provider);
  const blockers = address.lastTest?.blockers ?? [];
  return (
    <div className={styles.root}>
      {/* Before what to paste: values that passed only on this computer must not read as ready. */}
      <PlatformBlockers
        blockers={blockers}
        platformName={platform?.shortName}
        lead={address.lastTest?.ok === true ? 'The connection test passed on this computer, but the platform will not get as far:' : undefined}
        testId="summary-blockers"
      />
      {limits === null ? null : <SendingLimitWarning notice={limits} />}
      {form?.kind === 'guide' && platform !== undefined ? (
        <PlatformFormGuide guide={form.guide} platformName={platform.shortName} address={address} />
      ) : (
        <>
          {form?.kind === 'unsupported' ? <Text data-testid="platform-form-unsupported">{form.message}</Text> : null}
          <Text>
            Enter these in {platform?.shortName ?? address.platform} ({environmentLabels[address.environment].toLowerCase()}) for {address.address}
            {platform?.enterCredentialsAt === undefined ? '.' : `: ${platform.enterCredentialsAt}.`}
          </Text>
          <DetailsList
            items={[
              copyField('Host', address.host),
              copyField('Port', String(address.port)),
              { term: 'Security', value: `${securityLabels[address.security]}${address.security === 'starttls' ? ' (StartTLS on)' : ' (SSL socket from the start)'}` },
              copyField('Username', address.username),
              {
                term: authKindLabels[address.authKind],
                value: (
                  <span className={styles.value}>
                    <span>Stored in the OS keychain, never shown.</span>
                    <CopySecretButton address={address} />
                  </span>
                ),
              },
              ...(target === null ? [] : [copyField('Forwarding to', target)]),
            ]}
          />
        </>
      )}
      {platform?.providerPresets === undefined ? null : <PlatformPresetNotes platform={platform} providerId={address.provider} />}
      <Text as="p" role="status" aria-live="polite" className={styles.status} data-testid="summary-dns">
        {run.phase === 'running'
          ? 'Checking the DNS records again with what the verification email showed…'
          : run.phase === 'done'
            ? run.report.ok
              ? `DNS: nothing required on this route fails (${run.report.items.filter((i) => i.required).length} required checks).`
              : 'DNS: required checks still fail or could not be checked; they are listed below.'
            : run.phase === 'failed'
              ? `The DNS records could not be checked again: ${run.error.message}`
              : ''}
      </Text>
      {problems.length === 0 ? null : (
        <MessageBar intent="warning" layout="multiline" data-testid="summary-problems">
          <MessageBarBody>
            <MessageBarTitle>Still open before you finish</MessageBarTitle>
            <ul className={styles.problems}>
              {problems.map((problem) => (
                <li key={problem.step} data-problem-step={problem.step}>
                  {problem.text}
                  {problem.items.length === 0 ? null : (
                    <ul className={styles.problems}>
                      {problem.items.map((item) => (
                        <li key={item}>{item}</li>
                      ))}
                    </ul>
                  )}
                  {problem.items.length === 0 ? ' ' : null}
                  <Link as="button" onClick={() => onGoto(problem.step)}>
                    {`Back to step ${stepIndex(problem.step) + 1}, ${stepTitles[problem.step]}`}
                  </Link>
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
      <Text>
        Finish saves the address and starts its first status check in the background; the Status view continues checking. DNS changes may take a while to be seen
        everywhere.
      </Text>
    </div>
  );
}
