import { useCallback, useEffect, useRef } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { GENERIC_PLATFORM_ID } from '../../../../src-preload/contract/platform-vocabulary';
import type { ChecklistRequest, RunState } from '../checklist/checklist-run';
import { useChecklistRun } from '../checklist/use-checklist-run';
import { blockingProblems, type WizardAction } from './wizard-state';

export interface WizardChecks {
  readonly run: RunState;
  /** Runs the address's own checklist once it is saved, else the request built from what was typed. */
  readonly runNow: () => void;
  readonly cancel: () => void;
}

/**
 * The wizard's DNS verdict (steps 6 and 8): once the in-progress address exists, main runs
 * the address's one checklist (`checks:run-for-address`, from the wizard), the same input
 * the Checklist view, the status and the report use; its required blockers go to the
 * summary. Before the address exists, `fallback` (what was typed) is checked instead.
 */
export function useWizardChecks(address: AddressView | undefined, domain: string, fallback: ChecklistRequest, dispatch: (action: WizardAction) => void): WizardChecks {
  const { state: run, start, startForAddress, cancel } = useChecklistRun();
  const addressId = address?.id;
  const addressText = address?.address;
  const platform = address?.platform ?? fallback.platform ?? GENERIC_PLATFORM_ID;
  // The typed request is rebuilt on every render; the latest one is what a run sends.
  const fallbackRef = useRef(fallback);
  useEffect(() => {
    fallbackRef.current = fallback;
  });
  const runNow = useCallback(() => {
    if (addressId !== undefined && addressText !== undefined) startForAddress({ addressId, address: addressText, domain, platform, from: 'wizard' });
    else if (fallbackRef.current.domain !== '') start(fallbackRef.current);
  }, [addressId, addressText, domain, platform, start, startForAddress]);

  const report = run.phase === 'done' ? run.report : null;
  useEffect(() => {
    if (report !== null) dispatch({ type: 'dns-finished', problems: blockingProblems(report) });
  }, [report, dispatch]);
  return { run, runNow, cancel };
}
