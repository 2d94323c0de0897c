import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { FixRecord } from '../../../../src-preload/contract/checks-schemas';
import { useChannelMutation, useChannelQuery, useSettings } from '../../api/hooks';
import { usePlatformNaming } from '../../api/use-platforms';
import { ErrorBar } from '../../ui/error-bar';
import { ViewHeader } from '../../ui/view-header';
import { checklistErrorsOf, emptyChecklistDraft, requestOf, splitList, type ChecklistDraft, type ChecklistErrors } from './checklist-draft';
import { ChecklistForm } from './checklist-form';
import { useRouteParam } from '../../app/use-hash-route';
import { platformIdSchema } from '../../../../src-preload/contract';
import { ChecklistResults } from './checklist-results';
import { progressMessage } from './checklist-run';
import { emptyPropagationDraft, PropagationPanel, type PropagationDraft } from './propagation-panel';
import { useChecklistRun } from './use-checklist-run';

const useStyles = makeStyles({
  status: {
    margin: 0,
    minHeight: tokens.lineHeightBase300,
    color: tokens.colorNeutralForeground2,
  },
});

export function ChecklistView() {
  const styles = useStyles();
  // `#/checklist?domain=…&platform=…&selectors=…` (the status view's "Open the fix" link): filled in and run at once.
  const routeDomain = useRouteParam('domain');
  const routePlatform = useRouteParam('platform');
  const routeSelectors = useRouteParam('selectors');
  const [draft, setDraft] = useState<ChecklistDraft>(() => draftFromRoute(routeDomain, routePlatform, routeSelectors));
  const platforms = usePlatformNaming();
  const [localErrors, setLocalErrors] = useState<ChecklistErrors>({});
  const { state, start, cancel } = useChecklistRun();
  const addresses = useChannelQuery('addresses:list', {});
  const settings = useSettings();
  const formRef = useRef<HTMLFormElement>(null);

  const [propagationDraft, setPropagationDraft] = useState<PropagationDraft>(emptyPropagationDraft);
  const propagation = useChannelMutation('checks:check-propagation');
  const propagationHeading = useRef<HTMLHeadingElement>(null);

  // Main refused the input itself: show it on the fields, not as a result.
  const rejected = state.phase === 'failed' && state.error.code === 'invalid-input' && Object.keys(state.items).length === 0 ? state.error : null;
  const errors: ChecklistErrors = rejected === null ? localErrors : { ...localErrors, ...checklistErrorsOf(rejected, draft) };

  useEffect(() => {
    if (rejected === null && Object.keys(localErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [rejected, localErrors]);

  const ranFromRoute = useRef(false);
  useEffect(() => {
    // A link without a platform runs with the first one: wait until the list is known.
    if (ranFromRoute.current || routeDomain === null || !platforms.loaded) return;
    ranFromRoute.current = true;
    const parsed = requestOf(draft, platforms.defaultId);
    if (parsed.ok) start(parsed.request);
  }, [routeDomain, draft, start, platforms]);

  const run = () => {
    const parsed = requestOf(draft, platforms.defaultId);
    if (!parsed.ok) {
      setLocalErrors(parsed.errors);
      return;
    }
    setLocalErrors({});
    start(parsed.request);
  };

  const checkPropagation = (next: PropagationDraft) => {
    const expected = next.expected.trim();
    propagation.mutate({ name: next.name.trim(), type: next.type, ...(expected === '' ? {} : { expected }), dnsServers: splitList(draft.dnsServers) });
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
  const dnsFallback = configured.length > 0 ? `the servers in Settings (${configured.join(', ')})` : "this machine's resolvers (set others in Settings)";
  const typedServers = splitList(draft.dnsServers);
  const serversNote = `It asks ${typedServers.length > 0 ? typedServers.join(', ') : dnsFallback} as the resolvers.`;

  return (
    <>
      <ViewHeader
        title="Checklist"
        description="Checks the DNS records a connector setup depends on (SPF, DKIM, DMARC, MX, reverse DNS and more), shows the evidence for each, and gives the exact record to publish when one is wrong."
      />
      {rejected === null ? null : <ErrorBar error={rejected} title="Check the highlighted fields" />}
      <ChecklistForm
        draft={draft}
        errors={errors}
        onChange={(next) => setDraft(next)}
        onRun={run}
        onCancel={cancel}
        running={state.phase === 'running'}
        cancelling={state.phase === 'running' && state.cancelling}
        addresses={addresses.data ?? []}
        dnsFallback={dnsFallback}
        formRef={formRef}
      />
      <Text as="p" role="status" aria-live="polite" className={styles.status} data-testid="checklist-progress">
        {rejected === null ? progressMessage(state) : ''}
      </Text>
      {state.phase === 'idle' || rejected !== null ? null : <ChecklistResults state={state} onRerun={() => start(state.request)} onCheckPropagation={checkRecord} />}
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
    </>
  );
}

function draftFromRoute(domain: string | null, platform: string | null, selectors: string | null): ChecklistDraft {
  if (domain === null) return emptyChecklistDraft;
  const known = platformIdSchema.safeParse(platform);
  return { ...emptyChecklistDraft, domain, ...(known.success ? { platform: known.data } : {}), selectors: selectors ?? '' };
}
