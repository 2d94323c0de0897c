import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { FixRecord } from '../../../../src-preload/contract/checks-schemas';
import { useChannelMutation, useSettings } from '../../api/hooks';
import { ChecklistResults } from '../checklist/checklist-results';
import { progressMessage } from '../checklist/checklist-run';
import { emptyPropagationDraft, PropagationPanel, type PropagationDraft } from '../checklist/propagation-panel';
import { useChecklistRun } from '../checklist/use-checklist-run';
import { currentCheck, domainOf, forwardingTarget, type DnsProblem } from './wizard-state';
import type { ChecklistRequest } from '../checklist/checklist-run';
import { GENERIC_PLATFORM_ID } from '../../../../src-preload/contract/platform-vocabulary';
import type { StepProps } from './wizard-labels';
import { RelaySelector } from './relay-selector';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  status: { margin: 0, minHeight: tokens.lineHeightBase300, color: tokens.colorNeutralForeground2 },
});

/**
 * Step 6: the checklist for the address's domain with this platform's SPF include and
 * DKIM selectors, with the records to publish (the Checklist view's own components).
 * DNS changes can take up to 72 hours: this step informs, it does not block Next.
 */
export function DnsStep({ state, dispatch, platform, address }: StepProps) {
  const styles = useStyles();
  const { state: run, start } = useChecklistRun();
  const settings = useSettings();
  const domain = currentCheck(state)?.domainAscii ?? domainOf(state.address);
  // What the wizard already knows, so the forwarding, HELO and PTR items need nothing typed.
  const forwarding = forwardingTarget(platform, address?.platformSubdomain ?? state.platformSubdomain);
  const smtpHost = address?.host ?? state.host.trim();
  const request: ChecklistRequest = {
    domain,
    platform: state.platform ?? GENERIC_PLATFORM_ID,
    selectors: address?.selectors ?? [],
    dnsServers: [],
    ...(forwarding === null ? {} : { forwardingAddress: forwarding }),
    ...(smtpHost === '' ? {} : { smtpHost }),
    ...(state.heloHost === null ? {} : { heloName: state.heloHost.name, heloSource: state.heloHost.source }),
  };
  const requestRef = useRef(request);
  useEffect(() => {
    requestRef.current = request;
  });
  const [propagationDraft, setPropagationDraft] = useState<PropagationDraft>(emptyPropagationDraft);
  const propagation = useChannelMutation('checks:check-propagation');
  const propagationHeading = useRef<HTMLHeadingElement>(null);

  // Run once on arrival: the admin came here to see what to publish.
  const started = useRef(false);
  useEffect(() => {
    if (started.current || domain === '') return;
    started.current = true;
    start(requestRef.current);
  }, [start, domain]);

  // A saved relay selector re-runs the checks once the address shows it (the request reads the address).
  const rerunFor = useRef<string | null>(null);
  const savedSelectors = address?.selectors.join(',') ?? '';
  const savedRef = useRef(savedSelectors);
  useEffect(() => {
    savedRef.current = savedSelectors;
    if (rerunFor.current === null || rerunFor.current !== savedSelectors) return;
    rerunFor.current = null;
    start(requestRef.current);
  }, [savedSelectors, start]);
  const afterSelectorSaved = (selectors: readonly string[]) => {
    const key = selectors.join(',');
    // The refreshed address may already be here (or nothing changed): run now; else when it arrives.
    if (savedRef.current === key) start(requestRef.current);
    else rerunFor.current = key;
  };

  // The summary lists what is still failing or warned.
  const report = run.phase === 'done' ? run.report : null;
  useEffect(() => {
    if (report === null) return;
    const problems: DnsProblem[] = report.items
      .filter((item) => item.status === 'fail' || item.status === 'warn' || item.status === 'error')
      .map((item) => ({ id: item.id, title: item.title, status: item.status as DnsProblem['status'], summary: item.summary }));
    dispatch({ type: 'dns-finished', problems });
  }, [report, dispatch]);

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

  return (
    <div className={styles.root}>
      <Text>
        What {platform?.name ?? 'the platform'} needs in the DNS of {domain}: SPF, DKIM and DMARC, with the exact records to publish where one is missing or wrong.
        Changes can take up to {platform?.propagation?.maxHours ?? 48} hours to be seen everywhere; you can go on meanwhile and check again later from the Checklist
        view.
      </Text>
      <RelaySelector address={address} domain={domain} onSaved={afterSelectorSaved} />
      {run.phase === 'idle' ? (
        <div>
          <Button onClick={() => start(request)} disabledFocusable={domain === ''}>
            Run the checks
          </Button>
        </div>
      ) : null}
      <Text as="p" role="status" aria-live="polite" className={styles.status}>
        {progressMessage(run)}
      </Text>
      {run.phase === 'idle' ? null : <ChecklistResults state={run} onRerun={() => start(request)} onCheckPropagation={checkRecord} />}
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
