import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import type { CheckInputField, FixRecord } from '../../../../src-preload/contract/checks-schemas';
import { useChannelMutation, useChannelQuery, useSettings } from '../../api/hooks';
import { usePlatformNaming } from '../../api/use-platforms';
import { ErrorBar } from '../../ui/error-bar';
import { ViewHeader } from '../../ui/view-header';
import { checklistErrorsOf, draftFromAddress, emptyChecklistDraft, inputFieldOf, requestOf, splitList, type ChecklistDraft, type ChecklistErrors } from './checklist-draft';
import { ChecklistForm, findField, type ChecklistSource } from './checklist-form';
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
  // `#/checklist?address=<id>`: that saved address's checklist, run at once.
  const routeAddress = useRouteParam('address');
  // `#/checklist?domain=…&platform=…&selectors=…` (the status view's "Open the fix" link): filled in and run at once.
  const routeDomain = useRouteParam('domain');
  const routePlatform = useRouteParam('platform');
  const routeSelectors = useRouteParam('selectors');
  const [draft, setDraft] = useState<ChecklistDraft>(() => draftFromRoute(routeDomain, routePlatform, routeSelectors));
  const [source, setSource] = useState<ChecklistSource>({ kind: 'form' });
  const platforms = usePlatformNaming();
  const platformList = useChannelQuery('platforms:list', {});
  const providers = useChannelQuery('providers:list', {});
  const [localErrors, setLocalErrors] = useState<ChecklistErrors>({});
  const { state, start, startForAddress, cancel } = useChecklistRun();
  const addresses = useChannelQuery('addresses:list', {});
  const settings = useSettings();
  const formRef = useRef<HTMLFormElement>(null);

  const [propagationDraft, setPropagationDraft] = useState<PropagationDraft>(emptyPropagationDraft);
  const propagation = useChannelMutation('checks:check-propagation');
  const propagationHeading = useRef<HTMLHeadingElement>(null);

  // Main refused what the form said: show it on the fields, not as a result.
  const rejected =
    state.phase === 'failed' && state.request.kind === 'form' && state.error.code === 'invalid-input' && Object.keys(state.items).length === 0 ? state.error : null;
  const errors: ChecklistErrors = rejected === null ? localErrors : { ...localErrors, ...checklistErrorsOf(rejected, draft) };

  useEffect(() => {
    if (rejected === null && Object.keys(localErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [rejected, localErrors]);

  const loadedAddress = source.kind === 'form' ? null : source.address;
  const preset = loadedAddress === null ? undefined : providers.data?.find((p) => p.id === loadedAddress.provider);

  // The saved address's own checklist: main builds its input, so this is the verdict the wizard and the status show.
  const runAddress = useCallback(
    (address: AddressView) => {
      const at = address.address.lastIndexOf('@');
      startForAddress({ addressId: address.id, address: address.address, domain: address.address.slice(at + 1), platform: address.platform, from: 'checklist' });
    },
    [startForAddress],
  );

  const addressDraft = (address: AddressView, current: ChecklistDraft): ChecklistDraft => {
    const platform = platformList.data?.find((p) => p.id === address.platform);
    const include = providers.data?.find((p) => p.id === address.provider)?.spfInclude?.include;
    return draftFromAddress(address, current, { forwardingPattern: platform?.forwarding?.addressPattern, relayInclude: include });
  };

  const pickAddress = (address: AddressView) => {
    setDraft(addressDraft(address, draft));
    setSource({ kind: 'address', address });
    setLocalErrors({});
    runAddress(address);
  };

  // A link to an address: fill the form in as soon as the addresses (and the platforms, for the forwarding target) are known.
  const [routeLoaded, setRouteLoaded] = useState(false);
  if (!routeLoaded && routeAddress !== null && addresses.data !== undefined && platformList.data !== undefined) {
    setRouteLoaded(true);
    const address = addresses.data.find((a) => a.id === routeAddress);
    if (address !== undefined) {
      setDraft(addressDraft(address, draft));
      setSource({ kind: 'address', address });
    }
  }

  const ranFromRoute = useRef(false);
  useEffect(() => {
    if (ranFromRoute.current) return;
    if (routeAddress !== null) {
      if (!routeLoaded) return;
      ranFromRoute.current = true;
      if (source.kind === 'address') runAddress(source.address);
      return;
    }
    // A link without a platform runs with the first one: wait until the list is known.
    if (routeDomain === null || !platforms.loaded) return;
    ranFromRoute.current = true;
    const parsed = requestOf(draft, platforms.defaultId);
    if (parsed.ok) start(parsed.request);
  }, [routeAddress, routeLoaded, source, runAddress, routeDomain, draft, start, platforms]);

  const change = (next: ChecklistDraft) => {
    setDraft(next);
    // An edit is no longer the saved address: the next run checks what the form says, and says so.
    if (source.kind === 'address') setSource({ kind: 'edited', address: source.address });
  };

  const run = () => {
    if (source.kind === 'address') {
      setLocalErrors({});
      runAddress(source.address);
      return;
    }
    const parsed = requestOf(draft, platforms.defaultId);
    if (!parsed.ok) {
      setLocalErrors(parsed.errors);
      return;
    }
    setLocalErrors({});
    start(parsed.request);
  };

  const rerun = () => {
    if (state.phase === 'idle') return;
    if (state.request.kind === 'form') start(state.request.input);
    else startForAddress(state.request);
  };

  const focusField = (field: CheckInputField) => {
    const control = findField(formRef.current, inputFieldOf[field]);
    control?.scrollIntoView({ block: 'center' });
    control?.focus();
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
        description="Checks the DNS records a connector setup depends on (SPF, DKIM, DMARC, MX, reverse DNS and more) against the platform's sending route, shows the evidence for each, and gives the exact record to publish when one is wrong."
      />
      {rejected === null ? null : <ErrorBar error={rejected} title="Check the highlighted fields" />}
      <ChecklistForm
        draft={draft}
        errors={errors}
        onChange={change}
        onPickAddress={pickAddress}
        onRun={run}
        onCancel={cancel}
        running={state.phase === 'running'}
        cancelling={state.phase === 'running' && state.cancelling}
        addresses={addresses.data ?? []}
        source={source}
        platformList={platformList.data ?? []}
        preset={preset}
        dnsFallback={dnsFallback}
        formRef={formRef}
      />
      <Text as="p" role="status" aria-live="polite" className={styles.status} data-testid="checklist-progress">
        {rejected === null ? progressMessage(state) : ''}
      </Text>
      {state.phase === 'idle' || rejected !== null ? null : <ChecklistResults state={state} onRerun={rerun} onCheckPropagation={checkRecord} onFocusField={focusField} />}
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
  // The link's selectors are the relay's (a saved address's), which the status view names.
  return { ...emptyChecklistDraft, domain, ...(known.success ? { platform: known.data } : {}), relaySelectors: selectors ?? '' };
}
