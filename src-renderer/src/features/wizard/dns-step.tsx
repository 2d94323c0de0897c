import { Button, Link, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { WizardStep } from '../../../../src-preload/contract';
import type { CheckItem, FixRecord } from '../../../../src-preload/contract/checks-schemas';
import { useChannelMutation, useSettings } from '../../api/hooks';
import { ChecklistResults } from '../checklist/checklist-results';
import { orderedItems, progressMessage, type ChecklistRequest } from '../checklist/checklist-run';
import { emptyPropagationDraft, PropagationPanel, type PropagationDraft } from '../checklist/propagation-panel';
import { GENERIC_PLATFORM_ID } from '../../../../src-preload/contract/platform-vocabulary';
import { currentCheck, domainOf, forwardingTarget, stepIndex, type WizardState } from './wizard-state';
import { stepTitles, type StepProps } from './wizard-labels';
import { RelaySelector } from './relay-selector';
import { useWizardChecks } from './use-wizard-checks';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  status: { margin: 0, minHeight: tokens.lineHeightBase300, color: tokens.colorNeutralForeground2 },
  inputs: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

/** The checks' request from what was typed: only before the in-progress address exists. */
function typedRequest(state: WizardState, domain: string, forwarding: string | null): ChecklistRequest {
  const smtpHost = state.host.trim();
  return {
    domain,
    platform: state.platform ?? GENERIC_PLATFORM_ID,
    ...(state.route === null ? {} : { route: state.route }),
    dnsServers: [],
    ...(forwarding === null ? {} : { forwardingAddress: forwarding }),
    ...(smtpHost === '' ? {} : { smtpHost }),
    ...(state.heloHost === null ? {} : { heloName: state.heloHost.name, heloSource: state.heloHost.source }),
  };
}

/**
 * Step 6: the address's own checklist (the one the Checklist view, the status and the
 * report show) on its sending route, with the Checklist view's components: each item
 * required, optional or not needed there and why, the records to publish, and for every
 * item that needs something from the admin, where in this wizard to give it.
 * DNS changes can take up to 72 hours: this step informs, it does not block Next.
 */
export function DnsStep({ state, dispatch, platform, address }: StepProps) {
  const styles = useStyles();
  const settings = useSettings();
  const domain = currentCheck(state)?.domainAscii ?? domainOf(state.address);
  const forwarding = forwardingTarget(platform, address?.platformSubdomain ?? state.platformSubdomain);
  const { run, runNow } = useWizardChecks(address, domain, typedRequest(state, domain, forwarding), dispatch);
  const selectorInput = useRef<HTMLInputElement>(null);
  const [propagationDraft, setPropagationDraft] = useState<PropagationDraft>(emptyPropagationDraft);
  const propagation = useChannelMutation('checks:check-propagation');
  const propagationHeading = useRef<HTMLHeadingElement>(null);

  // Run once on arrival: the admin came here to see what to publish. With a saved
  // address, wait for it so the run is the address's own checklist.
  const waitingForAddress = state.addressId !== null && address === undefined;
  const started = useRef(false);
  useEffect(() => {
    if (started.current || domain === '' || waitingForAddress) return;
    started.current = true;
    runNow();
  }, [runNow, domain, waitingForAddress]);

  // A saved relay selector re-runs the checks once the address shows it (main reads the saved address).
  const rerunFor = useRef<string | null>(null);
  const savedSelectors = address?.selectors.join(',') ?? '';
  const savedRef = useRef(savedSelectors);
  useEffect(() => {
    savedRef.current = savedSelectors;
    if (rerunFor.current === null || rerunFor.current !== savedSelectors) return;
    rerunFor.current = null;
    runNow();
  }, [savedSelectors, runNow]);
  const afterSelectorSaved = (selectors: readonly string[]) => {
    const key = selectors.join(',');
    // The refreshed address may already be here (or nothing changed): run now; else when it arrives.
    if (savedRef.current === key) runNow();
    else rerunFor.current = key;
  };

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
  const configured = settings.data?.dnsServers ?? [];
  const serversNote = `It asks ${configured.length > 0 ? `the servers in Settings (${configured.join(', ')})` : "this machine's resolvers (set others in Settings)"}.`;
  const needsInput = orderedItems(run).filter((item) => item.status === 'needs-input');

  return (
    <div className={styles.root}>
      <Text>
        What {platform?.name ?? 'the platform'} needs in the DNS of {domain} on your sending route: SPF, DKIM and DMARC, each marked required, optional or not needed
        there and why, with the exact records to publish where one is missing or wrong. Changes can take up to {platform?.propagation?.maxHours ?? 48} hours to be
        seen everywhere; you can go on meanwhile and check again later from the Checklist view.
      </Text>
      <RelaySelector address={address} domain={domain} onSaved={afterSelectorSaved} inputRef={selectorInput} />
      {run.phase === 'idle' ? (
        <div>
          <Button onClick={runNow} disabledFocusable={domain === '' || waitingForAddress}>
            Run the checks
          </Button>
        </div>
      ) : null}
      <Text as="p" role="status" aria-live="polite" className={styles.status}>
        {progressMessage(run)}
      </Text>
      {needsInput.length === 0 ? null : (
        <MessageBar intent="info" layout="multiline" data-testid="dns-needs-input">
          <MessageBarBody>
            <MessageBarTitle>What the checks still need</MessageBarTitle>
            <ul className={styles.inputs}>
              {needsInput.map((item) => (
                <li key={item.id} data-needs-input={item.needsInput?.field ?? ''}>
                  {item.title}: <NextAction item={item} state={state} onGoto={(step) => dispatch({ type: 'goto', step })} onFocusSelector={() => selectorInput.current?.focus()} />
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
      {run.phase === 'idle' ? null : <ChecklistResults state={run} onRerun={runNow} onCheckPropagation={checkRecord} />}
      <PropagationPanel
        draft={propagationDraft}
        onDraftChange={setPropagationDraft}
        onCheck={() => checkPropagation(propagationDraft)}
        pending={propagation.isPending}
        error={propagation.error}
        report={propagation.data}
        serversNote={serversNote}
        headingRef={propagationHeading}
      />
    </div>
  );
}

interface NextActionProps {
  readonly item: CheckItem;
  readonly state: WizardState;
  readonly onGoto: (step: WizardStep) => void;
  readonly onFocusSelector: () => void;
}

/** Where this wizard takes what a needs-input item asks for: a field in this step, or the step that supplies it. */
function NextAction({ item, state, onGoto, onFocusSelector }: NextActionProps) {
  const back = (step: WizardStep, what: string) => (
    <>
      {what}{' '}
      <Link as="button" onClick={() => onGoto(step)}>
        {`Back to step ${stepIndex(step) + 1}, ${stepTitles[step]}`}
      </Link>
    </>
  );
  switch (item.needsInput?.field) {
    case 'relaySelectors':
      return (
        <>
          enter the selector your mail server signs with in the field above (or read it from a message it sent), then Save the selector and check again.{' '}
          <Link as="button" onClick={onFocusSelector}>
            Go to the selector field
          </Link>
        </>
      );
    case 'sendingIp':
      return <>send the verification email at the next step: Relayproof reads the IP your server sends from in the message it receives, and checks again.</>;
    case 'heloName':
      // The address's checklist does not carry the name the connection test saw: say where it stands instead of asking for a field that is not here.
      return (
        <>
          {state.heloHost === null ? 'the name your server greets with comes from the connection test.' : `the connection test saw your server greet as ${state.heloHost.name}.`} This
          check is recommended, not required: it does not hold the setup back.
        </>
      );
    case 'forwardingAddress':
      return back('address', 'the forwarding address is made from your platform subdomain, entered at the address step.');
    case 'smtpHost':
      return back('provider', 'the SMTP server is entered with the credentials.');
    case undefined:
      return <>{item.summary}</>;
  }
}
